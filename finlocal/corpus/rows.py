"""Scoring one corpus document into rows: the one function every engine calls.

The rows are the ones ``finlocal score`` writes: `SentenceResult.to_row` for each sentence and
`DocumentReport.to_row` for the document, so the Parquet tables and the JSONL output never drift.
"""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass
from typing import Any

from finlocal.corpus.documents import CorpusDocument
from finlocal.predictions import Classifier
from finlocal.reading import Input
from finlocal.scoring import SentenceResult, iter_score_documents

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class ScoringSettings:
    """How each document is scored (the same for every engine)."""

    batch_size: int = 32
    top_k: int = 3

    def __post_init__(self) -> None:
        if self.batch_size < 1:
            raise ValueError(f"batch_size must be at least 1, got {self.batch_size}")
        if self.top_k < 0:
            raise ValueError(f"top_k must be at least 0, got {self.top_k}")


@dataclass(frozen=True)
class ScoredDocument:
    """A document's rows, or the error that stopped it (then ``summary`` is None)."""

    document: CorpusDocument
    sha256: str | None
    sentences: tuple[dict[str, Any], ...]
    summary: dict[str, Any] | None
    error: str | None = None

    @property
    def ok(self) -> bool:
        return self.error is None


def _file_sha256(document: CorpusDocument) -> str | None:
    try:
        return hashlib.sha256(document.path.read_bytes()).hexdigest()
    except OSError:
        return None


def score_document(document: CorpusDocument, classifier: Classifier, settings: ScoringSettings) -> ScoredDocument:
    """Read and score one document. Never raises for a bad document: the error becomes a row.

    Reading errors (`InputError`: binary, empty, unreadable, a PDF without text) come back from
    `iter_score_documents` as outcomes; anything else a document provokes (a malformed file
    tripping a parser, say) is caught here too, logged with its traceback, and recorded, so that
    one document never stops a corpus run.
    """
    rows: list[dict[str, Any]] = []

    def collect(results: list[SentenceResult]) -> None:
        rows.extend(r.to_row() for r in results)

    sha256 = _file_sha256(document)
    try:
        [outcome] = list(
            iter_score_documents(
                [Input(document.source, document.path)],
                classifier,
                batch_size=settings.batch_size,
                top_k=settings.top_k,
                on_sentences=collect,
            )
        )
    except Exception as exc:
        log.warning("%s: scoring failed", document.source, exc_info=True)
        return ScoredDocument(document, sha256, (), None, f"{document.source}: {type(exc).__name__}: {exc}")
    if outcome.report is None:
        return ScoredDocument(document, sha256, (), None, outcome.error or f"{document.source}: failed")
    return ScoredDocument(document, sha256, tuple(rows), outcome.report.to_row())
