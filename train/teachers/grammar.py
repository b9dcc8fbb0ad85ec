"""GBNF grammars for llama.cpp's constrained decoding, built from the reply JSON schema.

llama-cpp-python 0.3.36 converts a JSON schema with ``json_schema_to_gbnf``, whose string rule
``char ::= [^"\\] | ...`` admits raw newlines and other control characters: a model can then
emit a "JSON" string that ``json.loads`` refuses. `reply_grammar` replaces that rule with the
JSON-conformant one (no raw U+0000-U+001F or U+007F) and relies on the schema's bounded
``maxLength``/``maxItems`` so every reply terminates.

With a sentence given, each evidence item is further constrained to a run of at most
``max_words`` consecutive words of that sentence, so local teachers can only quote it verbatim.
"""

from __future__ import annotations

import copy
import json
import re
from itertools import pairwise
from typing import Any

from finlocal.train.prompt import REPLY_SCHEMA

#: The rule llama-cpp-python 0.3.36 emits, and the JSON-conformant one that replaces it.
BROKEN_CHAR_RULE = r'char ::= [^"\\] | "\\" (["\\/bfnrt] | "u" [0-9a-fA-F] [0-9a-fA-F] [0-9a-fA-F] [0-9a-fA-F])'
JSON_CHAR_RULE = (
    r'char ::= [^"\\\x7F\x00-\x1F] | "\\" (["\\/bfnrt] | "u" [0-9a-fA-F] [0-9a-fA-F] '
    r"[0-9a-fA-F] [0-9a-fA-F])"
)

_WORD = re.compile(r"\w+(?:[-'’.,/]\w+)*|[^\w\s]", re.UNICODE)


def _literal(text: str) -> str:
    """A GBNF string literal matching ``text`` exactly."""
    escaped = (
        text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\r", "\\r").replace("\t", "\\t")
    )
    return f'"{escaped}"'


def _json_body(text: str) -> str:
    """``text`` as it appears between the quotes of a JSON string."""
    return json.dumps(text, ensure_ascii=False)[1:-1]


def schema_gbnf(schema: dict[str, Any]) -> str:
    """``json_schema_to_gbnf`` with the string rule fixed; fails loudly if the upstream rule
    changes, so a silent regression cannot let control characters through again."""
    from llama_cpp.llama_grammar import json_schema_to_gbnf

    gbnf = json_schema_to_gbnf(json.dumps(schema), prop_order=list(schema.get("properties", {})))
    lines = gbnf.splitlines()
    fixed = [JSON_CHAR_RULE if line.strip() == BROKEN_CHAR_RULE else line for line in lines]
    if any(line.startswith("char ::=") for line in lines) and JSON_CHAR_RULE not in fixed:
        raise RuntimeError(
            "llama_cpp's JSON-schema string rule is not the one finlocal patches; "
            f"check {__name__} against the installed llama-cpp-python"
        )
    return "\n".join(fixed)


def evidence_rules(sentence: str, name: str, max_words: int) -> list[str]:
    """Rules making ``name`` a JSON string holding ``1..max_words`` consecutive words of
    ``sentence`` with the sentence's own separators between them, at least one of them a word
    with a letter or digit: "12 %" and "(EUR" can be quoted, "." or "%" alone cannot.

    ``{name}-{i}-{k}`` is a run from token ``i`` of at most ``k`` tokens that already holds a
    word; ``{name}-{i}-{k}-p`` one that starts at punctuation and must go on to a word."""
    matches = list(_WORD.finditer(sentence))
    wordy = [any(ch.isalnum() or ch == "_" for ch in m.group()) for m in matches]
    if not any(wordy):
        return [f'{name} ::= "\\"" "\\"" space']
    words = [_literal(_json_body(m.group())) for m in matches]
    seps = [
        _literal(_json_body(sentence[a.end() : b.start()])) if a.end() < b.start() else "" for a, b in pairwise(matches)
    ]
    rules = []
    n = len(words)
    for i in range(n):
        for k in range(1, max_words + 1):
            if k == 1 or i == n - 1:
                rules.append(f"{name}-{i}-{k} ::= {words[i]}")
            else:
                rules.append(f"{name}-{i}-{k} ::= {words[i]} ({seps[i]} {name}-{i + 1}-{k - 1})?")
    # reach[i]: the fewest tokens from i to the first word at or after it (None: no word follows).
    reach: list[int | None] = [None] * n
    for i in reversed(range(n)):
        if wordy[i]:
            reach[i] = 1
        elif i + 1 < n and reach[i + 1] is not None:
            reach[i] = reach[i + 1] + 1  # type: ignore[operator]

    def run(i: int, k: int) -> str | None:
        """The rule of a run from ``i`` of at most ``k`` tokens holding a word, or None."""
        steps = reach[i]
        if steps is None or steps > k:
            return None
        return f"{name}-{i}-{k}" if wordy[i] else f"{name}-{i}-{k}-p"

    for i in range(n):
        if wordy[i]:
            continue
        for k in range(2, max_words + 1):
            rest = run(i + 1, k - 1) if i + 1 < n else None
            if run(i, k) is not None and rest is not None:
                rules.append(f"{name}-{i}-{k}-p ::= {words[i]} {seps[i]} {rest}")
    starts = " | ".join(r for r in (run(i, max_words) for i in range(n)) if r is not None)
    rules.append(f'{name} ::= "\\"" ({starts}) "\\"" space')
    return rules


def reply_grammar(
    *,
    label: str | None = None,
    sentence: str | None = None,
    max_evidence_words: int = 8,
    schema: dict[str, Any] = REPLY_SCHEMA,
) -> str:
    """The GBNF of a reply. ``label`` pins the label (the log-prob pass already chose it);
    ``sentence`` restricts evidence items to verbatim runs of its words."""
    schema = copy.deepcopy(schema)
    if label is not None:
        schema["properties"]["label"] = {"type": "string", "enum": [label]}
    gbnf = schema_gbnf(schema)
    if sentence is None:
        return gbnf
    lines = [line for line in gbnf.splitlines() if not line.startswith("evidence-item ::=")]
    if len(lines) == len(gbnf.splitlines()):
        raise RuntimeError("the reply grammar has no evidence-item rule to constrain")
    return "\n".join(lines + evidence_rules(sentence, "evidence-item", max_evidence_words))
