"""The model's threads run at a lower priority than the UI thread, so keys stay prompt."""

from __future__ import annotations

import logging
import os
import sys
import threading

log = logging.getLogger(__name__)

BACKGROUND_NICENESS = 5
"""How much lower than the UI thread the model's threads run (Linux), so keys stay prompt."""


def lower_thread_priority() -> None:
    """Run the calling thread `BACKGROUND_NICENESS` below the process (the UI thread), on Linux.

    On Linux every thread has its own nice value and new threads inherit their creator's, so a
    worker that does this before it loads the model also lowers onnxruntime's thread pool. Thread
    workers run on the event loop's reused executor threads, and an unprivileged process cannot
    raise a priority back, so this sets an absolute target (the process's nice value plus
    `BACKGROUND_NICENESS`) instead of adding to the current one: calling it again on the same
    thread changes nothing. Other systems keep the default priority.
    """
    if not sys.platform.startswith("linux"):
        return
    try:
        tid = threading.get_native_id()
        target = min(19, os.getpriority(os.PRIO_PROCESS, os.getpid()) + BACKGROUND_NICENESS)
        if os.getpriority(os.PRIO_PROCESS, tid) < target:
            os.setpriority(os.PRIO_PROCESS, tid, target)
    except OSError as exc:
        log.debug("could not lower the worker's priority: %s", exc)
