"""Scoring a document in chunks, so the table fills in while the model works.

The same pieces as `finlocal.scoring.score_text` (split, `score_spans`, `ReportBuilder`), but each
chunk's `SentenceResult`s are handed to a callback as soon as they exist, so the app can show
rows while the rest of the document is still being scored. Counts, tone and top sentences come
from the same `ReportBuilder` as `finlocal score`.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

from finlocal.predictions import Classifier
from finlocal.scoring import (
    Cancelled,
    DocumentReport,
    ReportBuilder,
    SentenceResult,
    score_spans,
)
from finlocal.splitting import split_sentences

OnChunk = Callable[[list[SentenceResult], int, int], None]
"""Called with (new results, sentences done, sentences in total)."""


class RowMailbox:
    """Scored rows waiting for the UI, with at most one "rows are waiting" message in flight.

    The worker `put`s every chunk; it should notify the UI only when `put` says so. The UI
    `take`s everything waiting in one go. So however fast the model is, the UI handles one
    batch at a time and never falls behind a queue of messages, and between two batches it
    gets at least ``min_interval_s`` to draw frames and answer keys.
    """

    def __init__(self, min_interval_s: float = 0.2) -> None:
        self.min_interval_s = min_interval_s
        self._lock = threading.Lock()
        self._rows: list[SentenceResult] = []
        self._done = self._total = 0
        self._in_flight = False
        self._last_notice = float("-inf")

    def put(self, rows: list[SentenceResult], done: int, total: int) -> bool:
        """Add rows; True when the caller should now tell the UI that rows are waiting."""
        with self._lock:
            self._rows.extend(rows)
            self._done, self._total = done, total
            now = time.monotonic()
            if self._in_flight or (done < total and now - self._last_notice < self.min_interval_s):
                return False
            self._in_flight, self._last_notice = True, now
            return True

    def take(self) -> tuple[list[SentenceResult], int, int]:
        """Everything waiting, and (done, total) as of the latest chunk."""
        with self._lock:
            rows, self._rows = self._rows, []
            self._in_flight = False
            return rows, self._done, self._total


def score_in_chunks(
    text: str,
    classifier: Classifier,
    *,
    source: str,
    on_chunk: OnChunk,
    cancelled: Callable[[], bool],
    chunk_size: int = 64,
    batch_size: int = 32,
    top_k: int = 3,
) -> DocumentReport:
    """Score ``text`` chunk by chunk; raises `Cancelled` as soon as ``cancelled()`` says so."""
    builder = ReportBuilder(source, tuple(classifier.labels), top_k=top_k)
    spans = split_sentences(text)
    for first in range(0, len(spans), chunk_size):
        if cancelled():
            raise Cancelled(source)
        results = score_spans(spans[first : first + chunk_size], classifier, source=source,
                              first_index=first, batch_size=batch_size)
        builder.add(results)
        on_chunk(results, first + len(results), len(spans))
    if cancelled():
        raise Cancelled(source)
    return builder.finish()
