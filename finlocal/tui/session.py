"""Handing scored rows from the scoring worker to the UI without flooding it.

The worker scores with `finlocal.scoring.score_text`, whose ``on_chunk`` callback receives each
chunk's `SentenceResult`s as soon as they exist; they wait here until the UI takes them. When a
run is cancelled, the rows it had scored become a partial report.
"""

from __future__ import annotations

import dataclasses
import threading
import time
from collections.abc import Sequence

from finlocal.scoring import DocumentReport, ReportBuilder, SentenceResult


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


def partial_report(
    source: str, labels: Sequence[str], rows: Sequence[SentenceResult], elapsed_ms: float
) -> DocumentReport:
    """A report of the rows a cancelled run had scored (counts, tone and extremes of those)."""
    builder = ReportBuilder(source, tuple(labels))
    builder.add(sorted(rows, key=lambda r: r.index))
    return dataclasses.replace(builder.finish(), total_ms=elapsed_ms)
