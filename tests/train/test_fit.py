from __future__ import annotations

import json
import random
from pathlib import Path

import numpy as np
import pytest

from finlocal.train.config import FitConfig
from finlocal.train.fit import fit, length_bucketed_batches
from finlocal.train.metrics import expected_calibration_error, fit_temperature, label_metrics


def tiny_config(setup: dict, out: Path, **overrides: object) -> FitConfig:
    base = {
        "output_dir": str(out), "backbone": str(setup["backbone"]), "fpb_path": str(setup["data"]),
        "epochs": 4, "batch_size": 16, "lr": 2e-3, "head_lr": 1e-2, "layer_lr_decay": 1.0,
        "max_length": 32, "patience": 4, "threads": 1,
    }
    return FitConfig.from_dict({**base, **overrides})


def test_fit_end_to_end_loss_decreases_and_checkpoint_is_complete(tiny_setup: dict, tmp_path: Path) -> None:
    result = fit(tiny_config(tiny_setup, tmp_path / "run"), progress=False)
    losses = [h["train_loss"] for h in result.history]
    assert losses[-1] < losses[0]
    names = {p.name for p in result.best_dir.iterdir()}
    assert {"model.safetensors", "config.json", "tokenizer.json", "fit.json"} <= names
    info = json.loads((result.best_dir / "fit.json").read_text())
    assert info["val"]["n"] == result.val.n > 0
    assert info["data"]["rows_with_evidence"] == 0
    assert result.calibration.temperature > 0
    assert result.calibration.nll_after <= result.calibration.nll_before + 1e-9


def test_fit_is_deterministic(tiny_setup: dict, tmp_path: Path) -> None:
    a = fit(tiny_config(tiny_setup, tmp_path / "a", epochs=1), progress=False)
    b = fit(tiny_config(tiny_setup, tmp_path / "b", epochs=1), progress=False)
    def without_timing(history: list[dict]) -> list[dict]:
        return [{k: v for k, v in epoch.items() if k != "seconds"} for epoch in history]

    assert len(a.history) == 1
    assert without_timing(a.history) == without_timing(b.history)


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
    config = tiny_config(tiny_setup, tmp_path / "ev", evidence="file", evidence_file=str(evidence),
                         evidence_weight=1.0, epochs=2)
    result = fit(config, progress=False)
    info = json.loads((result.best_dir / "fit.json").read_text())
    # every training row is annotated except those whose text also occurs in the validation portion
    assert 0 < info["data"]["rows_with_evidence"] <= info["data"]["train_rows"]


def test_fit_with_teacher_probs(tiny_setup: dict, tmp_path: Path) -> None:
    teacher = tmp_path / "combined.jsonl"
    with teacher.open("w") as fh:
        for r in tiny_setup["rows"][:40]:
            probs = {"negative": 0.1, "neutral": 0.1, "positive": 0.1}
            probs[r["label"]] = 0.8
            fh.write(json.dumps({"text": r["text"], "label": r["label"], "probs": probs,
                                 "rationale": None, "evidence": [], "teachers": ["fake:teacher"],
                                 "agreement": 1.0, "gold": r["label"]}) + "\n")
    config = tiny_config(tiny_setup, tmp_path / "kd", teacher_files=[str(teacher)],
                         teacher_weight=1.0, epochs=1)
    result = fit(config, progress=False)
    data = json.loads((result.best_dir / "fit.json").read_text())["data"]
    assert 0 < data["rows_with_teacher_probs"] <= 40
    assert data["teachers"] == ["fake:teacher"]


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
        'epochs = 1\nbatch_size = 16\nlr = 2e-3\nmax_length = 32\nthreads = 1\n'
    )
    result = CliRunner().invoke(cli, ["train", "fit", str(toml), f"output_dir={tmp_path / 'run'}", "--quiet"])
    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout)
    assert summary["best_epoch"] == 1
    assert Path(summary["checkpoint"]).is_dir()

    bad = CliRunner().invoke(cli, ["train", "fit", str(toml), "epochs=zero"])
    assert bad.exit_code == 1
    assert "'epochs' expects an integer" in bad.output
