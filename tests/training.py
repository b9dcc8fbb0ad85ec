"""The fit config of the tiny training setup (`tiny_setup` in tests/conftest.py), for the tests
that train: a tiny random BERT on CPU, fast settings; ``overrides`` set any FitConfig field."""

from __future__ import annotations

from pathlib import Path

from finlocal.train.config import FitConfig


def tiny_fit_config(setup: dict, out: Path, **overrides: object) -> FitConfig:
    base = {
        "output_dir": str(out),
        "backbone": str(setup["backbone"]),
        "fpb_path": str(setup["data"]),
        "epochs": 4,
        "batch_size": 16,
        "lr": 2e-3,
        "head_lr": 1e-2,
        "layer_lr_decay": 1.0,
        "max_length": 32,
        "threads": 1,
        "device": "cpu",
    }
    return FitConfig.from_dict({**base, **overrides})
