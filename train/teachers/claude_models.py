"""The Claude models finlocal knows: what each family accepts (`family_of`), their list prices
(`price_of`), and the errors and refusals the teacher and its batch mode share.

- **Request shape per model family**: models that still accept a forced tool call and predate
  structured outputs (Claude 3.x, Opus 4 / 4.1, Sonnet 4) get the reply schema as a tool with
  ``tool_choice`` naming it; every later model gets structured outputs, because Claude Sonnet
  5.5, Opus 5.5, Fable 5.1 and their successors refuse forced tool choice, non-default sampling
  parameters, assistant prefill and ``thinking: disabled`` with a 400. Models that think by
  default (Claude 5 and later, Opus 4.7+) also get ``output_config.effort = "low"`` and a larger
  ``max_tokens`` (thinking shares it).
- Prices are used only to estimate cost; a model not listed is recorded at cost 0.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum
from typing import Any, TypeVar

from finlocal.train.teachers.base import TeacherStopped

#: The default teacher model: Claude Haiku 5.5. See docs/teachers.md ("Which Claude model").
DEFAULT_MODEL = "claude-haiku-5-5"


class RequestShape(str, Enum):
    """How the reply schema is imposed."""

    FORCED_TOOL = "forced_tool"  # tools=[schema], tool_choice={"type": "tool", "name": ...}
    JSON_OUTPUT = "json_output"  # output_config={"format": {"type": "json_schema", ...}}


@dataclass(frozen=True)
class ModelFamily:
    """What a group of Claude models accepts. ``effort``: the ``output_config.effort`` sent
    (None: the field is not sent); ``thinks_by_default``: thinking is on unless refused, and
    its tokens count toward ``max_tokens``; ``min_cache_tokens``: the shortest prefix the
    model caches; ``temperature``: sent with a first request (None: not sent, the models that
    refuse sampling parameters or think by default)."""

    name: str
    shape: RequestShape
    effort: str | None
    thinks_by_default: bool
    min_cache_tokens: int
    temperature: float | None = None

    @property
    def default_max_tokens(self) -> int:
        return 4096 if self.thinks_by_default else 1024


def _legacy(min_cache_tokens: int) -> ModelFamily:
    return ModelFamily("legacy: forced tool", RequestShape.FORCED_TOOL, None, False, min_cache_tokens, 0.0)


def _structured(min_cache_tokens: int) -> ModelFamily:
    return ModelFamily("4.5/4.6: structured outputs", RequestShape.JSON_OUTPUT, None, False, min_cache_tokens, 0.0)


def _thinking(min_cache_tokens: int) -> ModelFamily:
    return ModelFamily(
        "current: structured outputs, thinking",
        RequestShape.JSON_OUTPUT,
        "low",
        True,
        min_cache_tokens,
    )


#: What a model finlocal does not know is sent.
CURRENT = _thinking(512)

#: Model-name prefixes (matched on a boundary; the longest wins). A model not listed is sent the
#: current models' request shape, with a warning.
FAMILIES: dict[str, ModelFamily] = {
    "claude-3": _legacy(1024),
    "claude-3-haiku": _legacy(2048),
    "claude-3-5-haiku": _legacy(2048),
    "claude-opus-4": _legacy(1024),  # Opus 4 and 4.1 (claude-opus-4-20250514, claude-opus-4-1)
    "claude-sonnet-4": _legacy(1024),  # Sonnet 4 (claude-sonnet-4-20250514, claude-sonnet-4-0)
    "claude-haiku-4-5": _structured(4096),
    "claude-sonnet-4-5": _structured(1024),
    "claude-opus-4-5": _structured(4096),
    "claude-sonnet-4-6": _structured(2048),
    "claude-opus-4-6": _structured(4096),
    "claude-opus-4-7": _thinking(4096),
    "claude-opus-4-8": _thinking(1024),
    "claude-sonnet-5": _thinking(1024),
    "claude-opus-5": _thinking(512),
    "claude-fable-5": _thinking(512),
    "claude-sonnet-5-5": _thinking(512),
    "claude-opus-5-5": _thinking(512),
    "claude-haiku-5-5": _thinking(512),
    "claude-fable-5-1": _thinking(512),
}


@dataclass(frozen=True)
class Price:
    """US dollars per million tokens: fresh input, output and prompt-cache hits. Cache writes
    cost 1.25x input (5-minute TTL) or 2x input (1-hour TTL). Above ``long_prompt_tokens`` of
    prompt (fresh + cache reads + cache writes) every rate of that request is multiplied by
    ``long_prompt_factor`` (Haiku 5.5). The Batch API halves everything."""

    input: float
    output: float
    cache_read: float
    long_prompt_tokens: int | None = None
    long_prompt_factor: float = 1.0

    def cost(self, usage: Any, *, batch: bool = False, ttl_1h: bool = False) -> float:
        fresh = usage.input_tokens or 0
        written = getattr(usage, "cache_creation_input_tokens", None) or 0
        read = getattr(usage, "cache_read_input_tokens", None) or 0
        split = getattr(usage, "cache_creation", None)
        if split is not None:
            w5 = split.ephemeral_5m_input_tokens or 0
            w1h = split.ephemeral_1h_input_tokens or 0
        else:
            w5, w1h = (0, written) if ttl_1h else (written, 0)
        factor = 1.0
        if self.long_prompt_tokens is not None and fresh + written + read > self.long_prompt_tokens:
            factor = self.long_prompt_factor
        dollars = (
            (
                fresh * self.input
                + w5 * self.input * 1.25
                + w1h * self.input * 2.0
                + read * self.cache_read
                + (usage.output_tokens or 0) * self.output
            )
            * factor
            / 1e6
        )
        return dollars * (0.5 if batch else 1.0)


#: List prices by model-name prefix (boundary match, longest wins), from Anthropic's pricing
#: page (checked November 2026); used only to estimate cost. A model not listed is recorded at
#: cost 0 with a warning.
PRICES: dict[str, Price] = {
    "claude-fable-5-1": Price(10.0, 50.0, 0.25),
    "claude-fable-5": Price(10.0, 50.0, 1.0),
    "claude-opus-5-5": Price(4.0, 20.0, 0.20),
    "claude-opus-5": Price(5.0, 25.0, 0.50),
    "claude-opus-4-8": Price(5.0, 25.0, 0.50),
    "claude-opus-4-7": Price(5.0, 25.0, 0.50),
    "claude-opus-4-6": Price(5.0, 25.0, 0.50),
    "claude-opus-4-5": Price(5.0, 25.0, 0.50),
    "claude-opus-4": Price(15.0, 75.0, 1.50),  # Opus 4 and 4.1
    "claude-sonnet-5-5": Price(2.0, 10.0, 0.20),
    "claude-sonnet-5": Price(2.0, 10.0, 0.20),
    "claude-sonnet-4": Price(3.0, 15.0, 0.30),  # Sonnet 4, 4.5, 4.6
    "claude-haiku-5-5": Price(0.10, 0.50, 0.01, long_prompt_tokens=100_000, long_prompt_factor=5.0),
    "claude-haiku-4-5": Price(1.0, 5.0, 0.10),
    "claude-3-5-haiku": Price(0.80, 4.0, 0.08),
}

_V = TypeVar("_V")


def _lookup(table: dict[str, _V], model: str) -> _V | None:
    """The entry whose key is the longest prefix of ``model`` ending at a name boundary."""
    matches = [key for key in table if model == key or (model.startswith(key) and model[len(key)] in "-@[:")]
    return table[max(matches, key=len)] if matches else None


def price_of(model: str) -> Price | None:
    return _lookup(PRICES, model)


def family_of(model: str) -> ModelFamily | None:
    """The request family of ``model``; None when the model is not known."""
    return _lookup(FAMILIES, model)


class ClaudeError(TeacherStopped):
    """The API refused or kept failing; what is stored so far stays, so a re-run resumes."""


@dataclass(frozen=True)
class Refused:
    """A request the API refused for this sentence only (stored as ``api_error``)."""

    detail: str
