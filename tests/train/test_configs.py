"""The shipped configs, the ladder's steps and the re-create script stay valid as FitConfig evolves."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from bench.ladder import READER_STEPS, REPORT_STEPS, STUDENTS, TEACHERS
from finlocal.train.config import EvidenceSource, FitConfig
from finlocal.train.records import describe_teacher

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize("path", sorted((ROOT / "configs").glob("*.toml")), ids=lambda p: p.name)
def test_every_config_file_loads(path: Path) -> None:
    config = FitConfig.load(path)
    assert config.to_dict() == FitConfig.from_dict(config.to_dict()).to_dict()
    assert config.evidence in EvidenceSource
    assert config.folds == 0  # folds come from 'finlocal train cv', never from a config file


def test_every_ladder_step_is_a_valid_config() -> None:
    steps = (*TEACHERS, *READER_STEPS, *REPORT_STEPS, *STUDENTS)
    names = [s.name for s in steps]
    assert len(set(names)) == len(names)
    for step in steps:
        config = FitConfig.load(ROOT / step.config, step.overrides)
        assert (config.teacher_weight > 0) == bool(config.teacher_files), step.name
        for path in config.teacher_files:
            assert str(path) in step.needs, f"{step.name} reads {path} without waiting for it"
        if step in REPORT_STEPS:
            for path in config.extra_files:
                assert str(path) in step.needs, f"{step.name} reads {path} without waiting for it"
    for teacher in TEACHERS:
        assert FitConfig.load(ROOT / teacher.config, teacher.overrides).teacher_weight == 0


def test_teacher_roles_say_what_a_cross_validated_teacher_is() -> None:
    role = describe_teacher("cv:mpnet-base:k5-r0-1a2b3c4d")
    assert "mpnet-base" in role and "k5-r0-1a2b3c4d" in role and "never saw" in role
    assert "LLM" in describe_teacher("llama:gemma3:plain:logprob")


def test_the_recreate_script_names_configs_that_exist() -> None:
    script = (ROOT / "scripts" / "recreate-default-model.sh").read_text()
    named = set(re.findall(r"configs/[\w.-]+\.toml", script))
    assert "configs/student-reader-l4.toml" in named  # the shipped recipe
    for path in named:
        FitConfig.load(ROOT / path)


# The final run's settings beside the recipe: what the manifest's recipe_differences records.
FINAL_RUN = [
    "evidence=file",
    "evidence_weight=0.5",
    "evidence_file=runs/teachers/evidence-default.jsonl",
    "output_dir=runs/final/student-hint-l4",
]


def test_the_shipped_recipe_file_is_the_bundled_models_config() -> None:
    import json

    from finlocal.train.config import KEY_DEFAULTS

    shipped = FitConfig.load(ROOT / "configs" / "student-reader-l4.toml")
    assert shipped.to_dict() == FitConfig.load(ROOT / "configs" / "student-reader.toml", ["encoder_layers=4"]).to_dict()
    manifest = json.loads((ROOT / "finlocal" / "models" / "default" / "finlocal.json").read_text())
    fit_config = manifest["training_data"]["fit_config"]
    final = FitConfig.load(ROOT / "configs" / "student-reader-l4.toml", FINAL_RUN).to_dict()
    # keys FitConfig gained after the model was trained, at the value that trains what came before
    added = {k: v for k, v in KEY_DEFAULTS.items() if k not in fit_config}
    assert json.loads(json.dumps(final)) == {**fit_config, **added}
