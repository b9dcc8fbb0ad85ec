from __future__ import annotations

import json
import random
from pathlib import Path

import numpy as np
import pytest

pytest.importorskip("torch")
pytestmark = pytest.mark.train

from finlocal.train import fit as fit_module  # noqa: E402
from finlocal.train.batches import length_bucketed_batches  # noqa: E402
from finlocal.train.config import ConfigError, FitConfig  # noqa: E402
from finlocal.train.fit import CHECKPOINT, FINAL, fit  # noqa: E402
from finlocal.train.metrics import fit_temperature, label_metrics  # noqa: E402
from finlocal.train.student import Student  # noqa: E402
from tests.training import tiny_fit_config as tiny_config  # noqa: E402


def _weights(model_dir: Path) -> dict[str, np.ndarray]:
    from safetensors.numpy import load_file

    return load_file(model_dir / "model.safetensors")


def test_fit_end_to_end_loss_decreases_and_the_model_directory_is_complete(tiny_setup: dict, tmp_path: Path) -> None:
    result = fit(tiny_config(tiny_setup, tmp_path / "run"), progress=False)
    losses = [h["train_loss"] for h in result.history]
    assert len(losses) == 4 and losses[-1] < losses[0]
    names = {p.name for p in result.model_dir.iterdir()}
    assert {"model.safetensors", "config.json", "tokenizer.json", "fit.json"} <= names
    info = json.loads((result.model_dir / "fit.json").read_text())
    assert info["heldout"] is None and result.heldout is None  # trained on every row
    assert info["data"]["train_rows"] == len(tiny_setup["rows"])
    assert not (tmp_path / "run" / CHECKPOINT).exists()  # removed once the run has finished


def test_a_fold_run_scores_its_held_out_fold(tiny_setup: dict, tmp_path: Path) -> None:
    result = fit(tiny_config(tiny_setup, tmp_path / "f", folds=3, fold=2, epochs=1), progress=False)
    rows = [json.loads(line) for line in (tmp_path / "f" / "heldout.jsonl").read_text().splitlines()]
    assert result.heldout is not None and result.heldout.n == len(rows) > 0
    for r in rows:
        assert abs(sum(r["probs"].values()) - 1.0) < 1e-4 and len(r["logits"]) == 3


def test_fit_is_deterministic(tiny_setup: dict, tmp_path: Path) -> None:
    a = fit(tiny_config(tiny_setup, tmp_path / "a", epochs=1), progress=False)
    b = fit(tiny_config(tiny_setup, tmp_path / "b", epochs=1), progress=False)
    wa, wb = _weights(a.model_dir), _weights(b.model_dir)
    assert all(np.array_equal(wa[k], wb[k]) for k in wa)


def test_an_interrupted_run_resumes_after_its_last_epoch_and_ends_where_an_unbroken_one_does(
    tiny_setup: dict, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    whole = fit(tiny_config(tiny_setup, tmp_path / "whole", epochs=3), progress=False)
    real = fit_module._train_epoch

    def killed_in_epoch_3(run, epoch, advance):
        if epoch == 3:
            raise KeyboardInterrupt
        return real(run, epoch, advance)

    monkeypatch.setattr(fit_module, "_train_epoch", killed_in_epoch_3)
    with pytest.raises(KeyboardInterrupt):
        fit(tiny_config(tiny_setup, tmp_path / "broken", epochs=3), progress=False)
    assert (tmp_path / "broken" / CHECKPOINT / "training_state.pt").is_file()
    assert not (tmp_path / "broken" / FINAL).exists()
    epochs_run: list[int] = []

    def counting(run, epoch, advance):
        epochs_run.append(epoch)
        return real(run, epoch, advance)

    monkeypatch.setattr(fit_module, "_train_epoch", counting)
    resumed = fit(tiny_config(tiny_setup, tmp_path / "broken", epochs=3), progress=False)
    assert epochs_run == [3]
    wa, wb = _weights(whole.model_dir), _weights(resumed.model_dir)
    assert all(np.allclose(wa[k], wb[k], atol=1e-6) for k in wa)
    # a finished run of the same recipe is reused, not trained again
    epochs_run.clear()
    fit(tiny_config(tiny_setup, tmp_path / "broken", epochs=3, threads=2), progress=False)
    assert epochs_run == []


def test_a_checkpoint_of_another_recipe_is_refused(
    tiny_setup: dict, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = fit_module._train_epoch

    def killed_in_epoch_2(run, epoch, advance):
        if epoch == 2:
            raise KeyboardInterrupt
        return real(run, epoch, advance)

    monkeypatch.setattr(fit_module, "_train_epoch", killed_in_epoch_2)
    with pytest.raises(KeyboardInterrupt):
        fit(tiny_config(tiny_setup, tmp_path / "x", epochs=2), progress=False)
    monkeypatch.setattr(fit_module, "_train_epoch", real)
    from finlocal.errors import InputError

    with pytest.raises(InputError, match="checkpoint of another config"):
        fit(tiny_config(tiny_setup, tmp_path / "x", epochs=2, lr=1e-3), progress=False)


def test_fit_with_evidence_file_trains_the_evidence_head(tiny_setup: dict, tmp_path: Path) -> None:
    rows = tiny_setup["rows"]
    evidence = tmp_path / "evidence.jsonl"
    with evidence.open("w") as fh:
        for r in rows:
            spans = []
            for word in ("rose", "fell", "jumped", "dropped", "cut"):
                at = r["text"].find(word)
                if at >= 0:
                    spans.append({"start": at, "end": at + len(word), "text": word})
            fh.write(json.dumps({"text": r["text"], "evidence": spans}) + "\n")
    config = tiny_config(
        tiny_setup, tmp_path / "ev", evidence="file", evidence_file=str(evidence), evidence_weight=1.0, epochs=2
    )
    result = fit(config, progress=False)
    info = json.loads((result.model_dir / "fit.json").read_text())
    assert info["data"]["rows_with_evidence"] == info["data"]["train_rows"]


def test_fit_with_teacher_probs(tiny_setup: dict, tmp_path: Path) -> None:
    teacher = tmp_path / "combined.jsonl"
    with teacher.open("w") as fh:
        for r in tiny_setup["rows"][:40]:
            probs = {"negative": 0.1, "neutral": 0.1, "positive": 0.1}
            probs[r["label"]] = 0.8
            fh.write(
                json.dumps(
                    {
                        "text": r["text"],
                        "label": r["label"],
                        "probs": probs,
                        "rationale": None,
                        "evidence": [],
                        "teachers": ["fake:teacher"],
                    }
                )
                + "\n"
            )
    config = tiny_config(tiny_setup, tmp_path / "kd", teacher_files=[str(teacher)], teacher_weight=1.0, epochs=1)
    result = fit(config, progress=False)
    data = json.loads((result.model_dir / "fit.json").read_text())["data"]
    assert data["rows_with_teacher_probs"] == 40
    assert data["teachers"] == ["fake:teacher"]


def test_encoder_layers_keeps_the_first_layers_and_the_checkpoint_reloads(tiny_setup: dict, tmp_path: Path) -> None:
    result = fit(tiny_config(tiny_setup, tmp_path / "l1", encoder_layers=1, epochs=1), progress=False)
    model = Student.from_pretrained(result.model_dir)
    assert model.config.encoder["num_hidden_layers"] == 1
    assert len(model.encoder.encoder.layer) == 1


def test_encoder_layers_beyond_the_backbone_is_a_config_error(tiny_setup: dict, tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="has 2 layers"):
        fit(tiny_config(tiny_setup, tmp_path / "l9", encoder_layers=9), progress=False)


def test_length_bucketed_batches_cover_every_row_once_and_are_seeded() -> None:
    lengths = [random.Random(1).randint(3, 60) for _ in range(103)]
    a = length_bucketed_batches(lengths, 8, random.Random(7), bucket_batches=4)
    b = length_bucketed_batches(lengths, 8, random.Random(7), bucket_batches=4)
    assert a == b
    assert sorted(i for batch in a for i in batch) == list(range(103))


def test_label_metrics_and_calibration() -> None:
    gold = np.array([0, 0, 1, 1, 2, 2])
    pred = np.array([0, 1, 1, 1, 2, 0])
    m = label_metrics(gold, pred)
    assert m.accuracy == pytest.approx(4 / 6)
    # per-class F1: 0.5, 0.8, 0.667 with equal support
    assert m.f1_weighted == pytest.approx((0.5 + 0.8 + 2 / 3) / 3)
    rng = np.random.default_rng(0)
    gold = rng.integers(0, 3, 500)
    logits = rng.normal(size=(500, 3)) * 0.5
    logits[np.arange(500), gold] += 1.0
    over = logits * 8  # over-confident
    cal = fit_temperature(over, gold)
    assert cal.temperature > 1.5
    assert cal.ece_after < cal.ece_before


def test_train_fit_cli_prints_a_summary(tiny_setup: dict, tmp_path: Path) -> None:
    from click.testing import CliRunner

    from finlocal.cli import cli

    toml = tmp_path / "tiny.toml"
    toml.write_text(
        f'backbone = "{tiny_setup["backbone"]}"\nfpb_path = "{tiny_setup["data"]}"\n'
        "epochs = 1\nbatch_size = 16\nlr = 2e-3\nmax_length = 32\nthreads = 1\n"
    )
    result = CliRunner().invoke(cli, ["train", "fit", str(toml), f"output_dir={tmp_path / 'run'}", "--quiet"])
    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout)
    assert summary["epochs"] == 1 and summary["heldout"] is None
    assert Path(summary["checkpoint"]).is_dir()

    bad = CliRunner().invoke(cli, ["train", "fit", str(toml), "epochs=zero"])
    assert bad.exit_code == 1
    assert "'epochs' expects an integer" in bad.output
    old = CliRunner().invoke(cli, ["train", "fit", str(toml), "patience=2"])
    assert old.exit_code == 1 and "unknown key(s) ['patience']" in old.output


def test_a_rows_loss_does_not_depend_on_what_shares_its_batch() -> None:
    """The batch loss is the mean of the rows' own losses: weights, transfer rows and evidence
    count the same whatever they are batched with."""
    import torch

    from finlocal.train.fit import _loss
    from finlocal.train.rows import TrainRow

    torch.manual_seed(0)
    config = FitConfig.from_dict(
        {
            "teacher_weight": 1.0,
            "teacher_files": ["t.jsonl"],
            "evidence": "file",
            "evidence_file": "e.jsonl",
            "evidence_weight": 0.5,
        }
    )
    rows = [
        TrainRow("a", 2, weight=0.5),  # a down-weighted extra gold row
        TrainRow("b", 0, teacher_probs=(0.7, 0.2, 0.1), evidence=((0, 1),)),
        TrainRow("c", None, teacher_probs=(0.1, 0.1, 0.8)),  # a transfer row
        TrainRow("d", 1, evidence=()),
    ]

    class Out:
        def __init__(self, logits, evidence_logits):
            self.logits, self.evidence_logits = logits, evidence_logits

    logits, ev = torch.randn(4, 3), torch.randn(4, 5)
    targets, mask = (
        (torch.rand(4, 5) > 0.5).float(),
        torch.tensor([[0.0] * 5, [1.0] * 3 + [0.0] * 2, [0.0] * 5, [1.0] * 5]),
    )
    whole = _loss(Out(logits, ev), rows, targets, mask, config)
    alone = [
        _loss(Out(logits[i : i + 1], ev[i : i + 1]), rows[i : i + 1], targets[i : i + 1], mask[i : i + 1], config)
        for i in range(4)
    ]
    assert float(whole) == pytest.approx(float(sum(alone)) / 4, rel=1e-5)


def _crash_states(out: Path) -> dict[str, object]:
    """Ways a run killed after its epoch-2 checkpoint can leave ``out`` (each a function)."""
    import shutil

    ck, tmp, old = out / CHECKPOINT, out / f"{CHECKPOINT}.tmp", out / f"{CHECKPOINT}.old"

    def writing_tmp() -> None:  # killed while writing the next checkpoint
        shutil.copytree(ck, tmp)
        (tmp / "training_state.pt").unlink()

    def between_renames_tmp_complete() -> None:  # old moved away, tmp complete, not yet in place
        shutil.copytree(ck, tmp)
        ck.replace(old)

    def between_renames_tmp_missing() -> None:  # old moved away, tmp not there
        ck.replace(old)

    def old_not_yet_deleted() -> None:
        shutil.copytree(ck, old)
        (out / "final.tmp").mkdir()
        (out / "final.tmp" / "junk").write_text("x")

    return {
        f.__name__: f
        for f in (writing_tmp, between_renames_tmp_complete, between_renames_tmp_missing, old_not_yet_deleted)
    }


@pytest.mark.parametrize(
    "state",
    [
        "writing_tmp",
        "between_renames_tmp_complete",
        "between_renames_tmp_missing",
        "old_not_yet_deleted",
        "final_without_fit_json",
    ],
)
def test_a_run_killed_at_any_point_of_saving_resumes(
    tiny_setup: dict, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, state: str
) -> None:
    whole = fit(tiny_config(tiny_setup, tmp_path / "whole", epochs=3), progress=False)
    out = tmp_path / "broken"
    real = fit_module._train_epoch
    if state == "final_without_fit_json":
        # killed after final/ was swapped in, before fit.json was written
        def no_fit_json(self):
            raise KeyboardInterrupt

        monkeypatch.setattr(fit_module.FitInfo, "to_dict", no_fit_json)
        with pytest.raises(KeyboardInterrupt):
            fit(tiny_config(tiny_setup, out, epochs=3), progress=False)
        monkeypatch.undo()
        assert (out / FINAL / "model.safetensors").is_file() and not (out / FINAL / "fit.json").exists()
        assert fit_module.finished(tiny_config(tiny_setup, out, epochs=3)) is None
    else:

        def killed_in_epoch_3(run, epoch, advance):
            if epoch == 3:
                raise KeyboardInterrupt
            return real(run, epoch, advance)

        monkeypatch.setattr(fit_module, "_train_epoch", killed_in_epoch_3)
        with pytest.raises(KeyboardInterrupt):
            fit(tiny_config(tiny_setup, out, epochs=3), progress=False)
        monkeypatch.setattr(fit_module, "_train_epoch", real)
        _crash_states(out)[state]()
    resumed = fit(tiny_config(tiny_setup, out, epochs=3), progress=False)
    wa, wb = _weights(whole.model_dir), _weights(resumed.model_dir)
    assert all(np.allclose(wa[k], wb[k], atol=1e-6) for k in wa)
    assert sorted(p.name for p in out.iterdir() if p.is_dir()) == [FINAL]  # no .tmp or .old left
    assert (out / FINAL / "fit.json").is_file()


def test_a_changed_input_file_means_the_run_is_not_finished(tiny_setup: dict, tmp_path: Path) -> None:
    data = tmp_path / "fpb.jsonl"
    data.write_bytes(Path(tiny_setup["data"]).read_bytes())
    config = tiny_config(tiny_setup, tmp_path / "run", epochs=1, fpb_path=str(data))
    fit(config, progress=False)
    assert fit_module.finished(config) is not None
    data.write_bytes(data.read_bytes() + b"\n")
    assert fit_module.finished(config) is None


def test_an_unread_evidence_file_is_not_part_of_the_recipe() -> None:
    from finlocal.train.fit import same_recipe

    base = {"evidence": "none", "evidence_file": "runs/teachers/saliency-minilm.jsonl", "epochs": 5}
    assert same_recipe(base, {**base, "evidence_file": None})  # not read: the same model
    on = {**base, "evidence": "file", "evidence_weight": 0.5}
    assert not same_recipe(on, {**on, "evidence_file": "other.jsonl"})  # read: another model
    assert not same_recipe(base, {**base, "epochs": 4})
