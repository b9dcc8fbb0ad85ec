"""The explanation worker: stream the local LLM's answer about one sentence, piece by piece."""

from __future__ import annotations

import contextlib
from collections.abc import Callable

from textual.message import Message
from textual.worker import get_current_worker

from finlocal.errors import FinlocalError
from finlocal.llm_explainer import Explainer, ExplainRequest
from finlocal.scoring import SentenceResult
from finlocal.tui.messages import ExplanationEnded, ExplanationPiece
from finlocal.tui.priority import lower_thread_priority


def explain(explainer: Explainer, result: SentenceResult, post: Callable[[Message], object]) -> None:
    """Post each piece of the explanation, then `ExplanationEnded` (cancelled, failed or done)."""
    worker = get_current_worker()
    lower_thread_priority()  # and llama.cpp's threads, started from this one
    p = result.prediction
    request = ExplainRequest(result.text, p.label, dict(p.scores), tuple(span.text for span in p.evidence))
    try:
        with contextlib.closing(explainer.stream(request)) as pieces:
            for piece in pieces:
                if worker.is_cancelled:
                    post(ExplanationEnded(result.index, cancelled=True))
                    return
                post(ExplanationPiece(result.index, piece))
    except FinlocalError as exc:
        post(ExplanationEnded(result.index, error=str(exc)))
        return
    post(ExplanationEnded(result.index))
