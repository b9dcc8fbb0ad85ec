"""A fake Anthropic API for ClaudeTeacher, over the real SDK's HTTP client: the one fake the
tests (tests/teachers/test_claude.py) and the teacher benchmark (bench/teachers.py) share.

It checks request bodies the way the current models do: Claude Sonnet 5.5, Opus 5.5, Haiku 5.5
and Fable 5.1 answer 400 to a forced tool choice, non-default sampling parameters, assistant
prefill and ``thinking: disabled``. It needs the train extra (httpx2, through anthropic).
"""

from __future__ import annotations

import json
from collections import deque
from collections.abc import Callable
from datetime import datetime, timezone
from typing import Any

import httpx2

from finlocal.train.teachers.claude import TOOL_NAME

#: Models that refuse the old request shapes (their "what's new" pages).
STRICT_MODELS = ("claude-sonnet-5-5", "claude-opus-5-5", "claude-haiku-5-5", "claude-fable-5-1")

USAGE = {"input_tokens": 20, "output_tokens": 30, "cache_creation_input_tokens": 0, "cache_read_input_tokens": 900}


def error(status: int, kind: str, text: str) -> httpx2.Response:
    return httpx2.Response(status, json={"type": "error", "error": {"type": kind, "message": text}})


def message(
    body: dict[str, Any],
    reply: dict[str, Any] | None,
    *,
    text: str | None = None,
    usage: dict[str, Any] | None = None,
    stop: str | None = None,
) -> dict[str, Any]:
    """A reply in the shape the request asked for: a tool call, or JSON text after a thinking
    block (structured outputs on a model that thinks)."""
    content: list[dict[str, Any]] = []
    if "tools" in body:
        if text is not None:
            content.append({"type": "text", "text": text})
        if reply is not None:
            content.append({"type": "tool_use", "id": "toolu_1", "name": TOOL_NAME, "input": reply})
        stop = stop or ("tool_use" if reply else "end_turn")
    else:
        content.append({"type": "thinking", "thinking": "", "signature": "sig"})
        content.append({"type": "text", "text": json.dumps(reply) if reply is not None else text})
        stop = stop or "end_turn"
    return {
        "id": "msg_1",
        "type": "message",
        "role": "assistant",
        "model": body["model"],
        "content": content,
        "stop_reason": stop,
        "stop_sequence": None,
        "usage": usage or USAGE,
    }


def sentence_of(body: dict[str, Any]) -> str:
    return body["messages"][0]["content"].removeprefix("Sentence: ")


def refusal(body: dict[str, Any]) -> str | None:
    """Why a current model would answer 400, or None."""
    if body["model"] not in STRICT_MODELS:
        return None
    if body.get("tool_choice", {}).get("type") in ("tool", "any"):
        return "Forced tool use is not supported with this model."
    if any(k in body for k in ("temperature", "top_p", "top_k")):
        return "Sampling parameters are not supported with this model."
    if body.get("thinking", {}).get("type") == "disabled":
        return "thinking.type 'disabled' is not supported; use 'between_tools'."
    if body["messages"][-1]["role"] == "assistant":
        return "Assistant message prefill is not supported with this model."
    return None


class FakeAnthropicAPI:
    """Just enough of the Messages and Message Batches endpoints: an ``httpx2.MockTransport``
    handler. ``reply(body)`` makes the message a request gets (`message` makes one in the shape
    the request asked for); requests a current model would refuse get its 400 (`refusal`), and
    requests without ``api_key`` a 401 (``""`` takes any key)."""

    def __init__(self, reply: Callable[[dict[str, Any]], dict[str, Any]], *, api_key: str = "sk-test-key") -> None:
        self.api_key = api_key
        self.requests: list[tuple[str, str]] = []
        self.bodies: list[dict[str, Any]] = []
        self.scripted: deque[httpx2.Response] = deque()
        self.reply = reply
        self.batches: dict[str, dict[str, Any]] = {}
        self.batch_polls_until_end = 1
        self.errored: dict[str, str] = {}  # sentence -> error type, once
        self.fail_create_after_creating = 0  # the batch is made, the answer is a 500
        self.fail_create = 0  # a 500, and no batch is made
        self.refuse: set[str] = set()  # sentences answered with a per-item 400
        self.revoked: set[str] = set()  # sentences answered with a 401 (the key was revoked)
        self.deleted: set[str] = set()
        self.archived: set[str] = set()

    def __call__(self, request: httpx2.Request) -> httpx2.Response:
        path = request.url.path
        self.requests.append((request.method, path))
        # The SDK sends the key from the environment (as a bearer token in 2.x).
        auth = request.headers.get("x-api-key", "") + request.headers.get("authorization", "")
        if self.api_key not in auth:
            return error(401, "authentication_error", "invalid x-api-key")
        if request.method == "POST" and path == "/v1/messages":
            body = json.loads(request.content)
            self.bodies.append(body)
            if self.scripted:
                return self.scripted.popleft()
            why = refusal(body)
            if why is not None:
                return error(400, "invalid_request_error", why)
            if sentence_of(body) in self.refuse:
                return error(400, "invalid_request_error", "messages.0.content: invalid text")
            if sentence_of(body) in self.revoked:
                return error(401, "authentication_error", "invalid x-api-key")
            return httpx2.Response(200, json=self.reply(body))
        if request.method == "POST" and path == "/v1/messages/batches":
            body = json.loads(request.content)
            if self.fail_create:
                self.fail_create -= 1
                return error(500, "api_error", "Internal server error")
            batch_id = f"msgbatch_{len(self.batches) + 1}"
            self.batches[batch_id] = {
                "requests": body["requests"],
                "polls": 0,
                "created_at": datetime.now(timezone.utc),
            }
            if self.fail_create_after_creating:
                self.fail_create_after_creating -= 1
                return error(500, "api_error", "Internal server error")
            return httpx2.Response(200, json=self._batch(batch_id))
        if request.method == "GET" and path == "/v1/messages/batches":
            ids = sorted(self.batches, key=lambda b: self.batches[b]["created_at"], reverse=True)
            data = [self._batch(b) for b in ids if b not in self.deleted]
            return httpx2.Response(
                200,
                json={
                    "data": data,
                    "has_more": False,
                    "first_id": data[0]["id"] if data else None,
                    "last_id": data[-1]["id"] if data else None,
                },
            )
        if request.method == "GET" and path.endswith("/results"):
            batch_id = path.split("/")[-2]
            if batch_id in self.deleted or batch_id in self.archived:
                return error(404, "not_found_error", "results not found")
            lines = []
            for req in self.batches[batch_id]["requests"]:
                sentence = sentence_of(req["params"])
                if sentence in self.errored:
                    kind = self.errored.pop(sentence)  # errors once
                    result = {"type": "errored", "error": {"type": "error", "error": {"type": kind, "message": kind}}}
                else:
                    result = {"type": "succeeded", "message": self.reply(req["params"])}
                lines.append(json.dumps({"custom_id": req["custom_id"], "result": result}))
            return httpx2.Response(200, content=("\n".join(lines) + "\n").encode())
        if request.method == "GET" and path.startswith("/v1/messages/batches/"):
            batch_id = path.split("/")[-1]
            if batch_id in self.deleted:
                return error(404, "not_found_error", f"batch {batch_id} not found")
            self.batches[batch_id]["polls"] += 1
            return httpx2.Response(200, json=self._batch(batch_id))
        return error(404, "not_found_error", path)

    def _batch(self, batch_id: str) -> dict[str, Any]:
        batch = self.batches[batch_id]
        ended = batch["polls"] >= self.batch_polls_until_end
        n = len(batch["requests"])
        created = batch["created_at"].isoformat().replace("+00:00", "Z")
        return {
            "id": batch_id,
            "type": "message_batch",
            "processing_status": "ended" if ended else "in_progress",
            "request_counts": {
                "processing": 0 if ended else n,
                "succeeded": n if ended else 0,
                "errored": 0,
                "canceled": 0,
                "expired": 0,
            },
            "created_at": created,
            "expires_at": created,
            "ended_at": created if ended else None,
            "archived_at": created if batch_id in self.archived else None,
            "cancel_initiated_at": None,
            "results_url": (f"https://api.anthropic.com/v1/messages/batches/{batch_id}/results" if ended else None),
        }

    def count(self, method: str, path: str) -> int:
        return sum(1 for m, p in self.requests if m == method and p == path)
