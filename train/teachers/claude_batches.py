"""Claude's batch mode: the Message Batches API (half price) for a `ClaudeTeacher`.

- **A batch is never paid for twice**: a *submission* marker with the custom ids is committed
  before the create call, which runs without SDK retries (the API takes no idempotency key); the
  batch id replaces the marker once known. A marker left by a crash, or a create whose answer was
  lost, is matched against ``batches.list()`` by time and size; since a batch carries no tag the
  API returns, a candidate counts as ours only once its results name our custom ids, and one
  that does not is recorded as foreign and its sentences asked again. A batch whose results are
  gone (after 29 days, or deleted) is marked lost and its sentences are asked again.
- Requests are the teacher's own (`ClaudeTeacher.request_params` with ``batch=True``: the
  prefix cached with the 1-hour TTL); caching stays on only while it pays (1-hour writes cost 2x
  input and hits are not guaranteed), measured on each collected batch.
- A first invalid reply is stored as rejected and asked again in the next round.
"""

from __future__ import annotations

import itertools
import logging
import secrets
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from finlocal.train.judgement import Judgement, Usage, sentence_hash
from finlocal.train.store import JudgementStore, PendingBatch, Submission
from finlocal.train.teachers.claude_models import ClaudeError, Refused
from finlocal.train.validation import Invalid

if TYPE_CHECKING:
    from finlocal.train.teachers.claude import ClaudeTeacher

log = logging.getLogger(__name__)

#: How far apart the local clock and the API's ``created_at`` may be when a crashed batch
#: submission is matched against ``batches.list()``.
CLOCK_SLACK_S = 600.0


@dataclass(frozen=True)
class _PlainUsage:
    """A usage with no prompt caching (what `_measure_batch_cache` compares against)."""

    input_tokens: int
    output_tokens: int


class MessageBatches:
    """The batch mode of one `ClaudeTeacher` (its ``batches``): submit, reconcile, poll and
    collect message batches, storing each ended batch's judgements."""

    def __init__(self, teacher: ClaudeTeacher) -> None:
        self.teacher = teacher
        self.anthropic = teacher.anthropic
        # Batch creation carries no idempotency key: a retried create could pay twice.
        self.create_client = teacher.client.with_options(max_retries=0)

    def _batch_requests(self, ids: dict[str, str], retries: set[str]) -> list[dict[str, Any]]:
        """One request per custom id; a sentence in ``retries`` (it has a stored rejection) is
        asked at the model's default temperature."""
        return [
            {"custom_id": cid, "params": self.teacher.request_params(s, batch=True, retry=s in retries)}
            for cid, s in ids.items()
        ]

    def _measure_batch_cache(self, messages: list[Any]) -> None:
        """Add one collected batch's cost, as billed and as it would have been without caching
        (every cached token at the input rate); when caching has not paid, stop caching for the
        rest of the run (1-hour writes cost 2x input, and hits within a batch are not
        guaranteed)."""
        if not self.teacher.cache_batches or self.teacher.price is None or not messages:
            return
        for message in messages:
            u = message.usage
            cached = (getattr(u, "cache_creation_input_tokens", None) or 0) + (
                getattr(u, "cache_read_input_tokens", None) or 0
            )
            plain = _PlainUsage(input_tokens=(u.input_tokens or 0) + cached, output_tokens=u.output_tokens or 0)
            self.teacher.batch_cache_cost["cached"] += self.teacher.price.cost(u, batch=True, ttl_1h=True)
            self.teacher.batch_cache_cost["uncached"] += self.teacher.price.cost(plain, batch=True)
        cost = self.teacher.batch_cache_cost
        if cost["cached"] > cost["uncached"]:
            self.teacher.cache_batches = False
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
        upper = submission.created_at + self.teacher.config.timeout_s + CLOCK_SLACK_S
        n = len(submission.custom_ids)
        known = store.known_batch_ids()
        found: list[str] = []
        foreign: list[str] = []
        try:
            for batch in self.teacher.client.messages.batches.list(limit=100):  # newest first
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
        except (self.anthropic.APIStatusError, self.anthropic.APIConnectionError) as exc:
            raise self.teacher.stopped(exc) from exc
        if foreign:
            log.info("batches %s match the submission's size and time but are not ours", ", ".join(foreign))
            store.record_foreign(foreign, self.teacher.teacher_id, self.teacher.prompt_version)
        return found

    def _holds_ours(self, batch: Any, custom_ids: dict[str, str]) -> bool | None:
        """Whether an ended batch's results name our custom ids (every custom id of one
        submission carries its random token, so the first result decides); None when that
        cannot be told yet (still processing, results archived or unreadable)."""
        if batch.processing_status != "ended" or batch.archived_at is not None or not batch.results_url:
            return None
        try:
            results = self.teacher.client.messages.batches.results(batch.id)
        except (self.anthropic.APIStatusError, self.anthropic.APIConnectionError):
            return None
        try:
            return any(item.custom_id in custom_ids for item in itertools.islice(results, 1))
        finally:
            results.close()

    def reconcile(self, store: JudgementStore) -> None:
        """Settle the submission markers a crash left between a batch create and the store:
        record the batch the API holds for each, or drop the marker when there is none (the
        create never arrived), so its sentences are submitted again."""
        for submission in store.submissions(self.teacher.teacher_id, self.teacher.prompt_version):
            found = self._created_for(submission, store)
            store.confirm_submission(submission, found)
            if found:
                log.info("found batch %s of an interrupted submission", ", ".join(found))
            else:
                log.info("an interrupted batch submission never reached the API; resubmitting")

    def _submit(self, sentences: Sequence[str], store: JudgementStore, retries: set[str]) -> list[PendingBatch]:
        token = secrets.token_hex(4)
        ids = {f"{token}-{i}-{sentence_hash(s)[:24]}": s for i, s in enumerate(sentences)}
        submission = store.begin_submission(token, self.teacher.teacher_id, self.teacher.prompt_version, ids)
        requests = self._batch_requests(ids, retries)
        for attempt in range(self.teacher.config.max_retries + 1):
            try:
                batch = self.create_client.messages.batches.create(requests=requests)
            except self.anthropic.APIStatusError as exc:
                if exc.status_code < 500 and exc.status_code not in (408, 409, 429):
                    store.confirm_submission(submission, [])  # refused: nothing was created
                    raise self.teacher.stopped(exc) from exc
                error: Exception = exc
            except self.anthropic.APIConnectionError as exc:
                error = exc
            else:
                store.confirm_submission(submission, [batch.id])
                log.info("submitted message batch %s with %d requests", batch.id, len(ids))
                return [PendingBatch(batch.id, self.teacher.teacher_id, self.teacher.prompt_version, ids)]
            # The create may have succeeded without its answer reaching us: look before
            # creating again.
            found = self._created_for(submission, store)
            if found:
                store.confirm_submission(submission, found)
                return [PendingBatch(b, self.teacher.teacher_id, self.teacher.prompt_version, ids) for b in found]
            log.warning("creating the batch failed (%s); retrying", error)
            time.sleep(min(60.0, self.teacher.config.create_retry_delay_s * 2.0**attempt))
        raise ClaudeError(
            f"could not create a message batch after {self.teacher.config.max_retries + 1} attempts "
            f"({error}); re-run to resume (the next run first checks whether it was created)."
        )

    def _retrieve(self, batch_id: str) -> Any | None:
        """The batch, or None when the API no longer has it."""
        try:
            return self.teacher.client.messages.batches.retrieve(batch_id)
        except self.anthropic.NotFoundError:
            return None
        except (self.anthropic.APIStatusError, self.anthropic.APIConnectionError) as exc:
            raise self.teacher.stopped(exc) from exc

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
            time.sleep(self.teacher.config.poll_interval_s)

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
            items = list(self.teacher.client.messages.batches.results(pending.batch_id))
        except self.anthropic.NotFoundError:
            return [], self._lost(pending, store, "the results file is not found")
        except (self.anthropic.APIStatusError, self.anthropic.APIConnectionError) as exc:
            raise self.teacher.stopped(exc) from exc
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
                    done.append(self.teacher.judgement(sentence, Refused(detail), Usage(), None))
                else:
                    log.warning("batch request %s errored (%s): asked again", item.custom_id, detail)
                    again.append(sentence)
                continue
            if result.type != "succeeded":  # expired or canceled: never run, never billed
                again.append(sentence)
                continue
            message = result.message
            billed.append(message)
            verdict = self.teacher.verdict(sentence, message)
            raw = message.model_dump_json(include={"content", "stop_reason"})
            usage = self.teacher.usage(message, 0.0, batch=True)
            # A first invalid reply is stored as rejected (its tokens were billed) and asked
            # again; the retry replaces it in the store and adds its usage (`Judgement.after`).
            done.append(self.teacher.judgement(sentence, verdict, usage, raw))
            if isinstance(verdict, Invalid) and not final:
                log.info("invalid batch reply (%s); asking once more", verdict.reason.value)
                again.append(sentence)
        store.finish_batch(pending.batch_id, done)
        self._measure_batch_cache(billed)
        return done, again

    def settle(self, store: JudgementStore, on_stored: Callable[[list[Judgement]], None]) -> set[str]:
        """Before a run without ``--batch``: reconcile interrupted submissions, collect every
        batch of this teacher that has ended, and return the sentences still being processed
        (a direct request for them would pay a second time)."""
        self.reconcile(store)
        held: set[str] = set()
        for pending in store.pending_batches(self.teacher.teacher_id, self.teacher.prompt_version):
            batch = self._retrieve(pending.batch_id)
            if batch is not None and batch.processing_status != "ended":
                held.update(pending.custom_ids.values())
                continue
            done, _ = self._collect(pending, batch, store, final=True)
            on_stored(done)
        return held

    def judge(
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
        for rnd in range(self.teacher.config.batch_rounds):
            final = rnd == self.teacher.config.batch_rounds - 1
            pending = store.pending_batches(self.teacher.teacher_id, self.teacher.prompt_version)
            in_flight = {s for p in pending for s in p.custom_ids.values()}
            fresh = [s for s in dict.fromkeys(todo) if s not in in_flight]
            size = self.teacher.config.max_batch_requests
            stored = store.done_hashes(self.teacher.teacher_id, self.teacher.prompt_version)
            ok = store.done_hashes(self.teacher.teacher_id, self.teacher.prompt_version, include_rejected=False)
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
            todo = store.pending(self.teacher.teacher_id, self.teacher.prompt_version, again, retry_rejected=True)
            if not todo:
                return
        log.warning(
            "%d sentences got no answer from the batch API after %d rounds; re-run to retry them",
            len(todo),
            self.teacher.config.batch_rounds,
        )
