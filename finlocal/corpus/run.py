"""One corpus run: find the documents, open the dataset, skip what is done, run an engine."""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from finlocal.corpus.documents import find_documents, pending
from finlocal.corpus.engine import Engine, EngineKind, ModelSpec, NullObserver, RunObserver, RunSummary
from finlocal.corpus.metadata import MetadataSource
from finlocal.corpus.rows import ScoringSettings
from finlocal.corpus.store import RunSettings, finished_ids, open_for_writing
from finlocal.corpus.tables import Layout, arrow

log = logging.getLogger(__name__)

#: Seconds between two commits of the local engine (what a kill can lose, besides the documents
#: being scored).
COMMIT_INTERVAL_S = 5.0


@dataclass(frozen=True)
class CorpusRunConfig:
    """Everything `finlocal corpus score` can be told; the CLI builds it, tests build it directly."""

    paths: tuple[str | Path, ...]
    out: Path
    model: ModelSpec
    engine: EngineKind = EngineKind.LOCAL
    workers: int = 1
    threads: int = 1
    scoring: ScoringSettings = field(default_factory=ScoringSettings)
    metadata: MetadataSource = field(default_factory=MetadataSource)
    glob: str | None = None
    commit_interval_s: float = COMMIT_INTERVAL_S
    address: str | None = None
    documents_per_batch: int = 4

    def __post_init__(self) -> None:
        if self.workers < 1 or self.threads < 1:
            raise ValueError("workers and threads must be at least 1")
        if self.address is not None and self.engine is not EngineKind.RAY:
            raise ValueError("address is for the Ray engine only")
        if self.documents_per_batch < 1:
            raise ValueError("documents_per_batch must be at least 1")


def run_corpus(config: CorpusRunConfig, observer: RunObserver | None = None) -> RunSummary:
    """Score every document of ``config.paths`` not yet finished in ``config.out``."""
    observer = observer or NullObserver()
    arrow()  # fail before any work when the corpus extra is missing
    discovery = find_documents(config.paths, config.metadata, config.glob)
    identity = config.model.describe()
    layout = Layout(identity.labels, config.metadata.fields)
    settings = RunSettings(identity.name, identity.sha256, layout, config.scoring.top_k)
    with open_for_writing(config.out, settings) as writer:
        todo = pending(discovery.documents, finished_ids(config.out))
        skipped = len(discovery.documents) - len(todo)
        observer.started(len(todo), skipped)
        engine = _engine(config)
        summary = engine.run(todo, settings=config.scoring, layout=layout, writer=writer, observer=observer)
    return dataclasses.replace(
        summary, found=len(discovery.documents), skipped=skipped, without_metadata=len(discovery.without_metadata)
    )


def _engine(config: CorpusRunConfig) -> Engine:
    if config.engine is EngineKind.RAY:
        from finlocal.corpus.cluster import RayEngine

        return RayEngine(
            config.model,
            workers=config.workers,
            threads=config.threads,
            documents_per_batch=config.documents_per_batch,
            address=config.address,
        )
    from finlocal.corpus.local import LocalEngine

    return LocalEngine(config.model, workers=config.workers, commit_interval_s=config.commit_interval_s)


def default_workers(threads: int = 1) -> int:
    """As many workers as the cores this process may use, divided by the threads per worker."""
    from finlocal.model import default_threads

    return max(1, default_threads() // max(1, threads))


__all__: Sequence[str] = ("CorpusRunConfig", "run_corpus", "default_workers")
