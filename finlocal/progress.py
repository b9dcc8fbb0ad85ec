"""Progress on stderr with rich, or nothing: the one progress display of every long command.

`finlocal score` (files and sentences), `finlocal train label` (sentences per teacher),
`finlocal train fit` (steps per epoch) and `finlocal corpus score` (documents) describe their bars
with `Column`s and text templates; a disabled display imports nothing from rich and draws
nothing, so a piped run stays quiet and starts fast. Results go to stdout, never through here.
"""

from __future__ import annotations

import enum
import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from rich.progress import Progress, ProgressColumn


class Column(enum.Enum):
    """A bar's moving parts; plain strings in a column list are rich text templates
    (``"{task.description}"``, ``"{task.fields[loss]:.4f}"``)."""

    BAR = "bar"
    COUNT = "count"  # done/total
    ELAPSED = "elapsed"
    REMAINING = "remaining"


class StderrProgress:
    """Rich progress bars on stderr, or nothing when ``enabled`` is False.

    Use it as a context manager; `add_task` returns the handle that `update` and `speed` take.
    ``transient`` bars disappear when the display stops.
    """

    def __init__(self, columns: Sequence[Column | str], *, enabled: bool, transient: bool = False) -> None:
        self._bar: Progress | None = None
        if enabled:
            from rich.console import Console
            from rich.progress import Progress

            self._bar = Progress(*(_column(c) for c in columns), console=Console(stderr=True), transient=transient)

    @property
    def enabled(self) -> bool:
        return self._bar is not None

    def __enter__(self) -> StderrProgress:
        if self._bar is not None:
            self._bar.start()
        return self

    def __exit__(self, *exc: object) -> None:
        if self._bar is not None:
            self._bar.stop()

    def add_task(self, description: str = "", *, total: float | None, completed: int = 0, **fields: Any) -> int:
        """A new bar; ``fields`` are the values the column templates read (``task.fields``)."""
        if self._bar is None:
            return 0
        return int(self._bar.add_task(description, total=total, completed=completed, **fields))

    def update(self, task: int, *, advance: float = 0, total: float | None = None, **fields: Any) -> None:
        """Move ``task`` on by ``advance`` steps and set any of its ``fields`` (and its ``total``
        once it is known)."""
        if self._bar is None:
            return
        from rich.progress import TaskID

        self._bar.update(TaskID(task), advance=advance, total=total, **fields)

    def speed(self, task: int) -> float | None:
        """Recent steps per second of ``task`` (None until rich can tell, or when disabled)."""
        if self._bar is None:
            return None
        from rich.progress import TaskID

        found = [t for t in self._bar.tasks if t.id == TaskID(task)]
        return found[0].speed if found else None

    def print(self, message: str) -> None:
        """A line on stderr, above the bars while they are shown; never read as rich markup."""
        if self._bar is not None:
            self._bar.console.print(message, markup=False, highlight=False)
        else:
            sys.stderr.write(message + "\n")
            sys.stderr.flush()


def _column(column: Column | str) -> ProgressColumn:
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        TextColumn,
        TimeElapsedColumn,
        TimeRemainingColumn,
    )

    if isinstance(column, str):
        return TextColumn(column)
    return {
        Column.BAR: BarColumn,
        Column.COUNT: MofNCompleteColumn,
        Column.ELAPSED: TimeElapsedColumn,
        Column.REMAINING: TimeRemainingColumn,
    }[column]()
