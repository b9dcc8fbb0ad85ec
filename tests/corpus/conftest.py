"""Tiny corpora written into tmp_path: two companies over quarters, plus bad documents."""

from __future__ import annotations

from pathlib import Path

import pytest

PATTERN = "{ticker}_q{quarter:int}_{year:int}"
REPO = Path(__file__).resolve().parents[2]


# `finlocal compare` and the file-name metadata are part of the base install; the rest is Parquet.
BASE_INSTALL = {"test_compare.py", "test_metadata.py"}


@pytest.fixture(scope="module", autouse=True)
def corpus_extra(request: pytest.FixtureRequest) -> None:
    """Corpus datasets are Parquet: without the corpus extra (a runtime-only install) these tests
    skip, saying which install brings them."""
    if request.path.name not in BASE_INSTALL:
        pytest.importorskip("pyarrow", reason="needs the corpus extra: pip install 'finlocal[corpus]'")


@pytest.fixture(autouse=True)
def importable_tests(monkeypatch: pytest.MonkeyPatch) -> None:
    """Spawned worker processes unpickle `tests.corpus.fakes.KeywordModel`: they take the parent's
    sys.path, which under pytest's importlib mode lacks the repository root."""
    monkeypatch.syspath_prepend(str(REPO))


GOOD = {
    "AAA_q1_2021.txt": "Revenue rose 5 % in the quarter. Costs were flat.\n\nMargins improved strongly.",
    "AAA_q2_2021.txt": "Revenue fell 3 %. Demand was weak in Europe.\n\nWe cut the dividend.",
    "AAA_q3_2021.txt": "Revenue grew again. The loss narrowed. Orders were higher than expected.",
    "BBB_q4_2020.txt": "Sales declined. The company is based in Espoo. Profit was lower.",
    "BBB_q1_2021.txt": "Sales increased 12 %. <b>Record</b> quarter & strong cash flow.",
    "notes.md": "# Notes\n\nOperating profit rose to EUR 9 mn. Staff numbers were unchanged.",
}


def write_corpus(root: Path, *, bad: bool = True) -> Path:
    """Six good documents (one not matching the name pattern) and, with ``bad``, three bad ones."""
    root.mkdir(parents=True, exist_ok=True)
    for name, text in GOOD.items():
        (root / name).write_text(text, encoding="utf-8")
    if bad:
        (root / "CCC_q1_2021.txt").write_bytes(b"\x00\x01\x02 binary \x00 data" * 10)
        (root / "DDD_q1_2021.txt").write_text("   \n\n ", encoding="utf-8")
        (root / "EEE_q1_2021.pdf").write_bytes(b"%PDF-1.4 this is not really a pdf")
    return root


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    return write_corpus(tmp_path / "corpus")
