"""Bottom region: counts, the net tone index, tone along the document, speed and the model."""

from __future__ import annotations

from collections.abc import Sequence

from rich.text import Text
from textual.app import ComposeResult, RenderResult
from textual.containers import Vertical
from textual.reactive import reactive
from textual.widget import Widget
from textual.widgets import Static

from finlocal.scoring import DocumentReport
from finlocal.tui.config import ModelInfo
from finlocal.tui.view import LABEL_STYLES, label_tag

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


class ToneSparkline(Widget):
    """Sentence tone along the document on a fixed −1…+1 scale (▁ all negative, █ all positive).

    Unlike Textual's `Sparkline`, the scale does not stretch to the data, so a mildly positive
    document does not look dramatic. Direction also reads from bar height alone (NO_COLOR).
    """

    tones: reactive[tuple[float, ...]] = reactive(tuple, layout=False)

    def render(self) -> RenderResult:
        points = bucket_means(self.tones, self.size.width)
        if not points:
            return Text("tone along the document appears here", style="dim")
        line = Text(no_wrap=True)
        for value in points:
            level = min(len(BARS) - 1, max(0, round((value + 1) / 2 * (len(BARS) - 1))))
            style = "green" if value >= 0.2 else "red" if value <= -0.2 else "dim"
            line.append(BARS[level], style=style)
        return line


def counts_line(
    counts: dict[str, int], tone_index: float | None, done: int, total: int | None
) -> Text:
    line = Text(no_wrap=True, overflow="ellipsis")
    for label, n in counts.items():
        line.append(f"{label_tag(label)} ", style=LABEL_STYLES.get(label, ""))
        line.append(f"{n}  ")
    if tone_index is not None:
        line.append("tone index ")
        line.append(f"{tone_index:+.2f}", style="bold")
        line.append("  ")
    if total is not None and done < total:
        line.append(f"scoring {done}/{total}…", style="italic")
    else:
        line.append(f"{done} sentences")
    return line


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
        self, labels: Sequence[str], labels_seen: Sequence[str], tones: Sequence[float],
        done: int, total: int,
    ) -> None:
        counts = {label: 0 for label in labels}
        for label in labels_seen:
            counts[label] = counts.get(label, 0) + 1
        self.query_one("#summary-counts", Static).update(
            counts_line(counts, None, done, total), layout=False
        )
        self.query_one(ToneSparkline).tones = tuple(tones)

    def show_report(self, report: DocumentReport, tones: Sequence[float]) -> None:
        counts = {label: report.counts.get(label, 0) for label in report.labels}
        n = len(report.sentences)
        self.query_one("#summary-counts", Static).update(
            counts_line(counts, report.tone, n, n), layout=False
        )
        self.query_one(ToneSparkline).tones = tuple(tones)
        self._speed = (
            f"{report.total_ms:.0f} ms · {report.sentences_per_s:.0f} sentences/s"
        )
        self._update_model_line()

    def clear(self) -> None:
        self.query_one("#summary-counts", Static).update(Text("Nothing scored yet.", style="dim"))
        self.query_one(ToneSparkline).tones = ()
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
