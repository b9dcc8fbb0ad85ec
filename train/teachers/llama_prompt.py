"""How a llama.cpp teacher's prompt becomes text: the chat turns rendered with the GGUF's own
template, as Gemma turns (no system role) or as plain completion text, then cut around the
sentence into a fixed prefix and a tail.

The sentence is a placeholder while the turns are rendered, so the prefix is the same for every
sentence (the KV cache keeps it) and a sentence never passes through a template. Templates that
print today's date (Llama 3.1 and later call ``strftime_now``) get a fixed one, `TEMPLATE_DATE`,
so the prompt, and the prompt version that hashes it, do not change from one day to the next.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime
from enum import Enum
from typing import Any

from finlocal.errors import InputError
from finlocal.train.prompt import Prompt

log = logging.getLogger(__name__)

_SENTINEL = "\u0001FINLOCAL-SENTENCE\u0001"

Message = dict[str, str]

#: The date a chat template's ``strftime_now`` gives: the Llama 3.1 template's own default
#: ("26 Jul 2024"), never the day of the run.
TEMPLATE_DATE = datetime(2024, 7, 26)


class PromptFormat(str, Enum):
    """How the prompt's turns become text (``auto``: the GGUF's template when it has one,
    Gemma turns for a Gemma model without one, plain text otherwise)."""

    AUTO = "auto"
    TEMPLATE = "template"
    GEMMA = "gemma"
    PLAIN = "plain"


@dataclass(frozen=True)
class Rendered:
    """A prompt format applied to the prompt: fixed prefix text, the user turn's content, then
    the template's closing text (``tail``: end of the user turn, start of the reply)."""

    prefix: str
    tail: str

    def suffix(self, user_text: str) -> str:
        return user_text + self.tail


def chat_messages(prompt: Prompt, user_text: str) -> list[Message]:
    """The system instructions, the few-shot turns, then ``user_text`` as the last user turn."""
    messages = [{"role": "system", "content": prompt.instructions}]
    for ex in prompt.examples:
        messages.append({"role": "user", "content": prompt.user(ex.sentence)})
        messages.append({"role": "assistant", "content": ex.reply()})
    messages.append({"role": "user", "content": user_text})
    return messages


def fold_system(messages: list[Message]) -> list[Message]:
    """Merge the system message into the first user turn (for formats without a system role)."""
    system, first, *rest = messages
    merged = {"role": "user", "content": f"{system['content']}\n\n{first['content']}"}
    return [merged, *rest]


def render_gemma(messages: list[Message]) -> str:
    roles = {"user": "user", "assistant": "model"}
    turns = [f"<start_of_turn>{roles[m['role']]}\n{m['content']}<end_of_turn>\n" for m in fold_system(messages)]
    return "".join(turns) + "<start_of_turn>model\n"


def render_plain(messages: list[Message]) -> str:
    parts = [messages[0]["content"], ""]
    for m in messages[1:]:
        if m["role"] == "user":
            parts.append(m["content"])
        else:
            parts.append(f"Reply: {m['content']}\n")
    return "\n".join(parts) + "\nReply: "


def render_template(template: str, messages: list[Message], *, bos_token: str, eos_token: str) -> str:
    """The turns through a GGUF's Jinja chat template, with `TEMPLATE_DATE` for today; a
    template that refuses a system turn gets it folded into the first user turn."""
    from jinja2 import TemplateError
    from llama_cpp.llama_chat_format import Jinja2ChatFormatter

    class FixedDateFormatter(Jinja2ChatFormatter):
        @staticmethod
        def strftime_now(f: str) -> str:
            return TEMPLATE_DATE.strftime(f)

    formatter = FixedDateFormatter(template=template, bos_token=bos_token, eos_token=eos_token)
    turns: Any = messages  # llama-cpp-python types them as its request dicts; these are the same keys
    try:
        return formatter(messages=turns).prompt
    except (TemplateError, ValueError) as exc:  # e.g. raise_exception("no system role")
        log.info("chat template refused a system turn (%s); folding it into the user turn", exc)
        folded: Any = fold_system(messages)
        return formatter(messages=folded).prompt


def resolve_format(fmt: PromptFormat, metadata: dict[str, str]) -> PromptFormat:
    """``auto`` made concrete from the GGUF's metadata; other formats as given."""
    if fmt is not PromptFormat.AUTO:
        return fmt
    if metadata.get("tokenizer.chat_template"):
        return PromptFormat.TEMPLATE
    if metadata.get("general.architecture", "").startswith("gemma"):
        return PromptFormat.GEMMA
    return PromptFormat.PLAIN


def render_text(
    fmt: PromptFormat, messages: list[Message], *, template: str | None, bos_token: str, eos_token: str, where: str
) -> str:
    """The turns as text in ``fmt`` (not ``auto``); ``where`` names the model in errors."""
    if fmt is PromptFormat.GEMMA:
        return render_gemma(messages)
    if fmt is PromptFormat.PLAIN:
        return render_plain(messages)
    if not template:
        raise InputError(f"{where}: the GGUF has no chat template; choose --prompt-format gemma or plain")
    return render_template(template, messages, bos_token=bos_token, eos_token=eos_token)


def render(
    prompt: Prompt, fmt: PromptFormat, *, template: str | None, bos_token: str, eos_token: str, where: str
) -> Rendered:
    """The prompt in ``fmt``, cut where the sentence goes."""
    text = render_text(
        fmt, chat_messages(prompt, _SENTINEL), template=template, bos_token=bos_token, eos_token=eos_token, where=where
    )
    at = text.find(_SENTINEL)
    if at < 0 or text.count(_SENTINEL) != 1:
        raise InputError("the prompt format lost the sentence placeholder; try another format")
    return Rendered(prefix=text[:at], tail=text[at + len(_SENTINEL) :])
