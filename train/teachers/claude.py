"""Claude as a teacher, through the anthropic SDK (2.x, on httpx2).

- **Request shape per model family** (`claude_models.family_of`): a forced tool call for the
  models that predate structured outputs, structured outputs for every later model (which
  refuse forced tool choice, non-default sampling parameters, assistant prefill and
  ``thinking: disabled``); none of those is sent to them. The older models that accept a
  temperature label at 0 (the retry after an invalid reply at the default), sent in
  ``extra_body`` since SDK 2.x's ``create`` has no sampling arguments. Models that think by
  default also get ``output_config.effort = "low"`` and a larger ``max_tokens``.
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
  counters still stay at zero.
- The prompt version covers the request body sent for a probe sentence (without
  ``cache_control``) and the model's family entry, not this module's source.
- **Batch mode** (Message Batches API, half price, never paying twice) is `claude_batches`;
  the model families and prices are `claude_models`.
- The key is read by the SDK from ``ANTHROPIC_API_KEY`` only; finlocal never logs or stores it.
"""

from __future__ import annotations

import json
import logging
import math
import os
import threading
import time
from collections.abc import Callable, Sequence
from concurrent.futures import FIRST_EXCEPTION, ThreadPoolExecutor, wait
from dataclasses import dataclass
from typing import Any

from finlocal.errors import InputError, require
from finlocal.train.judgement import Judgement, RejectReason, Usage
from finlocal.train.prompt import PROBE_SENTENCE, REPLY_SCHEMA, Prompt, digest
from finlocal.train.store import JudgementStore
from finlocal.train.teachers.claude_batches import MessageBatches
from finlocal.train.teachers.claude_models import (
    CURRENT,
    DEFAULT_MODEL,
    ClaudeError,
    Refused,
    RequestShape,
    family_of,
    price_of,
)
from finlocal.train.validation import Invalid, validate_raw, validate_reply

log = logging.getLogger(__name__)

TOOL_NAME = "record_judgement"
API_KEY_ENV = "ANTHROPIC_API_KEY"

#: Characters per token assumed when deciding whether the fixed prefix can reach a model's
#: minimum cacheable length: a low figure (English prose runs at about 3.5 to 4 characters per
#: Claude token), so caching is left off only where the prefix is surely too short.
CHARS_PER_TOKEN = 3.0


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


def _without_cache_control(node: Any) -> Any:
    if isinstance(node, dict):
        return {k: _without_cache_control(v) for k, v in node.items() if k != "cache_control"}
    if isinstance(node, list):
        return [_without_cache_control(v) for v in node]
    return node


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
        self.anthropic = anthropic
        kwargs: dict[str, Any] = {"max_retries": config.max_retries, "timeout": config.timeout_s}
        if http_client is not None:
            kwargs["http_client"] = http_client
        self.client = anthropic.Anthropic(**kwargs)  # reads ANTHROPIC_API_KEY itself
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
        #: collected batch, the batch mode (`MessageBatches`) compares what it cost with what it would have
        #: cost uncached and turns caching off for the rest of the run when it did not pay.
        self.cache_batches = self.cache_prefix
        self.batch_cache_cost = {"cached": 0.0, "uncached": 0.0}
        self._prompt_version = f"{self.prompt.version}+claude-{digest(self.version_payload())}"
        self.batches = MessageBatches(self)

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
            schema = self.anthropic.transform_schema(REPLY_SCHEMA)
            output_config: dict[str, Any] = {"format": {"type": "json_schema", "schema": schema}}
            if self.family.effort is not None:
                output_config["effort"] = self.family.effort
            params["output_config"] = output_config
        return params

    def verdict(self, sentence: str, message: Any) -> Any:
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

    def judgement(self, sentence: str, verdict: Any, usage: Usage, raw: str | None) -> Judgement:
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
        if isinstance(verdict, Refused):
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

    def usage(self, message: Any, started: float, *, batch: bool = False) -> Usage:
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

    def stopped(self, exc: Exception, done: Sequence[Judgement] = ()) -> ClaudeError:
        if isinstance(exc, self.anthropic.APIStatusError):
            text = (
                f"Claude API error {exc.status_code} for model {self.config.model} "
                f"(after {self.config.max_retries} retries where retryable): {exc.message}."
            )
        else:
            text = f"cannot reach the Claude API ({exc})."
        return ClaudeError(f"{text} Judgements stored so far are kept; re-run to resume.", done)

    def _call(self, sentence: str, *, retry: bool = False) -> Any:
        """One Messages API call: the message, or `Refused` for a per-sentence refusal."""
        params = self.request_params(sentence, retry=retry)
        # SDK 2.x's messages.create has no sampling parameters; the body field still exists for
        # the models that accept it, so it travels in extra_body.
        sampling = {key: params.pop(key) for key in ("temperature",) if key in params}
        try:
            message = self.client.messages.create(**params, extra_body=sampling or None)
        except self.anthropic.APIStatusError as exc:
            if not self._per_item(exc):
                raise self.stopped(exc) from exc
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
            return Refused(f"{exc.status_code}: {exc.message}"[:500])
        except self.anthropic.APIConnectionError as exc:
            raise self.stopped(exc) from exc
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
            if isinstance(message, Refused):
                verdict = message
                break
            usage = self.usage(message, started)
            totals = Usage(
                latency_ms=usage.latency_ms,
                input_tokens=totals.input_tokens + usage.input_tokens,
                output_tokens=totals.output_tokens + usage.output_tokens,
                cost_usd=totals.cost_usd + usage.cost_usd,
            )
            raw = message.model_dump_json(include={"content", "stop_reason"})
            verdict = self.verdict(sentence, message)
            if not isinstance(verdict, Invalid):
                break
            log.info("invalid reply (%s); asking once more", verdict.reason.value)
        return self.judgement(sentence, verdict, totals, raw)

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

    # -- batch mode (`claude_batches`) ---------------------------------------------------------

    def reconcile(self, store: JudgementStore) -> None:
        """Settle the submission markers a crash left between a batch create and the store."""
        self.batches.reconcile(store)

    def settle_batches(self, store: JudgementStore, on_stored: Callable[[list[Judgement]], None]) -> set[str]:
        """Before a run without ``--batch``: collect what has ended; the sentences still held."""
        return self.batches.settle(store, on_stored)

    def judge_in_batches(
        self,
        sentences: Sequence[str],
        store: JudgementStore,
        on_stored: Callable[[list[Judgement]], None],
    ) -> None:
        """Judge through the Message Batches API, resuming any batch a crashed run left."""
        self.batches.judge(sentences, store, on_stored)
