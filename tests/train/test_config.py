from __future__ import annotations

from pathlib import Path

import pytest

from finlocal.train.config import ConfigError, FitConfig, Pooling, parse_overrides


def test_defaults_round_trip_through_dict() -> None:
    config = FitConfig()
    assert FitConfig.from_dict(config.to_dict()) == config


def test_toml_plus_overrides(tmp_path: Path) -> None:
    toml = tmp_path / "c.toml"
    toml.write_text('backbone = "minilm-l6"\nlr = 5e-5\nepochs = 3\npooling = "cls"\n')
    config = FitConfig.load(
        toml,
        [
            "epochs=4",
            "output_dir=runs/x",
            'teacher_files=["a.jsonl"]',
            "teacher_weight=0.5",
            "agreement_weighting=true",
        ],
    )
    assert config.lr == 5e-5
    assert config.epochs == 4
    assert config.pooling is Pooling.CLS
    assert config.output_dir == Path("runs/x")
    assert config.teacher_files == (Path("a.jsonl"),)
    assert config.agreement_weighting is True


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"epoch": 3}, "unknown key"),
        ({"epochs": "three"}, "expects an integer"),
        ({"epochs": 2.5}, "expects an integer"),
        ({"lr": "fast"}, "expects a number"),
        ({"lr": 2.0}, "'lr' must be"),
        ({"pooling": "max"}, "one of 'mean', 'cls', 'last'"),
        ({"agreement_weighting": 1}, "true or false"),
        ({"max_length": 4}, "'max_length' must be"),
        ({"teacher_weight": 0.5}, "needs teacher_files"),
        ({"evidence": "teachers"}, "evidence_weight"),
        ({"evidence": "file", "evidence_weight": 0.5}, "needs evidence_file"),
        ({"gold_weight": 0.0}, "nothing to learn"),
    ],
)
def test_validation_errors_name_the_key(data: dict, message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        FitConfig.from_dict(data)


def test_override_syntax_errors() -> None:
    with pytest.raises(ConfigError, match="KEY=VALUE"):
        parse_overrides(["lr"])
    assert parse_overrides(["backbone=/some/dir", "lr=3e-5", "evidence=file"]) == {
        "backbone": "/some/dir",
        "lr": 3e-5,
        "evidence": "file",
    }


def test_bad_toml_file(tmp_path: Path) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text("lr = = 1\n")
    with pytest.raises(ConfigError, match="not valid TOML"):
        FitConfig.load(bad)
    with pytest.raises(ConfigError, match="no such config file"):
        FitConfig.load(tmp_path / "missing.toml")


def test_int_accepted_for_float() -> None:
    assert FitConfig.from_dict({"weight_decay": 0}).weight_decay == 0.0
