"""The ladder (bench/ladder.py) makes the inputs it knows how to make, and `--next` resumes the
first step that has not finished anywhere, passing over steps stopped on purpose."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

import bench.ladder as ladder
from bench.ladder import Prepare, Step, by_source_cell


def _writer(path: str, text: str = "made") -> tuple[str, ...]:
    return (
        "-c",
        f"import pathlib; p = pathlib.Path({path!r}); p.parent.mkdir(parents=True, exist_ok=True); "
        f"p.write_text({text!r})",
    )


@pytest.fixture
def root(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setattr(ladder, "ROOT", tmp_path)
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "source.jsonl").write_text("{}\n")
    monkeypatch.setattr(
        ladder,
        "PREPARE",
        {
            "runs/a.jsonl": Prepare(("data/source.jsonl",), _writer("runs/a.jsonl")),
            "runs/b.jsonl": Prepare(("runs/a.jsonl",), _writer("runs/b.jsonl")),
            "runs/teacher.jsonl": Prepare(("runs/cv/teacher/cv.json",), _writer("runs/teacher.jsonl")),
        },
    )
    return tmp_path


def test_an_input_is_missing_only_when_it_cannot_be_made_from_what_exists(root: Path) -> None:
    assert ladder.missing(("data/source.jsonl", "runs/a.jsonl", "runs/b.jsonl")) == []
    assert ladder.missing(("runs/teacher.jsonl", "runs/unknown.jsonl")) == ["runs/teacher.jsonl", "runs/unknown.jsonl"]
    (root / "runs" / "cv" / "teacher").mkdir(parents=True)
    (root / "runs" / "cv" / "teacher" / "cv.json").write_text("{}")
    assert ladder.missing(("runs/teacher.jsonl",)) == []


def test_making_an_input_makes_its_inputs_first_and_keeps_what_exists(root: Path) -> None:
    ladder.make("runs/b.jsonl")
    assert (root / "runs" / "a.jsonl").read_text() == "made" and (root / "runs" / "b.jsonl").read_text() == "made"
    (root / "runs" / "a.jsonl").write_text("kept")
    (root / "runs" / "b.jsonl").unlink()
    ladder.make("runs/b.jsonl")
    assert (root / "runs" / "a.jsonl").read_text() == "kept"


def _finished() -> dict:
    f1 = {"mean": 0.84, "ci95": [0.82, 0.86]}
    direction = {"challenge": {"accuracy": 0.95}, "holdout": {"accuracy": 0.91}}
    return {"what": "", "cv": {"overall": {"f1_weighted": f1}}, "direction": direction, "rows": {}}


@pytest.mark.parametrize(
    ("earlier", "expected"),
    [
        ({}, "first"),
        ({"first": _finished()}, "resumed"),  # finished in an earlier session: passed over
        ({"first": _finished(), "resumed": {"partial": {"folds": [0], "of": 5}}}, "resumed"),  # unfinished: resumed
        (
            {"first": _finished(), "resumed": _finished()},
            "ready",
        ),  # "stopped" is stopped on purpose; "waiting" cannot run
    ],
)
def test_next_runs_the_first_step_not_finished_anywhere(
    root: Path, monkeypatch: pytest.MonkeyPatch, earlier: dict, expected: str
) -> None:
    steps = (
        Step("first", "c.toml"),
        Step("resumed", "c.toml"),
        Step("stopped", "c.toml", stopped=True),
        Step("waiting", "c.toml", needs=("runs/teacher.jsonl",)),
        Step("ready", "c.toml", needs=("runs/b.jsonl",)),
    )
    for name, value in (("TEACHERS", ()), ("READER_STEPS", steps), ("REPORT_STEPS", ()), ("STUDENTS", ())):
        monkeypatch.setattr(ladder, name, value)
    ran: list[str] = []
    monkeypatch.setattr(ladder.Ladder, "run", lambda self, step, folds: ran.append(step.name))
    monkeypatch.setattr(ladder.Ladder, "measure", lambda self, step, folds: None)
    out = root / "ladder.json"
    out.write_text(json.dumps({"steps": earlier}))
    ladder.main(["--next", "--runs", str(root / "runs" / "cv"), "--out", str(out)])
    assert ran == [expected]
    assert (root / "runs" / "b.jsonl").exists() == (expected == "ready")  # inputs made just before the step
    assert json.loads(out.read_text())["steps"] == earlier  # earlier figures kept


@pytest.mark.parametrize(
    ("step", "cell"),
    [
        ({"cv": {}}, "–"),
        (
            {
                "cv": {
                    "by_source": {"tfns": {"f1_weighted": {"mean": 0.8123}}, "sentfin": {"f1_weighted": {"mean": 0.86}}}
                }
            },
            "sentfin 0.860 / tfns 0.812",
        ),
        (
            {
                "partial": {
                    "heldout_by_fold": {
                        "0": {"f1_weighted": 0.85, "by_source": {"tfns": {"f1_weighted": 0.8}}},
                        "1": {"f1_weighted": 0.84, "by_source": {"tfns": {"f1_weighted": 0.79}}},
                    }
                }
            },
            "tfns f0 0.800, f1 0.790",
        ),
    ],
)
def test_the_ladder_table_shows_tweets_and_headlines_beside_fpb(step: dict, cell: str) -> None:
    assert by_source_cell(step) == cell


def test_the_prepare_commands_name_modules_that_exist() -> None:
    import importlib.util

    for recipe in ladder.PREPARE.values():
        assert recipe.argv[0] == "-m"
        assert importlib.util.find_spec(recipe.argv[1]) is not None, recipe.argv
    assert sys.executable
