"""The one interface every teacher backend implements, and how a user names a teacher."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Protocol, runtime_checkable

from finlocal.errors import FinlocalError
from finlocal.train.judgement import Judgement

if TYPE_CHECKING:
    from finlocal.train.store import JudgementStore


class TeacherStopped(FinlocalError):
    """A teacher cannot go on (bad key, unknown model, quota, the service down after retries).
    ``judgements`` holds what it finished (and paid for) before stopping; the pipeline stores
    them before the error reaches the user, so a re-run resumes after them.

    Failures that concern one sentence only (a request the API refuses for that sentence, a
    prompt too long for the context) are not raised: they are stored as rejected judgements.
    """

    def __init__(self, message: str, judgements: Sequence[Judgement] = ()) -> None:
        super().__init__(message)
        self.judgements = list(judgements)


@runtime_checkable
class Teacher(Protocol):
    """Labels sentences. Backends: llama.cpp (`LlamaCppTeacher`), Claude (`ClaudeTeacher`) and
    a deterministic fake for tests (`FakeTeacher`).

    ``teacher_id`` names the model and mode (judgements of different ids are never mixed);
    ``prompt_version`` changes whenever the prompt does. ``chunk_size`` is how many sentences
    the pipeline hands to one `judge` call, and so at most how many a kill can lose.
    """

    @property
    def teacher_id(self) -> str: ...

    @property
    def prompt_version(self) -> str: ...

    @property
    def chunk_size(self) -> int: ...

    def judge(self, sentences: Sequence[str]) -> list[Judgement]:
        """One judgement per sentence, in input order: validated, or rejected with a reason."""
        ...

    def close(self) -> None:
        """Free what the teacher holds (model memory, HTTP connections)."""
        ...


@runtime_checkable
class BatchTeacher(Protocol):
    """A teacher that can also judge through an asynchronous batch API (Claude's)."""

    def judge_in_batches(
        self,
        sentences: Sequence[str],
        store: JudgementStore,
        on_stored: Callable[[list[Judgement]], None],
    ) -> None: ...

    def settle_batches(self, store: JudgementStore, on_stored: Callable[[list[Judgement]], None]) -> set[str]:
        """Collect the batches an earlier run left that have ended; return the sentences that
        are still being processed."""
        ...
