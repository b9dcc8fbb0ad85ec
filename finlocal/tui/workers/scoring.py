"""The scoring worker: read the file (for a file run), split and score the text in chunks,
posting the rows as they come (coalesced by the run's mailbox) and the report at the end."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from textual.message import Message
from textual.worker import get_current_worker

from finlocal.errors import FinlocalError, InputError
from finlocal.reading import InputFormat, read_path
from finlocal.scoring import Cancelled, SentenceResult, score_text
from finlocal.tui.config import LoadedModel
from finlocal.tui.messages import DocumentRead, ScoringFailed, ScoringFinished, ScoringProgress
from finlocal.tui.priority import lower_thread_priority
from finlocal.tui.scoring_run import Launch

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class ScoreJob:
    """One run: the text (or the file to read, in ``input_format`` or as its suffix says)."""

    launch: Launch
    text: str | None
    path: Path | None
    source: str
    input_format: InputFormat | None = None
    chunk_size: int = 256
    batch_size: int = 32


def score_document(job: ScoreJob, model: Callable[[], LoadedModel], post: Callable[[Message], object]) -> None:
    """Run ``job`` in the current (thread) worker; ``model`` loads or returns the model."""
    worker = get_current_worker()
    launch = job.launch
    run, mailbox, regions = launch.run, launch.mailbox, launch.regions
    text, source = job.text, job.source
    lower_thread_priority()
    try:
        if job.path is not None:
            document = read_path(job.path, job.input_format)
            if worker.is_cancelled:
                return
            post(DocumentRead(run, document))
            text, source, regions = document.text, document.source, document.regions
        if text is None or not text.strip():
            raise InputError(
                f"{source} has no text to score. Paste a report into the input area or open a file (ctrl+o)."
            )
        classifier = model().classifier

        def on_chunk(results: list[SentenceResult], done: int, total: int) -> None:
            if mailbox.put(results, done, total):
                post(ScoringProgress(run, mailbox))
            time.sleep(0)  # let the UI thread take the GIL between chunks

        report = score_text(
            text,
            classifier,
            source=source,
            split=launch.split,
            regions=regions,
            on_chunk=on_chunk,
            cancelled=lambda: worker.is_cancelled,
            chunk_size=job.chunk_size,
            batch_size=job.batch_size,
        )
    except Cancelled:
        log.debug("run %d cancelled", run)
        return
    except FinlocalError as exc:
        post(ScoringFailed(run, str(exc)))
        return
    post(ScoringFinished(run, report))
