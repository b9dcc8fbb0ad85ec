"""Writing scored sentences from the app: JSONL, CSV or a Markdown report.

JSONL and CSV rows are those of ``finlocal score --format jsonl|csv`` (same writers), plus a
``page`` field for a PDF; CSV flags review at the app's threshold. The Markdown report adds a
summary, the most negative and positive sentences and the sentences flagged for review above the
sentence table; its text is escaped (`finlocal.output.markdown_cell`: HTML and control
characters never reach the viewer). Sentences are numbered from 1 everywhere a person reads a
number (the app's ``#`` column, the CSV ``#``, the Markdown report); only the JSONL ``index``, for
programs, counts from 0, as in ``finlocal score``.

The file name decides the format: a known suffix picks it, a name without a suffix gets the
chosen format's, and any other suffix is refused with a message saying which ones work.
"""

from __future__ import annotations

import io
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from finlocal.output import (
    KIND_NAMES,
    MOVED_HEADER,
    ExtraColumn,
    Format,
    Per,
    format_for_suffix,
    kind_prefix,
    make_writer,
    markdown_cell,
    markdown_table,
    moved_cells,
)
from finlocal.predictions import REVIEW_THRESHOLD
from finlocal.reading import page_of
from finlocal.scoring import DocumentReport, SentenceResult
from finlocal.structure import RowKind
from finlocal.tui.config import ModelInfo
from finlocal.tui.view import confidence_text, count, label_tag, needs_review, page_label

EXPORT_FORMATS: tuple[Format, ...] = (Format.JSONL, Format.CSV, Format.MARKDOWN)
"""The formats the app exports, in the order the dialog shows them."""


def export_format(suffix: str) -> Format | None:
    """The export format a file suffix (``.csv``, any case) stands for, or None."""
    fmt = format_for_suffix(suffix)
    return fmt if fmt in EXPORT_FORMATS else None


def strip_export_suffix(path: str) -> str:
    """``path`` without a trailing export suffix (so switching format swaps the suffix)."""
    suffix = Path(path).suffix
    if suffix and export_format(suffix) is not None:
        return path[: -len(suffix)]
    return path


class BadExportPath(ValueError):
    """The typed file name cannot be exported to; the message says what to change."""


def export_target(value: str, chosen: Format) -> tuple[Path, Format]:
    """The file and the format a typed file name means.

    A known suffix decides the format (``x.csv`` is CSV whatever was chosen); a name without a
    suffix gets the chosen format's; any other suffix raises `BadExportPath`.
    """
    text = value.strip()
    if not text:
        raise BadExportPath("Type a file name to export to.")
    path = Path(text).expanduser()
    if text.endswith(("/", "\\")) or path.is_dir():
        raise BadExportPath(f"{path} is a folder: add a file name, e.g. {path / ('report' + chosen.suffix)}")
    suffix = path.suffix
    if not suffix:
        return path.with_name(path.name + chosen.suffix), chosen
    fmt = export_format(suffix)
    if fmt is None:
        raise BadExportPath(
            f"Cannot write {suffix} files: end the name with .jsonl, .csv or .md (a spreadsheet opens the .csv)."
        )
    return path, fmt


@dataclass(frozen=True)
class ExportSpec:
    """What an export writes: which rows of which report, and how to describe them."""

    report: DocumentReport
    """The scored document (only the sentences scored before a cancel, when it is partial)."""
    rows: tuple[SentenceResult, ...]
    """The sentences to write, in document order."""
    selection: str | None = None
    """Why only these rows, e.g. "NEG only" (None: every sentence of the report)."""
    total_sentences: int | None = None
    """The document's sentence count when scoring was cancelled (the report is partial)."""
    page_starts: tuple[int, ...] = ()
    """PDF page offsets of the scored text (`finlocal.reading.Document.page_starts`)."""

    @property
    def partial(self) -> bool:
        return self.total_sentences is not None

    def describe(self) -> str:
        """For the notification after writing: "16 sentences", "5 of 16 sentences (NEG only)"."""
        n = len(self.report.sentences)
        text = (
            count(len(self.rows), "sentence")
            if self.selection is None
            else f"{len(self.rows):,} of {count(n, 'sentence')} ({self.selection})"
        )
        if self.partial:
            text += f", partial: {n:,} of {self.total_sentences:,} scored"
        return text


@dataclass(frozen=True)
class ExportOffer:
    """What there is to export, so the dialog can say it plainly."""

    stem: str
    directory: Path
    scored: int
    """Sentences scored (the rows on hand)."""
    shown: int
    """Rows the table shows under its filter."""
    filter_title: str | None = None
    """The table's filter when it hides rows (None: every row is shown)."""
    partial_of: int | None = None
    """The document's sentence count when scoring was cancelled."""
    stale: bool = False
    """The input text was edited after it was scored."""
    format: Format = Format.JSONL
    """The format chosen first."""
    last_format: bool = False
    """``format`` is the last export's (the dialog says so)."""


@dataclass(frozen=True)
class ExportChoice:
    format: Format
    path: Path
    only_shown: bool


def _rows(spec: ExportSpec, fmt: Format, threshold: float) -> str:
    """The JSONL or CSV rows of ``finlocal score``, with a PDF's ``page`` after the standard ones."""
    pages = spec.page_starts
    extra: list[ExtraColumn] = [("page", lambda r: page_of(pages, r.start))] if pages else []
    buffer = io.StringIO()
    make_writer(fmt, Per.SENTENCE, buffer, spec.report.labels, extra, threshold=threshold).sentences(spec.rows)
    return buffer.getvalue()


def _where(result: SentenceResult, page_starts: tuple[int, ...]) -> str:
    page = page_label(page_starts, result.start, result.end)
    return f"sentence {result.index + 1}" + (f", {page}" if page else "")


def _quote(result: SentenceResult, page_starts: tuple[int, ...]) -> str:
    return (
        f"- {label_tag(result.label)} {confidence_text(result.prediction.confidence)} "
        f"({_where(result, page_starts)}): {markdown_cell(kind_prefix(result.kind) + result.text)}"
    )


def _section(title: str, results: Iterable[SentenceResult], pages: tuple[int, ...]) -> list[str]:
    lines = [_quote(r, pages) for r in results]
    return [f"## {title}", "", *(lines or ["(none)"]), ""]


def _table(spec: ExportSpec) -> list[str]:
    paged = bool(spec.page_starts)
    header = ["#", *(["page"] if paged else []), "label", "confidence", "sentence", "evidence"]
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    for r in spec.rows:
        cells = [
            r.index + 1,
            *([page_of(spec.page_starts, r.start)] if paged else []),
            r.label,
            confidence_text(r.prediction.confidence),
            kind_prefix(r.kind) + r.text,
            " | ".join(s.text for s in r.evidence),
        ]
        lines.append("| " + " | ".join(markdown_cell(c) for c in cells) + " |")
    return lines


def _moved(report: DocumentReport) -> list[str]:
    """The "What moved" section: every change the metric-change reader found (not the model)."""
    lines = ["## What moved", ""]
    if not report.moved:
        return [*lines, "(no change of a line item found in the figures)", ""]
    rows = [[*moved_cells(m)[:-1], f"#{m.sentence_index + 1}: {m.sentence}"] for m in report.moved]
    note = "Read from the figures and the metric's polarity by finlocal's reader, not by the model."
    return [*lines, note, "", markdown_table(MOVED_HEADER, rows)]


def _others(report: DocumentReport) -> str:
    """ "; also 7 table rows and 2 headings, listed but not counted" (empty for none)."""
    kinds = Counter(r.kind for r in report.sentences if r.kind is not RowKind.SENTENCE)
    if not kinds:
        return ""
    named = [count(n, KIND_NAMES[kind]) for kind, n in sorted(kinds.items(), key=lambda kv: kv[0].value, reverse=True)]
    return f"; also {' and '.join(named)}, listed but not counted"


def markdown_report(spec: ExportSpec, model: ModelInfo | None = None, threshold: float = REVIEW_THRESHOLD) -> str:
    report, pages = spec.report, spec.page_starts
    counts = " · ".join(f"{label_tag(name)} {report.counts.get(name, 0)}" for name in report.labels)
    review = [r for r in report.sentences if needs_review(r, threshold)]
    lines = [f"# Tone report: {markdown_cell(report.source)}", ""]
    if spec.partial:
        lines.append(
            f"- **Partial**: scoring was cancelled after {report.n_sentences:,} of "
            f"{spec.total_sentences:,} sentences; everything below is about those."
        )
    lines += [
        f"- Sentences: {report.n_sentences} ({counts})" + _others(report),
        f"- Net tone index: {report.tone:+.3f} (mean of P(positive) − P(negative), −1 … +1)",
        f"- Scored in {report.total_ms:.0f} ms ({report.sentences_per_s:.0f} sentences/s)",
    ]
    if model is not None:
        lines.append(f"- Model: {model.describe()}")
    if spec.selection is not None:
        lines.append(
            f"- Table: {len(spec.rows)} of {report.n_sentences} sentences ({spec.selection}), in document order"
        )
    lines.append("")
    lines += _section("Most negative", report.top_negative, pages)
    lines += _section("Most positive", report.top_positive, pages)
    lines += _section(f"For review (confidence below {threshold:.2f})", review, pages)
    lines += _moved(report)
    title = "All sentences" if spec.selection is None else f"Sentences: {spec.selection}"
    lines += [
        f"## {title}",
        "",
        "`#` is the sentence number, as in the app, the CSV and the lists above (the JSONL "
        "`index` is # − 1)." + (" `page` is the PDF page." if pages else ""),
        "",
        *_table(spec),
        "",
    ]
    return "\n".join(lines)


def export_text(
    spec: ExportSpec,
    fmt: Format,
    *,
    model: ModelInfo | None = None,
    threshold: float = REVIEW_THRESHOLD,
) -> str:
    """The file's content for ``fmt``."""
    if fmt is Format.MARKDOWN:
        return markdown_report(spec, model, threshold)
    return _rows(spec, fmt, threshold)


def write_export(
    spec: ExportSpec,
    fmt: Format,
    path: Path,
    *,
    model: ModelInfo | None = None,
    threshold: float = REVIEW_THRESHOLD,
) -> None:
    """Write ``spec`` to ``path`` as ``fmt``; OSError propagates (the app shows it)."""
    path.write_text(export_text(spec, fmt, model=model, threshold=threshold), encoding="utf-8", newline="")
