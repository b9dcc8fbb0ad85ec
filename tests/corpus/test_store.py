"""The dataset directory: commits, what readers see, settings checks and the lock."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from finlocal.corpus.documents import CorpusDocument, document_id
from finlocal.corpus.metadata import FieldKind, MetadataField
from finlocal.corpus.rows import ScoredDocument
from finlocal.corpus.store import (
    COMMITS,
    STAGING,
    CorpusDataset,
    RunSettings,
    commit_records,
    finished_ids,
    open_for_writing,
)
from finlocal.corpus.tables import Layout, batch_table, split_batch
from finlocal.errors import InputError

LAYOUT = Layout(("negative", "neutral", "positive"), (MetadataField("ticker"), MetadataField("year", FieldKind.INT)))
SETTINGS = RunSettings("fake", "0" * 64, LAYOUT, top_k=3)


def _scored(name: str, sentences: int = 2, error: str | None = None) -> ScoredDocument:
    path = Path("/corpus") / name
    doc = CorpusDocument(document_id(path), path, str(path), {"ticker": name[:3], "year": 2021})
    rows = tuple(
        {
            "source": str(path),
            "index": i,
            "start": 10 * i,
            "end": 10 * i + 9,
            "text": f"sentence {i}",
            "label": "neutral",
            "scores": {"negative": 0.1, "neutral": 0.8, "positive": 0.1},
            "evidence": [],
            "ms": {"tokenize": 0.1, "inference": 0.2},
        }
        for i in range(sentences)
    )
    summary = (
        None
        if error
        else {
            "source": str(path),
            "sentences": sentences,
            "label": "neutral",
            "counts": {"negative": 0, "neutral": sentences, "positive": 0},
            "tone": 0.0,
            "top_positive": [],
            "top_negative": [],
            "ms": {"total": 1.0, "tokenize": 0.5, "inference": 0.4},
            "sentences_per_s": 100.0,
        }
    )
    return ScoredDocument(doc, "ab" * 32, () if error else rows, summary, error)


def _tables(*scored: ScoredDocument):
    return split_batch(batch_table(list(scored), LAYOUT), LAYOUT)


def test_commit_and_read_back(tmp_path: Path) -> None:
    with open_for_writing(tmp_path / "ds", SETTINGS) as writer:
        record = writer.commit(_tables(_scored("AAA_1.txt", 3), _scored("BBB_1.txt", error="broken")))
    assert (len(record.documents), len(record.errors), record.sentences) == (1, 1, 3)
    dataset = CorpusDataset.open(tmp_path / "ds")
    assert dataset.read("sentences").num_rows == 3
    assert dataset.read("documents")["ticker"].to_pylist() == ["AAA"]
    assert dataset.read("errors")["error"].to_pylist() == ["broken"]
    assert dataset.read("sentences").schema == LAYOUT.schema("sentences")
    assert finished_ids(tmp_path / "ds") == {
        document_id(Path("/corpus/AAA_1.txt")),
        document_id(Path("/corpus/BBB_1.txt")),
    }


def test_committing_the_same_part_twice_writes_it_once(tmp_path: Path) -> None:
    """A Ray write task retried after it committed must not duplicate rows."""
    with open_for_writing(tmp_path / "ds", SETTINGS) as writer:
        first = writer.commit(_tables(_scored("AAA_1.txt")))
        again = writer.commit(_tables(_scored("AAA_1.txt")))
    assert first.part == again.part
    assert CorpusDataset.open(tmp_path / "ds").read("sentences").num_rows == 2


def test_readers_ignore_parts_without_a_marker(tmp_path: Path) -> None:
    with open_for_writing(tmp_path / "ds", SETTINGS) as writer:
        record = writer.commit(_tables(_scored("AAA_1.txt")))
        writer.commit(_tables(_scored("BBB_1.txt")))
    (tmp_path / "ds" / COMMITS / f"{record.part}.json").unlink()
    dataset = CorpusDataset.open(tmp_path / "ds")
    assert dataset.read("documents")["ticker"].to_pylist() == ["BBB"]
    assert len(commit_records(tmp_path / "ds")) == 1


def test_recovery_rolls_committed_parts_forward_and_drops_the_rest(tmp_path: Path) -> None:
    root = tmp_path / "ds"
    with open_for_writing(root, SETTINGS) as writer:
        kept = writer.commit(_tables(_scored("AAA_1.txt")))
        dropped = writer.commit(_tables(_scored("BBB_1.txt")))
    for record in (kept, dropped):  # as if killed between the marker and the renames
        staging = root / STAGING / record.part
        staging.mkdir(parents=True)
        for table in ("sentences", "documents"):
            (root / table / f"part-{record.part}.parquet").rename(staging / f"{table}.parquet")
    (root / COMMITS / f"{dropped.part}.json").unlink()  # ... and this one before its marker
    (root / COMMITS / "half-written.json.tmp").write_text("{")
    with open_for_writing(root, SETTINGS):
        pass
    assert not any((root / STAGING).iterdir())
    assert not list((root / COMMITS).glob("*.tmp"))
    assert CorpusDataset.open(root).read("documents")["ticker"].to_pylist() == ["AAA"]


def test_other_settings_are_refused(tmp_path: Path) -> None:
    root = tmp_path / "ds"
    with open_for_writing(root, SETTINGS):
        pass
    other_model = RunSettings("other", "1" * 64, LAYOUT, top_k=3)
    with pytest.raises(InputError, match="model fake"), open_for_writing(root, other_model):
        pass
    other_fields = RunSettings("fake", "0" * 64, Layout(LAYOUT.labels), top_k=3)
    with (
        pytest.raises(InputError, match="metadata fields ticker:text, year:int vs none"),
        open_for_writing(root, other_fields),
    ):
        pass
    with (
        pytest.raises(InputError, match="--top-k 3 vs 5"),
        open_for_writing(root, RunSettings("fake", "0" * 64, LAYOUT, top_k=5)),
    ):
        pass
    assert json.loads((root / "corpus.json").read_text())["model"]["name"] == "fake"


def test_one_writer_at_a_time_and_no_foreign_directories(tmp_path: Path) -> None:
    with (
        open_for_writing(tmp_path / "ds", SETTINGS),
        pytest.raises(InputError, match="being written by another"),
        open_for_writing(tmp_path / "ds", SETTINGS),
    ):
        pass
    foreign = tmp_path / "photos"
    foreign.mkdir()
    (foreign / "cat.jpg").write_bytes(b"x")
    with pytest.raises(InputError, match="not empty and is not a corpus dataset"), open_for_writing(foreign, SETTINGS):
        pass
    with pytest.raises(InputError, match="not a corpus dataset"):
        CorpusDataset.open(foreign)
