"""Writing scored rows: JSONL, CSV, a rich table or Markdown, per sentence or per document.

Writers stream: sentence rows are written as they are scored, document rows as documents finish.
The table writer prints a table per document (and every `TABLE_CHUNK` rows for long documents);
with ``--per document`` it prints every `TABLE_DOCUMENTS` documents.

Text meant for a person is never trusted: the table and Markdown show control characters as
visible escapes (`finlocal.shown_text.visible`) and Markdown escapes HTML too; JSONL keeps the
text exact; CSV keeps it exact but for cells a spreadsheet would run as a formula
(`finlocal.shown_text.spreadsheet_cell`, unless ``raw``). A row that is not a sentence (a heading,
a table row) says so in the table and Markdown outputs (`kind_prefix`).
"""

from __future__ import annotations

import csv
import enum
import json
from collections.abc import Callable, Sequence
from typing import Any, TextIO

from finlocal.changes import Verdict
from finlocal.changes.describe import MovedRow, describe
from finlocal.file_types import FileType, file_type
from finlocal.jsonl import jsonl_line
from finlocal.predictions import REVIEW_THRESHOLD, probability_text
from finlocal.scoring import DocumentReport, SentenceResult
from finlocal.shown_text import spreadsheet_row, visible
from finlocal.structure import RowKind

TABLE_CHUNK = 500
TABLE_DOCUMENTS = 20
_LABEL_STYLES = {"positive": "green", "negative": "red", "neutral": "dim"}


class Format(str, enum.Enum):
    """How rows are written: by `finlocal score --format`, and by the app's export."""

    JSONL = "jsonl"
    CSV = "csv"
    TABLE = "table"
    MARKDOWN = "markdown"

    @property
    def suffix(self) -> str:
        """The suffix a file in this format gets."""
        return _SUFFIXES[self]

    @property
    def display_name(self) -> str:
        """How the format is named to a person (the app's export dialog)."""
        return _DISPLAY_NAMES[self]


_SUFFIXES = {Format.JSONL: ".jsonl", Format.CSV: ".csv", Format.TABLE: ".txt", Format.MARKDOWN: ".md"}
_DISPLAY_NAMES = {Format.JSONL: "JSONL", Format.CSV: "CSV", Format.TABLE: "Table", Format.MARKDOWN: "Markdown report"}

#: The output format each file type (`finlocal.file_types`) is written as: `finlocal score
#: --output` and the app's export read the same table.
_TYPE_FORMATS = {
    FileType.JSONL: Format.JSONL,
    FileType.CSV: Format.CSV,
    FileType.MARKDOWN: Format.MARKDOWN,
    FileType.TEXT: Format.TABLE,
}


def format_for_suffix(suffix: str) -> Format | None:
    """The format a file suffix (``.csv``, any case) stands for, or None."""
    kind = file_type(suffix)
    return None if kind is None else _TYPE_FORMATS.get(kind)


class Per(str, enum.Enum):
    SENTENCE = "sentence"
    DOCUMENT = "document"


#: A column added to each sentence row of JSONL and CSV: its name and its value for a sentence
#: (the app's exports add a PDF's ``page`` this way).
ExtraColumn = tuple[str, Callable[[SentenceResult], Any]]


KIND_NAMES: dict[RowKind, str] = {RowKind.SENTENCE: "", RowKind.HEADING: "heading", RowKind.TABLE_ROW: "table row"}
"""How a row that is not a sentence is named to a person ("" for a sentence, the usual row)."""


def kind_prefix(kind: RowKind) -> str:
    """ "(table row) ", "(heading) " before a row's text in the table and Markdown outputs; ""
    for a sentence."""
    name = KIND_NAMES[kind]
    return f"({name}) " if name else ""


class Writer:
    """Base writer: `sentences` receives sentence chunks, `document` each finished document.
    ``extra`` columns follow the standard ones in JSONL and CSV sentence rows; ``threshold`` is
    the confidence below which CSV flags a row for review; ``raw`` keeps CSV cells that a
    spreadsheet would run as formulas as they are."""

    def __init__(
        self,
        stream: TextIO,
        labels: Sequence[str],
        per: Per,
        extra: Sequence[ExtraColumn] = (),
        *,
        threshold: float = REVIEW_THRESHOLD,
        raw: bool = False,
    ) -> None:
        self.stream = stream
        self.labels = tuple(labels)
        self.per = per
        self.extra = tuple(extra)
        self.threshold = threshold
        self.raw = raw

    def sentences(self, results: Sequence[SentenceResult]) -> None:
        if self.per is Per.SENTENCE and results:
            self._sentences(results)

    def document(self, report: DocumentReport) -> None:
        if self.per is Per.SENTENCE:
            self._end_document(report)
        else:
            self._document(report)

    def close(self) -> None:
        self.stream.flush()

    def _sentences(self, results: Sequence[SentenceResult]) -> None:
        raise NotImplementedError

    def _document(self, report: DocumentReport) -> None:
        raise NotImplementedError

    def _end_document(self, report: DocumentReport) -> None:
        self.stream.flush()


class JsonlWriter(Writer):
    def _sentences(self, results: Sequence[SentenceResult]) -> None:
        self.stream.write("".join(jsonl_line({**r.to_row(), **_extra(self.extra, r)}) for r in results))
        self.stream.flush()

    def _document(self, report: DocumentReport) -> None:
        self.stream.write(jsonl_line(report.to_row()))
        self.stream.flush()


def _extra(columns: Sequence[ExtraColumn], result: SentenceResult) -> dict[str, Any]:
    return {name: value(result) for name, value in columns}


def _evidence_text(result: SentenceResult) -> str:
    return " | ".join(s.text for s in result.evidence)


def _sentence_cells(r: SentenceResult, labels: Sequence[str], threshold: float) -> list[Any]:
    confidence = r.prediction.confidence
    return [
        r.source,
        r.index + 1,
        r.kind.value,
        r.start,
        r.end,
        r.text,
        r.label,
        round(confidence, 6),
        "yes" if confidence < threshold else "no",
        round(r.tone, 6),
        *(round(r.scores.get(name, 0.0), 6) for name in labels),
        _evidence_text(r),
        _changes_json(r),
        round(r.prediction.tokenize_ms, 3),
        round(r.prediction.inference_ms, 3),
    ]


def _document_cells(d: DocumentReport, labels: Sequence[str]) -> list[Any]:
    return [
        d.source,
        d.n_sentences,
        d.label,
        *(d.counts.get(name, 0) for name in labels),
        round(d.tone, 6),
        " | ".join(r.text for r in d.top_positive),
        " | ".join(r.text for r in d.top_negative),
        round(d.total_ms, 3),
        round(d.sentences_per_s, 2),
        json.dumps(d.to_row()["changes"], ensure_ascii=False),
    ]


def _changes_json(result: SentenceResult) -> str:
    """The sentence's ``changes`` as in its JSONL row (``[]`` when none)."""
    return json.dumps([c.to_dict() for c in result.changes], ensure_ascii=False)


def _what_moved(result: SentenceResult) -> str:
    return " | ".join(describe(c) for c in result.changes)


CSV_SENTENCE_COLUMNS = ("source", "#", "kind", "start", "end", "text", "label", "confidence", "review", "tone")
"""The first columns of a CSV sentence row; the label scores (``score_negative`` …) follow.
``#`` counts from 1 as the app and the Markdown outputs do (the JSONL ``index`` is # − 1);
``confidence`` is the label's probability, ``review`` says "yes" below the review threshold,
``tone`` is P(positive) − P(negative)."""


class CsvWriter(Writer):
    """Rows for a spreadsheet: a cell that would run as a formula is written with a ``'`` in
    front (`finlocal.shown_text.spreadsheet_cell`) unless ``raw``."""

    def __init__(self, stream: TextIO, labels: Sequence[str], per: Per, *args: Any, **kwargs: Any) -> None:
        super().__init__(stream, labels, per, *args, **kwargs)
        self._csv = csv.writer(stream, lineterminator="\n")
        if per is Per.SENTENCE:
            header = [
                *CSV_SENTENCE_COLUMNS,
                *(f"score_{name}" for name in self.labels),
                "evidence",
                "changes",
                "tokenize_ms",
                "inference_ms",
                *(name for name, _ in self.extra),
            ]
        else:
            header = [
                "source",
                "sentences",
                "label",
                *(f"count_{name}" for name in self.labels),
                "tone",
                "top_positive",
                "top_negative",
                "total_ms",
                "sentences_per_s",
                "changes",
            ]
        self._csv.writerow(header)

    def _row(self, cells: Sequence[Any]) -> Sequence[Any]:
        return cells if self.raw else spreadsheet_row(cells)

    def _sentences(self, results: Sequence[SentenceResult]) -> None:
        self._csv.writerows(
            self._row([*_sentence_cells(r, self.labels, self.threshold), *_extra(self.extra, r).values()])
            for r in results
        )
        self.stream.flush()

    def _document(self, report: DocumentReport) -> None:
        self._csv.writerow(self._row(_document_cells(report, self.labels)))
        self.stream.flush()


MOVED_HEADER = ("metric", "now", "before", "change", "verdict", "sentence")


def moved_cells(row: MovedRow) -> list[str]:
    """One "what moved" row: metric, now, before, change, good/bad, the sentence."""
    return [row.change.metric, row.now, row.before, row.moved, row.change.verdict.value, row.sentence]


def markdown_table(header: Sequence[str], rows: Sequence[Sequence[Any]]) -> str:
    """A Markdown table with every cell escaped (`markdown_cell`)."""
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    lines += ["| " + " | ".join(markdown_cell(c) for c in row) + " |" for row in rows]
    return "\n".join(lines) + "\n"


_MARKDOWN_ESCAPES = str.maketrans(
    {
        "\\": "\\\\",
        "|": "\\|",
        "*": "\\*",
        "~": "\\~",
        "\n": " ",
        "\r": " ",
        "&": "&amp;",
        "<": "&lt;",
        ">": "&gt;",
    }
)


def markdown_cell(value: Any) -> str:
    """A value as Markdown text on one line, fit for a table cell or inside ``**``/``~~`` marks:
    backslashes, pipes and the emphasis and strike-through marks (``*``, ``~``) escaped, HTML
    made text (``<script>`` → ``&lt;script&gt;``, which a viewer shows as written), line breaks
    made spaces and other control characters visible escapes (`finlocal.shown_text.visible`).
    The one Markdown escape of finlocal's reports."""
    return visible(str(value).translate(_MARKDOWN_ESCAPES))


class MarkdownWriter(Writer):
    """Markdown tables. Per sentence: each document's sentence table (with what the sentence says
    moved) followed by its "what moved" table; per document: one summary table."""

    _SENTENCE_HEADER = ("source", "#", "label", "confidence", "sentence", "evidence", "what moved")

    def __init__(self, stream: TextIO, labels: Sequence[str], per: Per, *args: Any, **kwargs: Any) -> None:
        super().__init__(stream, labels, per, *args, **kwargs)
        self._open = False
        if per is Per.DOCUMENT:
            header = ["source", "sentences", "label", *self.labels, "tone", "what moved"]
            stream.write(markdown_table(header, []))

    def _sentences(self, results: Sequence[SentenceResult]) -> None:
        if not self._open:
            self.stream.write(markdown_table(self._SENTENCE_HEADER, []))
            self._open = True
        for r in results:
            cells = [
                r.source,
                r.index + 1,
                r.label,
                probability_text(r.prediction.confidence),
                kind_prefix(r.kind) + r.text,
                _evidence_text(r),
                _what_moved(r),
            ]
            self.stream.write("| " + " | ".join(markdown_cell(c) for c in cells) + " |\n")
        self.stream.flush()

    def _end_document(self, report: DocumentReport) -> None:
        if report.moved:
            rows = [moved_cells(m) for m in report.moved]
            self.stream.write(f"\n**What moved** in {markdown_cell(report.source)}\n\n")
            self.stream.write(markdown_table(MOVED_HEADER, rows) + "\n")
            self._open = False
        self.stream.flush()

    def _document(self, report: DocumentReport) -> None:
        cells = [
            report.source,
            report.n_sentences,
            report.label,
            *(report.counts.get(name, 0) for name in self.labels),
            f"{report.tone:+.3f}",
            "; ".join(describe(m.change) for m in report.moved if m.change.verdict is not Verdict.UNKNOWN),
        ]
        self.stream.write("| " + " | ".join(markdown_cell(c) for c in cells) + " |\n")
        self.stream.flush()


class TableWriter(Writer):
    """Human-readable tables with rich; sentence rows are grouped per document."""

    def __init__(self, stream: TextIO, labels: Sequence[str], per: Per, *args: Any, **kwargs: Any) -> None:
        super().__init__(stream, labels, per, *args, **kwargs)
        from rich.console import Console

        self._console = Console(file=stream, highlight=False, soft_wrap=False)
        self._pending: list[SentenceResult] = []
        self._documents: list[DocumentReport] = []

    def _sentences(self, results: Sequence[SentenceResult]) -> None:
        self._pending.extend(results)
        if len(self._pending) >= TABLE_CHUNK:
            self._flush_sentences()

    def _flush_sentences(self, report: DocumentReport | None = None) -> None:
        from rich.markup import escape
        from rich.table import Table

        if not self._pending:
            return
        source = self._pending[0].source
        caption = None
        if report is not None:
            counts = ", ".join(f"{report.counts.get(n, 0)} {n}" for n in self.labels)
            caption = f"{report.n_sentences} sentences: {counts}; tone {report.tone:+.3f}"
        table = Table(title=escape(visible(source)), caption=caption, expand=False, show_lines=False)
        table.add_column("#", justify="right", style="dim")
        table.add_column("label")
        table.add_column("conf", justify="right")
        table.add_column("sentence", overflow="fold")
        for r in self._pending:
            style = _LABEL_STYLES.get(r.label, "")
            table.add_row(
                str(r.index + 1),
                f"[{style}]{r.label}[/]" if style else r.label,
                probability_text(r.prediction.confidence),
                escape(kind_prefix(r.kind)) + _highlight(r),
            )
        self._console.print(table)
        self._pending = []

    def _end_document(self, report: DocumentReport) -> None:
        self._flush_sentences(report)

    def _document(self, report: DocumentReport) -> None:
        self._documents.append(report)
        if len(self._documents) >= TABLE_DOCUMENTS:
            self._print_documents()

    def _print_documents(self) -> None:
        from rich.markup import escape
        from rich.table import Table

        table = Table(expand=False)
        table.add_column("source", overflow="fold")
        table.add_column("sentences", justify="right")
        for name in self.labels:
            table.add_column(name, justify="right", style=_LABEL_STYLES.get(name, ""))
        table.add_column("tone", justify="right")
        table.add_column("most positive / most negative", overflow="fold")
        for d in self._documents:
            extremes = "\n".join(
                [f"[green]+[/] {escape(visible(r.text))}" for r in d.top_positive[:1]]
                + [f"[red]-[/] {escape(visible(r.text))}" for r in d.top_negative[:1]]
            )
            table.add_row(
                escape(visible(d.source)),
                str(d.n_sentences),
                *(str(d.counts.get(n, 0)) for n in self.labels),
                f"{d.tone:+.3f}",
                extremes,
            )
        self._console.print(table)
        self._documents = []

    def close(self) -> None:
        self._flush_sentences()
        if self._documents:
            self._print_documents()
        super().close()


def _highlight(result: SentenceResult) -> str:
    """The sentence with its evidence spans in bold (rich markup, escaped; control characters
    as visible escapes)."""
    from rich.markup import escape

    text = result.text
    pieces = []
    cursor = 0
    for span in result.prediction.evidence:
        pieces.append(escape(visible(text[cursor : span.start])))
        pieces.append(f"[bold underline]{escape(visible(text[span.start : span.end]))}[/]")
        cursor = span.end
    pieces.append(escape(visible(text[cursor:])))
    return "".join(pieces)


_WRITERS: dict[Format, type[Writer]] = {
    Format.JSONL: JsonlWriter,
    Format.CSV: CsvWriter,
    Format.TABLE: TableWriter,
    Format.MARKDOWN: MarkdownWriter,
}


def make_writer(
    fmt: Format,
    per: Per,
    stream: TextIO,
    labels: Sequence[str],
    extra: Sequence[ExtraColumn] = (),
    *,
    threshold: float = REVIEW_THRESHOLD,
    raw: bool = False,
) -> Writer:
    """The writer of ``fmt``; ``extra`` columns are added to JSONL and CSV sentence rows,
    ``threshold`` is CSV's review flag's, ``raw`` keeps CSV formula cells as they are."""
    return _WRITERS[fmt](stream, labels, per, extra, threshold=threshold, raw=raw)


def human_size(size: int) -> str:
    """A byte count for people, in powers of 1024 like ``ls -h``: "170 B", "70.5 KB", "1.2 MB"."""
    value = float(size)
    for unit in ("B", "KB", "MB"):
        if value < 1024:
            return f"{value:.0f} {unit}" if unit == "B" else f"{value:.1f} {unit}"
        value /= 1024
    return f"{value:.1f} GB"
