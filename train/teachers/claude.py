"""Claude as a teacher, through the anthropic SDK (2.x, on httpx2).

- **Request shape per model family** (`family_of`): models that still accept a forced tool call
  and predate structured outputs (Claude 3.x, Opus 4 / 4.1, Sonnet 4) get the reply schema as a
  tool with ``tool_choice`` naming it; every later model gets structured outputs
  (``output_config={"format": {"type": "json_schema", ...}}``), because Claude Sonnet 5.5,
  Opus 5.5, Fable 5.1 and their successors refuse forced tool choice, non-default sampling
  parameters, assistant prefill and ``thinking: disabled`` with a 400. None of those is sent to
  them; the older models that accept a temperature label at 0 (the retry after an invalid reply
  at the default), sent in ``extra_body`` since SDK 2.x's ``create`` has no sampling arguments.
  Models that think by default (Claude 5 and later, Opus 4.7+) also get
  ``output_config.effort = "low"`` and a larger ``max_tokens`` (thinking shares it).
- The reply (tool input or JSON text) is validated like any other; an invalid one is asked again
  once before it is stored as rejected.
- The SDK retries 408/409/429/5xx (529 "overloaded" included) with exponential backoff that
  honours ``retry-after``; ``max_retries`` sets how often. Calls run on a thread pool of
  ``concurrency`` workers.
- **Runs always finish**: a request the API refuses for one sentence (400/413/422
  ``invalid_request_error``) is stored as rejected (``api_error``); only errors that would fail
  every request stop the run (a bad key, an unknown model, billing/quota, rate limits or the
  service down after retries, or ``max_consecutive_errors`` refusals in a row), and then the
  chunk's finished, paid-for judgements are stored first (`TeacherStopped`).
- The fixed prefix (instructions, examples) carries ``cache_control`` (1-hour TTL in batch mode)
  only when it can reach the model's minimum cacheable length; a warning says so when the cache
  counters still stay at zero. In batch mode caching stays on only while it pays (1-hour writes
  cost 2x input and hits are not guaranteed), measured on each collected batch.
- The prompt version covers the request body sent for a probe sentence (without
  ``cache_control``) and the model's family entry, not this module's source.
- **Batch mode** (Message Batches API, half price) never pays twice: a *submission* marker with
  the custom ids is committed before the create call, which runs without SDK retries (the API
  takes no idempotency key); the batch id replaces the marker once known. A marker left by a
  crash, or a create whose answer was lost, is matched against ``batches.list()`` by time and
  size; since a batch carries no tag the API returns, a candidate counts as ours only once its
  results name our custom ids, and one that does not is recorded as foreign and its sentences
  asked again. A batch whose results are gone (after 29 days,
  or deleted) is marked lost and its sentences are asked again.
- The key is read by the SDK from ``ANTHROPIC_API_KEY`` only; finlocal never logs or stores it.
"""

from __future__ import annotations

import itertools
import json
import logging
import math
import os
import secrets
import threading
import time
from collections.abc import Callable, Sequence
from concurrent.futures import FIRST_EXCEPTION, ThreadPoolExecutor, wait
from dataclasses import dataclass
from enum import Enum
from typing import Any, TypeVar

from finlocal.errors import InputError, require
from finlocal.train.judgement import Judgement, RejectReason, Usage, sentence_hash
from finlocal.train.prompt import PROBE_SENTENCE, REPLY_SCHEMA, Prompt, digest
from finlocal.train.store import JudgementStore, PendingBatch, Submission
from finlocal.train.teachers.base import TeacherStopped
from finlocal.train.validation import Invalid, validate_raw, validate_reply

log = logging.getLogger(__name__)

TOOL_NAME = "record_judgement"
API_KEY_ENV = "ANTHROPIC_API_KEY"

#: The default teacher model: Claude Haiku 5.5. See docs/teachers.md ("Which Claude model").
DEFAULT_MODEL = "claude-haiku-5-5"

#: Characters per token assumed when deciding whether the fixed prefix can reach a model's
#: minimum cacheable length: a low figure (English prose runs at about 3.5 to 4 characters per
#: Claude token), so caching is left off only where the prefix is surely too short.
CHARS_PER_TOKEN = 3.0

#: How far apart the local clock and the API's ``created_at`` may be when a crashed batch
#: submission is matched against ``batches.list()``.
CLOCK_SLACK_S = 600.0


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


@dataclass(frozen=True)
class ClaudeConfig:
    """One Claude teacher. ``max_tokens`` None: the family's default (1,024, or 4,096 for
    models that think by default, whose thinking shares the limit)."""

    model: str = DEFAULT_MODEL
    few_shot: bool = True
    max_tokens: int | None = None
    max_retries: int = 6
    concurrency: int = 4
    timeout_s: float = 120.0
    poll_interval_s: float = 30.0
    max_batch_requests: int = 10_000
    batch_rounds: int = 2
    max_consecutive_errors: int = 8
    create_retry_delay_s: float = 2.0

    def __post_init__(self) -> None:
        if (
            self.concurrency < 1
            or self.max_retries < 0
            or (self.max_tokens is not None and self.max_tokens < 64)
            or self.max_consecutive_errors < 1
        ):
            raise ValueError(
                "need concurrency >= 1, max_retries >= 0, max_tokens >= 64 and "
                f"max_consecutive_errors >= 1; got {self.concurrency}, {self.max_retries}, "
                f"{self.max_tokens}, {self.max_consecutive_errors}"
            )
        if not 1 <= self.max_batch_requests <= 100_000:
            raise ValueError("max_batch_requests must be in 1..100000 (the API's limit)")


@dataclass(frozen=True)
class _PlainUsage:
    """A usage with no prompt caching (what `_measure_batch_cache` compares against)."""

    input_tokens: int
    output_tokens: int


def _without_cache_control(node: Any) -> Any:
    if isinstance(node, dict):
        return {k: _without_cache_control(v) for k, v in node.items() if k != "cache_control"}
    if isinstance(node, list):
        return [_without_cache_control(v) for v in node]
    return node


class ClaudeError(TeacherStopped):
    """The API refused or kept failing; what is stored so far stays, so a re-run resumes."""


@dataclass(frozen=True)
class _Rejected:
    """A request the API refused for this sentence only (stored as ``api_error``)."""

    detail: str


class ClaudeTeacher:
    """A `Teacher` (and batch teacher) on the Anthropic Messages API."""

    def __init__(self, config: ClaudeConfig, *, prompt: Prompt | None = None, http_client: Any = None) -> None:
        anthropic = require("anthropic", "train", "The Claude teacher")
        if not os.environ.get(API_KEY_ENV):
            raise InputError(
                f"the Claude teacher needs an API key in the {API_KEY_ENV} environment variable "
                "(finlocal reads it only from there and never stores it)"
            )
        self.config = config
        self.prompt = prompt or Prompt(few_shot=config.few_shot)
        self._anthropic = anthropic
        kwargs: dict[str, Any] = {"max_retries": config.max_retries, "timeout": config.timeout_s}
        if http_client is not None:
            kwargs["http_client"] = http_client
        self.client = anthropic.Anthropic(**kwargs)  # reads ANTHROPIC_API_KEY itself
        # Batch creation carries no idempotency key: a retried create could pay twice.
        self._create_client = self.client.with_options(max_retries=0)
        known = family_of(config.model)
        if known is None:
            log.warning(
                "%s is not a Claude model finlocal knows: sending the current models' request "
                "shape (structured outputs, effort low)",
                config.model,
            )
        self.family = known or CURRENT
        self.price = price_of(config.model)
        if self.price is None:
            log.warning("no list price known for %s: cost is recorded as 0", config.model)
        self._lock = threading.Lock()
        self._replies = 0
        self._cached_tokens = 0
        self._cache_warned = False
        self._refusals_in_a_row = 0
        self.prefix_tokens_estimate = self._estimate_prefix_tokens()
        #: Whether the fixed prefix is sent with ``cache_control``: only when it can reach the
        #: model's minimum (below it nothing is cached and the warning would be noise).
        self.cache_prefix = self.prefix_tokens_estimate >= self.family.min_cache_tokens
        #: Batch mode caches with the 1-hour TTL (writes at 2x input) while that pays: after each
        #: collected batch, `_measure_batch_cache` compares what it cost with what it would have
        #: cost uncached and turns caching off for the rest of the run when it did not pay.
        self.cache_batches = self.cache_prefix
        self.batch_cache_cost = {"cached": 0.0, "uncached": 0.0}
        self._prompt_version = f"{self.prompt.version}+claude-{digest(self.version_payload())}"

    # -- identity ------------------------------------------------------------------------------

    @property
    def teacher_id(self) -> str:
        return f"claude:{self.config.model}"

    @property
    def prompt_version(self) -> str:
        return self._prompt_version

    @property
    def chunk_size(self) -> int:
        return self.config.concurrency * 2

    @property
    def max_tokens(self) -> int:
        return self.config.max_tokens or self.family.default_max_tokens

    def close(self) -> None:
        self.client.close()

    # -- requests ------------------------------------------------------------------------------

    def system_text(self) -> str:
        text = self.prompt.instructions
        if self.prompt.examples:
            text += "\n\n" + self.prompt.examples_text()
        return text

    def version_payload(self) -> dict[str, Any]:
        """What reaches the model and decides its judgement, beyond the prompt itself: the
        request body for a probe sentence without ``cache_control`` (caching changes the bill,
        not the answer), this model's family entry (request shape, effort, thinking,
        temperature) and the retry rule. Not source text: rewording `request_params` changes
        nothing."""
        family = self.family
        return {
            "request": _without_cache_control(self.request_params(PROBE_SENTENCE)),
            "family": [family.shape.value, family.effort, family.thinks_by_default, family.temperature],
            "retry": "an invalid reply is asked again once, at the model's default temperature",
        }

    def _estimate_prefix_tokens(self) -> int:
        """An upper estimate of the cached prefix (tools, then the system block) in tokens."""
        params = self.request_params("", cache=False)
        chars = len(self.system_text()) + len(json.dumps(params.get("tools", []), ensure_ascii=False))
        return math.ceil(chars / CHARS_PER_TOKEN)

    def request_params(
        self, sentence: str, *, batch: bool = False, retry: bool = False, cache: bool | None = None
    ) -> dict[str, Any]:
        """The Messages API parameters for one sentence (also a batch request's ``params``).
        ``retry``: a second request after an invalid reply, sent at the model's default
        temperature (a repeat at temperature 0 would mostly repeat the reply). ``cache``: mark
        the prefix for caching (None: as decided for this teacher and mode)."""
        if cache is None:
            cache = self.cache_batches if batch else self.cache_prefix
        system: dict[str, Any] = {"type": "text", "text": self.system_text()}
        if cache:
            # A batch can take longer than 5 minutes between requests.
            system["cache_control"] = {"type": "ephemeral", "ttl": "1h"} if batch else {"type": "ephemeral"}
        params: dict[str, Any] = {
            "model": self.config.model,
            "max_tokens": self.max_tokens,
            "system": [system],
            "messages": [{"role": "user", "content": self.prompt.user(sentence)}],
        }
        if self.family.temperature is not None and not retry:
            params["temperature"] = self.family.temperature
        if self.family.shape is RequestShape.FORCED_TOOL:
            params["tools"] = [
                {
                    "name": TOOL_NAME,
                    "description": "Record the tone judgement of the sentence.",
                    "input_schema": REPLY_SCHEMA,
                }
            ]
            params["tool_choice"] = {"type": "tool", "name": TOOL_NAME}
        else:
            # Structured outputs take no length bounds: the SDK moves them into descriptions
            # and finlocal's own validation still enforces them.
            schema = self._anthropic.transform_schema(REPLY_SCHEMA)
            output_config: dict[str, Any] = {"format": {"type": "json_schema", "schema": schema}}
            if self.family.effort is not None:
                output_config["effort"] = self.family.effort
            params["output_config"] = output_config
        return params

    def _verdict(self, sentence: str, message: Any) -> Any:
        """Validate one reply: a `Verdict`, or `Invalid` with the reason."""
        stop = getattr(message, "stop_reason", None)
        if stop == "max_tokens":
            return Invalid(RejectReason.TRUNCATED, f"stopped at max_tokens={self.max_tokens}")
        if stop == "refusal":
            return Invalid(RejectReason.REFUSED, "the model declined to answer")
        if self.family.shape is RequestShape.FORCED_TOOL:
            calls = [
                b
                for b in message.content
                if getattr(b, "type", None) == "tool_use" and getattr(b, "name", None) == TOOL_NAME
            ]
            if not calls:
                return Invalid(RejectReason.NO_TOOL_CALL, f"stop_reason={stop}")
            reply = calls[0].input
            if not isinstance(reply, dict):
                return Invalid(RejectReason.SCHEMA_MISMATCH, "tool input is not an object")
            return validate_reply(sentence, reply)
        # Structured outputs: the JSON is the text; thinking blocks come before it.
        text = "".join(getattr(b, "text", "") for b in message.content if getattr(b, "type", None) == "text")
        if not text.strip():
            return Invalid(RejectReason.INVALID_JSON, f"no text block (stop_reason={stop})")
        return validate_raw(sentence, text)

    def _judgement(self, sentence: str, verdict: Any, usage: Usage, raw: str | None) -> Judgement:
        common: dict[str, Any] = {"teacher_id": self.teacher_id, "prompt_version": self.prompt_version}
        if isinstance(verdict, Invalid):
            return Judgement.rejected(
                sentence,
                reason=verdict.reason,
                detail=verdict.detail,
                raw=raw,
                usage=usage,
                **common,
            )
        if isinstance(verdict, _Rejected):
            return Judgement.rejected(
                sentence,
                reason=RejectReason.API_ERROR,
                detail=verdict.detail,
                usage=usage,
                **common,
            )
        return Judgement.accepted(
            sentence,
            label=verdict.label,
            rationale=verdict.rationale,
            evidence=verdict.evidence,
            raw=raw,
            usage=usage,
            **common,
        )

    def _usage(self, message: Any, started: float, *, batch: bool = False) -> Usage:
        u = message.usage
        written = getattr(u, "cache_creation_input_tokens", None) or 0
        read = getattr(u, "cache_read_input_tokens", None) or 0
        if self.cache_prefix:
            self._note_cache(written + read)
        return Usage(
            latency_ms=(time.perf_counter() - started) * 1000 if started else 0.0,
            input_tokens=(u.input_tokens or 0) + written + read,
            output_tokens=u.output_tokens or 0,
            cost_usd=self.price.cost(u, batch=batch, ttl_1h=batch) if self.price else 0.0,
        )

    def _note_cache(self, cached: int) -> None:
        """Warn once when the first replies show neither a cache write nor a cache read."""
        with self._lock:
            self._replies += 1
            self._cached_tokens += cached
            if self._replies >= 3 and self._cached_tokens == 0 and not self._cache_warned:
                self._cache_warned = True
                log.warning(
                    "prompt caching does not apply for %s: the cache counters stayed at zero "
                    "over %d replies. The fixed prompt prefix is probably shorter than the "
                    "model's minimum cacheable length (%d tokens), so every request pays for "
                    "it in full.",
                    self.config.model,
                    self._replies,
                    self.family.min_cache_tokens,
                )

    # -- errors --------------------------------------------------------------------------------

    def _per_item(self, exc: Any) -> bool:
        """Whether an API status error concerns this request only (retrying or sending other
        sentences is not affected) rather than the account, the model or the service."""
        if exc.status_code not in (400, 413, 422):
            return False
        if getattr(exc, "type", None) not in (None, "invalid_request_error"):
            return False  # billing_error and the like
        # An empty prepaid balance has long come back as a 400 invalid_request_error.
        message = str(getattr(exc, "api_message", None) or exc.message).lower()
        return "credit balance" not in message

    def _stop(self, exc: Exception, done: Sequence[Judgement] = ()) -> ClaudeError:
        if isinstance(exc, self._anthropic.APIStatusError):
            text = (
                f"Claude API error {exc.status_code} for model {self.config.model} "
                f"(after {self.config.max_retries} retries where retryable): {exc.message}."
            )
        else:
            text = f"cannot reach the Claude API ({exc})."
        return ClaudeError(f"{text} Judgements stored so far are kept; re-run to resume.", done)

    def _call(self, sentence: str, *, retry: bool = False) -> Any:
        """One Messages API call: the message, or `_Rejected` for a per-sentence refusal."""
        params = self.request_params(sentence, retry=retry)
        # SDK 2.x's messages.create has no sampling parameters; the body field still exists for
        # the models that accept it, so it travels in extra_body.
        sampling = {key: params.pop(key) for key in ("temperature",) if key in params}
        try:
            message = self.client.messages.create(**params, extra_body=sampling or None)
        except self._anthropic.APIStatusError as exc:
            if not self._per_item(exc):
                raise self._stop(exc) from exc
            with self._lock:
                self._refusals_in_a_row += 1
                refusals = self._refusals_in_a_row
            if refusals >= self.config.max_consecutive_errors:
                raise ClaudeError(
                    f"the Claude API refused {refusals} requests in a row "
                    f"({exc.status_code}: {exc.message}); this looks like a request the model "
                    "does not accept, not a problem with single sentences. Nothing more is sent; "
                    "judgements stored so far are kept."
                ) from exc
            log.warning("request refused for one sentence (%s): stored as api_error", exc.message)
            return _Rejected(f"{exc.status_code}: {exc.message}"[:500])
        except self._anthropic.APIConnectionError as exc:
            raise self._stop(exc) from exc
        with self._lock:
            self._refusals_in_a_row = 0
        return message

    def _judge_one(self, sentence: str) -> Judgement:
        started = time.perf_counter()
        totals = Usage()
        verdict: Any = None
        raw = None
        for attempt in range(2):
            message = self._call(sentence, retry=attempt > 0)
            if isinstance(message, _Rejected):
                verdict = message
                break
            usage = self._usage(message, started)
            totals = Usage(
                latency_ms=usage.latency_ms,
                input_tokens=totals.input_tokens + usage.input_tokens,
                output_tokens=totals.output_tokens + usage.output_tokens,
                cost_usd=totals.cost_usd + usage.cost_usd,
            )
            raw = message.model_dump_json(include={"content", "stop_reason"})
            verdict = self._verdict(sentence, message)
            if not isinstance(verdict, Invalid):
                break
            log.info("invalid reply (%s); asking once more", verdict.reason.value)
        return self._judgement(sentence, verdict, totals, raw)

    def judge(self, sentences: Sequence[str]) -> list[Judgement]:
        """One judgement per sentence. When the run must stop, the sentences already judged
        (and paid for) travel in the `ClaudeError`, and no new request is started."""
        if len(sentences) <= 1 or self.config.concurrency == 1:
            out: list[Judgement] = []
            for s in sentences:
                try:
                    out.append(self._judge_one(s))
                except ClaudeError as exc:
                    raise ClaudeError(str(exc), out) from exc
            return out
        pool = ThreadPoolExecutor(max_workers=self.config.concurrency)
        try:
            futures = [pool.submit(self._judge_one, s) for s in sentences]
            wait(futures, return_when=FIRST_EXCEPTION)
            failed = next((f for f in futures if f.done() and f.exception() is not None), None)
            if failed is None:
                return [f.result() for f in futures]
            for f in futures:
                f.cancel()  # not started: never sent
            wait(futures)  # in flight: let them finish, they are paid for
            done = [f.result() for f in futures if f.done() and not f.cancelled() and f.exception() is None]
            error = failed.exception()
            if isinstance(error, ClaudeError):
                raise ClaudeError(str(error), done) from error
            raise ClaudeError(f"the Claude teacher failed: {error}", done) from error
        finally:
            pool.shutdown(wait=True, cancel_futures=True)

    # -- batch mode ----------------------------------------------------------------------------

    def _batch_requests(self, ids: dict[str, str], retries: set[str]) -> list[dict[str, Any]]:
        """One request per custom id; a sentence in ``retries`` (it has a stored rejection) is
        asked at the model's default temperature."""
        return [
            {"custom_id": cid, "params": self.request_params(s, batch=True, retry=s in retries)}
            for cid, s in ids.items()
        ]

    def _measure_batch_cache(self, messages: list[Any]) -> None:
        """Add one collected batch's cost, as billed and as it would have been without caching
        (every cached token at the input rate); when caching has not paid, stop caching for the
        rest of the run (1-hour writes cost 2x input, and hits within a batch are not
        guaranteed)."""
        if not self.cache_batches or self.price is None or not messages:
            return
        for message in messages:
            u = message.usage
            cached = (getattr(u, "cache_creation_input_tokens", None) or 0) + (
                getattr(u, "cache_read_input_tokens", None) or 0
            )
            plain = _PlainUsage(input_tokens=(u.input_tokens or 0) + cached, output_tokens=u.output_tokens or 0)
            self.batch_cache_cost["cached"] += self.price.cost(u, batch=True, ttl_1h=True)
            self.batch_cache_cost["uncached"] += self.price.cost(plain, batch=True)
        cost = self.batch_cache_cost
        if cost["cached"] > cost["uncached"]:
            self.cache_batches = False
            log.info(
                "prompt caching did not pay in batch mode ($%.4f with caching, $%.4f without): "
                "later batches of this run are sent without cache_control",
                cost["cached"],
                cost["uncached"],
            )

    def _created_for(self, submission: Submission, store: JudgementStore) -> list[str]:
        """Batches the API may hold for ``submission``: created in its time window, not recorded
        in the store, with as many requests as it has custom ids. Neither a batch's metadata
        nor its requests can be read back (the API returns custom ids only with the results,
        once a batch has ended), so these are only candidates: an ended candidate is checked
        at once (`_holds_ours`) and one that is not ours is recorded as foreign and left out;
        a candidate still processing is checked when it is collected (`_collect`)."""
        lower = submission.created_at - CLOCK_SLACK_S
        upper = submission.created_at + self.config.timeout_s + CLOCK_SLACK_S
        n = len(submission.custom_ids)
        known = store.known_batch_ids()
        found: list[str] = []
        foreign: list[str] = []
        try:
            for batch in self.client.messages.batches.list(limit=100):  # newest first
                created = batch.created_at.timestamp()
                if created < lower:
                    break
                c = batch.request_counts
                total = c.processing + c.succeeded + c.errored + c.canceled + c.expired
                if batch.id in known or created > upper or total != n:
                    continue
                if self._holds_ours(batch, submission.custom_ids) is False:
                    foreign.append(batch.id)
                else:
                    found.append(batch.id)
        except (self._anthropic.APIStatusError, self._anthropic.APIConnectionError) as exc:
            raise self._stop(exc) from exc
        if foreign:
            log.info("batches %s match the submission's size and time but are not ours", ", ".join(foreign))
            store.record_foreign(foreign, self.teacher_id, self.prompt_version)
        return found

    def _holds_ours(self, batch: Any, custom_ids: dict[str, str]) -> bool | None:
        """Whether an ended batch's results name our custom ids (every custom id of one
        submission carries its random token, so the first result decides); None when that
        cannot be told yet (still processing, results archived or unreadable)."""
        if batch.processing_status != "ended" or batch.archived_at is not None or not batch.results_url:
            return None
        try:
            results = self.client.messages.batches.results(batch.id)
        except (self._anthropic.APIStatusError, self._anthropic.APIConnectionError):
            return None
        try:
            return any(item.custom_id in custom_ids for item in itertools.islice(results, 1))
        finally:
            results.close()

    def reconcile(self, store: JudgementStore) -> None:
        """Settle the submission markers a crash left between a batch create and the store:
        record the batch the API holds for each, or drop the marker when there is none (the
        create never arrived), so its sentences are submitted again."""
        for submission in store.submissions(self.teacher_id, self.prompt_version):
            found = self._created_for(submission, store)
            store.confirm_submission(submission, found)
            if found:
                log.info("found batch %s of an interrupted submission", ", ".join(found))
            else:
                log.info("an interrupted batch submission never reached the API; resubmitting")

    def _submit(self, sentences: Sequence[str], store: JudgementStore, retries: set[str]) -> list[PendingBatch]:
        token = secrets.token_hex(4)
        ids = {f"{token}-{i}-{sentence_hash(s)[:24]}": s for i, s in enumerate(sentences)}
        submission = store.begin_submission(token, self.teacher_id, self.prompt_version, ids)
        requests = self._batch_requests(ids, retries)
        for attempt in range(self.config.max_retries + 1):
            try:
                batch = self._create_client.messages.batches.create(requests=requests)
            except self._anthropic.APIStatusError as exc:
                if exc.status_code < 500 and exc.status_code not in (408, 409, 429):
                    store.confirm_submission(submission, [])  # refused: nothing was created
                    raise self._stop(exc) from exc
                error: Exception = exc
            except self._anthropic.APIConnectionError as exc:
                error = exc
            else:
                store.confirm_submission(submission, [batch.id])
                log.info("submitted message batch %s with %d requests", batch.id, len(ids))
                return [PendingBatch(batch.id, self.teacher_id, self.prompt_version, ids)]
            # The create may have succeeded without its answer reaching us: look before
            # creating again.
            found = self._created_for(submission, store)
            if found:
                store.confirm_submission(submission, found)
                return [PendingBatch(b, self.teacher_id, self.prompt_version, ids) for b in found]
            log.warning("creating the batch failed (%s); retrying", error)
            time.sleep(min(60.0, self.config.create_retry_delay_s * 2.0**attempt))
        raise ClaudeError(
            f"could not create a message batch after {self.config.max_retries + 1} attempts "
            f"({error}); re-run to resume (the next run first checks whether it was created)."
        )

    def _retrieve(self, batch_id: str) -> Any | None:
        """The batch, or None when the API no longer has it."""
        try:
            return self.client.messages.batches.retrieve(batch_id)
        except self._anthropic.NotFoundError:
            return None
        except (self._anthropic.APIStatusError, self._anthropic.APIConnectionError) as exc:
            raise self._stop(exc) from exc

    def _wait(self, batch_id: str) -> Any | None:
        while True:
            batch = self._retrieve(batch_id)
            if batch is None or batch.processing_status == "ended":
                return batch
            counts = batch.request_counts
            log.info(
                "batch %s: %s (%d processing, %d succeeded, %d errored)",
                batch_id,
                batch.processing_status,
                counts.processing,
                counts.succeeded,
                counts.errored,
            )
            time.sleep(self.config.poll_interval_s)

    def _lost(self, pending: PendingBatch, store: JudgementStore, why: str) -> list[str]:
        log.warning(
            "the results of message batch %s are gone (%s): its %d sentences are asked again",
            pending.batch_id,
            why,
            len(pending.custom_ids),
        )
        store.mark_lost(pending.batch_id)
        return list(pending.custom_ids.values())

    def _collect(
        self, pending: PendingBatch, batch: Any, store: JudgementStore, final: bool
    ) -> tuple[list[Judgement], list[str]]:
        """Store an ended batch's judgements; return them and the sentences to ask again
        (errored, expired or canceled requests, a first invalid reply unless ``final``, and all
        of them when the results are gone)."""
        if batch is None:
            return [], self._lost(pending, store, "the batch no longer exists")
        if batch.archived_at is not None or not batch.results_url:
            return [], self._lost(pending, store, "the batch's results were archived")
        try:
            items = list(self.client.messages.batches.results(pending.batch_id))
        except self._anthropic.NotFoundError:
            return [], self._lost(pending, store, "the results file is not found")
        except (self._anthropic.APIStatusError, self._anthropic.APIConnectionError) as exc:
            raise self._stop(exc) from exc
        if not any(item.custom_id in pending.custom_ids for item in items):
            # Taken for ours by its size and time while it was processing; it is another run's.
            log.warning(
                "message batch %s holds none of this run's requests (another run's batch of the "
                "same size and time): recorded as not ours; its %d sentences are asked again",
                pending.batch_id,
                len(pending.custom_ids),
            )
            store.mark_foreign(pending.batch_id)
            return [], list(pending.custom_ids.values())
        done: list[Judgement] = []
        again: list[str] = []
        billed: list[Any] = []
        for item in items:
            sentence = pending.custom_ids.get(item.custom_id)
            if sentence is None:
                log.warning("batch %s returned an unknown custom_id", pending.batch_id)
                continue
            result = item.result
            if result.type == "errored":
                error = getattr(getattr(result, "error", None), "error", None)
                kind = getattr(error, "type", None)
                detail = f"{kind}: {getattr(error, 'message', '')}"[:500]
                if kind == "invalid_request_error":  # asking again would fail again
                    done.append(self._judgement(sentence, _Rejected(detail), Usage(), None))
                else:
                    log.warning("batch request %s errored (%s): asked again", item.custom_id, detail)
                    again.append(sentence)
                continue
            if result.type != "succeeded":  # expired or canceled: never run, never billed
                again.append(sentence)
                continue
            message = result.message
            billed.append(message)
            verdict = self._verdict(sentence, message)
            raw = message.model_dump_json(include={"content", "stop_reason"})
            usage = self._usage(message, 0.0, batch=True)
            # A first invalid reply is stored as rejected (its tokens were billed) and asked
            # again; the retry replaces it in the store and adds its usage (`Judgement.after`).
            done.append(self._judgement(sentence, verdict, usage, raw))
            if isinstance(verdict, Invalid) and not final:
                log.info("invalid batch reply (%s); asking once more", verdict.reason.value)
                again.append(sentence)
        store.finish_batch(pending.batch_id, done)
        self._measure_batch_cache(billed)
        return done, again

    def settle_batches(self, store: JudgementStore, on_stored: Callable[[list[Judgement]], None]) -> set[str]:
        """Before a run without ``--batch``: reconcile interrupted submissions, collect every
        batch of this teacher that has ended, and return the sentences still being processed
        (a direct request for them would pay a second time)."""
        self.reconcile(store)
        held: set[str] = set()
        for pending in store.pending_batches(self.teacher_id, self.prompt_version):
            batch = self._retrieve(pending.batch_id)
            if batch is not None and batch.processing_status != "ended":
                held.update(pending.custom_ids.values())
                continue
            done, _ = self._collect(pending, batch, store, final=True)
            on_stored(done)
        return held

    def judge_in_batches(
        self,
        sentences: Sequence[str],
        store: JudgementStore,
        on_stored: Callable[[list[Judgement]], None],
    ) -> None:
        """Judge through the Message Batches API, resuming any batch a crashed run left.

        ``sentences`` are what the caller wants judged; with ``--retry-rejected`` that includes
        stored rejections, and their new answers replace them in the store (`JudgementStore.put`).
        """
        self.reconcile(store)
        todo = list(sentences)
        for rnd in range(self.config.batch_rounds):
            final = rnd == self.config.batch_rounds - 1
            pending = store.pending_batches(self.teacher_id, self.prompt_version)
            in_flight = {s for p in pending for s in p.custom_ids.values()}
            fresh = [s for s in dict.fromkeys(todo) if s not in in_flight]
            size = self.config.max_batch_requests
            stored = store.done_hashes(self.teacher_id, self.prompt_version)
            ok = store.done_hashes(self.teacher_id, self.prompt_version, include_rejected=False)
            retries = {s for s in fresh if sentence_hash(s) in stored - ok}
            for i in range(0, len(fresh), size):
                pending.extend(self._submit(fresh[i : i + size], store, retries))
            again: list[str] = []
            for p in pending:
                done, retry = self._collect(p, self._wait(p.batch_id), store, final)
                on_stored(done)
                again.extend(retry)
            # Asked again: what has no judgement, or only a rejection (a first invalid reply,
            # or any rejection when the user asked to retry them).
            todo = store.pending(self.teacher_id, self.prompt_version, again, retry_rejected=True)
            if not todo:
                return
        log.warning(
            "%d sentences got no answer from the batch API after %d rounds; re-run to retry them",
            len(todo),
            self.config.batch_rounds,
        )
