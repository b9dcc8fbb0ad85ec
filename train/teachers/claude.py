"""Claude as a teacher, through the anthropic SDK (2.x, on httpx2).

- Structured output by a forced tool call (``tool_choice`` names the one tool, whose input schema
  is the reply schema); the tool input is validated like any other reply, and an invalid one is
  asked again once before it is stored as rejected.
- The SDK retries 408/409/429/5xx (529 "overloaded" included) with exponential backoff that
  honours ``retry-after``; ``max_retries`` sets how often. Calls run on a thread pool of
  ``concurrency`` workers.
- The fixed prefix (tool definition, instructions, examples) carries ``cache_control`` so
  repeated calls read it from the prompt cache (when it is long enough for the model's minimum).
- Batch mode uses the Message Batches API (half price): the batch id is written to the store
  right after creation, so a crashed run resumes by polling that batch instead of paying again.
- The key is read by the SDK from ``ANTHROPIC_API_KEY`` only; finlocal never logs or stores it.
"""

from __future__ import annotations

import logging
import os
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

from finlocal.train.judgement import Judgement, RejectReason, Usage, sentence_hash
from finlocal.train.prompt import REPLY_SCHEMA, Prompt
from finlocal.train.store import JudgementStore, PendingBatch
from finlocal.train.validation import Invalid, validate_reply

from finlocal.errors import FinlocalError, InputError, require

log = logging.getLogger(__name__)

TOOL_NAME = "record_judgement"
API_KEY_ENV = "ANTHROPIC_API_KEY"


@dataclass(frozen=True)
class Price:
    """US dollars per million tokens: fresh input, output, and prompt-cache hits (cache writes
    are billed at 1.25x input for the default 5-minute cache)."""

    input: float
    output: float
    cache_read: float

    def cost(self, usage: Any, *, batch: bool = False) -> float:
        fresh = usage.input_tokens or 0
        written = getattr(usage, "cache_creation_input_tokens", None) or 0
        read = getattr(usage, "cache_read_input_tokens", None) or 0
        dollars = (
            fresh * self.input + written * self.input * 1.25 + read * self.cache_read
            + (usage.output_tokens or 0) * self.output
        ) / 1e6
        return dollars * (0.5 if batch else 1.0)


#: List prices by model-name prefix (longest prefix wins), from Anthropic's pricing page; used
#: only to estimate cost. A model not listed is recorded at cost 0 with a warning.
PRICES: dict[str, Price] = {
    "claude-fable-5-1": Price(10.0, 50.0, 0.25),
    "claude-fable-5": Price(10.0, 50.0, 1.0),
    "claude-opus-5": Price(5.0, 25.0, 0.5),
    "claude-opus-4-8": Price(5.0, 25.0, 0.5),
    "claude-opus-4-7": Price(5.0, 25.0, 0.5),
    "claude-opus-4-6": Price(5.0, 25.0, 0.5),
    "claude-opus-4-5": Price(5.0, 25.0, 0.5),
    "claude-opus-4-1": Price(15.0, 75.0, 1.5),
    "claude-sonnet-4": Price(3.0, 15.0, 0.3),
    "claude-haiku-4-5": Price(1.0, 5.0, 0.1),
}


def price_of(model: str) -> Price | None:
    matches = [p for p in PRICES if model.startswith(p)]
    return PRICES[max(matches, key=len)] if matches else None


@dataclass(frozen=True)
class ClaudeConfig:
    """One Claude teacher."""

    model: str = "claude-sonnet-4-6"
    few_shot: bool = True
    max_tokens: int = 600
    max_retries: int = 6
    concurrency: int = 4
    timeout_s: float = 120.0
    poll_interval_s: float = 30.0
    max_batch_requests: int = 10_000
    batch_rounds: int = 2

    def __post_init__(self) -> None:
        if self.concurrency < 1 or self.max_retries < 0 or self.max_tokens < 64:
            raise ValueError(
                f"need concurrency >= 1, max_retries >= 0, max_tokens >= 64; got "
                f"{self.concurrency}, {self.max_retries}, {self.max_tokens}"
            )
        if not 1 <= self.max_batch_requests <= 100_000:
            raise ValueError("max_batch_requests must be in 1..100000 (the API's limit)")


class ClaudeError(FinlocalError):
    """The API refused or kept failing; what is stored so far stays, so a re-run resumes."""


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
        self.price = price_of(config.model)
        if self.price is None:
            log.warning("no list price known for %s: cost is recorded as 0", config.model)

    # -- identity ------------------------------------------------------------------------------

    @property
    def teacher_id(self) -> str:
        return f"claude:{self.config.model}"

    @property
    def prompt_version(self) -> str:
        return self.prompt.version

    @property
    def chunk_size(self) -> int:
        return self.config.concurrency * 2

    def close(self) -> None:
        self.client.close()

    # -- requests ------------------------------------------------------------------------------

    def request_params(self, sentence: str) -> dict[str, Any]:
        """The Messages API parameters for one sentence (also a batch request's ``params``)."""
        system_text = self.prompt.instructions
        if self.prompt.examples:
            system_text += "\n\n" + self.prompt.examples_text()
        return {
            "model": self.config.model,
            "max_tokens": self.config.max_tokens,
            "system": [
                {"type": "text", "text": system_text, "cache_control": {"type": "ephemeral"}}
            ],
            "tools": [
                {
                    "name": TOOL_NAME,
                    "description": "Record the tone judgement of the sentence.",
                    "input_schema": REPLY_SCHEMA,
                }
            ],
            "tool_choice": {"type": "tool", "name": TOOL_NAME},
            "messages": [{"role": "user", "content": self.prompt.user(sentence)}],
        }

    def _verdict(self, sentence: str, message: Any) -> Any:
        """Validate one reply: a `Verdict`, or `Invalid` with the reason."""
        if getattr(message, "stop_reason", None) == "max_tokens":
            return Invalid(RejectReason.TRUNCATED, "stopped at max_tokens")
        calls = [
            b for b in message.content
            if getattr(b, "type", None) == "tool_use" and getattr(b, "name", None) == TOOL_NAME
        ]
        if not calls:
            return Invalid(RejectReason.NO_TOOL_CALL, f"stop_reason={message.stop_reason}")
        reply = calls[0].input
        if not isinstance(reply, dict):
            return Invalid(RejectReason.SCHEMA_MISMATCH, "tool input is not an object")
        return validate_reply(sentence, reply)

    def _judgement(
        self, sentence: str, verdict: Any, usage: Usage, raw: str | None
    ) -> Judgement:
        common = {"teacher_id": self.teacher_id, "prompt_version": self.prompt_version}
        if isinstance(verdict, Invalid):
            return Judgement.rejected(
                sentence, reason=verdict.reason, detail=verdict.detail, raw=raw, usage=usage, **common
            )
        return Judgement.accepted(
            sentence, label=verdict.label, rationale=verdict.rationale, evidence=verdict.evidence,
            raw=raw, usage=usage, **common,
        )

    def _usage(self, message: Any, started: float, *, batch: bool = False) -> Usage:
        u = message.usage
        return Usage(
            latency_ms=(time.perf_counter() - started) * 1000 if started else 0.0,
            input_tokens=(u.input_tokens or 0)
            + (getattr(u, "cache_creation_input_tokens", None) or 0)
            + (getattr(u, "cache_read_input_tokens", None) or 0),
            output_tokens=u.output_tokens or 0,
            cost_usd=self.price.cost(u, batch=batch) if self.price else 0.0,
        )

    def _call(self, sentence: str) -> Any:
        try:
            return self.client.messages.create(**self.request_params(sentence))
        except self._anthropic.APIStatusError as exc:
            raise ClaudeError(
                f"Claude API error {exc.status_code} for model {self.config.model} "
                f"(after {self.config.max_retries} retries where retryable): {exc.message}. "
                "Judgements stored so far are kept; re-run to resume."
            ) from exc
        except self._anthropic.APIConnectionError as exc:
            raise ClaudeError(
                f"cannot reach the Claude API ({exc}); re-run to resume"
            ) from exc

    def _judge_one(self, sentence: str) -> Judgement:
        started = time.perf_counter()
        totals = Usage()
        verdict: Any = None
        raw = None
        for _attempt in range(2):
            message = self._call(sentence)
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
        if len(sentences) <= 1 or self.config.concurrency == 1:
            return [self._judge_one(s) for s in sentences]
        with ThreadPoolExecutor(max_workers=self.config.concurrency) as pool:
            return list(pool.map(self._judge_one, sentences))

    # -- batch mode ----------------------------------------------------------------------------

    def _submit(self, sentences: Sequence[str], store: JudgementStore) -> PendingBatch:
        ids = {f"s{i}-{sentence_hash(s)[:32]}": s for i, s in enumerate(sentences)}
        batch = self.client.messages.batches.create(
            requests=[{"custom_id": cid, "params": self.request_params(s)} for cid, s in ids.items()]
        )
        store.add_batch(batch.id, self.teacher_id, self.prompt_version, ids)
        log.info("submitted message batch %s with %d requests", batch.id, len(ids))
        return PendingBatch(batch.id, self.teacher_id, self.prompt_version, ids)

    def _wait(self, batch_id: str) -> None:
        while True:
            batch = self.client.messages.batches.retrieve(batch_id)
            if batch.processing_status == "ended":
                return
            counts = batch.request_counts
            log.info(
                "batch %s: %s (%d processing, %d succeeded, %d errored)", batch_id,
                batch.processing_status, counts.processing, counts.succeeded, counts.errored,
            )
            time.sleep(self.config.poll_interval_s)

    def _collect(
        self, pending: PendingBatch, store: JudgementStore, final: bool
    ) -> tuple[list[Judgement], list[str]]:
        """Store a finished batch's judgements; return them and the sentences to ask again
        (errored, expired or canceled requests, and a first invalid reply unless ``final``)."""
        done: list[Judgement] = []
        again: list[str] = []
        for item in self.client.messages.batches.results(pending.batch_id):
            sentence = pending.custom_ids.get(item.custom_id)
            if sentence is None:
                log.warning("batch %s returned an unknown custom_id", pending.batch_id)
                continue
            result = item.result
            if result.type != "succeeded":
                detail = getattr(getattr(result, "error", None), "error", None)
                log.warning("batch request %s %s: %s", item.custom_id, result.type, detail)
                again.append(sentence)
                continue
            message = result.message
            verdict = self._verdict(sentence, message)
            if isinstance(verdict, Invalid) and not final:
                again.append(sentence)
                continue
            raw = message.model_dump_json(include={"content", "stop_reason"})
            done.append(self._judgement(sentence, verdict, self._usage(message, 0.0, batch=True), raw))
        store.finish_batch(pending.batch_id, done)
        return done, again

    def judge_in_batches(
        self,
        sentences: Sequence[str],
        store: JudgementStore,
        on_stored: Callable[[list[Judgement]], None],
    ) -> None:
        """Judge through the Message Batches API, resuming any batch a crashed run left."""
        todo = list(sentences)
        for rnd in range(self.config.batch_rounds):
            final = rnd == self.config.batch_rounds - 1
            pending = store.pending_batches(self.teacher_id, self.prompt_version)
            in_flight = {s for p in pending for s in p.custom_ids.values()}
            fresh = [s for s in todo if s not in in_flight]
            size = self.config.max_batch_requests
            for i in range(0, len(fresh), size):
                pending.append(self._submit(fresh[i : i + size], store))
            todo = []
            for p in pending:
                self._wait(p.batch_id)
                done, again = self._collect(p, store, final)
                on_stored(done)
                todo.extend(again)
            todo = store.pending(self.teacher_id, self.prompt_version, todo)
            if not todo:
                return
        log.warning(
            "%d sentences got no answer from the batch API after %d rounds; re-run to retry them",
            len(todo), self.config.batch_rounds,
        )
