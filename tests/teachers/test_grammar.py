"""The reply grammar: the string-rule fix and verbatim evidence spans."""

from __future__ import annotations

import json

import pytest

pytest.importorskip("llama_cpp")

from finlocal.train.prompt import REPLY_SCHEMA
from finlocal.train.teachers.grammar import (
    BROKEN_CHAR_RULE,
    JSON_CHAR_RULE,
    reply_grammar,
    schema_gbnf,
)


def test_upstream_still_emits_the_broken_rule_and_we_replace_it() -> None:
    from llama_cpp.llama_grammar import json_schema_to_gbnf

    upstream = json_schema_to_gbnf(json.dumps(REPLY_SCHEMA))
    assert BROKEN_CHAR_RULE in upstream.splitlines()
    fixed = schema_gbnf(REPLY_SCHEMA)
    assert BROKEN_CHAR_RULE not in fixed.splitlines()
    assert JSON_CHAR_RULE in fixed.splitlines()


def test_pinned_label_and_sentence_evidence_rules() -> None:
    sentence = 'Profit "rose" 5 %.'
    gbnf = reply_grammar(label="positive", sentence=sentence, max_evidence_words=3)
    assert '"\\"positive\\""' in gbnf and "negative" not in gbnf
    assert 'evidence-item ::= "\\"" (' in gbnf
    # The quote inside the sentence is JSON-escaped, then GBNF-escaped.
    assert '"\\\\\\""' in gbnf


def _language(gbnf: str, start: str) -> set[str]:
    """Every string rule ``start`` matches, for the finite grammars `evidence_rules` writes:
    literals, rule names, ``( ... )`` groups with ``|`` and ``?``."""
    import re

    rules = dict(line.split(" ::= ", 1) for line in gbnf.splitlines() if " ::= " in line)
    token = re.compile(r'"((?:[^"\\]|\\.)*)"|([\w-]+)|(\)\?|[()|])|\s+')

    def parse(tokens: list[tuple[str, str, str]], at: int) -> tuple[set[str], int]:
        options, current = set(), {""}
        while at < len(tokens):
            lit, name, op = tokens[at]
            if op in (")", ")?"):
                break
            at += 1
            if op == "|":
                options |= current
                current = {""}
                continue
            if op == "(":
                inner, at = parse(tokens, at)
                if tokens[at][2] == ")?":
                    inner |= {""}
                at += 1
                part = inner
            elif name:
                part = set() if name == "space" else expand(name)
                part = part or {""}
            else:
                part = {json.loads(f'"{lit}"')}
            current = {a + b for a in current for b in part}
        return options | current, at

    def expand(name: str) -> set[str]:
        tokens = [m.groups() for m in token.finditer(rules[name]) if any(m.groups())]
        return parse([(a or "", b or "", c or "") for a, b, c in tokens], 0)[0]

    return expand(start)


def test_evidence_is_never_punctuation_alone() -> None:
    """Runs of the sentence's words, each holding a letter or digit: "5 %" and '"rose"' can be
    quoted, "." and "%" alone (or "%.") cannot."""
    sentence = 'Profit "rose" 5 %.'
    gbnf = reply_grammar(label="positive", sentence=sentence, max_evidence_words=3)
    quoted = {json.loads(s.rstrip()) for s in _language(gbnf, "evidence-item")}
    assert {"Profit", '"rose"', "rose", "5 %", "5 %.", 'Profit "rose'} <= quoted
    assert not {".", "%", "%.", '"', '" '} & quoted
    assert all(any(ch.isalnum() for ch in q) for q in quoted)
    # A sentence with no word at all allows only the empty string.
    nothing = reply_grammar(sentence="... %", max_evidence_words=3)
    assert {json.loads(s.rstrip()) for s in _language(nothing, "evidence-item")} == {""}
