"""The local engine end to end with a keyword model in spawned workers: bad documents, a worker
that dies, resume after a kill (SIGKILL of the whole process group), and re-runs."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from finlocal.corpus.engine import EngineKind
from finlocal.corpus.metadata import MetadataSource, NamePattern
from finlocal.corpus.run import CorpusRunConfig, run_corpus
from finlocal.corpus.store import COMMITS, STAGING, CorpusDataset, commit_records
from finlocal.corpus.tables import TIMING_COLUMNS, sort_table
from tests.corpus.conftest import GOOD, PATTERN, write_corpus
from tests.corpus.fakes import KeywordModel

REPO = Path(__file__).resolve().parents[2]


def _config(paths: list[Path], out: Path, model: KeywordModel | None = None, **kwargs) -> CorpusRunConfig:
    return CorpusRunConfig(
        tuple(paths),
        out,
        model or KeywordModel(),
        engine=EngineKind.LOCAL,
        metadata=MetadataSource(NamePattern.parse(PATTERN)),
        **kwargs,
    )


def _rows(out: Path, table: str) -> list[dict]:
    data = CorpusDataset.open(out).read(table)
    data = data.drop_columns([c for c in data.column_names if c in TIMING_COLUMNS])
    return sort_table(data, table).to_pylist()


def test_bad_documents_become_error_rows_and_the_run_goes_on(corpus: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    summary = run_corpus(_config([corpus], out, workers=2))
    assert (summary.found, summary.documents, summary.errors) == (9, 6, 3)
    assert summary.without_metadata == 1  # notes.md has no ticker/quarter/year
    errors = {Path(r["source"]).name: r["error"] for r in _rows(out, "errors")}
    assert set(errors) == {"CCC_q1_2021.txt", "DDD_q1_2021.txt", "EEE_q1_2021.pdf"}
    assert "binary" in errors["CCC_q1_2021.txt"] and "empty" in errors["DDD_q1_2021.txt"]
    assert "PDF" in errors["EEE_q1_2021.pdf"]
    documents = {Path(r["source"]).name: r for r in _rows(out, "documents")}
    assert set(documents) == set(GOOD)
    aaa = documents["AAA_q2_2021.txt"]
    assert (aaa["ticker"], aaa["quarter"], aaa["year"]) == ("AAA", 2, 2021)
    assert aaa["counts"]["negative"] >= 2 and aaa["tone"] < 0
    assert documents["notes.md"]["ticker"] is None
    sentences = _rows(out, "sentences")
    assert len(sentences) == summary.sentences
    # notes.md's "# Notes" is a heading: a row, but not one of the sentences a document counts
    assert sum(d["sentences"] for d in documents.values()) == len(sentences) - 1
    by_doc = {}
    for row in sentences:
        by_doc.setdefault(row["doc_id"], []).append(row)
    for doc in documents.values():
        rows = by_doc[doc["doc_id"]]
        assert [r["index"] for r in rows] == list(range(len(rows)))
        assert len(rows) >= doc["sentences"]  # headings are rows the count of sentences leaves out
        text = Path(doc["path"]).read_text(encoding="utf-8")
        for r in rows:  # JSONL row fields: offsets into the document, evidence inside the sentence
            assert text[r["start"] : r["end"]] == r["text"]
            for e in r["evidence"]:
                assert text[e["start"] : e["end"]] == e["text"]
            assert (r["ticker"], r["source"]) == (doc["ticker"], doc["source"])


def test_a_worker_that_dies_costs_only_its_document(corpus: Path, tmp_path: Path) -> None:
    (corpus / "ZZZ_q1_2021.txt").write_text("This sentence CRASHES the parser. Revenue rose.")
    out = tmp_path / "out"
    summary = run_corpus(_config([corpus], out, KeywordModel(crash_on="CRASHES"), workers=2))
    errors = {Path(r["source"]).name: r["error"] for r in _rows(out, "errors")}
    assert "worker process died" in errors.pop("ZZZ_q1_2021.txt")
    assert len(errors) == 3  # the three bad documents, as before
    assert summary.documents == len(GOOD)  # every other document survived the crashes


def test_a_rerun_skips_finished_documents_and_scores_new_ones(corpus: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    run_corpus(_config([corpus], out))
    before = _rows(out, "sentences")
    commits = len(commit_records(out))  # how many depends on the machine's speed (time-based commits)
    again = run_corpus(_config([corpus], out))
    assert (again.skipped, again.documents, again.errors) == (9, 0, 0)
    assert len(commit_records(out)) == commits  # a run with nothing to do commits nothing
    (corpus / "BBB_q2_2021.txt").write_text("Sales rose. Costs fell.")
    third = run_corpus(_config([corpus], out))
    assert (third.skipped, third.documents, third.sentences) == (9, 1, 2)
    after = _rows(out, "sentences")
    assert len(after) == len(before) + 2
    assert len(commit_records(out)) == commits + 1


_KILLABLE_RUN = textwrap.dedent("""
    import sys
    from pathlib import Path
    from finlocal.corpus.engine import EngineKind
    from finlocal.corpus.metadata import MetadataSource, NamePattern
    from finlocal.corpus.run import CorpusRunConfig, run_corpus
    from tests.corpus.fakes import KeywordModel

    if __name__ == "__main__":
        corpus, out, signal_file = map(Path, sys.argv[1:4])
        model = KeywordModel(block_on="BLOCKS", signal_file=signal_file)
        run_corpus(CorpusRunConfig((corpus,), out, model, engine=EngineKind.LOCAL, workers=1,
                                   metadata=MetadataSource(NamePattern.parse(sys.argv[4])),
                                   commit_interval_s=0.0))
""")


def test_resume_after_a_kill_loses_only_the_document_in_flight(tmp_path: Path) -> None:
    corpus = write_corpus(tmp_path / "corpus")
    # sorted last (lower case), so every other document is finished (and committed) when it blocks its worker
    (corpus / "zzz_q1_2021.txt").write_text("Revenue rose. This document BLOCKS its worker.")
    out, signal_file, script = tmp_path / "out", tmp_path / "blocked", tmp_path / "run.py"
    script.write_text(_KILLABLE_RUN)
    process = subprocess.Popen(
        [sys.executable, str(script), str(corpus), str(out), str(signal_file), PATTERN],
        cwd=REPO,
        start_new_session=True,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONPATH": str(REPO)},
    )
    try:
        deadline = time.monotonic() + 120
        while not signal_file.exists():
            assert process.poll() is None, process.stderr.read() if process.stderr else ""
            assert time.monotonic() < deadline, "the blocking document was never reached"
            time.sleep(0.05)
        deadline = time.monotonic() + 30  # the other nine are committed as they finish
        while len(commit_records(out)) < 9 and time.monotonic() < deadline:
            time.sleep(0.05)
    finally:
        os.killpg(process.pid, signal.SIGKILL)  # the driver and its workers, no chance to clean up
        process.wait(timeout=30)
    killed = CorpusDataset.open(out)
    assert len(killed.read("documents")) + len(killed.read("errors")) == 9
    assert "zzz_q1_2021.txt" not in {Path(s).name for s in killed.read("documents")["source"].to_pylist()}

    # the re-run (with a model that does not block) scores exactly the one that was in flight
    summary = run_corpus(_config([corpus], out))
    assert (summary.skipped, summary.documents, summary.errors) == (9, 1, 0)
    assert not (out / STAGING).exists() or not any((out / STAGING).iterdir())
    clean = tmp_path / "clean"
    run_corpus(_config([corpus], clean))
    for table in ("sentences", "documents", "errors"):
        assert _rows(out, table) == _rows(clean, table), table


@pytest.mark.parametrize("committed", [True, False])
def test_a_kill_during_a_commit_is_repaired_by_the_next_run(corpus: Path, tmp_path: Path, committed: bool) -> None:
    """Killed after staging a part: with its marker written the part is finished (rolled
    forward), without it the part is dropped and its documents are scored again."""
    out = tmp_path / "out"
    run_corpus(_config([corpus], out))
    [record] = commit_records(out)
    staging = out / STAGING / record.part
    staging.mkdir(parents=True)
    for table in ("sentences", "documents", "errors"):
        (out / table / f"part-{record.part}.parquet").rename(staging / f"{table}.parquet")
    if not committed:
        (out / COMMITS / f"{record.part}.json").unlink()
    summary = run_corpus(_config([corpus], out))
    assert summary.skipped == (9 if committed else 0)
    assert summary.documents + summary.errors == (0 if committed else 9)
    assert len(_rows(out, "documents")) == 6 and len(_rows(out, "errors")) == 3
