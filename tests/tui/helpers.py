"""Driving the app in tests: a deterministic app on the keyword fake, a tiny Pilot driver, and
what the user sees (the screen as text, the status line, the notifications).

Pilot tests are plain (sync) pytest functions that run their scenario with `asyncio.run`, so
the suite needs no async plugin. Nothing here reads Textual's private state: the screen comes
from `App.export_screenshot`, notifications from `App.notify` calls.
"""

from __future__ import annotations

import asyncio
import time
import xml.etree.ElementTree as ET
from collections.abc import Awaitable, Callable, Sequence
from pathlib import Path
from typing import Any

from rich.cells import cell_len
from rich.color import Color
from rich.style import Style
from textual.geometry import Region
from textual.notifications import SeverityLevel
from textual.pilot import Pilot
from textual.widget import Widget

from finlocal.tui import app as app_module
from finlocal.tui.app import FinlocalApp
from finlocal.tui.config import TuiConfig
from tests.fakes import KeywordClassifier
from tests.tui.fakes import FakeExplainer, loader

REPORT = (Path(__file__).resolve().parents[2] / "examples" / "q3-release.txt").read_text(encoding="utf-8")


class RecordingApp(FinlocalApp):
    """The app, keeping every notification it was asked to show (as `notifications` returns)."""

    # Textual reads a relative CSS_PATH next to the module defining the class: point at the app's.
    CSS_PATH = Path(app_module.__file__).parent / str(FinlocalApp.CSS_PATH)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.notified: list[tuple[str, str]] = []

    def notify(
        self,
        message: str,
        *,
        title: str = "",
        severity: SeverityLevel = "information",
        timeout: float | None = None,
        markup: bool = True,
    ) -> None:
        self.notified.append((severity, message))
        super().notify(message, title=title, severity=severity, timeout=timeout, markup=markup)

    def clear_notifications(self) -> None:
        self.notified.clear()
        super().clear_notifications()


def make_app(
    classifier: KeywordClassifier | None = None,
    *,
    config: TuiConfig | None = None,
    explainer: Any = None,
    **kwargs: Any,
) -> RecordingApp:
    return RecordingApp(
        config or TuiConfig(),
        load_model=kwargs.pop("load_model", None) or loader(classifier),
        explainer_factory=kwargs.pop("explainer_factory", None) or (lambda: explainer or FakeExplainer()),
        **kwargs,
    )


async def wait_for(pilot: Pilot, predicate: Callable[[], Any], what: str = "condition") -> None:
    """Let the app run until ``predicate()`` holds (bounded, so a broken app fails the test)."""
    deadline = time.monotonic() + 20
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        await pilot.pause(0.02)


async def settle(pilot: Pilot) -> None:
    """Let every worker run to its end and the app handle all they posted: after this, a late
    message that was going to change the screen has changed it (bounded, so a hung worker fails
    the test)."""
    await asyncio.wait_for(pilot.app.workers.wait_for_complete(), 20)
    await pilot.pause()


async def score(pilot: Pilot, text: str) -> None:
    """Paste ``text`` and score it, waiting for the report."""
    app = pilot.app
    app.main.input_panel.text_area.load_text(text)
    app.main.input_panel.text_area.focus()
    await pilot.press("ctrl+r")
    await wait_for(pilot, lambda: app.main.report is not None, "the report")
    await pilot.pause()


def run(
    app: FinlocalApp,
    scenario: Callable[[Pilot], Awaitable[None]],
    size: tuple[int, int] = (100, 30),
) -> None:
    async def main() -> None:
        async with app.run_test(size=size, notifications=True) as pilot:
            await scenario(pilot)

    asyncio.run(main())


def notifications(app: RecordingApp) -> list[tuple[str, str]]:
    """(severity, message) of every notification so far, oldest first."""
    return list(app.notified)


def status(app: FinlocalApp) -> str:
    """The status line under the input, as shown."""
    return str(app.main.query_one("#input-hint").content)


# Rich's SVG export: a character cell is 0.61 × 20 px wide, a line 1.22 × 20 px high, and a
# line's text sits 20 px below its top.
_CELL_WIDTH = 20 * 0.61
_LINE_HEIGHT = 20 * 1.22
_BASELINE = 20


def screen_text(app: FinlocalApp) -> str:
    """The screen as plain text, as a terminal would show it (for asserting what the user sees),
    read back from the app's own SVG screenshot."""
    width, height = app.size
    rows = [[" "] * width for _ in range(height)]
    for element in ET.fromstring(app.export_screenshot()).iter("{http://www.w3.org/2000/svg}text"):
        if element.get("clip-path") is None:  # the window title, not the terminal
            continue
        row = round((float(element.get("y", 0)) - _BASELINE) / _LINE_HEIGHT)
        col = round(float(element.get("x", 0)) / _CELL_WIDTH)
        for char in (element.text or "").replace("\xa0", " "):
            if 0 <= row < height and 0 <= col < width:
                rows[row][col] = char
                for extra in range(1, cell_len(char)):  # a wide character covers two cells
                    if col + extra < width:
                        rows[row][col + extra] = ""
            col += cell_len(char)
    return "\n".join("".join(cells).rstrip() for cells in rows)


def write_pdf(path: Path, pages: Sequence[str | None]) -> None:
    """A PDF with one page per item: its text on one line, or a blank page for None."""
    from pypdf import PdfWriter
    from pypdf.generic import DecodedStreamObject, DictionaryObject, NameObject

    writer = PdfWriter()
    font = writer._add_object(
        DictionaryObject(
            {
                NameObject("/Type"): NameObject("/Font"),
                NameObject("/Subtype"): NameObject("/Type1"),
                NameObject("/BaseFont"): NameObject("/Helvetica"),
            }
        )
    )
    for text in pages:
        page = writer.add_blank_page(width=600, height=200)
        if text is None:
            continue
        page[NameObject("/Resources")] = DictionaryObject(
            {NameObject("/Font"): DictionaryObject({NameObject("/F1"): font})}
        )
        stream = DecodedStreamObject()
        stream.set_data(f"BT /F1 10 Tf 20 100 Td ({text}) Tj ET".encode("latin-1"))
        page[NameObject("/Contents")] = writer._add_object(stream)
    with open(path, "wb") as fh:
        writer.write(fh)


def rendered_cells(widget: Widget) -> list[tuple[str, Style]]:
    """Every piece of text ``widget`` draws with its final style (theme colours resolved and
    the app's filters applied, NO_COLOR's monochrome included), from its public `render_lines`."""
    width, height = widget.size
    pieces = []
    for strip in widget.render_lines(Region(0, 0, width, height)):
        for segment in strip:
            if not segment.control and segment.text.strip():
                pieces.append((segment.text, segment.style or Style()))
    return pieces


def _luminance(color: Color) -> float:
    def channel(value: int) -> float:
        v = value / 255
        return v / 12.92 if v <= 0.03928 else ((v + 0.055) / 1.055) ** 2.4

    r, g, b = color.get_truecolor()
    return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b)


def contrast(style: Style) -> float | None:
    """The WCAG contrast ratio of ``style``'s text on its background (reverse swapped); None
    when either colour is left to the terminal."""
    fg, bg = style.color, style.bgcolor
    if fg is None or bg is None:
        return None
    if style.reverse:
        fg, bg = bg, fg
    high, low = sorted((_luminance(fg), _luminance(bg)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def widget_lines(widget: Widget) -> list[str]:
    """What ``widget`` draws, line by line, as plain text (within its own region)."""
    width, height = widget.size
    return [
        "".join(s.text for s in strip if not s.control) for strip in widget.render_lines(Region(0, 0, width, height))
    ]
