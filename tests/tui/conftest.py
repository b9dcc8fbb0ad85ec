"""Fixtures for the TUI tests: the two terminals every flow must work in, and a fixed clock.
Building and driving the app: `tests.tui.helpers`."""

from __future__ import annotations

from types import SimpleNamespace

import pytest


@pytest.fixture(
    params=[pytest.param(((100, 30), False), id="100x30"), pytest.param(((80, 24), True), id="80x24-no-color")]
)
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
    monkeypatch.setattr("finlocal.scoring.time", SimpleNamespace(perf_counter=lambda: next(ticks) / 1000))
