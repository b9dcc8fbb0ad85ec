"""A picklable keyword model for corpus runs in worker processes, with ways to misbehave.

`KeywordModel` is a `ModelSpec`: spawned workers unpickle it and call `load()`. Its classifier
is the suite's one keyword fake (`tests.fakes.KeywordClassifier`); a document containing
``crash_on`` kills its worker process, and one containing ``block_on`` blocks its worker (after
touching ``signal_file``), so a test can kill a run while that document is in flight.
"""

from __future__ import annotations

import os
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from finlocal.corpus.engine import ModelIdentity
from finlocal.predictions import LABELS, Prediction
from tests import fakes


@dataclass(frozen=True)
class KeywordModel:
    crash_on: str | None = None
    block_on: str | None = None
    signal_file: Path | None = None

    def describe(self) -> ModelIdentity:
        return ModelIdentity("fake-keyword", "0" * 64, LABELS)

    def load(self) -> KeywordClassifier:
        return KeywordClassifier(self)


class KeywordClassifier(fakes.KeywordClassifier):
    """The shared keyword fake, dying or blocking on the documents its `KeywordModel` names."""

    def __init__(self, spec: KeywordModel) -> None:
        super().__init__()
        self.spec = spec

    def predict(self, texts: Sequence[str], *, batch_size: int = 32) -> list[Prediction]:
        for text in texts:
            if self.spec.crash_on and self.spec.crash_on in text:
                os._exit(3)  # a worker dying the hard way (a segfault in a parser, the OOM killer)
            if self.spec.block_on and self.spec.block_on in text:
                if self.spec.signal_file is not None:
                    self.spec.signal_file.touch()
                while True:
                    time.sleep(60)
        return super().predict(texts, batch_size=batch_size)
