"""Stand-ins for the model and the LLM in app tests: the keyword fake held at a gate or run in
steps, and a streaming explainer."""

from __future__ import annotations

import threading
from collections.abc import Generator, Sequence

from finlocal.llm_explainer import ExplainRequest
from finlocal.predictions import Prediction
from finlocal.tui.config import LoadedModel, ModelInfo
from tests.fakes import KeywordClassifier

GATE_TIMEOUT_S = 10.0
"""How long a fake waits for its test to open a gate before failing the worker it runs in."""


def pass_gate(gate: threading.Event, what: str) -> None:
    """Wait until the test sets ``gate``. A gate left shut is the test's mistake: the fake fails
    (the app logs the worker's error) instead of carrying on as if it had been opened."""
    if not gate.wait(GATE_TIMEOUT_S):
        raise AssertionError(f"{what} waited {GATE_TIMEOUT_S:.0f} s and the test never opened it")


class GatedClassifier(KeywordClassifier):
    """Blocks every predict call until `gate` is set (to hold a run in progress)."""

    def __init__(self) -> None:
        super().__init__()
        self.gate = threading.Event()
        self.entered = threading.Event()

    def predict(self, texts: Sequence[str], *, batch_size: int = 32) -> list[Prediction]:
        self.entered.set()
        pass_gate(self.gate, "GatedClassifier.predict")
        return super().predict(texts, batch_size=batch_size)


class StepClassifier(KeywordClassifier):
    """Scores its first ``free`` predict calls at once, then waits for `gate` before each one.

    `blocked` is set when a call starts waiting, so a test knows exactly how many chunks were
    scored before it presses a key.
    """

    def __init__(self, free: int) -> None:
        super().__init__()
        self.free = free
        self.gate = threading.Event()
        self.blocked = threading.Event()

    def predict(self, texts: Sequence[str], *, batch_size: int = 32) -> list[Prediction]:
        if len(self.calls) >= self.free:
            self.blocked.set()
            pass_gate(self.gate, "StepClassifier.predict")
        return super().predict(texts, batch_size=batch_size)


INFO = ModelInfo(name="keyword-fake", size_bytes=1_234_567, quantization="int8")


def loader(classifier: KeywordClassifier | None = None):
    model = LoadedModel(classifier or KeywordClassifier(), INFO)
    return lambda: model


class FakeExplainer:
    """Streams a fixed explanation in pieces; `stop_after` pieces then waits to be cancelled."""

    def __init__(self, pieces: Sequence[str] = ("Sales ", "rose ", "12 %, ", "so it is ", "positive.")) -> None:
        self.pieces = tuple(pieces)
        self.requests: list[ExplainRequest] = []

    def stream(self, request: ExplainRequest) -> Generator[str, None, None]:
        self.requests.append(request)
        yield from self.pieces
