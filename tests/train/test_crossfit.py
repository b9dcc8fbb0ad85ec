"""Smaller students (first N layers) and cross-fitted teachers, on the tiny backbone."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from finlocal.train.config import ConfigError, FitConfig
from finlocal.train.crossfit import crossfit, merge_heldout
from finlocal.train.fit import build_rows, deal_folds, fit
from finlocal.train.student import Student


def tiny_config(setup: dict, out: Path, **overrides: object) -> FitConfig:
    base = {
        "output_dir": str(out), "backbone": str(setup["backbone"]), "fpb_path": str(setup["data"]),
        "epochs": 2, "batch_size": 16, "lr": 2e-3, "head_lr": 1e-2, "layer_lr_decay": 1.0,
        "max_length": 32, "patience": 4, "threads": 1, "device": "cpu",
    }
    return FitConfig.from_dict({**base, **overrides})


def test_encoder_layers_keeps_the_first_layers_and_the_checkpoint_reloads(tiny_setup: dict, tmp_path: Path) -> None:
    result = fit(tiny_config(tiny_setup, tmp_path / "l1", encoder_layers=1, epochs=1), progress=False)
    model = Student.from_pretrained(result.best_dir)
    assert model.config.encoder["num_hidden_layers"] == 1
    assert len(model.encoder.encoder.layer) == 1


def test_encoder_layers_beyond_the_backbone_is_a_config_error(tiny_setup: dict, tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="has 2 layers"):
        fit(tiny_config(tiny_setup, tmp_path / "l9", encoder_layers=9), progress=False)


def test_folds_partition_the_training_rows(tiny_setup: dict, tmp_path: Path) -> None:
    assert sorted(deal_folds(10, 3, seed=1)) == [0, 0, 0, 0, 1, 1, 1, 2, 2, 2]
    sets = [build_rows(tiny_config(tiny_setup, tmp_path, folds=3, fold=k)) for k in range(3)]
    full = build_rows(tiny_config(tiny_setup, tmp_path))
    heldout = [ex.text for s in sets for ex in s.heldout]
    assert sorted(heldout) == sorted(r.text for r in full.train)
    for s in sets:
        assert not {ex.text for ex in s.heldout} & {r.text for r in s.train}


def test_crossfit_writes_a_teacher_file_the_student_reads(tiny_setup: dict, tmp_path: Path) -> None:
    out = tmp_path / "oof.jsonl"
    summary = crossfit(tiny_config(tiny_setup, tmp_path / "cf", epochs=1), 2, out, progress=False)
    rows = [json.loads(line) for line in out.read_text().splitlines()]
    full = build_rows(tiny_config(tiny_setup, tmp_path))
    assert summary.rows == len(rows) == len(full.train)
    for r in rows:
        assert abs(sum(r["probs"].values()) - 1.0) < 1e-4
        assert r["label"] == max(r["probs"], key=r["probs"].get)
    assert summary.accuracy == sum(r["label"] == r["gold"] for r in rows) / len(rows)

    kd = fit(tiny_config(tiny_setup, tmp_path / "kd", teacher_files=[str(out)], teacher_weight=1.0,
                         epochs=1), progress=False)
    data = json.loads((kd.best_dir / "fit.json").read_text())["data"]
    assert data["rows_with_teacher_probs"] == data["train_rows"]
    assert data["teachers"] == [summary.teacher]


def test_two_teacher_files_are_averaged(tiny_setup: dict, tmp_path: Path) -> None:
    text = tiny_setup["rows"][0]["text"]
    files = []
    for name, probs in (("a", [1.0, 0.0, 0.0]), ("b", [0.0, 0.0, 1.0])):
        path = tmp_path / f"{name}.jsonl"
        path.write_text(json.dumps({"text": text, "probs": dict(zip(("negative", "neutral", "positive"), probs)),
                                    "teachers": [name]}) + "\n")
        files.append(str(path))
    rows = build_rows(tiny_config(tiny_setup, tmp_path, teacher_files=files, teacher_weight=1.0)).train
    (row,) = [r for r in rows if r.text == text]
    assert row.teacher_probs == (0.5, 0.0, 0.5)


def test_merge_refuses_overlapping_folds(tmp_path: Path) -> None:
    line = json.dumps({"id": "1", "text": "x", "gold": "neutral", "fold": 0,
                       "probs": {"negative": 0.1, "neutral": 0.8, "positive": 0.1}})
    for d in ("a", "b"):
        (tmp_path / d).mkdir()
        (tmp_path / d / "heldout.jsonl").write_text(line + "\n")
    from finlocal.errors import InputError

    with pytest.raises(InputError, match="overlap"):
        merge_heldout([tmp_path / "a", tmp_path / "b"], tmp_path / "out.jsonl", "t")


def test_crossfit_cli_prints_a_summary(tiny_setup: dict, tmp_path: Path) -> None:
    from finlocal.cli import cli

    config = tmp_path / "c.toml"
    config.write_text(
        f'backbone = "{tiny_setup["backbone"]}"\nfpb_path = "{tiny_setup["data"]}"\n'
        f'output_dir = "{tmp_path / "cli"}"\nepochs = 1\nmax_length = 32\nthreads = 1\n'
        'lr = 2e-3\nhead_lr = 1e-2\nlayer_lr_decay = 1.0\n'
    )
    result = CliRunner().invoke(cli, ["train", "crossfit", str(config), "--folds", "2", "--quiet",
                                       "--out", str(tmp_path / "oof.jsonl")])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["rows"] > 0
    bad = CliRunner().invoke(cli, ["train", "crossfit", str(config), "--folds", "1", "--out", "x"])
    assert bad.exit_code == 2
