"""Fixtures for the TUI tests: a deterministic app on a fake model, and a tiny driver for Pilot.

Pilot tests are plain (sync) pytest functions that run their scenario with `asyncio.run`, so
the suite needs no async plugin.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from textual.pilot import Pilot

from finlocal.tui.app import FinlocalApp
from finlocal.tui.config import TuiConfig
from tests.tui.fakes import FakeExplainer, KeywordClassifier, loader

REPORT = (Path(__file__).resolve().parents[2] / "examples" / "q3-release.txt").read_text(
    encoding="utf-8"
)


def make_app(
    classifier: KeywordClassifier | None = None,
    *,
    config: TuiConfig | None = None,
    explainer: Any = None,
    **kwargs: Any,
) -> FinlocalApp:
    return FinlocalApp(
        config or TuiConfig(),
        load_model=kwargs.pop("load_model", None) or loader(classifier),
        explainer_factory=kwargs.pop("explainer_factory", None)
        or (lambda: explainer or FakeExplainer()),
        **kwargs,
    )


async def wait_for(pilot: Pilot, predicate: Callable[[], Any], what: str = "condition") -> None:
    """Let the app run until ``predicate()`` holds (bounded, so a broken app fails the test)."""
    deadline = time.monotonic() + 20
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        await pilot.pause(0.02)


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


def notifications(app: FinlocalApp) -> list[tuple[str, str]]:
    return [(n.severity, n.message) for n in app._notifications]


@pytest.fixture(params=[pytest.param(((100, 30), False), id="100x30"),
                        pytest.param(((80, 24), True), id="80x24-no-color")])
def terminal(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> tuple[int, int]:
    """The two terminals every flow must work in: 100×30 in colour, 80×24 with NO_COLOR.

    Returns the size for `run`; NO_COLOR is set before the test builds its app.
    """
    size, no_color = request.param
    if no_color:
        monkeypatch.setenv("NO_COLOR", "1")
    else:
        monkeypatch.delenv("NO_COLOR", raising=False)
    return size


@pytest.fixture
def fixed_clock(monkeypatch: pytest.MonkeyPatch) -> None:
    """Scoring timings advance 1 ms per clock read, so snapshots do not depend on speed."""
    ticks = iter(range(10**9))
    monkeypatch.setattr("finlocal.scoring.time",
                        SimpleNamespace(perf_counter=lambda: next(ticks) / 1000))
