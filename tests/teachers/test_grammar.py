"""The reply grammar: the string-rule fix and verbatim evidence spans."""

from __future__ import annotations

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
    import json

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
