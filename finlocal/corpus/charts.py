"""The report's charts: matplotlib figures rendered to SVG text, to be inlined in the page.

Figures are built with `matplotlib.figure.Figure` (no pyplot, no GUI backend, no global state),
under a local ``rc_context``; the SVG carries no date and a fixed id salt, so the same data gives
the same bytes. Text stays text in the SVG (``svg.fonttype: none``), which keeps files small.
"""

from __future__ import annotations

import io
import math
import re
from collections.abc import Mapping, Sequence
from typing import Any

from finlocal.errors import require

LABEL_COLORS = {"negative": "#c0392b", "neutral": "#a6acaf", "positive": "#1e8449"}
OTHER_COLORS = ("#7d3c98", "#b9770e", "#2e86c1", "#566573")
TONE_COLOR = "#1f3a93"
BAND_COLOR = "#c9cfee"
_RC = {
    "svg.fonttype": "none",
    "svg.hashsalt": "finlocal",
    "font.size": 9,
    "font.family": "sans-serif",
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.titlesize": 10,
    "axes.titleweight": "bold",
}


def _mpl():  # noqa: ANN202 - returns matplotlib
    return require("matplotlib", "corpus", "The corpus report's charts")


def label_color(label: str, position: int) -> str:
    return LABEL_COLORS.get(label, OTHER_COLORS[position % len(OTHER_COLORS)])


def _figure(width: float, height: float) -> Any:
    _mpl()
    from matplotlib.figure import Figure

    return Figure(figsize=(width, height), dpi=96, layout="constrained")


def _svg(fig: Any, title: str) -> str:
    buffer = io.StringIO()
    fig.savefig(buffer, format="svg", metadata={"Date": None, "Title": title})
    text = buffer.getvalue()
    text = text[text.index("<svg") :]  # drop the XML declaration and doctype: the SVG is inlined
    text = re.sub(r"\s*<metadata>.*?</metadata>", "", text, count=1, flags=re.S)  # RDF boilerplate
    return re.sub(r"<svg ", f'<svg role="img" aria-label="{_attr(title)}" class="chart" ', text, count=1)


def _attr(text: str) -> str:
    return text.replace("&", "&amp;").replace('"', "&quot;").replace("<", "&lt;")


def _render(width: float, height: float, title: str, draw: Any) -> str:
    mpl = _mpl()
    with mpl.rc_context(_RC):
        fig = _figure(width, height)
        draw(fig)
        return _svg(fig, title)


def _tone_axis(ax: Any) -> None:
    ax.axhline(0, color="#555", linewidth=0.6)
    ax.set_ylabel("tone index")
    ax.grid(axis="y", linewidth=0.3, alpha=0.6)


def tone_line(periods: Sequence[str], tones: Sequence[float], title: str) -> str:
    """Tone index by period for one company: a line with a marker per document."""

    def draw(fig: Any) -> None:
        ax = fig.add_subplot()
        ax.plot(range(len(periods)), tones, color=TONE_COLOR, marker="o", linewidth=1.8, markersize=4)
        for x, y in enumerate(tones if len(tones) <= 12 else ()):
            ax.annotate(
                f"{y:+.2f}", (x, y), textcoords="offset points", xytext=(0, 6), ha="center", fontsize=7, color="#333"
            )
        step = max(1, math.ceil(len(periods) / 12))
        ax.set_xticks(list(range(len(periods)))[::step], list(periods)[::step], rotation=30 if len(periods) > 6 else 0)
        ax.set_xlim(-0.5, len(periods) - 0.5)
        low, high = min(min(tones), 0.0), max(max(tones), 0.0)
        pad = max(0.08, (high - low) * 0.2)
        ax.set_ylim(low - pad, high + pad)
        _tone_axis(ax)
        ax.set_title(title, loc="left")

    return _render(4.6, 2.6, title, draw)


def tone_distribution(
    periods: Sequence[str],
    medians: Sequence[float],
    lower: Sequence[float],
    upper: Sequence[float],
    counts: Sequence[int],
    title: str,
) -> str:
    """Across companies: the median document tone by period, with the interquartile band."""

    def draw(fig: Any) -> None:
        ax = fig.add_subplot()
        xs = range(len(periods))
        ax.fill_between(xs, lower, upper, color=BAND_COLOR, linewidth=0, label="middle 50 % of documents")
        ax.plot(xs, medians, color=TONE_COLOR, marker="o", markersize=3, linewidth=2, label="median document")
        step = max(1, math.ceil(len(periods) / 14))
        ax.set_xticks(
            list(xs)[::step], [f"{p}\n(n={n})" for p, n in zip(periods, counts, strict=True)][::step], fontsize=7
        )
        _tone_axis(ax)
        ax.legend(loc="lower left", frameon=False, fontsize=7)
        ax.set_title(title, loc="left")

    return _render(9.4, 3.0, title, draw)


def ranked_tone(names: Sequence[str], tones: Sequence[float], title: str) -> str:
    """Horizontal bars, one per company (already ordered), green above 0 and red below."""

    def draw(fig: Any) -> None:
        ax = fig.add_subplot()
        ys = range(len(names))
        colors = [LABEL_COLORS["positive"] if t >= 0 else LABEL_COLORS["negative"] for t in tones]
        ax.barh(ys, tones, color=colors, height=0.7)
        ax.set_yticks(ys, list(names), fontsize=7)
        ax.invert_yaxis()
        ax.axvline(0, color="#555", linewidth=0.6)
        ax.set_xlabel("mean tone index of the company's documents")
        ax.grid(axis="x", linewidth=0.3, alpha=0.6)
        ax.set_title(title, loc="left")

    return _render(4.6, 0.6 + 0.17 * max(len(names), 4), title, draw)


def label_mix(rows: Sequence[str], counts: Sequence[Mapping[str, int]], labels: Sequence[str], title: str) -> str:
    """One stacked horizontal bar per row (a document or a period): the share of each label."""

    def draw(fig: Any) -> None:
        ax = fig.add_subplot()
        ys = range(len(rows))
        left = [0.0] * len(rows)
        for position, label in enumerate(labels):
            shares = []
            for c in counts:
                total = sum(c.values())
                shares.append(100.0 * c.get(label, 0) / total if total else 0.0)
            ax.barh(ys, shares, left=left, color=label_color(label, position), height=0.72, label=label)
            left = [a + b for a, b in zip(left, shares, strict=True)]
        ax.set_yticks(ys, list(rows), fontsize=7)
        ax.invert_yaxis()
        ax.set_xlim(0, 100)
        ax.set_xlabel("% of sentences")
        ax.legend(loc="lower center", bbox_to_anchor=(0.5, 1.0), ncol=len(labels), frameon=False, fontsize=7)
        ax.set_title(title, loc="left", pad=18)

    return _render(4.6, 0.9 + 0.2 * max(len(rows), 3), title, draw)
