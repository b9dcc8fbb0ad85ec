"""Bottom region: counts, the net tone index, tone along the document, speed and the model."""

from __future__ import annotations

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

from finlocal.scoring import DocumentReport
from finlocal.tui.config import ModelInfo
from finlocal.tui.view import LABEL_STYLES, count, duration, label_tag

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
    """

    tones: reactive[tuple[float, ...]] = reactive(tuple, layout=False)
    selected: reactive[int | None] = reactive(None, layout=False)

    @dataclass
    class Clicked(Message):
        """The strip was clicked over sentence ``index``."""

        index: int

    def render(self) -> RenderResult:
        width = self.size.width
        points = bucket_means(self.tones, width)
        if not points:
            return Text("tone along the document appears here", style="dim")
        marked = bucket_of(self.selected, len(self.tones), width) if self.selected is not None else range(0)
        line = Text(no_wrap=True)
        for column, value in enumerate(points):
            level = min(len(BARS) - 1, max(0, round((value + 1) / 2 * (len(BARS) - 1))))
            style = "green" if value >= 0.2 else "red" if value <= -0.2 else "dim"
            line.append(BARS[level], style=f"{style} reverse" if column in marked else style)
        return line

    def on_click(self, event: events.Click) -> None:
        index = sentence_at(event.x, len(self.tones), self.size.width)
        if index is not None:
            self.post_message(self.Clicked(index))


def counts_line(
    counts: dict[str, int],
    tone_index: float | None,
    done: int,
    total: int | None,
    cancelled: bool = False,
    unit: str = "sentence",
) -> Text:
    line = Text(no_wrap=True, overflow="ellipsis")
    for label, n in counts.items():
        line.append(f"{label_tag(label)} ", style=LABEL_STYLES.get(label, ""))
        line.append(f"{n:,}  ")
    if tone_index is not None:
        line.append("tone index ")
        line.append(f"{tone_index:+.2f}", style="bold")
        line.append("  ")
    if cancelled:
        line.append(f"cancelled after {done:,} of {total or 0:,} (partial)", style="italic")
    elif total is not None and done < total:
        line.append(f"scoring {done:,}/{total:,}…", style="italic")
    else:
        line.append(count(done, unit))
    return line


def moved_summary(report: DocumentReport) -> Text:
    """ "   what moved: 3 good · 1 bad (v)": the reader's changes with a verdict, and the key for
    the table; empty when the document states none."""
    verdicts = [m.change.verdict.value for m in report.moved]
    if not verdicts:
        return Text()
    text = Text("   what moved: ")
    text.append(f"{verdicts.count('good')} good", style="green")
    text.append(" · ")
    text.append(f"{verdicts.count('bad')} bad", style="red")
    unknown = verdicts.count("unknown")
    if unknown:
        text.append(f" · {unknown} unclear", style="dim")
    text.append(" (v)", style="dim")
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

    def show_progress(
        self,
        labels: Sequence[str],
        labels_seen: Sequence[str],
        tones: Sequence[float],
        done: int,
        total: int,
    ) -> None:
        counts = dict.fromkeys(labels, 0)
        for label in labels_seen:
            counts[label] = counts.get(label, 0) + 1
        self.query_one("#summary-counts", Static).update(counts_line(counts, None, done, total), layout=False)
        self.query_one(ToneSparkline).tones = tuple(tones)

    @property
    def tone_strip(self) -> ToneSparkline:
        return self.query_one(ToneSparkline)

    def show_report(
        self, report: DocumentReport, tones: Sequence[float], total: int | None = None, unit: str = "sentence"
    ) -> None:
        """A finished report, or with ``total`` the partial report of a cancelled run; ``unit``
        is what a row is (sentence, line, document)."""
        counts = {label: report.counts.get(label, 0) for label in report.labels}
        n = len(report.sentences)
        line = counts_line(
            counts, report.tone, n, n if total is None else total, cancelled=total is not None, unit=unit
        )
        line.append_text(moved_summary(report))
        self.query_one("#summary-counts", Static).update(line, layout=False)
        self.query_one(ToneSparkline).tones = tuple(tones)
        self._speed = f"{duration(report.total_ms)} · {report.sentences_per_s:,.0f} sentences/s"
        self._update_model_line()

    def clear(self) -> None:
        self.query_one("#summary-counts", Static).update(Text("Nothing scored yet.", style="dim"))
        self.query_one(ToneSparkline).tones = ()
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
            line.append("no model loaded", style="bold red")
        else:
            line.append("loading model…", style="dim")
        self.query_one("#summary-model", Static).update(line, layout=False)
