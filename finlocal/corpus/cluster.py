"""The Ray engine: Ray Data scores the corpus on a local or existing Ray cluster.

The pipeline is a dataset of paths (one row per document); ``map_batches`` with `ScoreBatch`, a
callable class run by a fixed pool of ``workers`` actors (``compute=ActorPoolStrategy(size=N)``,
which Ray 2.51 made the spelling of ``concurrency=N``), each of which loads the model once and
scores a few documents per call into a nested batch table; and a Parquet write through the
datasink of `make_sink`, which commits each block with the same protocol as the local engine
(`finlocal.corpus.store`). Writing through a datasink rather than ``write_parquet`` is what gives
the three tables and resume: a block is committed as one part, atomically, and a retried write
task finds its part already committed.

On a cluster of several machines, DIR and the documents must be on a file system that every
node sees at the same path (NFS, say), and finlocal must be installed on every node.

Ray is imported only here, and only when the Ray engine runs (the ``cluster`` extra).
"""

from __future__ import annotations

import json
import logging
import math
import threading
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from finlocal.corpus.documents import CorpusDocument
from finlocal.corpus.engine import EngineKind, ModelSpec, RunObserver, RunSummary
from finlocal.corpus.rows import ScoringSettings, score_document
from finlocal.corpus.store import COMMITS, CommitRecord, PartWriter, commit_records
from finlocal.corpus.tables import Layout, batch_table, split_batch
from finlocal.errors import require

if TYPE_CHECKING:
    import pyarrow as pa

log = logging.getLogger(__name__)

#: How often the driver looks for new commit markers to show progress.
WATCH_INTERVAL_S = 0.5


def _ray():  # noqa: ANN202 - returns the ray module
    return require("ray", "cluster", "--engine ray")


class ScoreBatch:
    """The ``map_batches`` callable class: one model per actor, a few documents per call."""

    def __init__(self, model: ModelSpec, settings: ScoringSettings, layout: Layout) -> None:
        self.classifier = model.load()
        self.settings = settings
        self.layout = layout

    def __call__(self, batch: pa.Table) -> pa.Table:
        scored = [
            score_document(
                CorpusDocument(row["doc_id"], Path(row["path"]), row["source"], json.loads(row["metadata"])),
                self.classifier,
                self.settings,
            )
            for row in batch.to_pylist()
        ]
        return batch_table(scored, self.layout)


def _datasink_base() -> type:
    return _ray().data.Datasink


def make_sink(writer: PartWriter, layout: Layout) -> Any:
    """A Ray Data datasink that commits every block it receives as one part."""

    class CorpusSink(_datasink_base()):  # type: ignore[misc]
        def write(self, blocks: Iterable[pa.Table], ctx: Any) -> list[dict[str, Any]]:
            records = []
            for block in blocks:
                if block.num_rows:
                    records.append(writer.commit(split_batch(block, layout)).to_dict())
            return records

        def get_name(self) -> str:
            return "WriteCorpusParquet"

    return CorpusSink()


@dataclass(frozen=True)
class RayEngine:
    model: ModelSpec
    workers: int = 1
    threads: int = 1
    documents_per_batch: int = 4
    address: str | None = None
    show_ray_progress: bool = False

    def run(
        self,
        documents: Sequence[CorpusDocument],
        *,
        settings: ScoringSettings,
        layout: Layout,
        writer: PartWriter,
        observer: RunObserver,
    ) -> RunSummary:
        ray = _ray()
        t0 = time.perf_counter()
        if not documents:  # everything is done: no need to start Ray
            return RunSummary(EngineKind.RAY, 0, 0, 0, 0, 0, time.perf_counter() - t0)
        before = {r.part for r in commit_records(writer.root)}
        started_here = not ray.is_initialized()
        if started_here:
            if self.address:
                ray.init(address=self.address, logging_level=logging.WARNING, log_to_driver=False)
            else:
                # logical CPUs: one per actor thread, plus one for the reading and writing tasks
                ray.init(
                    num_cpus=self.workers * self.threads + 1,
                    include_dashboard=False,
                    logging_level=logging.WARNING,
                    log_to_driver=False,
                )
        watcher = _CommitWatcher(writer.root, before, observer)
        try:
            context = ray.data.DataContext.get_current()
            context.enable_progress_bars = self.show_ray_progress
            context.print_on_execution_start = False
            items = [
                {"doc_id": d.doc_id, "path": str(d.path), "source": d.source, "metadata": json.dumps(d.metadata)}
                for d in documents
            ]
            blocks = max(1, math.ceil(len(items) / self.documents_per_batch))
            dataset = ray.data.from_items(items, override_num_blocks=blocks).map_batches(
                ScoreBatch,
                fn_constructor_kwargs={"model": self.model, "settings": settings, "layout": layout},
                batch_size=self.documents_per_batch,
                batch_format="pyarrow",
                compute=ray.data.ActorPoolStrategy(size=self.workers),
                num_cpus=self.threads,
            )
            watcher.start()
            dataset.write_datasink(make_sink(writer, layout))
        finally:
            watcher.stop()
            if started_here:
                ray.shutdown()
        for message in watcher.error_messages():
            observer.failed(message)
        totals = watcher.totals
        return RunSummary(
            EngineKind.RAY,
            len(documents),
            0,
            totals["documents"],
            totals["errors"],
            totals["sentences"],
            time.perf_counter() - t0,
        )


class _CommitWatcher:
    """Reports the parts committed during the run (by Ray's write tasks) to the observer."""

    def __init__(self, root: Path, before: set[str], observer: RunObserver) -> None:
        self.root = root
        self.seen = set(before)
        self.observer = observer
        self.totals = {"documents": 0, "errors": 0, "sentences": 0}
        self.parts_with_errors: list[str] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, name="corpus-commit-watcher", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        if self._thread.is_alive():
            self._stop.set()
            self._thread.join()
        self._poll()

    def error_messages(self) -> list[str]:
        """The error rows of the parts committed during the run (read once it is over)."""
        import pyarrow.parquet as pq

        messages = []
        for part in self.parts_with_errors:
            path = self.root / "errors" / f"part-{part}.parquet"
            if path.exists():
                messages.extend(pq.read_table(path, columns=["error"])["error"].to_pylist())
        return messages

    def _loop(self) -> None:
        while not self._stop.wait(WATCH_INTERVAL_S):
            self._poll()

    def _poll(self) -> None:
        for marker in sorted((self.root / COMMITS).glob("*.json")):
            if marker.stem in self.seen:
                continue
            try:
                record = CommitRecord.from_dict(json.loads(marker.read_text(encoding="utf-8")))
            except (OSError, ValueError, KeyError, TypeError):
                continue  # not readable yet: next time
            self.seen.add(marker.stem)
            self.totals["documents"] += len(record.documents)
            self.totals["errors"] += len(record.errors)
            self.totals["sentences"] += record.sentences
            if record.errors:
                self.parts_with_errors.append(record.part)
            self.observer.scored(len(record.documents), len(record.errors), record.sentences)
