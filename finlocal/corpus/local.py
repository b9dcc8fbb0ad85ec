"""The local engine: a process pool in which each worker loads the model once.

Workers are spawned (not forked: the parent runs threads) and score one document per task; the
parent collects the results and commits them as parts every ``commit_interval_s`` seconds, so a
kill loses the documents being scored and at most that many seconds of finished ones.

A worker that dies (a segfault, the OOM killer) breaks the pool and every task in it. The pool
is restarted and the documents that were in flight are scored again one at a time, alone in the
pool; a document whose worker dies again gets an error row, and the others go on.
"""

from __future__ import annotations

import collections
import logging
import multiprocessing
import signal
import time
from collections.abc import Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass

from finlocal.corpus.documents import CorpusDocument
from finlocal.corpus.engine import EngineKind, ModelSpec, RunObserver, RunSummary
from finlocal.corpus.rows import ScoredDocument, ScoringSettings, score_document
from finlocal.corpus.store import PartWriter
from finlocal.corpus.tables import Layout, batch_table, split_batch
from finlocal.errors import FinlocalError, ModelError
from finlocal.predictions import Classifier

log = logging.getLogger(__name__)

#: Tasks queued per worker, so a worker never waits for the parent between documents.
QUEUE_PER_WORKER = 2


# ---------------------------------------------------------------------------------------------
# inside a worker process: the model is loaded once, by the pool's initializer, and kept in this
# module's state for the life of the process (the usual pattern for per-process pool state).

_worker_state: dict[str, object] = {}


def _init_worker(model: ModelSpec) -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent handles Ctrl-C and stops the pool
    try:
        _worker_state["classifier"] = model.load()
    except ModelError as exc:  # reported by the first task, so the parent stops with it
        _worker_state["error"] = exc


def _score_in_worker(document: CorpusDocument, settings: ScoringSettings) -> ScoredDocument:
    error = _worker_state.get("error")
    if isinstance(error, ModelError):
        raise error
    classifier = _worker_state["classifier"]
    assert isinstance(classifier, Classifier)
    return score_document(document, classifier, settings)


def _stop_now(pool: ProcessPoolExecutor) -> None:
    """Cancel the queued tasks and end the worker processes without waiting for their documents.

    concurrent.futures has no public way to do this before Python 3.14 (``terminate_workers``).
    """
    processes = list(getattr(pool, "_processes", {}).values())
    pool.shutdown(wait=False, cancel_futures=True)
    for process in processes:
        if process.is_alive():
            process.terminate()


# ---------------------------------------------------------------------------------------------


def crashed(document: CorpusDocument) -> ScoredDocument:
    return ScoredDocument(
        document,
        None,
        (),
        None,
        f"{document.source}: the worker process died while scoring it, twice "
        "(a crash in a parser or the model, or out of memory)",
    )


@dataclass(frozen=True)
class LocalEngine:
    model: ModelSpec
    workers: int = 1
    commit_interval_s: float = 5.0
    max_part_documents: int = 256

    def __post_init__(self) -> None:
        if self.workers < 1:
            raise ValueError(f"workers must be at least 1, got {self.workers}")
        if self.commit_interval_s < 0:
            raise ValueError("commit_interval_s must not be negative")

    def _pool(self) -> ProcessPoolExecutor:
        return ProcessPoolExecutor(
            self.workers,
            mp_context=multiprocessing.get_context("spawn"),
            initializer=_init_worker,
            initargs=(self.model,),
        )

    def run(
        self,
        documents: Sequence[CorpusDocument],
        *,
        settings: ScoringSettings,
        layout: Layout,
        writer: PartWriter,
        observer: RunObserver,
    ) -> RunSummary:
        """Score ``documents`` and commit them; see the module docstring."""
        t0 = time.perf_counter()
        queue = collections.deque(documents)
        suspects: collections.deque[CorpusDocument] = collections.deque()
        lost_once: set[str] = set()
        buffer: list[ScoredDocument] = []
        totals = collections.Counter[str]()
        last_commit = time.monotonic()
        in_flight: dict[Future[ScoredDocument], CorpusDocument] = {}
        crashes = 0

        def take(scored: ScoredDocument) -> None:
            buffer.append(scored)
            if scored.ok:
                totals["documents"] += 1
                totals["sentences"] += len(scored.sentences)
                observer.scored(1, 0, len(scored.sentences))
            else:
                totals["errors"] += 1
                observer.scored(0, 1, 0)
                observer.failed(scored.error or "")

        def commit() -> None:
            nonlocal last_commit
            while buffer:
                part, buffer[:] = buffer[: self.max_part_documents], buffer[self.max_part_documents :]
                writer.commit(split_batch(batch_table(part, layout), layout))
            last_commit = time.monotonic()

        pool = self._pool()
        try:
            while queue or suspects or in_flight:
                if suspects:
                    if not in_flight:  # a suspect runs alone, so a second crash names it
                        doc = suspects.popleft()
                        in_flight[pool.submit(_score_in_worker, doc, settings)] = doc
                else:
                    while queue and len(in_flight) < QUEUE_PER_WORKER * self.workers:
                        doc = queue.popleft()
                        in_flight[pool.submit(_score_in_worker, doc, settings)] = doc
                timeout = max(0.05, self.commit_interval_s - (time.monotonic() - last_commit))
                done, _ = wait(in_flight, timeout=timeout, return_when=FIRST_COMPLETED)
                broken = False
                for future in done:
                    doc = in_flight.pop(future)
                    try:
                        take(future.result())
                    except BrokenProcessPool:
                        broken = True
                        in_flight[future] = doc  # lost with the others below
                if broken:
                    lost = list(in_flight.values())
                    in_flight.clear()
                    _stop_now(pool)
                    log.warning("a worker process died; scoring %d document(s) again, one at a time", len(lost))
                    crashes += 1
                    if crashes >= 2 and not (totals["documents"] or totals["errors"]):
                        raise FinlocalError(
                            "the worker processes die before scoring any document; run again with "
                            "--workers 1 --debug to see why (if the first document is to blame, "
                            f"move {lost[0].source} away)"
                        )
                    pool = self._pool()
                    for doc in lost:
                        if doc.doc_id in lost_once:
                            take(crashed(doc))
                        else:
                            lost_once.add(doc.doc_id)
                            suspects.append(doc)
                if buffer and (
                    time.monotonic() - last_commit >= self.commit_interval_s or len(buffer) >= self.max_part_documents
                ):
                    commit()
            commit()
            pool.shutdown(wait=True)
        except BaseException:
            # Ctrl-C, a kill -TERM or an error: keep what is finished, stop what is in flight now
            # (shutdown alone would wait for the running documents at exit)
            _stop_now(pool)
            if buffer:
                commit()
            raise
        return RunSummary(
            EngineKind.LOCAL,
            len(documents),
            0,
            totals["documents"],
            totals["errors"],
            totals["sentences"],
            time.perf_counter() - t0,
        )
