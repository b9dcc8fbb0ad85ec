"""Direction in natural wording: the hand-written frames of `finlocal.train.natural`."""

from __future__ import annotations

import json
import re
from collections import Counter, defaultdict

import pytest

from finlocal.lexicon import DOWN_WORDS, LINE_ITEMS, NARROW_WORDS, UP_WORDS, WIDEN_WORDS, Direction, tone
from finlocal.train import natural
from finlocal.train.natural import CATEGORIES, frames, generate, main, make
from finlocal.train.records import read_gold_file

_BY_NAME = {i.name: i for i in LINE_ITEMS}
# The lexicon's movement words in every inflection, with the direction they state.
_MOVE_WORDS = {
    word: m.direction
    for m in (*UP_WORDS, *DOWN_WORDS, *NARROW_WORDS, *WIDEN_WORDS)
    for word in (m.past, m.infinitive, m.participle)
    if not word.startswith("be ")
}
# What an analyst reads each category as, written out here rather than taken from the module.
_EXPECTED_LABELS = {
    "margin": {"positive", "negative"},
    "eps": {"positive", "negative"},
    "orders": {"positive", "negative"},
    "impairment": {"positive", "negative"},
    "tax_rate": {"positive", "negative"},
    "credit_losses": {"positive", "negative"},
    "guidance": {"positive", "negative", "neutral"},
    "dividend": {"positive", "negative"},
    "forward_looking": {"neutral"},
    "contrast": {"positive", "negative"},
    "loss": {"positive", "negative"},
}
# Words in a row's evidence that decide its label on their own, category by category.
_CUES = {
    "margin": {"negative": ("narrow", "contract", "compress"), "positive": ("expand", "widen")},
    "eps": {"negative": ("fell", "slipped", "declin"), "positive": ("rose", "jumped", "climbed")},
    "orders": {"negative": ("shr", "soften", "declin"), "positive": ("grew", "grow", "expand")},
    "impairment": {
        "negative": ("recognis", "booked", "burdened"),
        "positive": ("revers", "written back", "wrote back"),
    },
    "tax_rate": {"negative": ("rose", "went up", "climbed"), "positive": ("fell", "came down", "eased")},
    "credit_losses": {"negative": ("rose", "picked up", "jumped"), "positive": ("moderat", "eased", "came down")},
    "guidance": {"negative": ("cut", "trimmed", "lowered"), "positive": ("raised", "lifted"), "neutral": ()},
    "dividend": {"negative": ("cut", "suspended", "scrapped", "slashed"), "positive": ("raised", "boosted")},
    "contrast": {
        "negative": ("failed to offset", "remained below", "did not improve", "still below", "fell short"),
        "positive": ("more than offset", "remained above", "held up", "exceeded", "fully offset"),
    },
    "loss": {"negative": ("widen", "deepen"), "positive": ("narrow", "shr")},
}


@pytest.fixture(scope="module")
def rows() -> list[natural.Statement]:
    return generate(2200, seed=11)


def test_same_seed_same_rows_and_another_seed_other_rows() -> None:
    a, b = generate(330, seed=3), generate(330, seed=3)
    assert a == b
    assert [s.to_row(i) for i, s in enumerate(a)] == [s.to_row(i) for i, s in enumerate(b)]
    assert generate(330, seed=4) != a


def test_every_category_has_its_labels_and_both_are_balanced(rows) -> None:
    assert set(CATEGORIES) == set(_EXPECTED_LABELS)
    by_category = Counter(s.category for s in rows)
    assert max(by_category.values()) - min(by_category.values()) <= 1
    labels: dict[str, Counter[str]] = defaultdict(Counter)
    for s in rows:
        labels[s.category][s.label] += 1
    for category, expected in _EXPECTED_LABELS.items():
        assert set(labels[category]) == expected, category
        assert max(labels[category].values()) - min(labels[category].values()) <= 1, (category, labels[category])


def test_texts_are_unique_and_filled_in(rows) -> None:
    texts = [s.text for s in rows]
    assert len(set(texts)) == len(texts)
    for text in texts:
        assert not re.search(r"[{}\[\]]|  | ,| \.$|'s's|s's ", text), text
        assert text.endswith((".", '."')), text
        first = next(ch for ch in text if ch.isalpha())
        assert first.isupper(), text


def test_evidence_offsets_match_the_text(rows) -> None:
    for i, s in enumerate(rows):
        row = s.to_row(i)
        if s.label == "neutral":
            assert row["evidence"] == [], s.text
            continue
        assert row["evidence"], s.text
        last_end = 0
        for ev in row["evidence"]:
            start, end = ev["start"], ev["end"]
            assert last_end <= start < end <= len(s.text), s.text
            assert s.text[start:end] == ev["text"] == ev["text"].strip(), (s.text, ev)
            last_end = end


def test_labels_agree_with_the_lexicon_where_an_item_moves_plainly(rows) -> None:
    checked = Counter()
    for s in rows:
        if s.item is None:
            continue
        assert s.item in _BY_NAME, s.item  # the metric is the lexicon's name for the item
        evidence = " ".join(s.text[a:b] for a, b in s.evidence).lower()
        if s.label != "neutral":
            assert s.item.lower() in evidence, (s.item, s.text)
        if s.direction is not None:
            assert s.label == tone(_BY_NAME[s.item].polarity, s.direction), s.text
            # the text states that direction: the lexicon's movement words in the evidence agree
            stated = {d for w, d in _MOVE_WORDS.items() if re.search(rf"\b{re.escape(w)}\b", evidence)}
            assert stated <= {s.direction}, (s.text, stated)
            checked[s.category] += 1
    # every category with a line item was checked, the contrasts included
    for category in ("margin", "eps", "orders", "impairment", "tax_rate", "credit_losses", "dividend", "loss"):
        assert checked[category] > 100, (category, checked)
    assert checked["contrast"] > 50


def test_the_figures_move_the_way_the_words_say(rows) -> None:
    figure = r"(\d{1,3}(?:,\d{3})*(?:\.\d+)?)"
    number = rf"(?:[A-Z]{{3}} )?{figure}(?: ?%| per cent| million| billion| bn|m)?"
    to_from = re.compile(rf"\bto {number} from {number}")
    from_to = re.compile(rf"\bfrom {number} to {number}")
    nordic = re.compile(rf"\b(?:to|at|of) {number} \({figure}\)")
    checked = 0
    for s in rows:
        if s.direction is None or s.category == "guidance":
            continue
        for pattern, swap in ((to_from, False), (from_to, True), (nordic, False)):
            for match in pattern.finditer(s.text):
                new, old = (float(g.replace(",", "")) for g in match.groups())
                if swap:
                    new, old = old, new
                assert (new > old) == (s.direction is Direction.UP), s.text
                checked += 1
    assert checked > 300


@pytest.mark.parametrize("category", list(_CUES))
def test_the_words_that_carry_the_tone_give_the_label(rows, category) -> None:
    cues = _CUES[category]
    decided = 0
    for s in rows:
        if s.category != category:
            continue
        evidence = " ".join(s.text[a:b] for a, b in s.evidence).lower()
        for label, words in cues.items():
            if any(re.search(rf"\b{w}", evidence) for w in words):
                others = [
                    w for other, ws in cues.items() if other != label for w in ws if re.search(rf"\b{w}", evidence)
                ]
                if not others:
                    assert s.label == label, (s.text, evidence)
                    decided += 1
    assert decided > 30, category


def test_the_guidance_and_forward_looking_rows_read_as_an_analyst_reads_them(rows) -> None:
    for s in rows:
        if s.category == "forward_looking":
            assert s.label == "neutral"
            assert re.search(r"forward-looking|assurance|may|could|uncertain|assumptions|estimates", s.text), s.text
        if s.category == "guidance" and s.label == "neutral":
            assert re.search(r"reaffirm|confirm|reiterat|maintain|unchanged", s.text), s.text


def test_each_category_has_many_frames_and_uses_them(rows) -> None:
    used: dict[str, set[str]] = defaultdict(set)
    for s in rows:
        used[s.category].add(s.frame)
    for category, labels in _EXPECTED_LABELS.items():
        for label in labels:
            assert len(set(frames(category, label))) >= 12, (category, label)
        assert len(used[category]) >= 12, (category, len(used[category]))
        # the frames differ in shape, not just in a word: at least 12 distinct openings
        openings = {re.sub(r"\{\w+\}", "", f)[:12] for f in used[category]}
        assert len(openings) >= 8, (category, openings)


def test_make_refuses_a_label_the_category_is_not_written_for() -> None:
    import random

    with pytest.raises(ValueError, match="forward_looking"):
        make(random.Random(0), "forward_looking", "positive")


def test_cli_writes_gold_rows_the_training_data_reads(tmp_path) -> None:
    from finlocal.train.statements import generate as statements

    out = tmp_path / "data" / "natural.jsonl"
    main(["--n", "60", "--seed", "7", "--out", str(out)])
    lines = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert len(lines) == 60 and len({r["id"] for r in lines}) == 60
    assert all(set(r) == set(statements(1, seed=1)[0].to_row(0)) for r in lines)  # the same schema
    assert {r["source"] for r in lines} == {"natural"}
    gold = read_gold_file(out)
    assert [g.text for _, g in gold] == [s.text for s in generate(60, seed=7)]
    assert all(g.evidence is not None for _, g in gold)
