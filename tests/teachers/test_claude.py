"""ClaudeTeacher through the real anthropic SDK over a mocked transport (httpx2.MockTransport).

The fake API checks request bodies the way the current models do: Claude Sonnet 5.5, Opus 5.5,
Haiku 5.5 and Fable 5.1 answer 400 to a forced tool choice, non-default sampling parameters,
assistant prefill and ``thinking: disabled``.
"""

from __future__ import annotations

import dataclasses
import logging
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

anthropic = pytest.importorskip("anthropic")
httpx2 = pytest.importorskip("httpx2")

# Imported after the skips above (E402), so an install without the train extra skips this file.
from finlocal.errors import InputError  # noqa: E402
from finlocal.train.judgement import Judgement, Label, RejectReason  # noqa: E402
from finlocal.train.labelling import label_sentences  # noqa: E402
from finlocal.train.store import BatchState, JudgementStore  # noqa: E402
from finlocal.train.teachers import claude_models  # noqa: E402
from finlocal.train.teachers.claude import TOOL_NAME, ClaudeConfig, ClaudeTeacher  # noqa: E402
from finlocal.train.teachers.claude_models import (  # noqa: E402
    DEFAULT_MODEL,
    PRICES,
    ClaudeError,
    RequestShape,
    family_of,
    price_of,
)
from finlocal.train.teachers.fake_anthropic import (  # noqa: E402
    STRICT_MODELS,
    USAGE,
    error,
    message,
    sentence_of,
)
from finlocal.train.teachers.fake_anthropic import FakeAnthropicAPI as FakeAPI  # noqa: E402

SENT_POS = "Operating profit rose to EUR 13.1 mn."
SENT_NEG = "The company will cut 45 jobs."
SENT_NEU = "The meeting is in Espoo."

REPLIES = {
    SENT_POS: {"label": "positive", "rationale": "Profit grew.", "evidence": ["profit rose"]},
    SENT_NEG: {"label": "negative", "rationale": "Job cuts.", "evidence": ["cut 45 jobs"]},
    SENT_NEU: {"label": "neutral", "rationale": "A venue.", "evidence": []},
}


@pytest.fixture
def api(monkeypatch: pytest.MonkeyPatch) -> FakeAPI:
    monkeypatch.setenv("ANTHROPIC_API_KEY", "sk-test-key")
    # The SDK's own backoff, made tiny (it would otherwise sleep 0.5 s, 1 s, ...).
    monkeypatch.setattr(anthropic._base_client, "INITIAL_RETRY_DELAY", 0.001)
    monkeypatch.setattr(anthropic._base_client, "MAX_RETRY_DELAY", 0.002)
    return FakeAPI(lambda body: message(body, REPLIES[sentence_of(body)]))


def _teacher(api: FakeAPI, model: str = "claude-sonnet-4-6", **kw: Any) -> ClaudeTeacher:
    kw = {"poll_interval_s": 0.0, "create_retry_delay_s": 0.0, **kw}
    config = ClaudeConfig(model=model, **kw)
    return ClaudeTeacher(config, http_client=httpx2.Client(transport=httpx2.MockTransport(api)))


def _cost(price: Any, *, fresh: int = 20, read: int = 900, out: int = 30) -> float:
    return (fresh * price.input + read * price.cache_read + out * price.output) / 1e6


# -- request shapes -----------------------------------------------------------------------------


def _keys(node: Any) -> set[str]:
    if isinstance(node, dict):
        return set(node) | {k for v in node.values() for k in _keys(v)}
    if isinstance(node, list):
        return {k for v in node for k in _keys(v)}
    return set()


def _assert_no_refused_settings(body: dict[str, Any], *, temperature: float | None = None) -> None:
    """Only a model that accepts it gets a temperature; none gets top_p, top_k, thinking
    settings or an assistant prefill."""
    assert body.get("temperature") == temperature
    assert "top_p" not in body and "top_k" not in body
    assert "thinking" not in body
    assert [m["role"] for m in body["messages"]] == ["user"]  # no assistant prefill


def test_legacy_model_gets_the_forced_tool(api: FakeAPI) -> None:
    teacher = _teacher(api, "claude-sonnet-4-20250514", concurrency=1)
    (j,) = teacher.judge([SENT_POS])
    assert j.ok and j.label is Label.POSITIVE and j.evidence == ("profit rose",)
    body = api.bodies[0]
    assert body["tool_choice"] == {"type": "tool", "name": TOOL_NAME}
    assert body["tools"][0]["input_schema"]["properties"]["rationale"]["maxLength"] == 300
    assert "output_config" not in body and body["max_tokens"] == 1024
    assert body["system"][0]["cache_control"] == {"type": "ephemeral"}
    _assert_no_refused_settings(body, temperature=0.0)


def test_claude_4_6_gets_structured_outputs_without_effort(api: FakeAPI) -> None:
    teacher = _teacher(api, "claude-sonnet-4-6", concurrency=1)
    (j,) = teacher.judge([SENT_NEG])
    assert j.ok and j.label is Label.NEGATIVE
    body = api.bodies[0]
    assert "tools" not in body and "tool_choice" not in body
    fmt = body["output_config"]["format"]
    assert fmt["type"] == "json_schema" and "effort" not in body["output_config"]
    assert fmt["schema"]["additionalProperties"] is False
    assert set(fmt["schema"]["required"]) == {"label", "rationale", "evidence"}
    _assert_no_refused_settings(body, temperature=0.0)


@pytest.mark.parametrize("model", STRICT_MODELS)
def test_current_models_get_structured_outputs_and_low_effort(api: FakeAPI, model: str) -> None:
    teacher = _teacher(api, model, concurrency=1)
    out = teacher.judge([SENT_POS, SENT_NEU])
    assert [j.label for j in out] == [Label.POSITIVE, Label.NEUTRAL]
    assert out[1].evidence == ()  # quoted nothing: kept as "no evidence", not None
    body = api.bodies[0]
    assert "tool_choice" not in body and "tools" not in body
    assert body["output_config"]["effort"] == "low"
    assert body["output_config"]["format"]["type"] == "json_schema"
    # Structured outputs take no length bounds; finlocal's validation still enforces them.
    keys = _keys(body["output_config"]["format"]["schema"])
    assert not keys & {"maxLength", "minLength", "maxItems"}
    assert body["max_tokens"] == 4096  # thinking shares the limit
    _assert_no_refused_settings(body)
    assert family_of(model).shape is RequestShape.JSON_OUTPUT


def test_the_default_model_is_current_and_priced(api: FakeAPI) -> None:
    assert DEFAULT_MODEL == "claude-haiku-5-5" and ClaudeConfig().model == DEFAULT_MODEL
    assert family_of(DEFAULT_MODEL).shape is RequestShape.JSON_OUTPUT
    assert price_of(DEFAULT_MODEL) is not None


def test_structured_reply_after_thinking_is_parsed_and_costed(api: FakeAPI) -> None:
    teacher = _teacher(api, "claude-haiku-5-5", concurrency=2)
    out = teacher.judge([SENT_POS, SENT_NEG, SENT_NEU])
    assert [j.label for j in out] == [Label.POSITIVE, Label.NEGATIVE, Label.NEUTRAL]
    assert out[0].rationale == "Profit grew." and out[0].input_tokens == 920
    # Haiku 5.5: $0.10 in, $0.01 cache reads, $0.50 out per MTok.
    assert out[0].cost_usd == pytest.approx((20 * 0.10 + 900 * 0.01 + 30 * 0.50) / 1e6)
    assert all("sk-test-key" not in (j.raw or "") for j in out)


# -- prices -------------------------------------------------------------------------------------


class _U:
    def __init__(
        self, fresh: int = 0, out: int = 0, read: int = 0, written: int = 0, split: tuple[int, int] | None = None
    ) -> None:
        self.input_tokens, self.output_tokens = fresh, out
        self.cache_read_input_tokens, self.cache_creation_input_tokens = read, written
        self.cache_creation = None
        if split is not None:
            self.cache_creation = type(
                "S", (), {"ephemeral_5m_input_tokens": split[0], "ephemeral_1h_input_tokens": split[1]}
            )()


@pytest.mark.parametrize(
    ("model", "rates"),
    [  # Anthropic's list prices, $/MTok: input, output, cache reads
        ("claude-sonnet-5-5", (2.0, 10.0, 0.20)),
        ("claude-haiku-5-5", (0.10, 0.50, 0.01)),
        ("claude-opus-5-5", (4.0, 20.0, 0.20)),
        ("claude-sonnet-4-6", (3.0, 15.0, 0.30)),
        ("claude-sonnet-4-20250514", (3.0, 15.0, 0.30)),
    ],
)
def test_a_reply_is_costed_from_its_usage(api: FakeAPI, model: str, rates: tuple[float, float, float]) -> None:
    """What a stored judgement costs: 20 fresh input, 900 cache-read and 30 output tokens."""
    teacher = _teacher(api, model, concurrency=1)
    (j,) = teacher.judge([SENT_POS])
    fresh, out, read = rates
    assert j.cost_usd == pytest.approx((20 * fresh + 900 * read + 30 * out) / 1e6)


def test_cache_writes_and_long_prompts_are_priced() -> None:
    sonnet = PRICES["claude-sonnet-5-5"]
    # 5-minute writes at 1.25x input, 1-hour writes at 2x, reads at $0.20 (not $0.10).
    assert sonnet.cost(_U(written=1_000_000)) == pytest.approx(2.5)
    assert sonnet.cost(_U(written=1_000_000), ttl_1h=True) == pytest.approx(4.0)
    assert sonnet.cost(_U(written=2_000_000, split=(1_000_000, 1_000_000))) == pytest.approx(6.5)
    assert sonnet.cost(_U(read=1_000_000)) == pytest.approx(0.20)
    assert sonnet.cost(_U(fresh=1_000_000, out=1_000_000, read=1_000_000), batch=True) == pytest.approx(6.1)
    haiku = PRICES["claude-haiku-5-5"]
    assert haiku.cost(_U(fresh=100_000, out=1_000)) == pytest.approx(0.0105)
    assert haiku.cost(_U(fresh=100_001, out=1_000)) == pytest.approx(5 * (0.0100001 + 0.0005))
    assert price_of("claude-sonnet-50") is None  # prefixes match on a name boundary


# -- validation, retries and errors -------------------------------------------------------------


@pytest.mark.parametrize("model", ["claude-sonnet-4-20250514", "claude-haiku-5-5"])
def test_invalid_reply_is_retried_once_then_rejected(api: FakeAPI, model: str) -> None:
    teacher = _teacher(api, model, concurrency=1)
    api.reply = lambda body: message(body, {"label": "positive", "rationale": "x", "evidence": ["not in the sentence"]})
    (j,) = teacher.judge([SENT_POS])
    assert j.reject_reason is RejectReason.EVIDENCE_NOT_VERBATIM
    assert len(api.bodies) == 2 and j.input_tokens == 2 * 920  # both attempts are counted
    api.reply = lambda body: message(
        body, {"label": "positive", "rationale": "x", "evidence": ["oss"]}
    )  # a fragment of a word
    assert teacher.judge(["The loss narrowed."])[0].reject_reason is (RejectReason.EVIDENCE_NOT_VERBATIM)
    api.reply = lambda body: message(body, None, text="I think it is positive.")
    (j,) = teacher.judge([SENT_POS])
    assert j.reject_reason in (RejectReason.NO_TOOL_CALL, RejectReason.INVALID_JSON)
    api.reply = lambda body: message(body, None, text="", stop="refusal")
    assert teacher.judge([SENT_POS])[0].reject_reason is RejectReason.REFUSED


def test_429_and_529_are_retried_by_the_sdk(api: FakeAPI) -> None:
    teacher = _teacher(api, concurrency=1, max_retries=3)
    api.scripted.extend(
        [
            httpx2.Response(
                429,
                json={"type": "error", "error": {"type": "rate_limit_error", "message": "slow down"}},
                headers={"retry-after-ms": "1"},
            ),
            error(529, "overloaded_error", "Overloaded"),
            error(500, "api_error", "Internal"),
        ]
    )
    (j,) = teacher.judge([SENT_NEG])
    assert j.ok and j.label is Label.NEGATIVE
    assert len(api.bodies) == 4


def test_retries_exhausted_raise_an_actionable_error(api: FakeAPI) -> None:
    teacher = _teacher(api, concurrency=1, max_retries=1)
    api.scripted.extend([error(529, "overloaded_error", "Overloaded")] * 2)
    with pytest.raises(ClaudeError, match="re-run to resume"):
        teacher.judge([SENT_NEG])


def test_a_request_refused_for_one_sentence_is_stored_and_the_run_goes_on(api: FakeAPI, tmp_path: Path) -> None:
    teacher = _teacher(api, "claude-haiku-5-5", concurrency=2)
    api.refuse = {SENT_NEG}
    with JudgementStore(tmp_path / "s.db") as store:
        n = label_sentences(teacher, [SENT_POS, SENT_NEG, SENT_NEU], store)
        stored = {j.sentence: j for j in store.judgements()}
    assert n == 3
    assert stored[SENT_NEG].reject_reason is RejectReason.API_ERROR
    assert "invalid text" in stored[SENT_NEG].reject_detail
    assert stored[SENT_POS].ok and stored[SENT_NEU].ok
    assert api.count("POST", "/v1/messages") == 3  # the refused one was not asked twice


def test_refusals_in_a_row_stop_the_run(api: FakeAPI) -> None:
    teacher = _teacher(api, "claude-haiku-5-5", concurrency=1, max_consecutive_errors=3)
    api.refuse = {SENT_POS, SENT_NEG, SENT_NEU, "x"}
    with pytest.raises(ClaudeError, match="refused 3 requests in a row"):
        teacher.judge([SENT_POS, SENT_NEG, SENT_NEU, "x"])
    assert len(api.bodies) == 3


@pytest.mark.parametrize("concurrency", [1, 2])
def test_a_fatal_error_keeps_the_chunks_paid_results(api: FakeAPI, tmp_path: Path, concurrency: int) -> None:
    teacher = _teacher(api, "claude-haiku-5-5", concurrency=concurrency)
    # SENT_POS is answered; the key is revoked before the others are (whatever order they run in).
    api.revoked = {SENT_NEG, SENT_NEU}
    with JudgementStore(tmp_path / "s.db") as store:
        with pytest.raises(ClaudeError, match="401") as info:
            label_sentences(teacher, [SENT_POS, SENT_NEG, SENT_NEU], store)
        kept = list(store.judgements())
    assert [j.sentence for j in info.value.judgements] == [j.sentence for j in kept]
    assert all(j.ok and j.sentence == SENT_POS for j in kept)
    if concurrency == 1:  # one at a time, SENT_POS is always answered before the 401
        assert [j.sentence for j in kept] == [SENT_POS]


def test_key_comes_from_the_environment_only(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("ANTHROPIC_API_KEY", raising=False)
    with pytest.raises(InputError, match="ANTHROPIC_API_KEY"):
        ClaudeTeacher(ClaudeConfig())


def test_a_cache_that_never_applies_is_reported(api: FakeAPI, caplog: pytest.LogCaptureFixture) -> None:
    teacher = _teacher(api, "claude-sonnet-4-5", concurrency=1)
    no_cache = {
        "input_tokens": 1500,
        "output_tokens": 30,
        "cache_creation_input_tokens": 0,
        "cache_read_input_tokens": 0,
    }
    api.reply = lambda body: message(body, REPLIES[sentence_of(body)], usage=no_cache)
    with caplog.at_level(logging.WARNING, logger="finlocal.train.teachers.claude"):
        teacher.judge([SENT_POS, SENT_NEG, SENT_NEU, SENT_POS])
    warnings = [r for r in caplog.records if "prompt caching does not apply" in r.message]
    assert len(warnings) == 1 and "1024" in warnings[0].getMessage()


def test_prompt_version_covers_the_request_body_and_family(api: FakeAPI, monkeypatch: pytest.MonkeyPatch) -> None:
    """The version changes with what reaches the model (the request body, the family entry),
    not with a reworded `request_params` or with caching, which changes only the bill."""
    before = _teacher(api).prompt_version
    assert before.startswith(_teacher(api).prompt.version + "+claude-")
    assert _teacher(api).prompt_version == before
    original = ClaudeTeacher.request_params

    def reworded(self: ClaudeTeacher, sentence: str, **kw: Any) -> dict[str, Any]:
        """Another docstring, the same body."""
        return original(self, sentence, **kw)

    def another_body(self: ClaudeTeacher, sentence: str, **kw: Any) -> dict[str, Any]:
        return {**original(self, sentence, **kw), "stop_sequences": ["}"]}

    with monkeypatch.context() as m:
        m.setattr(ClaudeTeacher, "request_params", reworded)
        assert _teacher(api).prompt_version == before
    with monkeypatch.context() as m:
        m.setattr(ClaudeTeacher, "request_params", another_body)
        assert _teacher(api).prompt_version != before
    family = claude_models.FAMILIES["claude-sonnet-4-6"]
    with monkeypatch.context() as m:  # the FAMILIES table: another effort for this model
        m.setitem(claude_models.FAMILIES, "claude-sonnet-4-6", dataclasses.replace(family, effort="low"))
        assert _teacher(api).prompt_version != before
    with monkeypatch.context() as m:  # a cache minimum changes whether it caches, not the answer
        m.setitem(claude_models.FAMILIES, "claude-sonnet-4-6", dataclasses.replace(family, min_cache_tokens=512))
        changed = _teacher(api)
        assert changed.cache_prefix and changed.prompt_version == before


def test_temperature_0_where_accepted_and_the_default_on_a_retry(api: FakeAPI, tmp_path: Path) -> None:
    """Claude 3.x and 4.x label at temperature 0 (not the API's default 1.0); the second request
    after an invalid reply goes at the default, or it would mostly repeat the reply. Current
    models get no temperature at all."""
    seen: dict[str, int] = {}

    def invalid_first(body: dict[str, Any]) -> dict[str, Any]:
        sentence = sentence_of(body)
        seen[sentence] = seen.get(sentence, 0) + 1
        if seen[sentence] == 1:
            return message(body, {"label": "positive", "rationale": "x", "evidence": ["nope"]})
        return message(body, REPLIES[sentence])

    api.reply = invalid_first
    for model in ("claude-sonnet-4-20250514", "claude-haiku-4-5", "claude-3-5-haiku-20241022"):
        (j,) = _teacher(api, model, concurrency=1).judge([SENT_POS])
        first, retry = api.bodies[-2:]
        assert j.ok and first["temperature"] == 0.0 and "temperature" not in retry, model
        seen.clear()
    (j,) = _teacher(api, "claude-haiku-5-5", concurrency=1).judge([SENT_POS])
    assert j.ok and all("temperature" not in b for b in api.bodies[-2:])
    seen.clear()
    with JudgementStore(tmp_path / "s.db") as store:  # batch mode: the retry round too
        _teacher(api).judge_in_batches([SENT_POS], store, lambda js: None)
    first, retry = (api.batches[b]["requests"][0]["params"] for b in ("msgbatch_1", "msgbatch_2"))
    assert first["temperature"] == 0.0 and "temperature" not in retry


@pytest.mark.parametrize(
    ("model", "few_shot", "cached"),
    [
        ("claude-haiku-4-5", True, False),  # minimum 4,096 tokens
        ("claude-opus-4-6", True, False),
        ("claude-opus-4-7", True, False),
        ("claude-sonnet-4-6", True, False),  # 2,048
        ("claude-sonnet-4-5", True, True),  # 1,024
        ("claude-sonnet-4-5", False, False),
        ("claude-haiku-5-5", True, True),  # 512
        ("claude-haiku-5-5", False, True),
    ],
)
def test_the_prefix_is_cached_only_where_it_can_reach_the_minimum(
    api: FakeAPI, model: str, few_shot: bool, cached: bool
) -> None:
    teacher = _teacher(api, model, few_shot=few_shot, concurrency=1)
    teacher.judge([SENT_NEU])
    assert ("cache_control" in api.bodies[-1]["system"][0]) is cached
    assert teacher.cache_prefix is cached
    if cached:
        batch = teacher.request_params(SENT_NEU, batch=True)
        assert batch["system"][0]["cache_control"] == {"type": "ephemeral", "ttl": "1h"}


@pytest.mark.parametrize("hits", [True, False])
def test_batch_caching_is_turned_off_when_it_does_not_pay(api: FakeAPI, tmp_path: Path, hits: bool) -> None:
    """1-hour cache writes cost 2x input and a batch's requests may not hit the cache: after a
    batch whose caching cost more than no caching would have, later batches are sent without
    cache_control."""
    teacher = _teacher(api, "claude-haiku-5-5")
    usage = USAGE if hits else {**USAGE, "cache_creation_input_tokens": 900, "cache_read_input_tokens": 0}
    api.reply = lambda body: message(body, REPLIES[sentence_of(body)], usage=usage)
    api.errored = {SENT_NEG: "overloaded_error"}  # a second batch, for the errored request
    with JudgementStore(tmp_path / "s.db") as store:
        teacher.judge_in_batches([SENT_POS, SENT_NEG, SENT_NEU], store, lambda js: None)
    first, second = (api.batches[b]["requests"][0]["params"]["system"][0] for b in ("msgbatch_1", "msgbatch_2"))
    assert first["cache_control"] == {"type": "ephemeral", "ttl": "1h"}
    assert ("cache_control" in second) is hits
    assert teacher.cache_batches is hits
    cost = teacher.batch_cache_cost
    assert (cost["cached"] < cost["uncached"]) is hits


# -- batch mode ---------------------------------------------------------------------------------


def test_batch_life_cycle_with_one_errored_item(api: FakeAPI, tmp_path: Path) -> None:
    teacher = _teacher(api)
    api.batch_polls_until_end = 2
    api.errored = {SENT_NEG: "overloaded_error"}
    stored: list = []
    with JudgementStore(tmp_path / "s.db") as store:
        teacher.judge_in_batches([SENT_POS, SENT_NEG, SENT_NEU], store, stored.extend)
        assert {j.sentence for j in stored} == {SENT_POS, SENT_NEG, SENT_NEU}
        assert all(j.ok for j in stored)
        # The errored request went into a second batch, alone.
        assert len(api.batches) == 2
        assert len(api.batches["msgbatch_2"]["requests"]) == 1
        assert store.pending(teacher.teacher_id, teacher.prompt_version, [SENT_NEG]) == []
        assert store.pending_batches(teacher.teacher_id, teacher.prompt_version) == []
    half = _cost(PRICES["claude-sonnet-4"]) / 2
    assert all(j.cost_usd == pytest.approx(half) for j in stored)


def test_batch_request_refused_for_one_sentence_is_not_resubmitted(api: FakeAPI, tmp_path: Path) -> None:
    teacher = _teacher(api)
    api.errored = {SENT_NEG: "invalid_request_error"}
    with JudgementStore(tmp_path / "s.db") as store:
        teacher.judge_in_batches([SENT_POS, SENT_NEG], store, lambda js: None)
        stored = {j.sentence: j for j in store.judgements()}
    assert len(api.batches) == 1
    assert stored[SENT_NEG].reject_reason is RejectReason.API_ERROR


def test_batch_keeps_the_usage_of_an_invalid_first_reply(api: FakeAPI, tmp_path: Path) -> None:
    teacher = _teacher(api)
    seen: dict[str, int] = {}

    def reply(body: dict[str, Any]) -> dict[str, Any]:
        sentence = sentence_of(body)
        seen[sentence] = seen.get(sentence, 0) + 1
        if sentence == SENT_POS and seen[sentence] == 1:
            return message(body, {"label": "positive", "rationale": "x", "evidence": ["nope"]})
        return message(body, REPLIES[sentence])

    api.reply = reply
    with JudgementStore(tmp_path / "s.db") as store:
        teacher.judge_in_batches([SENT_POS, SENT_NEU], store, lambda js: None)
        stored = {j.sentence: j for j in store.judgements()}
    assert len(api.batches) == 2
    j = stored[SENT_POS]
    assert j.ok and j.extra["attempts"] == 2
    assert j.input_tokens == 2 * 920
    assert j.cost_usd == pytest.approx(2 * _cost(PRICES["claude-sonnet-4"]) / 2)


def test_batch_retry_rejected_replaces_the_rejections(api: FakeAPI, tmp_path: Path) -> None:
    teacher = _teacher(api)
    old = Judgement.rejected(
        SENT_POS, teacher_id=teacher.teacher_id, prompt_version=teacher.prompt_version, reason=RejectReason.TRUNCATED
    )
    old = Judgement.from_dict({**old.to_dict(), "cost_usd": 0.5, "input_tokens": 7})
    with JudgementStore(tmp_path / "s.db") as store:
        store.put([old])
        label_sentences(teacher, [SENT_POS, SENT_NEU], store, retry_rejected=True, use_batches=True)
        stored = {j.sentence: j for j in store.judgements()}
        assert store.pending(teacher.teacher_id, teacher.prompt_version, [SENT_POS], retry_rejected=True) == []
    assert stored[SENT_POS].ok and stored[SENT_POS].label is Label.POSITIVE  # the new answer
    assert stored[SENT_POS].cost_usd == pytest.approx(0.5 + _cost(PRICES["claude-sonnet-4"]) / 2)
    assert stored[SENT_POS].input_tokens == 7 + 920
    assert len(api.batches) == 1  # paid once, kept


class _Crash(Exception):
    pass


def test_resume_an_in_flight_batch_after_a_crash(api: FakeAPI, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    api.batch_polls_until_end = 3
    first = _teacher(api)

    def crash(seconds: float) -> None:
        raise _Crash

    monkeypatch.setattr("finlocal.train.teachers.claude.time.sleep", crash)
    with JudgementStore(tmp_path / "s.db") as store, pytest.raises(_Crash):
        first.judge_in_batches([SENT_POS, SENT_NEU], store, lambda js: None)
    monkeypatch.undo()
    monkeypatch.setenv("ANTHROPIC_API_KEY", "sk-test-key")
    assert len(api.batches) == 1

    second = _teacher(api)
    stored: list = []
    with JudgementStore(tmp_path / "s.db") as store:
        (pending,) = store.pending_batches(second.teacher_id, second.prompt_version)
        assert pending.batch_id == "msgbatch_1"
        second.judge_in_batches([SENT_POS, SENT_NEU], store, stored.extend)
        assert store.pending(second.teacher_id, second.prompt_version, [SENT_POS, SENT_NEU]) == []
    assert len(api.batches) == 1  # no second batch was paid for
    assert sorted(j.label.value for j in stored) == ["neutral", "positive"]


def test_a_lost_create_answer_is_found_not_paid_again(api: FakeAPI, tmp_path: Path) -> None:
    """The API made the batch but its answer was a 500: no SDK retry creates a second one;
    the teacher finds the batch in the list and collects it."""
    teacher = _teacher(api)
    api.fail_create_after_creating = 1
    with JudgementStore(tmp_path / "s.db") as store:
        teacher.judge_in_batches([SENT_POS, SENT_NEU], store, lambda js: None)
        assert store.submissions(teacher.teacher_id, teacher.prompt_version) == []
        assert {j.sentence for j in store.judgements()} == {SENT_POS, SENT_NEU}
    assert api.count("POST", "/v1/messages/batches") == 1 and len(api.batches) == 1


def test_a_crash_between_create_and_store_is_reconciled(
    api: FakeAPI, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    teacher = _teacher(api)

    def crash(self: JudgementStore, submission: Any, batch_ids: Any) -> None:
        raise _Crash

    with monkeypatch.context() as m:
        m.setattr(JudgementStore, "confirm_submission", crash)
        with JudgementStore(tmp_path / "s.db") as store, pytest.raises(_Crash):
            teacher.judge_in_batches([SENT_POS, SENT_NEU], store, lambda js: None)
    with JudgementStore(tmp_path / "s.db") as store:
        (marker,) = store.submissions(teacher.teacher_id, teacher.prompt_version)
        assert sorted(marker.custom_ids.values()) == sorted([SENT_POS, SENT_NEU])
        assert store.pending_batches(teacher.teacher_id, teacher.prompt_version) == []
        again = _teacher(api)
        again.judge_in_batches([SENT_POS, SENT_NEU], store, lambda js: None)
        assert store.submissions(teacher.teacher_id, teacher.prompt_version) == []
        assert len(list(store.judgements())) == 2
    assert len(api.batches) == 1  # the crashed run's batch was found and collected


def test_a_submission_that_never_reached_the_api_is_sent_again(api: FakeAPI, tmp_path: Path) -> None:
    teacher = _teacher(api)
    with JudgementStore(tmp_path / "s.db") as store:
        store.begin_submission("dead", teacher.teacher_id, teacher.prompt_version, {"dead-0-x": SENT_POS})
        teacher.judge_in_batches([SENT_POS], store, lambda js: None)
        assert store.submissions(teacher.teacher_id, teacher.prompt_version) == []
        assert [j.sentence for j in store.judgements()] == [SENT_POS]
    assert len(api.batches) == 1


@pytest.mark.parametrize("how", ["deleted", "archived"])
def test_a_lost_batch_is_marked_and_its_sentences_asked_again(api: FakeAPI, tmp_path: Path, how: str) -> None:
    teacher = _teacher(api)
    with JudgementStore(tmp_path / "s.db") as store:
        store.add_batch(
            "msgbatch_0", teacher.teacher_id, teacher.prompt_version, {"old-0": SENT_POS, "old-1": SENT_NEU}
        )
        api.batches["msgbatch_0"] = {"requests": [], "polls": 5, "created_at": datetime(2026, 1, 1, tzinfo=UTC)}
        getattr(api, how).add("msgbatch_0")
        teacher.judge_in_batches([SENT_POS, SENT_NEU], store, lambda js: None)
        assert store.batch_states()["msgbatch_0"] is BatchState.LOST
        assert {j.sentence for j in store.judgements()} == {SENT_POS, SENT_NEU}
    assert len(api.batches) == 2  # one new batch for the re-queued sentences


def test_a_direct_run_after_a_crashed_batch_run_does_not_buy_twice(
    api: FakeAPI, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    teacher = _teacher(api, concurrency=1)
    api.batch_polls_until_end = 100
    with JudgementStore(tmp_path / "s.db") as store:
        store.add_batch("msgbatch_1", teacher.teacher_id, teacher.prompt_version, {"t-0": SENT_POS})
        api.batches["msgbatch_1"] = {
            "requests": [{"custom_id": "t-0", "params": teacher.request_params(SENT_POS)}],
            "polls": 0,
            "created_at": datetime.now(UTC),
        }
        # Still processing: the sentence is left out, with a warning, and not bought.
        with caplog.at_level(logging.WARNING):
            label_sentences(teacher, [SENT_POS, SENT_NEU], store)
        assert any("still processing" in r.getMessage() for r in caplog.records)
        assert [sentence_of(b) for b in api.bodies] == [SENT_NEU]
        # Ended: the next direct run collects it instead of asking again.
        api.batch_polls_until_end = 0
        label_sentences(teacher, [SENT_POS, SENT_NEU], store)
        assert [sentence_of(b) for b in api.bodies] == [SENT_NEU]
        assert {j.sentence for j in store.judgements() if j.ok} == {SENT_POS, SENT_NEU}
        assert store.batch_states()["msgbatch_1"] is BatchState.COLLECTED


@pytest.mark.parametrize("when", ["ended", "processing"])
def test_foreign_batch_is_not_adopted(api: FakeAPI, tmp_path: Path, when: str) -> None:
    """Run A (another model, its own store, the same account) has a 2-request batch; run B's
    create fails and B finds A's batch in the list, of the same size and time. B must not take
    it for its own: it is recorded as not ours, and B's sentences are asked in a batch of B's.
    An ended batch is checked at once; one still processing when it is found is checked when
    it is collected."""
    other = _teacher(api, "claude-haiku-5-5")
    api.batch_polls_until_end = 1 if when == "ended" else 2
    with JudgementStore(tmp_path / "a.db") as store_a:
        other.judge_in_batches([SENT_NEU, SENT_NEG], store_a, lambda js: None)
    (foreign,) = api.batches
    if when == "processing":
        api.batches[foreign]["polls"] = 0  # B finds it while it is still processing
    teacher = _teacher(api)
    api.fail_create = 1
    with JudgementStore(tmp_path / "b.db") as store:
        teacher.judge_in_batches([SENT_POS, SENT_NEG], store, lambda js: None)
        stored = {j.sentence: j for j in store.judgements()}
        assert store.batch_states()[foreign] is BatchState.FOREIGN
        assert store.pending_batches(teacher.teacher_id, teacher.prompt_version) == []
    assert set(stored) == {SENT_POS, SENT_NEG} and all(j.ok for j in stored.values())
    assert all(j.teacher_id == teacher.teacher_id for j in stored.values())
    assert len(api.batches) == 2  # B's own batch, created once B knew A's was not its own
    mine = [b for b in api.batches if b != foreign]
    assert [sentence_of(r["params"]) for r in api.batches[mine[0]]["requests"]] == [SENT_POS, SENT_NEG]


def test_a_crashed_submission_is_not_matched_to_a_foreign_batch(api: FakeAPI, tmp_path: Path) -> None:
    """Crash recovery (`reconcile`) uses the same lookup: a marker whose create never reached
    the API is not settled with another run's batch of the same size."""
    other = _teacher(api, "claude-haiku-5-5")
    with JudgementStore(tmp_path / "a.db") as store_a:
        other.judge_in_batches([SENT_NEU], store_a, lambda js: None)
    teacher = _teacher(api)
    with JudgementStore(tmp_path / "b.db") as store:
        store.begin_submission("dead", teacher.teacher_id, teacher.prompt_version, {"dead-0-x": SENT_POS})
        teacher.judge_in_batches([SENT_POS], store, lambda js: None)
        assert store.batch_states()["msgbatch_1"] is BatchState.FOREIGN
        assert [j.sentence for j in store.judgements()] == [SENT_POS]
    assert len(api.batches) == 2
