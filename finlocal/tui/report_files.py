"""Writing the scored document from the app: JSONL, CSV or a Markdown report.

JSONL and CSV rows are exactly those of ``finlocal score --format jsonl|csv`` (same writers). The
Markdown report adds a summary, the most negative and positive sentences and the sentences
flagged for review above the sentence table.
"""

from __future__ import annotations

import io
from collections.abc import Iterable
from enum import Enum
from pathlib import Path

from finlocal.output import Format, Per, make_writer
from finlocal.scoring import DocumentReport, SentenceResult
from finlocal.tui.config import ModelInfo
from finlocal.tui.view import label_tag, needs_review


class ExportFormat(Enum):
    JSONL = "jsonl"
    CSV = "csv"
    MARKDOWN = "markdown"

    @property
    def suffix(self) -> str:
        return {"jsonl": ".jsonl", "csv": ".csv", "markdown": ".md"}[self.value]

    @property
    def title(self) -> str:
        return {"jsonl": "JSONL (one row per sentence)", "csv": "CSV (one row per sentence)",
                "markdown": "Markdown report"}[self.value]

    @staticmethod
    def strip_suffix(path: str) -> str:
        """``path`` without a trailing export suffix (so switching format swaps the suffix)."""
        for fmt in ExportFormat:
            if path.endswith(fmt.suffix):
                return path[: -len(fmt.suffix)]
        return path


def _sentence_rows(report: DocumentReport, fmt: Format) -> str:
    buffer = io.StringIO()
    writer = make_writer(fmt, Per.SENTENCE, buffer, report.labels)
    writer.sentences(report.sentences)
    writer.document(report)
    return buffer.getvalue()


def _quote(result: SentenceResult) -> str:
    text = " ".join(result.text.split()).replace("|", "\\|")
    return (f"- {label_tag(result.label)} {result.prediction.confidence:.2f} "
            f"(sentence {result.index + 1}): {text}")


def _section(title: str, results: Iterable[SentenceResult]) -> list[str]:
    lines = [_quote(r) for r in results]
    return [f"## {title}", "", *(lines or ["(none)"]), ""]


def markdown_report(
    report: DocumentReport, model: ModelInfo | None = None, threshold: float = 0.6
) -> str:
    counts = " · ".join(f"{label_tag(name)} {report.counts.get(name, 0)}" for name in report.labels)
    review = [r for r in report.sentences if needs_review(r, threshold)]
    lines = [
        f"# Tone report: {report.source}",
        "",
        f"- Sentences: {report.n_sentences} ({counts})",
        f"- Net tone index: {report.tone:+.3f} (mean of P(positive) − P(negative), −1 … +1)",
        f"- Scored in {report.total_ms:.0f} ms ({report.sentences_per_s:.0f} sentences/s)",
    ]
    if model is not None:
        lines.append(f"- Model: {model.describe()}")
    lines.append("")
    lines += _section("Most negative", report.top_negative)
    lines += _section("Most positive", report.top_positive)
    lines += _section(f"For review (confidence below {threshold:.2f})", review)
    lines += ["## All sentences", "", _sentence_rows(report, Format.MARKDOWN)]
    return "\n".join(lines)


def write_report(
    report: DocumentReport,
    fmt: ExportFormat,
    path: Path,
    *,
    model: ModelInfo | None = None,
    threshold: float = 0.6,
) -> None:
    """Write ``report`` to ``path``; OSError propagates (the app shows it)."""
    if fmt is ExportFormat.MARKDOWN:
        content = markdown_report(report, model, threshold)
    else:
        content = _sentence_rows(report, Format(fmt.value))
    path.write_text(content, encoding="utf-8", newline="")
