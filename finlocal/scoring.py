"""Scoring documents: split into items, predict in batches, summarise per document.

An item is a sentence by default; `SplitMode` makes it a non-blank line or the whole input
(`finlocal.splitting.split_text`). Reports and rows call items "sentences" whatever the mode.

Net tone index
--------------
A document's *tone* is the mean over its sentences of ``P(positive) - P(negative)``, using the
model's calibrated probabilities. It lies in [-1, 1]: -1 when every sentence is surely negative,
+1 when every sentence is surely positive, near 0 for neutral text or a balance of both. Using
probabilities rather than counts of labels means a barely-positive sentence moves the index less
than a clearly positive one. Models whose labels lack "positive" or "negative" give a tone of 0.

The top-k most positive (negative) sentences are the sentences *predicted* positive (negative)
with the highest probability of that label, best first.
"""

from __future__ import annotations

import heapq
import logging
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from finlocal.changes import Change, read_changes
from finlocal.changes.describe import MovedRow, moved_rows
from finlocal.changes.tables import read_table_row
from finlocal.errors import InputError
from finlocal.predictions import Classifier, Prediction, Span
from finlocal.reading import Block, Input
from finlocal.splitting import Item, split_text
from finlocal.structure import Region, RowKind, SplitMode, TableRow

log = logging.getLogger(__name__)

POSITIVE = "positive"
NEGATIVE = "negative"
#: Sentences scored per `Classifier.predict` call (progress and cancellation are checked between).
CHUNK_SENTENCES = 256
#: A sentence's JSONL row (`SentenceResult.to_row`).
ROW_FIELDS = ("source", "index", "kind", "start", "end", "text", "label", "scores", "evidence", "changes", "ms")
#: A sentence in a document row's most positive/negative lists.
BRIEF_FIELDS = ("index", "start", "end", "text", "label", "score")
#: A side of a `finlocal compare` sentence row.
SIDE_FIELDS = ("index", "start", "end", "text", "label", "scores", "tone", "evidence")


class Cancelled(Exception):
    """Raised by `score_text` when its ``cancelled`` callback returns True."""


@dataclass(frozen=True)
class SentenceResult:
    """One scored sentence. ``start``/``end`` are offsets into the whole document."""

    source: str
    index: int
    start: int
    end: int
    text: str
    prediction: Prediction
    #: What the sentence says moved (`finlocal.changes`), offsets into the whole document.
    changes: tuple[Change, ...] = ()
    #: What the row is (`finlocal.structure.RowKind`): only sentences count in the tone index,
    #: the label counts and the most positive/negative lists.
    kind: RowKind = RowKind.SENTENCE
    #: The table row a `RowKind.TABLE_ROW` row shows, with its column headings.
    table_row: TableRow | None = None

    @property
    def label(self) -> str:
        return self.prediction.label

    @property
    def scores(self) -> dict[str, float]:
        return self.prediction.scores

    @property
    def evidence(self) -> tuple[Span, ...]:
        """Evidence spans in document offsets."""
        return tuple(Span(s.start + self.start, s.end + self.start, s.text) for s in self.prediction.evidence)

    @property
    def tone(self) -> float:
        return self.prediction.tone

    def to_row(self, fields: Sequence[str] = ROW_FIELDS) -> dict[str, Any]:
        """The JSONL row (see the README), or the named ``fields`` of it in that order: every
        serialised sentence (the document row's top lists, compare's sides) is made here."""
        return {name: _FIELDS[name](self) for name in fields}


#: How each field of a serialised sentence is written.
_FIELDS: dict[str, Callable[[SentenceResult], Any]] = {
    "source": lambda r: r.source,
    "index": lambda r: r.index,
    "kind": lambda r: r.kind.value,
    "start": lambda r: r.start,
    "end": lambda r: r.end,
    "text": lambda r: r.text,
    "label": lambda r: r.label,
    "score": lambda r: round(r.prediction.confidence, 6),
    "scores": lambda r: {k: round(v, 6) for k, v in r.scores.items()},
    "tone": lambda r: round(r.tone, 6),
    "evidence": lambda r: [{"start": s.start, "end": s.end, "text": s.text} for s in r.evidence],
    "changes": lambda r: [c.to_dict() for c in r.changes],
    "ms": lambda r: {
        "tokenize": round(r.prediction.tokenize_ms, 3),
        "inference": round(r.prediction.inference_ms, 3),
    },
}


@dataclass(frozen=True)
class DocumentReport:
    """A scored document. ``sentences`` may be empty when the document was streamed."""

    source: str
    sentences: tuple[SentenceResult, ...]
    labels: tuple[str, ...]
    counts: dict[str, int]
    tone: float
    top_positive: tuple[SentenceResult, ...]
    top_negative: tuple[SentenceResult, ...]
    total_ms: float
    tokenize_ms: float
    inference_ms: float
    warnings: tuple[str, ...] = ()
    #: What moved in the document (`finlocal.changes.describe.moved_rows`): its "what moved" table.
    moved: tuple[MovedRow, ...] = ()

    @property
    def n_sentences(self) -> int:
        return sum(self.counts.values())

    @property
    def sentences_per_s(self) -> float:
        return self.n_sentences / (self.total_ms / 1000) if self.total_ms > 0 else 0.0

    @property
    def label(self) -> str:
        """The most frequent label (ties go to the earlier label in model order)."""
        return max(self.labels, key=lambda name: (self.counts.get(name, 0), -self.labels.index(name)))

    def to_row(self) -> dict[str, Any]:
        """The ``--per document`` row (see the README)."""
        return {
            "source": self.source,
            "sentences": self.n_sentences,
            "label": self.label,
            "counts": dict(self.counts),
            "tone": round(self.tone, 6),
            "top_positive": [r.to_row(BRIEF_FIELDS) for r in self.top_positive],
            "top_negative": [r.to_row(BRIEF_FIELDS) for r in self.top_negative],
            "ms": {
                "total": round(self.total_ms, 3),
                "tokenize": round(self.tokenize_ms, 3),
                "inference": round(self.inference_ms, 3),
            },
            "sentences_per_s": round(self.sentences_per_s, 2),
            "changes": [{**m.change.to_dict(), "index": m.sentence_index, "sentence": m.sentence} for m in self.moved],
        }


@dataclass
class ReportBuilder:
    """Accumulates sentence results of one document into a `DocumentReport` in bounded memory."""

    source: str
    labels: tuple[str, ...]
    top_k: int = 3
    keep_sentences: bool = True
    warnings: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._sentences: list[SentenceResult] = []
        self._counts = dict.fromkeys(self.labels, 0)
        self._tone_sum = 0.0
        self._n = 0
        self._tokenize_ms = 0.0
        self._inference_ms = 0.0
        self._pos: list[tuple[float, int, SentenceResult]] = []
        self._neg: list[tuple[float, int, SentenceResult]] = []
        self._moved: list[MovedRow] = []
        self._t0 = time.perf_counter()

    def add(self, results: Iterable[SentenceResult]) -> None:
        for r in results:
            self._tokenize_ms += r.prediction.tokenize_ms
            self._inference_ms += r.prediction.inference_ms
            if self.keep_sentences:
                self._sentences.append(r)
            if r.changes:
                # the good and bad changes first, then unknown ones with a figure, each in text
                # order, at most MOVED_LIMIT: bounded memory however long the document
                self._moved = moved_rows(
                    [(m.sentence_index, m.sentence, [m.change]) for m in self._moved] + [(r.index, r.text, r.changes)]
                )
            if r.kind is not RowKind.SENTENCE:
                continue  # headings and table rows: kept and shown, not counted in the tone
            self._n += 1
            self._counts[r.label] = self._counts.get(r.label, 0) + 1
            self._tone_sum += r.tone
            for name, heap in ((POSITIVE, self._pos), (NEGATIVE, self._neg)):
                if r.label == name and self.top_k > 0:
                    item = (r.scores[name], -r.index, r)
                    if len(heap) < self.top_k:
                        heapq.heappush(heap, item)
                    elif item[:2] > heap[0][:2]:
                        heapq.heapreplace(heap, item)

    def finish(self) -> DocumentReport:
        def best(heap: list[tuple[float, int, SentenceResult]]) -> tuple[SentenceResult, ...]:
            return tuple(r for _, _, r in sorted(heap, key=lambda x: x[:2], reverse=True))

        return DocumentReport(
            source=self.source,
            sentences=tuple(self._sentences),
            labels=self.labels,
            counts=dict(self._counts),
            tone=self._tone_sum / self._n if self._n else 0.0,
            top_positive=best(self._pos),
            top_negative=best(self._neg),
            total_ms=(time.perf_counter() - self._t0) * 1000,
            tokenize_ms=self._tokenize_ms,
            inference_ms=self._inference_ms,
            warnings=tuple(self.warnings),
            moved=tuple(self._moved),
        )


def _changes(item: Item) -> tuple[Change, ...]:
    """What an item states moved: a table row's from its cells under their period headings
    (`finlocal.changes.tables`), a sentence's from its words."""
    if item.kind is RowKind.TABLE_ROW and item.table_row is not None:
        return read_table_row(item.table_row, item.text)
    return read_changes(item.text)


def score_spans(
    spans: Sequence[Item],
    classifier: Classifier,
    *,
    source: str,
    first_index: int = 0,
    offset: int = 0,
    batch_size: int = 32,
) -> list[SentenceResult]:
    """Predict sentences (spans of one document) and wrap them as `SentenceResult`s."""
    predictions = classifier.predict([s.text for s in spans], batch_size=batch_size)
    return [
        SentenceResult(
            source,
            first_index + i,
            s.start + offset,
            s.end + offset,
            s.text,
            p,
            tuple(c.shifted(s.start + offset) for c in _changes(s)),
            s.kind,
            s.table_row,
        )
        for i, (s, p) in enumerate(zip(spans, predictions, strict=True))
    ]


OnChunk = Callable[[list[SentenceResult], int, int], None]
"""Called with (new results, sentences done, sentences in total) after each chunk."""


def score_text(
    text: str,
    classifier: Classifier,
    *,
    source: str = "<text>",
    split: SplitMode = SplitMode.SENTENCES,
    regions: Sequence[Region] = (),
    batch_size: int = 32,
    top_k: int = 3,
    chunk_size: int = CHUNK_SENTENCES,
    progress: Callable[[int, int], None] | None = None,
    on_chunk: OnChunk | None = None,
    cancelled: Callable[[], bool] | None = None,
) -> DocumentReport:
    """Score a whole text, ``chunk_size`` sentences per `Classifier.predict` call.

    The text is cut into items by ``split`` (inside ``regions`` when the reader found any, as
    for Markdown; see `finlocal.splitting.split_text`).

    ``progress(done, total)`` is called before the first chunk and after each one;
    ``on_chunk(results, done, total)`` receives each chunk's results as soon as they exist (the
    app shows rows while the rest is scored). `Cancelled` is raised as soon as ``cancelled()``
    returns True (checked between chunks and before the report is built).
    """
    spans = split_text(text, split, regions)
    builder = ReportBuilder(source, tuple(classifier.labels), top_k=top_k)
    total = len(spans)
    if progress is not None:
        progress(0, total)
    if cancelled is not None and cancelled():
        raise Cancelled(source)
    done = 0
    chunk = max(1, chunk_size)
    for results in iter_chunks(
        [(spans, 0)], classifier, source=source, batch_size=batch_size, first_chunk=chunk, largest_chunk=chunk
    ):
        builder.add(results)
        done += len(results)
        if on_chunk is not None:
            on_chunk(results, done, total)
        if progress is not None:
            progress(done, total)
        if cancelled is not None and cancelled():  # before the next chunk, and before the report
            raise Cancelled(source)
    return builder.finish()


def iter_chunks(
    pieces: Iterable[tuple[Sequence[Item], int]],
    classifier: Classifier,
    *,
    source: str,
    batch_size: int = 32,
    first_chunk: int = 32,
    largest_chunk: int = CHUNK_SENTENCES,
) -> Iterator[list[SentenceResult]]:
    """The one chunk loop behind the app, compare, the CLI and corpus runs: score the items of
    each piece (its items and its offset in the document), ``first_chunk`` items in the first
    `Classifier.predict` call and twice the last in each later one, up to ``largest_chunk``.
    Indexes count on across pieces; a caller checks progress and cancellation between chunks."""
    index = 0
    chunk = max(1, first_chunk)
    largest = max(chunk, largest_chunk)
    for spans, offset in pieces:
        begin = 0
        while begin < len(spans):
            results = score_spans(
                spans[begin : begin + chunk],
                classifier,
                source=source,
                first_index=index,
                offset=offset,
                batch_size=batch_size,
            )
            begin += len(results)
            index += len(results)
            chunk = min(chunk * 2, largest)
            yield results


def iter_block_results(
    blocks: Iterable[Block],
    classifier: Classifier,
    *,
    source: str,
    batch_size: int = 32,
    split: SplitMode = SplitMode.SENTENCES,
) -> Iterator[list[SentenceResult]]:
    """Split and score a stream of blocks, yielding results in chunks (bounded memory).

    The first chunk is one batch, and each later one twice the last up to `CHUNK_SENTENCES`, so
    the first rows of a long document appear after one batch instead of after 256 sentences.
    """
    pieces = ((split_text(block.text, split, block.regions), block.offset) for block in blocks)
    yield from iter_chunks(pieces, classifier, source=source, batch_size=batch_size, first_chunk=batch_size)


@dataclass(frozen=True)
class DocumentOutcome:
    """What became of one input: its report, or the error that stopped it."""

    source: str
    report: DocumentReport | None = None
    error: str | None = None

    @property
    def ok(self) -> bool:
        return self.error is None


def iter_score_documents(
    inputs: Iterable[Input],
    classifier: Classifier,
    *,
    batch_size: int = 32,
    top_k: int = 3,
    keep_sentences: bool = False,
    split: SplitMode = SplitMode.SENTENCES,
    on_sentences: Callable[[list[SentenceResult]], None] | None = None,
) -> Iterator[DocumentOutcome]:
    """Score inputs one after the other, streaming.

    ``on_sentences`` receives each chunk of sentence results as soon as it is scored (the CLI
    writes rows there); one `DocumentOutcome` is yielded per input when it finishes, with an
    error message instead of a report for an input that cannot be read. With ``keep_sentences``
    False, reports carry counts, tone and top-k but no sentence list, so memory stays bounded.
    """
    for item in inputs:
        builder = ReportBuilder(item.source, tuple(classifier.labels), top_k=top_k, keep_sentences=keep_sentences)
        rows = 0  # every row, headings and table rows too: a table alone is a document
        try:
            for results in iter_block_results(
                item.blocks(split), classifier, source=item.source, batch_size=batch_size, split=split
            ):
                rows += len(results)
                builder.add(results)
                if on_sentences is not None:
                    on_sentences(results)
        except InputError as exc:
            log.debug("%s failed", item.source, exc_info=True)  # the traceback under --debug
            yield DocumentOutcome(item.source, error=str(exc))
            continue
        report = builder.finish()
        if rows == 0:
            yield DocumentOutcome(item.source, error=f"{item.source}: no sentences to score")
            continue
        yield DocumentOutcome(item.source, report=report)
