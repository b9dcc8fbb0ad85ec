"""Scoring a document in chunks, so the table fills in while the model works.

The same pieces as `finlocal.scoring.score_text` (split, `score_spans`, `ReportBuilder`), but each
chunk's `SentenceResult`s are handed to a callback as soon as they exist, so the app can show
rows while the rest of the document is still being scored. Counts, tone and top sentences come
from the same `ReportBuilder` as `finlocal score`.
"""

from __future__ import annotations

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
