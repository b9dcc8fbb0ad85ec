"""Bottom region: counts, the net tone index, tone along the document, speed and the model.

The counts, the tone index and the tone strip are about sentences only (as the report's are):
headings and table rows are listed in the table but not counted. The first line puts what moved
before the row count, so at 80 columns the verdicts stay on screen."""

from __future__ import annotations

import bisect
from collections.abc import Sequence
from dataclasses import dataclass

from rich.text import Text
from textual import events
from textual.app import ComposeResult, RenderResult
from textual.containers import Vertical
from textual.message import Message
from textual.reactive import reactive
from textual.widget import Widget
from textual.widgets import Static

from finlocal.changes.describe import MovedRow
from finlocal.scoring import DocumentReport, SentenceResult
from finlocal.structure import RowKind
from finlocal.tui.config import ModelInfo
from finlocal.tui.palette import DOWN_STYLE, LABEL_STYLES, UP_STYLE, VERDICT_STYLES
from finlocal.tui.view import count, duration, label_tag

BARS = "▁▂▃▄▅▆▇█"


def bucket_means(values: Sequence[float], width: int) -> list[float]:
    """``values`` resampled to exactly ``width`` points: each point is the mean of the values
    under it, so a long document is squeezed and a short one stretched across the line."""
    n = len(values)
    if not n or width <= 0:
        return []
    points = []
    for column in range(width):
        lo = column * n // width
        hi = max(lo + 1, (column + 1) * n // width)
        part = values[lo:hi]
        points.append(sum(part) / len(part))
    return points


def bucket_columns(width: int, n: int) -> list[range]:
    """For each column of a ``width``-wide strip, the sentences it averages (`bucket_means`)."""
    columns = []
    for column in range(width if n else 0):
        lo = column * n // width
        columns.append(range(lo, max(lo + 1, (column + 1) * n // width)))
    return columns


def bucket_of(index: int, n: int, width: int) -> range:
    """The columns of a ``width``-wide strip that show sentence ``index`` of ``n``: one when
    the document is squeezed, several when it is stretched."""
    hits = [c for c, sentences in enumerate(bucket_columns(width, n)) if index in sentences]
    return range(hits[0], hits[-1] + 1) if hits else range(0)


def sentence_at(column: int, n: int, width: int) -> int | None:
    """The sentence a click on ``column`` of the strip means (the first one under it)."""
    if n <= 0 or width <= 0 or not 0 <= column < width:
        return None
    return column * n // width


class ToneSparkline(Widget):
    """Sentence tone along the document on a fixed −1…+1 scale (▁ all negative, █ all positive).

    Unlike Textual's `Sparkline`, the scale does not stretch to the data, so a mildly positive
    document does not look dramatic. Direction also reads from bar height alone (NO_COLOR). The
    selected sentence's column is shown inverted; a click selects the sentence under it.
    ``tones`` are the sentences' (not headings' or table rows'), ``indices`` their row indices.
    """

    tones: reactive[tuple[float, ...]] = reactive(tuple, layout=False)
    indices: reactive[tuple[int, ...]] = reactive(tuple, layout=False)
    selected: reactive[int | None] = reactive(None, layout=False)
    """The row index of the selected row (its column is marked when it is a sentence)."""

    def show(self, results: Sequence[SentenceResult]) -> None:
        """The tone of the sentences among ``results``, in document order."""
        sentences = [r for r in results if r.kind is RowKind.SENTENCE]
        self.indices = tuple(r.index for r in sentences)
        self.tones = tuple(r.prediction.tone for r in sentences)

    def _position(self, index: int | None) -> int | None:
        if index is None:
            return None
        at = bisect.bisect_left(self.indices, index)
        return at if at < len(self.indices) and self.indices[at] == index else None

    @dataclass
    class Clicked(Message):
        """The strip was clicked over sentence ``index``."""

        index: int

    def render(self) -> RenderResult:
        width = self.size.width
        points = bucket_means(self.tones, width)
        if not points:
            return Text("tone along the document appears here", style="dim")
        position = self._position(self.selected)
        marked = bucket_of(position, len(self.tones), width) if position is not None else range(0)
        line = Text(no_wrap=True)
        for column, value in enumerate(points):
            level = min(len(BARS) - 1, max(0, round((value + 1) / 2 * (len(BARS) - 1))))
            style = UP_STYLE if value >= 0.2 else DOWN_STYLE if value <= -0.2 else ""
            line.append(BARS[level], style=f"{style} reverse" if column in marked else style)
        return line

    def on_click(self, event: events.Click) -> None:
        position = sentence_at(event.x, len(self.tones), self.size.width)
        if position is not None and position < len(self.indices):
            self.post_message(self.Clicked(self.indices[position]))


def counts_line(
    counts: dict[str, int],
    tone_index: float | None,
    done: int,
    total: int | None,
    cancelled: bool = False,
    unit: str = "sentence",
    moved: Sequence[MovedRow] | None = None,
    others: int = 0,
) -> Text:
    """ "NEG 4  NEU 8  POS 4  tone +0.02  moved 3 good · 1 bad (v)  16 sentences": the label
    counts (sentences only), the tone index, what moved and how many rows (``done``, ``others``
    of them headings or table rows); a run still scoring or cancelled says so before what
    moved, so at 80 columns the line keeps what matters most."""
    line = Text(no_wrap=True, overflow="ellipsis")
    for label, n in counts.items():
        line.append(f"{label_tag(label)} ", style=LABEL_STYLES.get(label, ""))
        line.append(f"{n:,}  ")
    if tone_index is not None:
        line.append("tone ")
        line.append(f"{tone_index:+.2f}", style="bold")
        line.append("  ")
    if cancelled:  # the state of a run that did not finish comes before what moved
        line.append(f"cancelled after {done:,} of {total or 0:,} (partial)", style="italic")
    elif total is not None and done < total:
        line.append(f"scoring {done:,}/{total:,}…", style="italic")
    if moved:
        line.append("  " if line.plain.endswith(")") or line.plain.endswith("…") else "")
        line.append_text(moved_summary(moved))
        line.append("  ")
    if not cancelled and (total is None or done >= total):
        line.append(count(done - others, unit))
        if others:
            line.append(f" + {count(others, 'other row')}")
    line.rstrip()
    return line


def moved_summary(moved: Sequence[MovedRow]) -> Text:
    """ "moved 3 good · 1 bad (v)": every change the reader found (uncapped,
    `finlocal.tui.view.all_moved`) by verdict, and the key for the table; empty when none."""
    verdicts = [m.change.verdict.value for m in moved]
    if not verdicts:
        return Text()
    text = Text("moved ")
    text.append(f"{verdicts.count('good'):,} good", style=VERDICT_STYLES["good"])
    text.append(" · ")
    text.append(f"{verdicts.count('bad'):,} bad", style=VERDICT_STYLES["bad"])
    unknown = verdicts.count("unknown")
    if unknown:
        text.append(f" · {unknown:,} unclear")
    text.append(" (v)")
    return text


class SummaryPanel(Vertical):
    """Three lines: counts and tone index / the tone sparkline / speed and model."""

    def __init__(self, *, id: str | None = None) -> None:  # noqa: A002 - Textual's name
        super().__init__(id=id)
        self._speed = ""
        self._model: ModelInfo | None = None
        self._model_error: str | None = None

    def compose(self) -> ComposeResult:
        yield Static(Text("Nothing scored yet.", style="dim"), id="summary-counts")
        yield ToneSparkline(id="summary-tone")
        yield Static(Text("loading model…", style="dim"), id="summary-model")

    def show_progress(self, labels: Sequence[str], results: Sequence[SentenceResult], total: int) -> None:
        """The rows scored so far: sentences counted by label, every row in the progress."""
        counts = dict.fromkeys(labels, 0)
        for r in results:
            if r.kind is RowKind.SENTENCE:
                counts[r.label] = counts.get(r.label, 0) + 1
        line = counts_line(counts, None, len(results), total)
        self.query_one("#summary-counts", Static).update(line, layout=False)
        self.query_one(ToneSparkline).show(results)

    @property
    def tone_strip(self) -> ToneSparkline:
        return self.query_one(ToneSparkline)

    def show_report(
        self,
        report: DocumentReport,
        moved: Sequence[MovedRow],
        total: int | None = None,
        unit: str = "sentence",
    ) -> None:
        """A finished report, or with ``total`` the partial report of a cancelled run; ``moved``
        every change of its rows; ``unit`` is what a row is (sentence, line, document)."""
        counts = {label: report.counts.get(label, 0) for label in report.labels}
        n = len(report.sentences)
        others = sum(r.kind is not RowKind.SENTENCE for r in report.sentences)
        line = counts_line(
            counts,
            report.tone,
            n,
            n if total is None else total,
            cancelled=total is not None,
            unit=unit,
            moved=moved,
            others=others,
        )
        self.query_one("#summary-counts", Static).update(line, layout=False)
        self.query_one(ToneSparkline).show(report.sentences)
        self._speed = f"{duration(report.total_ms)} · {report.sentences_per_s:,.0f} sentences/s"
        self._update_model_line()

    def clear(self) -> None:
        self.query_one("#summary-counts", Static).update(Text("Nothing scored yet.", style="dim"))
        self.query_one(ToneSparkline).show(())
        self.query_one(ToneSparkline).selected = None
        self._speed = ""
        self._update_model_line()

    def show_model(self, info: ModelInfo | None, error: str | None = None) -> None:
        self._model = info
        self._model_error = error
        self._update_model_line()

    def _update_model_line(self) -> None:
        line = Text(no_wrap=True, overflow="ellipsis")
        if self._speed:
            line.append(self._speed + "   ")
        if self._model is not None:
            line.append("model ", style="dim")
            line.append(self._model.describe())
        elif self._model_error is not None:
            line.append("no model loaded", style=VERDICT_STYLES["bad"])
        else:
            line.append("loading model…", style="dim")
        self.query_one("#summary-model", Static).update(line, layout=False)
