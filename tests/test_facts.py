"""README.md's and docs/'s figures from the manifest and bench/results are what those files say
(bench/facts.py renders the marked blocks and lists the quoted figures)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from bench import facts

ROOT = Path(__file__).resolve().parents[1]

pytestmark = pytest.mark.skipif(not (ROOT / "bench" / "results").is_dir(), reason="needs the checkout's bench/results")


def test_every_block_and_quote_is_up_to_date() -> None:
    assert facts.stale() == [], "run python -m bench.facts and commit the result"


def _copy_docs(tmp_path: Path) -> Path:
    for name in {b.path for b in facts.BLOCKS} | {q.path for q in facts.QUOTES}:
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(ROOT / name, tmp_path / name)
    return tmp_path


def test_a_changed_figure_in_a_block_is_stale(tmp_path: Path) -> None:
    root = _copy_docs(tmp_path)
    readme = root / "README.md"
    text = readme.read_text(encoding="utf-8")
    readme.write_text(text.replace("| **0.843** (95 % CI", "| **0.851** (95 % CI", 1), encoding="utf-8")
    assert facts.stale(root) == ["README.md: block model-summary is stale (run python -m bench.facts)"]


def test_a_changed_quoted_figure_is_named(tmp_path: Path) -> None:
    root = _copy_docs(tmp_path)
    student = root / "docs" / "student.md"
    text = student.read_text(encoding="utf-8")
    student.write_text(
        text.replace("tweets no lower than before (0.673 against 0.677)", "tweets (0.676)"), encoding="utf-8"
    )
    [problem] = facts.stale(root)
    assert problem.startswith("docs/student.md: expected 'tweets no lower than before (0.673 against 0.677)'")


def test_a_missing_block_is_an_error(tmp_path: Path) -> None:
    root = _copy_docs(tmp_path)
    readme = root / "README.md"
    readme.write_text(readme.read_text(encoding="utf-8").replace("<!-- /facts:performance -->", ""), encoding="utf-8")
    with pytest.raises(ValueError, match="facts:performance"):
        facts.stale(root)
