"""`finlocal train cv` and `finlocal train teach` on the tiny backbone."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner

from finlocal.train.config import FitConfig
from finlocal.train.cv import OOF, bootstrap_intervals, corrected_t_interval, headline, run, t975
from finlocal.train.folds import ALL
from finlocal.train.rows import build_rows
from finlocal.train.saliency import annotate_cv
from finlocal.train.teach import teach
from tests.training import tiny_fit_config


def tiny_config(setup: dict, out: Path, **overrides: object) -> FitConfig:
    return tiny_fit_config(setup, out, **{"epochs": 2, **overrides})


@pytest.fixture(scope="module")
def cv_dir(tiny_setup: dict, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("cv") / "teacher"
    run(tiny_config(tiny_setup, out), folds=3, repeats=1, out=out, final=True, progress=False)
    return out


@pytest.mark.train
def test_cv_pools_every_row_once_with_an_interval(cv_dir: Path, tiny_setup: dict) -> None:
    report = json.loads((cv_dir / "cv.json").read_text())
    f1 = report["overall"]["f1_weighted"]
    assert len(f1["folds"]) == 3
    assert f1["ci95"][0] <= f1["mean"] <= f1["ci95"][1]  # corrected resampled t around the fold mean
    assert f1["ci95_pooled_bootstrap"][0] <= f1["pooled"] <= f1["ci95_pooled_bootstrap"][1]
    assert "corrected resampled t" in report["overall"]["intervals"]["ci95"]
    assert report["overall"]["n"] == len(tiny_setup["rows"])
    assert list(report["by_agreement"]) == ["100"]
    assert report["calibration"]["temperature"] > 0
    oof = [json.loads(line) for line in (cv_dir / OOF).read_text().splitlines()]
    assert sorted(r["id"] for r in oof) == sorted(r["id"] for r in tiny_setup["rows"])
    assert (cv_dir / "all" / "final" / "fit.json").is_file()


def test_bootstrap_interval_narrows_with_more_sentences() -> None:
    rng = np.random.default_rng(0)
    gold = rng.integers(0, 3, 2000)
    pred = np.where(rng.random(2000) < 0.8, gold, (gold + 1) % 3)
    small = bootstrap_intervals(gold[:100], [pred[:100]], n=300)["f1_weighted"]
    large = bootstrap_intervals(gold, [pred], n=300)["f1_weighted"]
    assert large[1] - large[0] < small[1] - small[0]
    assert large[0] < 0.8 < large[1] + 0.02


@pytest.mark.train
def test_teach_gives_each_fold_its_own_model_and_the_student_reads_it(
    cv_dir: Path, tiny_setup: dict, tmp_path: Path
) -> None:
    sentences = tmp_path / "s.jsonl"
    texts = ["Net sales rose by 5 % in the third quarter .", tiny_setup["rows"][0]["text"]]
    sentences.write_text("".join(json.dumps({"text": t}) + "\n" for t in texts))
    summary = teach(cv_dir, sentences, tmp_path / "teacher.jsonl", threads=1)
    rows = [json.loads(line) for line in (tmp_path / "teacher.jsonl").read_text().splitlines()]
    assert summary.folds == 3 and summary.sentences == 2
    for r in rows:
        assert set(r["probs_by_fold"]) == {"0", "1", "2", ALL}
        mean = np.mean(
            [[r["probs_by_fold"][k][label] for label in ("negative", "neutral", "positive")] for k in "012"], axis=0
        )
        assert np.allclose(
            mean, [r["probs_by_fold"][ALL][label] for label in ("negative", "neutral", "positive")], atol=1e-5
        )
        assert r["partition"] == summary.partition
    student = build_rows(
        tiny_config(
            tiny_setup,
            tmp_path / "s",
            folds=3,
            fold=0,
            teacher_files=[str(tmp_path / "teacher.jsonl")],
            teacher_weight=1.0,
        )
    )
    transfer = [r for r in student.train if r.source == "transfer"]
    assert [r.text for r in transfer] == [texts[0]]
    expected = tuple(rows[0]["probs_by_fold"]["0"][label] for label in ("negative", "neutral", "positive"))
    assert transfer[0].teacher_probs == pytest.approx(expected)


@pytest.mark.train
def test_saliency_annotates_each_fold_models_own_training_rows(cv_dir: Path, tmp_path: Path) -> None:
    out = tmp_path / "saliency.jsonl"
    counts = annotate_cv(cv_dir, out, threads=1)
    rows = [json.loads(line) for line in out.read_text().splitlines()]
    config = json.loads((cv_dir / "r0-f0" / "final" / "fit.json").read_text())["config"]
    from finlocal.train.data import load_fpb
    from finlocal.train.folds import partition

    part = partition(load_fpb(Path(config["fpb_path"])), 3)
    for r in rows:
        assert str(part.fold_of[r["id"]]) not in r["evidence_by_fold"]  # never a held-out row
        for spans in r["evidence_by_fold"].values():
            for span in spans:
                assert r["text"][span["start"] : span["end"]] == span["text"]
    assert set(counts) == {"0", "1", "2", ALL}


@pytest.mark.train
def test_cv_and_teach_commands(tiny_setup: dict, tmp_path: Path) -> None:
    from finlocal.cli import cli

    config = tmp_path / "c.toml"
    config.write_text(
        f'backbone = "{tiny_setup["backbone"]}"\nfpb_path = "{tiny_setup["data"]}"\n'
        "epochs = 1\nmax_length = 32\nthreads = 1\nlr = 2e-3\nhead_lr = 1e-2\nlayer_lr_decay = 1.0\n"
    )
    result = CliRunner().invoke(
        cli, ["train", "cv", str(config), "--folds", "2", "--quiet", "--out", str(tmp_path / "cv")]
    )
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["overall"]["n"] == len(tiny_setup["rows"])
    bad = CliRunner().invoke(cli, ["train", "cv", str(config), "--folds", "1", "--out", "x"])
    assert bad.exit_code == 2
    missing = CliRunner().invoke(cli, ["train", "teach", str(tmp_path), str(config), "--out", "y"])
    assert missing.exit_code == 1 and "no finished fold runs" in missing.output


@pytest.mark.train
def test_teach_never_reuses_the_probabilities_of_a_retrained_fold_model(cv_dir: Path, tmp_path: Path) -> None:
    import shutil

    from finlocal.train.teach import cache_name, fold_models

    cv = tmp_path / "cv"
    shutil.copytree(cv_dir, cv)
    sentences = tmp_path / "s.jsonl"
    texts = ["Net sales rose by 5 % .", "Costs fell ."]
    sentences.write_text("".join(json.dumps({"text": t}) + "\n" for t in texts))
    out = tmp_path / "teacher.jsonl"
    cache = Path(str(out) + ".partial")
    cache.mkdir()
    models, key, _ = fold_models(cv, 0)
    bogus = np.tile([1.0, 0.0, 0.0], (len(texts), 1))
    np.save(cache / cache_name(0, key, models[0], texts), bogus)
    teach(cv, sentences, out, threads=1)
    first = [json.loads(line)["probs_by_fold"]["0"]["negative"] for line in out.read_text().splitlines()]
    assert first == [1.0, 1.0]  # a cache of this very model is used

    cache.mkdir()
    np.save(cache / cache_name(0, key, models[0], texts), bogus)
    with (models[0] / "fit.json").open("a") as fh:  # "retrained": another fit.json
        fh.write("\n")
    assert cache_name(0, key, models[0], texts) not in {p.name for p in cache.iterdir()}
    assert cache_name(0, "k3-r0-00000000", models[0], texts) != cache_name(0, key, models[0], texts)
    teach(cv, sentences, out, threads=1)
    again = [json.loads(line)["probs_by_fold"]["0"]["negative"] for line in out.read_text().splitlines()]
    assert again != [1.0, 1.0]


@pytest.mark.train
def test_teach_refuses_a_fold_model_of_another_fold(cv_dir: Path, tmp_path: Path) -> None:
    import shutil

    from finlocal.errors import InputError
    from finlocal.train.teach import fold_models

    cv = tmp_path / "cv"
    shutil.copytree(cv_dir, cv)
    shutil.rmtree(cv / "r0-f1")
    shutil.copytree(cv_dir / "r0-f0", cv / "r0-f1")
    with pytest.raises(InputError, match="not of fold 1"):
        fold_models(cv, 0)


def test_corrected_resampled_t_interval() -> None:
    assert t975(4) == pytest.approx(2.776)
    assert t975(40) == pytest.approx(2.021, abs=2e-3)
    assert t975(120) == pytest.approx(1.980, abs=2e-3)
    values = [0.80, 0.82, 0.84, 0.81, 0.83]
    lo, hi = corrected_t_interval(values, 0.25)
    sd = float(np.std(values, ddof=1))
    assert (hi - lo) / 2 == pytest.approx(2.776 * sd * np.sqrt(1 / 5 + 0.25), rel=1e-3)
    naive = 2.776 * sd / np.sqrt(5)
    assert (hi - lo) / 2 > naive  # wider than the uncorrected t
    report = {
        "overall": {"f1_weighted": {"mean": 0.82, "ci95": [lo, hi], "ci95_pooled_bootstrap": [0.8, 0.84]}},
        "folds": 5,
        "repeats": 1,
    }
    assert "corrected resampled t" in headline(report) and f"{lo:.3f}" in headline(report)


def test_cross_fitted_temperature_never_sees_a_rows_other_repeats(monkeypatch: pytest.MonkeyPatch) -> None:
    from finlocal.train import cv as cv_module
    from finlocal.train.cv import Oof, calibration

    rng = np.random.default_rng(0)
    ids = [f"r{i}" for i in range(40)]

    def oof(seed: int) -> Oof:
        folds = np.random.default_rng(seed).permutation(np.arange(40) % 4)
        return Oof(
            ids=ids,
            gold=np.arange(40) % 3,
            agreement=[None] * 40,
            fold=folds,
            logits=rng.normal(size=(40, 3)),
            texts=ids,
        )

    oofs = [oof(1), oof(2)]
    real = cv_module.fit_temperature
    seen: list[int] = []

    def spy(logits: np.ndarray, gold: np.ndarray):
        seen.append(len(gold))
        return real(logits, gold)

    monkeypatch.setattr(cv_module, "fit_temperature", spy)
    calibration(oofs)
    # the first fit is on everything; each of the 8 cross-fits leaves out its 10 ids in both repeats
    assert seen[0] == 80 and seen[1:] == [60] * 8


@pytest.mark.train
def test_every_fold_run_is_checked_before_any_trains(
    cv_dir: Path, tiny_setup: dict, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from finlocal.errors import InputError
    from finlocal.train import fit as fit_module
    from finlocal.train.cv import final_config, fold_configs, validate_runs

    teacher = tmp_path / "teacher.jsonl"
    sentences = tmp_path / "s.jsonl"
    sentences.write_text(json.dumps({"text": "Net sales rose by 5 % ."}) + "\n")
    teach(cv_dir, sentences, teacher, threads=1)
    config = tiny_config(tiny_setup, tmp_path / "student", teacher_files=[str(teacher)], teacher_weight=1.0)
    out = tmp_path / "student"
    validate_runs([*fold_configs(config, 3, 1, out), final_config(config, out)])  # the teacher's own folds

    def no_training(*args: object, **kwargs: object) -> None:
        raise AssertionError("a run was trained before the configs were checked")

    monkeypatch.setattr(fit_module, "fit", no_training)
    with pytest.raises(InputError, match=r"fold run r1-f0 .*--repeats 1"):
        run(config, folds=3, repeats=2, out=out, progress=False)
    with pytest.raises(InputError, match="folds"):
        run(config, folds=2, repeats=1, out=out, progress=False)
    assert not out.exists()


@pytest.mark.train
def test_saliency_needs_the_model_trained_on_every_row(cv_dir: Path, tmp_path: Path) -> None:
    import shutil

    from finlocal.errors import InputError

    cv = tmp_path / "cv"
    shutil.copytree(cv_dir, cv)
    shutil.rmtree(cv / "all")
    with pytest.raises(InputError, match="cv --final"):
        annotate_cv(cv, tmp_path / "s.jsonl", threads=1)
    assert not (tmp_path / "s.jsonl").exists()


def test_teach_cache_names_tell_apart_sentences_that_join_alike(tmp_path: Path) -> None:
    """["x\\ny", "z"] and ["x", "y\\nz"] have the same row count and the same "\\n".join."""
    from finlocal.train.teach import cache_name

    (tmp_path / "fit.json").write_text("{}")
    (tmp_path / "model.safetensors").write_bytes(b"w")
    one = cache_name(0, "k3-r0-00000000", tmp_path, ["x\ny", "z"])
    two = cache_name(0, "k3-r0-00000000", tmp_path, ["x", "y\nz"])
    assert one != two
    assert one == cache_name(0, "k3-r0-00000000", tmp_path, ["x\ny", "z"])
