"""What the corpus engines share: the model they load in each worker, progress, the summary."""

from __future__ import annotations

import enum
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from finlocal.predictions import Classifier

if TYPE_CHECKING:  # the engines import this module; these only name the types
    from finlocal.corpus.documents import CorpusDocument
    from finlocal.corpus.rows import ScoringSettings
    from finlocal.corpus.store import PartWriter
    from finlocal.corpus.tables import Layout


class EngineKind(str, enum.Enum):
    LOCAL = "local"
    """A process pool on this machine; each worker loads the model once."""
    RAY = "ray"
    """Ray Data: actors that load the model once each, on a local or existing Ray cluster."""


@dataclass(frozen=True)
class ModelIdentity:
    """What a dataset records about the model its rows come from."""

    name: str
    sha256: str
    labels: tuple[str, ...]


class ModelSpec(Protocol):
    """A model that a worker process can load: picklable, loaded once per worker."""

    def describe(self) -> ModelIdentity: ...

    def load(self) -> Classifier: ...


@dataclass(frozen=True)
class OnnxModel:
    """A finlocal model directory, loaded with ``threads`` onnxruntime threads per worker."""

    model_dir: Path
    threads: int = 1

    def describe(self) -> ModelIdentity:
        from finlocal.manifest import read_manifest

        manifest = read_manifest(self.model_dir, verify=True)
        return ModelIdentity(manifest.name, manifest.files.get(manifest.model_file, ""), manifest.labels)

    def load(self) -> Classifier:
        from finlocal.model import OnnxClassifier

        return OnnxClassifier.load(self.model_dir, threads=self.threads)


class RunObserver(Protocol):
    """Told how a run goes (the CLI shows it as progress on stderr)."""

    def started(self, total: int, skipped: int) -> None:
        """``total`` documents to score now; ``skipped`` were finished by an earlier run."""

    def scored(self, documents: int, errors: int, sentences: int) -> None:
        """More documents are done: scored, failed, and their sentence count."""

    def failed(self, message: str) -> None:
        """A document could not be scored (one line)."""


class Engine(Protocol):
    """Scores documents in worker processes and commits them through ``writer``: `LocalEngine`
    (a process pool) and `RayEngine` (Ray Data actors)."""

    def run(
        self,
        documents: Sequence[CorpusDocument],
        *,
        settings: ScoringSettings,
        layout: Layout,
        writer: PartWriter,
        observer: RunObserver,
    ) -> RunSummary:
        """Score ``documents``, commit each batch, tell ``observer`` how it goes; the summary."""
        ...


class NullObserver:
    def started(self, total: int, skipped: int) -> None:
        pass

    def scored(self, documents: int, errors: int, sentences: int) -> None:
        pass

    def failed(self, message: str) -> None:
        pass


@dataclass(frozen=True)
class RunSummary:
    """What a run did (documents skipped because an earlier run finished them are not in it)."""

    engine: EngineKind
    found: int
    skipped: int
    documents: int
    errors: int
    sentences: int
    seconds: float
    without_metadata: int = 0

    @property
    def documents_per_s(self) -> float:
        return (self.documents + self.errors) / self.seconds if self.seconds > 0 else 0.0

    @property
    def sentences_per_s(self) -> float:
        return self.sentences / self.seconds if self.seconds > 0 else 0.0
