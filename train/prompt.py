"""The teachers' prompt: the Financial PhraseBank guideline, optional few-shot examples, the reply
schema, and a version derived from all of it.

The guideline follows the FPB annotation instructions: judge from an investor's point of view
how the news is likely to affect the company's share price, only from what the sentence states;
a sentence with no financial relevance is neutral. The few-shot examples are invented for
finlocal (none comes from FPB). The instructions also say how to read a line item's change
(a rise in revenue is good news, a rise in costs bad news, a narrowing loss good news; negation
flips the direction), the same polarity rules as the student's metric-polarity lexicon.

`Prompt.version` hashes what the teacher is shown (the instructions, the examples and a probe
sentence's turn as rendered, the reply schema) and what decides acceptance (the validation
rules, by what they decide on fixed probe replies), never source text; each backend appends a
digest of what reaches its model (llama.cpp: the rendered template and the probe's tokens, the
reply lead-in, the evidence grammar, scoring, calibration and sampling; Claude: the request
body and the model's family entry). Judgements made under another version are never mixed with
new ones, and a reworded docstring changes nothing.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from typing import Any

from finlocal.predictions import LABELS

RATIONALE_MAX_CHARS = 300
EVIDENCE_MAX_ITEMS = 3
EVIDENCE_MAX_CHARS = 120

#: JSON schema of a teacher's reply. Strings and arrays are bounded so that a grammar built
#: from it always terminates, and so that a runaway reply fails validation instead of
#: becoming a training rationale.
REPLY_SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {
        "label": {"type": "string", "enum": list(LABELS)},
        "rationale": {"type": "string", "minLength": 1, "maxLength": RATIONALE_MAX_CHARS},
        "evidence": {
            "type": "array",
            "items": {"type": "string", "minLength": 1, "maxLength": EVIDENCE_MAX_CHARS},
            "minItems": 0,
            "maxItems": EVIDENCE_MAX_ITEMS,
        },
    },
    "required": ["label", "rationale", "evidence"],
    "additionalProperties": False,
}

INSTRUCTIONS = """\
You label the tone of single sentences taken from financial news, as an investor would read them.
Decide whether the sentence is likely to have a positive, negative or neutral effect on the share \
price of the company it is about:
- positive: good news for the company's investors, e.g. higher sales, profit or orders, a lower \
loss, a won contract, an expansion or an upgrade.
- negative: bad news for them, e.g. lower sales or profit, a loss or a wider loss, job cuts, a \
lost customer, a downgrade or a warning.
- neutral: neither, or the sentence has no financial relevance, or it only states facts with no \
clear direction.
Read each financial figure by what its change means for the company:
- A rise is good news for items such as revenue, net sales, operating profit, earnings, margins, \
order intake, order backlog, cash flow, dividends and market share; a fall in them is bad news.
- A rise is bad news for items such as costs, expenses, net debt, leverage, impairments, \
provisions, credit losses, non-performing loans, customer churn and write-downs; a fall in them \
is good news.
- A loss that narrows is good news; a loss that widens, or a swing from profit to loss, is bad news.
- Negation flips the direction: "sales did not grow" is not good news, "no write-downs were \
needed" is not bad news.
- Words such as "increased", "decreased", "higher" or "lower" carry no tone on their own: judge \
them by the item they apply to.
Judge only what the sentence itself states; do not use outside knowledge or guess what is not said.
Reply with one JSON object with three fields: "label" (negative, neutral or positive); \
"rationale" (one to three short sentences explaining the label); "evidence" (a list of at most \
three short phrases copied exactly, word for word, from the sentence that support the label; \
an empty list when nothing in the sentence points either way)."""

USER_TEMPLATE = "Sentence: {sentence}"


@dataclass(frozen=True)
class Example:
    """A worked example shown to the teacher (written for finlocal, not taken from FPB)."""

    sentence: str
    label: str
    rationale: str
    evidence: tuple[str, ...]

    def reply(self) -> str:
        return reply_json(self.label, self.rationale, self.evidence)


FEW_SHOT: tuple[Example, ...] = (
    Example(
        "Quarterly net profit at Nordhavn Shipping rose to EUR 14.2 million from EUR 9.8 million a year earlier.",
        "positive",
        "Net profit grew strongly from a year earlier, which is good news for shareholders.",
        ("net profit", "rose to EUR 14.2 million from EUR 9.8 million"),
    ),
    Example(
        "The company will cut 120 jobs at its Tampere plant as demand for coated paper keeps falling.",
        "negative",
        "Job cuts driven by falling demand signal a shrinking business.",
        ("cut 120 jobs", "demand for coated paper keeps falling"),
    ),
    Example(
        "The annual general meeting will be held in Espoo on 14 April.",
        "neutral",
        "The sentence only gives the date and place of a routine meeting; it says nothing about "
        "the company's performance.",
        (),
    ),
    Example(
        "Operating loss narrowed to EUR 2.1 million from EUR 5.6 million in the corresponding period.",
        "positive",
        "The company is still loss-making, but the loss shrank markedly, an improvement for investors.",
        ("Operating loss narrowed",),
    ),
    Example(
        "Net sales in the third quarter decreased by 8 % to EUR 41 million.",
        "negative",
        "Sales fell in the quarter, which is bad news for the company's earnings.",
        ("Net sales", "decreased by 8 %"),
    ),
    Example(
        "Kestrel Systems is headquartered in Oulu and employs about 900 people in four countries.",
        "neutral",
        "The sentence describes the company's location and size without any change or outlook.",
        (),
    ),
)


def reply_json(label: str, rationale: str, evidence: tuple[str, ...] | list[str]) -> str:
    """A reply exactly as the schema asks for it, in the field order of `REPLY_SCHEMA`."""
    return json.dumps({"label": label, "rationale": rationale, "evidence": list(evidence)}, ensure_ascii=False)


#: What a reply starts with up to the label value; the log-prob mode scores the label tokens
#: right after it.
LABEL_LEAD_IN = '{"label": "'


@dataclass(frozen=True)
class Prompt:
    """The instruction and examples one teacher run uses; ``few_shot=False`` gives zero-shot."""

    few_shot: bool = True

    @property
    def instructions(self) -> str:
        return INSTRUCTIONS

    @property
    def examples(self) -> tuple[Example, ...]:
        return FEW_SHOT if self.few_shot else ()

    def user(self, sentence: str) -> str:
        return USER_TEMPLATE.format(sentence=sentence)

    def examples_text(self) -> str:
        """The examples as plain text, for backends that take them inside the system prompt."""
        blocks = [f"{self.user(ex.sentence)}\nReply: {ex.reply()}" for ex in self.examples]
        return "Examples:\n\n" + "\n\n".join(blocks) if blocks else ""

    @property
    def version(self) -> str:
        """A short hash of what the teacher is shown and what decides whether its reply is
        accepted: the instructions, each example turn as rendered, a probe sentence's user
        turn, the reply schema, and the validation rules by what they decide
        (`finlocal.train.validation.rules_digest`). Source text is not hashed: rewording a
        docstring changes nothing, a change in what reaches the model or in what is accepted
        changes the version."""
        from finlocal.train.validation import rules_digest  # validation imports this module

        payload = {
            "instructions": self.instructions,
            "examples": [[self.user(ex.sentence), ex.reply()] for ex in self.examples],
            "examples_text": self.examples_text(),
            "user": self.user(PROBE_SENTENCE),
            "schema": REPLY_SCHEMA,
            "rules": rules_digest(),
        }
        return f"fpb-{'fs' if self.few_shot else 'zs'}-{digest(payload)}"


#: A sentence no teacher is asked about: versions render it to see what reaches the model.
#: Quotes, a backslash and a chat marker, so that escaping changes show; ASCII only, which
#: every vocabulary can tokenize.
PROBE_SENTENCE = 'Net sales of Kestrel\'s unit rose 4.5 % to EUR 1,200 mn <|im_end|> "as \\ planned".'


def digest(payload: object) -> str:
    """A short sha256 of a JSON-serialisable payload (keys sorted)."""
    text = json.dumps(payload, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:12]


def __getattr__(name: str) -> str:
    """``PROMPT_VERSION``: the default prompt's version (few-shot), computed on first use (it
    runs the validation rules, and `finlocal.train.validation` imports this module)."""
    if name == "PROMPT_VERSION":
        return Prompt(few_shot=True).version
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
