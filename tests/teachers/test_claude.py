"""ClaudeTeacher through the real anthropic SDK over a mocked transport (httpx2.MockTransport)."""

from __future__ import annotations

import json
from collections import deque
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

anthropic = pytest.importorskip("anthropic")
httpx2 = pytest.importorskip("httpx2")

from finlocal.train.judgement import Label, RejectReason
from finlocal.train.store import JudgementStore
from finlocal.train.teachers.claude import (
    TOOL_NAME,
    ClaudeConfig,
    ClaudeError,
    ClaudeTeacher,
)

from finlocal.errors import InputError

SENT_POS = "Operating profit rose to EUR 13.1 mn."
SENT_NEG = "The company will cut 45 jobs."
SENT_NEU = "The meeting is in Espoo."

REPLIES = {
    SENT_POS: {"label": "positive", "rationale": "Profit grew.", "evidence": ["profit rose"]},
    SENT_NEG: {"label": "negative", "rationale": "Job cuts.", "evidence": ["cut 45 jobs"]},
    SENT_NEU: {"label": "neutral", "rationale": "A venue.", "evidence": []},
}


def _message(reply: dict[str, Any] | None, *, text: str | None = None) -> dict[str, Any]:
    content: list[dict[str, Any]] = []
    if text is not None:
        content.append({"type": "text", "text": text})
    if reply is not None:
        content.append({"type": "tool_use", "id": "toolu_1", "name": TOOL_NAME, "input": reply})
    return {
        "id": "msg_1", "type": "message", "role": "assistant", "model": "claude-sonnet-4-6",
        "content": content, "stop_reason": "tool_use" if reply else "end_turn",
        "stop_sequence": None,
        "usage": {"input_tokens": 20, "output_tokens": 30,
                  "cache_creation_input_tokens": 0, "cache_read_input_tokens": 900},
    }


def _sentence_of(body: dict[str, Any]) -> str:
    return body["messages"][0]["content"].removeprefix("Sentence: ")


class FakeAPI:
    """Just enough of the Messages and Message Batches endpoints."""

    def __init__(self) -> None:
        self.requests: list[tuple[str, str]] = []
        self.bodies: list[dict[str, Any]] = []
        self.scripted: deque[httpx2.Response] = deque()
        self.reply: Callable[[str], dict[str, Any]] = lambda s: _message(REPLIES[s])
        self.batches: dict[str, dict[str, Any]] = {}
        self.batch_polls_until_end = 1
        self.errored: set[str] = set()

    def __call__(self, request: httpx2.Request) -> httpx2.Response:
        path = request.url.path
        self.requests.append((request.method, path))
        # The SDK sends the key from the environment (as a bearer token in 2.x).
        auth = request.headers.get("x-api-key", "") + request.headers.get("authorization", "")
        assert "sk-test-key" in auth
        if request.method == "POST" and path == "/v1/messages":
            body = json.loads(request.content)
            self.bodies.append(body)
            if self.scripted:
                return self.scripted.popleft()
            return httpx2.Response(200, json=self.reply(_sentence_of(body)))
        if request.method == "POST" and path == "/v1/messages/batches":
            body = json.loads(request.content)
            batch_id = f"msgbatch_{len(self.batches) + 1}"
            self.batches[batch_id] = {"requests": body["requests"], "polls": 0}
            return httpx2.Response(200, json=self._batch(batch_id))
        if request.method == "GET" and path.endswith("/results"):
            batch_id = path.split("/")[-2]
            lines = []
            for req in self.batches[batch_id]["requests"]:
                sentence = _sentence_of(req["params"])
                if sentence in self.errored:
                    self.errored.discard(sentence)  # errors once, succeeds when asked again
                    result = {"type": "errored", "error": {"type": "error", "error": {
                        "type": "overloaded_error", "message": "Overloaded"}}}
                else:
                    result = {"type": "succeeded", "message": self.reply(sentence)}
                lines.append(json.dumps({"custom_id": req["custom_id"], "result": result}))
            return httpx2.Response(200, content=("\n".join(lines) + "\n").encode())
        if request.method == "GET" and path.startswith("/v1/messages/batches/"):
            batch_id = path.split("/")[-1]
            self.batches[batch_id]["polls"] += 1
            return httpx2.Response(200, json=self._batch(batch_id))
        return httpx2.Response(404, json={"type": "error", "error": {"type": "not_found_error",
                                                                     "message": path}})

    def _batch(self, batch_id: str) -> dict[str, Any]:
        batch = self.batches[batch_id]
        ended = batch["polls"] >= self.batch_polls_until_end
        n = len(batch["requests"])
        return {
            "id": batch_id, "type": "message_batch",
            "processing_status": "ended" if ended else "in_progress",
            "request_counts": {"processing": 0 if ended else n, "succeeded": n if ended else 0,
                               "errored": 0, "canceled": 0, "expired": 0},
            "created_at": "2026-11-28T00:00:00Z", "expires_at": "2026-11-29T00:00:00Z",
            "ended_at": "2026-11-28T01:00:00Z" if ended else None,
            "results_url": (f"https://api.anthropic.com/v1/messages/batches/{batch_id}/results"
                            if ended else None),
        }


@pytest.fixture
def api(monkeypatch: pytest.MonkeyPatch) -> FakeAPI:
    monkeypatch.setenv("ANTHROPIC_API_KEY", "sk-test-key")
    # The SDK's own backoff, made tiny (it would otherwise sleep 0.5 s, 1 s, ...).
    monkeypatch.setattr(anthropic._base_client, "INITIAL_RETRY_DELAY", 0.001)
    monkeypatch.setattr(anthropic._base_client, "MAX_RETRY_DELAY", 0.002)
    return FakeAPI()


def _teacher(api: FakeAPI, **kw: Any) -> ClaudeTeacher:
    config = ClaudeConfig(model="claude-sonnet-4-6", poll_interval_s=0.0, **kw)
    return ClaudeTeacher(config, http_client=httpx2.Client(transport=httpx2.MockTransport(api)))


def test_forced_tool_call_is_parsed_and_costed(api: FakeAPI) -> None:
    teacher = _teacher(api, concurrency=2)
    out = teacher.judge([SENT_POS, SENT_NEG, SENT_NEU])
    assert [j.label for j in out] == [Label.POSITIVE, Label.NEGATIVE, Label.NEUTRAL]
    assert out[0].evidence == ("profit rose",) and out[0].rationale == "Profit grew."
    assert out[0].input_tokens == 920 and out[0].output_tokens == 30
    # 20 fresh input tokens at $3/MTok, 900 cached at 10 %, 30 output at $15/MTok.
    assert out[0].cost_usd == pytest.approx((20 * 3 + 900 * 0.3 + 30 * 15) / 1e6)
    body = api.bodies[0]
    assert body["tool_choice"] == {"type": "tool", "name": TOOL_NAME}
    assert body["system"][0]["cache_control"] == {"type": "ephemeral"}
    assert "temperature" not in body
    assert all("sk-test-key" not in (j.raw or "") for j in out)


def test_invalid_reply_is_retried_once_then_rejected(api: FakeAPI) -> None:
    teacher = _teacher(api, concurrency=1)
    api.reply = lambda s: _message({"label": "positive", "rationale": "x",
                                    "evidence": ["not in the sentence"]})
    (j,) = teacher.judge([SENT_POS])
    assert j.reject_reason is RejectReason.EVIDENCE_NOT_VERBATIM
    assert len(api.bodies) == 2
    api.reply = lambda s: _message(None, text="I think it is positive.")
    (j,) = teacher.judge([SENT_POS])
    assert j.reject_reason is RejectReason.NO_TOOL_CALL


def test_429_and_529_are_retried_by_the_sdk(api: FakeAPI) -> None:
    teacher = _teacher(api, concurrency=1, max_retries=3)
    error = {"type": "error", "error": {"type": "rate_limit_error", "message": "slow down"}}
    overloaded = {"type": "error", "error": {"type": "overloaded_error", "message": "Overloaded"}}
    api.scripted.extend([
        httpx2.Response(429, json=error, headers={"retry-after-ms": "1"}),
        httpx2.Response(529, json=overloaded),
        httpx2.Response(500, json=overloaded),
    ])
    (j,) = teacher.judge([SENT_NEG])
    assert j.ok and j.label is Label.NEGATIVE
    assert len(api.bodies) == 4


def test_retries_exhausted_raise_an_actionable_error(api: FakeAPI) -> None:
    teacher = _teacher(api, concurrency=1, max_retries=1)
    overloaded = {"type": "error", "error": {"type": "overloaded_error", "message": "Overloaded"}}
    api.scripted.extend([httpx2.Response(529, json=overloaded)] * 2)
    with pytest.raises(ClaudeError, match="re-run to resume"):
        teacher.judge([SENT_NEG])


def test_key_comes_from_the_environment_only(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("ANTHROPIC_API_KEY", raising=False)
    with pytest.raises(InputError, match="ANTHROPIC_API_KEY"):
        ClaudeTeacher(ClaudeConfig())


def test_batch_life_cycle_with_one_errored_item(api: FakeAPI, tmp_path: Path) -> None:
    teacher = _teacher(api)
    api.batch_polls_until_end = 2
    api.errored = {SENT_NEG}
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
    assert all(j.cost_usd == pytest.approx((20 * 3 + 900 * 0.3 + 30 * 15) / 2e6) for j in stored)


class _Crash(Exception):
    pass


def test_resume_an_in_flight_batch_after_a_crash(
    api: FakeAPI, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
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
