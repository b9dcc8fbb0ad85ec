"""The occlusion worker: once the cursor rests on a sentence, what masking each span does."""

from __future__ import annotations

import time
from collections.abc import Callable

from textual.message import Message
from textual.worker import get_current_worker

from finlocal.occlusion import occlusion
from finlocal.scoring import SentenceResult
from finlocal.tui.config import LoadedModel
from finlocal.tui.messages import OcclusionReady

OCCLUSION_DELAY_S = 0.15
"""Occlusion waits this long after the cursor stops, so scrolling does not queue model calls."""


def occlude(result: SentenceResult, model: Callable[[], LoadedModel | None], post: Callable[[Message], object]) -> None:
    """Measure ``result``'s spans after `OCCLUSION_DELAY_S` unless cancelled (the cursor moved)
    or no model is loaded yet."""
    worker = get_current_worker()
    time.sleep(OCCLUSION_DELAY_S)
    loaded = model()
    if worker.is_cancelled or loaded is None:
        return
    effects = occlusion(loaded.classifier, result.text, prediction=result.prediction)
    if not worker.is_cancelled:
        post(OcclusionReady(result.index, effects))
