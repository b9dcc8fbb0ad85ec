"""Messages the scoring, occlusion and explanation workers post to the main screen.

Workers run in threads; `post_message` is thread-safe. Every scoring message carries the run
number it belongs to, so a late message from a cancelled run is recognised and dropped.
"""

from __future__ import annotations

from dataclasses import dataclass

from textual.message import Message

from finlocal.occlusion import OcclusionEffect
from finlocal.reading import Document
from finlocal.scoring import DocumentReport
from finlocal.tui.config import LoadedModel
from finlocal.tui.session import RowMailbox


@dataclass
class ModelReady(Message):
    model: LoadedModel


@dataclass
class ModelFailed(Message):
    error: str


@dataclass
class DocumentRead(Message):
    """A file (or stdin) was read; its text goes into the input panel."""

    run: int
    document: Document


@dataclass
class ScoringProgress(Message):
    """Scored rows are waiting in ``mailbox`` (at most one of these is in flight per run)."""

    run: int
    mailbox: RowMailbox


@dataclass
class ScoringFinished(Message):
    run: int
    report: DocumentReport


@dataclass
class ScoringFailed(Message):
    run: int
    error: str


@dataclass
class OcclusionReady(Message):
    index: int
    effects: list[OcclusionEffect]


@dataclass
class ExplanationPiece(Message):
    index: int
    text: str


@dataclass
class ExplanationEnded(Message):
    index: int
    error: str | None = None
    cancelled: bool = False
