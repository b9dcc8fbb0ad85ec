"""The model, loaded once by whichever worker asks first (the background load at start, or a
scoring run that needs it sooner)."""

from __future__ import annotations

import threading
from collections.abc import Callable

from textual.message import Message

from finlocal.errors import FinlocalError
from finlocal.tui.config import LoadedModel, ModelLoader
from finlocal.tui.messages import ModelFailed, ModelReady
from finlocal.tui.priority import lower_thread_priority

Post = Callable[[Message], object]


class ModelHolder:
    """Holds the model once loaded; `ensure` loads it (under a lock) and posts `ModelReady`."""

    def __init__(self, load: ModelLoader, post: Post) -> None:
        self._load = load
        self._post = post
        self._lock = threading.Lock()
        self.model: LoadedModel | None = None

    def ensure(self) -> LoadedModel:
        """The model, loading it the first time; raises `finlocal.errors.ModelError`."""
        with self._lock:
            if self.model is None:
                self.model = self._load()
                self._post(ModelReady(self.model))
            return self.model

    @property
    def labels(self) -> tuple[str, ...]:
        return self.model.classifier.labels if self.model else ()


def load_model(holder: ModelHolder, post: Post) -> None:
    """The worker that loads the model at start; a failure is posted as `ModelFailed`."""
    lower_thread_priority()  # onnxruntime's pool threads, created here, inherit it
    try:
        holder.ensure()
    except FinlocalError as exc:
        post(ModelFailed(str(exc)))
