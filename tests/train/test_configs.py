"""The shipped configs and the study's configurations stay valid as FitConfig evolves."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

from finlocal.export.build import _teacher_role
from finlocal.train.config import FitConfig

ROOT = Path(__file__).resolve().parents[2]


def _study_module():
    spec = importlib.util.spec_from_file_location("study", ROOT / "bench" / "study.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("study", module)  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize("path", sorted((ROOT / "configs").glob("*.toml")), ids=lambda p: p.name)
def test_every_config_file_loads(path: Path) -> None:
    config = FitConfig.load(path)
    assert config.to_dict() == FitConfig.from_dict(config.to_dict()).to_dict()


def test_every_study_group_and_teacher_is_a_valid_config() -> None:
    study = _study_module()
    groups = study.groups([Path("/t/smollm2-oof.jsonl"), Path("/t/minilm-oof.jsonl")])
    assert len({g.name for g in groups}) == len(groups)
    for group in groups:
        config = FitConfig.load(ROOT / group.config, [*group.overrides, "seed=14"])
        assert (config.teacher_weight > 0) == bool(config.teacher_files), group.name
        if group.needs_teachers:
            assert config.teacher_files == (Path("/t/smollm2-oof.jsonl"), Path("/t/minilm-oof.jsonl")) or \
                config.teacher_files == (Path("/t/smollm2-oof.jsonl"),), group.name
    for teacher in study.TEACHERS:
        assert FitConfig.load(ROOT / teacher.config, teacher.overrides).teacher_weight == 0


def test_the_shipped_recipe_is_the_study_group_it_came_from() -> None:
    study = _study_module()
    (group,) = [g for g in study.groups([Path("/t/a.jsonl")]) if g.name == "minilm-l3-kd-rationale"]
    assert group.config == "configs/distilled.toml"
    shipped = FitConfig.load(ROOT / "configs" / "distilled.toml")
    assert (shipped.encoder_layers, shipped.evidence_weight, shipped.teacher_weight) == (3, 0.5, 1.0)


def test_teacher_roles_say_what_a_crossfit_teacher_is() -> None:
    role = _teacher_role("crossfit:smollm2:k5:seed13")
    assert "smollm2" in role and "5-fold" in role and "out-of-fold" in role
    assert _teacher_role("llama:gemma3:plain:logprob") == "soft labels (KL)"


def test_the_recreate_script_names_configs_that_exist() -> None:
    import re

    script = (ROOT / "scripts" / "recreate-default-model.sh").read_text()
    named = set(re.findall(r"configs/[\w.-]+\.toml", script))
    assert "configs/distilled.toml" in named
    for path in named:
        FitConfig.load(ROOT / path)
