"""The one interface every teacher backend implements, and how a user names a teacher."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol, runtime_checkable

from finlocal.train.judgement import Judgement


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
