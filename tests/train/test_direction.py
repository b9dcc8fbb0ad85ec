"""The metric-polarity lexicon and the two direction data generators built on it."""

from __future__ import annotations

import pytest

from finlocal.lexicon import (
    ITEMS_BY_POLARITY,
    LINE_ITEMS,
    Direction,
    Polarity,
    find_mention,
    tone,
)
from finlocal.train.counterfactual import edits
from finlocal.train.data import Example
from finlocal.train.statements import CATEGORIES, generate

_BY_NAME = {i.name: i for i in LINE_ITEMS}


@pytest.mark.parametrize(
    ("polarity", "direction", "negated", "label"),
    [
        (Polarity.UP_GOOD, Direction.UP, False, "positive"),
        (Polarity.UP_GOOD, Direction.DOWN, False, "negative"),
        (Polarity.UP_BAD, Direction.UP, False, "negative"),
        (Polarity.UP_BAD, Direction.DOWN, False, "positive"),
        (Polarity.LOSS, Direction.UP, False, "negative"),  # a loss widens
        (Polarity.LOSS, Direction.DOWN, False, "positive"),  # a loss narrows
        (Polarity.UP_GOOD, Direction.DOWN, True, "positive"),  # sales did not decline
        (Polarity.UP_BAD, Direction.UP, True, "positive"),  # costs did not rise
    ],
)
def test_tone_follows_the_item_the_direction_and_negation(polarity, direction, negated, label) -> None:
    assert tone(polarity, direction, negated=negated) == label


def test_the_lexicon_covers_what_an_analyst_reads_as_bad_news_when_it_rises() -> None:
    up_bad = {item.name for item in ITEMS_BY_POLARITY[Polarity.UP_BAD]}
    for name in (
        "costs",
        "operating expenses",
        "net debt",
        "leverage",
        "impairment charges",
        "provisions",
        "credit losses",
        "non-performing loans",
        "customer churn",
        "write-downs",
    ):
        assert name in up_bad
    assert len({item.name.lower() for item in LINE_ITEMS}) == len(LINE_ITEMS)


def test_the_lexicon_flags_plurals_item_by_item_and_ratios_by_name() -> None:
    assert _BY_NAME["net sales"].plural and _BY_NAME["earnings"].plural and _BY_NAME["impairments"].plural
    assert not _BY_NAME["cost of sales"].plural and not _BY_NAME["net debt"].plural
    assert _BY_NAME["market share"].is_ratio and _BY_NAME["EBIT margin"].is_ratio
    assert not any(_BY_NAME[n].is_ratio for n in ("earnings per share", "dividend per share", "loss per share"))
    assert _BY_NAME["net sales"].unit == "money" and _BY_NAME["deliveries"].unit == "count"


@pytest.mark.parametrize(
    ("name", "polarity", "unit"),
    [
        ("case volume", Polarity.UP_GOOD, "count"),
        ("carloadings", Polarity.UP_GOOD, "count"),
        ("passengers", Polarity.UP_GOOD, "count"),
        ("loan originations", Polarity.UP_GOOD, "money"),
        ("category share", Polarity.UP_GOOD, "ratio"),
        ("persistency", Polarity.UP_GOOD, "ratio"),
        ("penetration rate", Polarity.UP_GOOD, "ratio"),
        ("legal fees", Polarity.UP_BAD, "money"),
        ("cost of deposits", Polarity.UP_BAD, "money"),
        ("acquisition cost ratio", Polarity.UP_BAD, "ratio"),
        ("operating ratio", Polarity.UP_BAD, "ratio"),
    ],
)
def test_sector_kpis_and_costs_have_their_polarity_and_unit(name: str, polarity: Polarity, unit: str) -> None:
    assert _BY_NAME[name].polarity is polarity and _BY_NAME[name].unit == unit


def test_items_named_by_a_plural_noun_take_a_plural_verb() -> None:
    """An item whose last word is a plural noun, with no preposition ("carloadings", "legal fees",
    not "cost of sales"), is flagged plural, so the generators write "carloadings were"."""
    prepositions = {"of", "from", "for", "before", "after", "on", "by", "per", "to", "provided"}
    for item in LINE_ITEMS:
        words = item.name.split()
        last = words[-1]
        if prepositions & set(words) or last.isupper() or not last.endswith("s") or last.endswith(("ss", "us")):
            continue
        assert item.plural, item.name


@pytest.mark.parametrize("name", ["receivables", "inventories", "capex", "headcount", "fees", "debt", "proceeds"])
def test_words_an_analyst_does_not_judge_alone_stay_out_of_the_lexicon(name: str) -> None:
    assert name not in _BY_NAME


def test_find_mention_does_not_take_part_of_a_longer_noun_for_the_item() -> None:
    assert find_mention("Net sales growth rose to 9 % .") is None
    assert find_mention("Net sales growth slowed in the quarter .") is None
    assert find_mention("Net sales in Finland rose by 4 % .") is not None


def test_find_mention_reads_one_item_and_one_movement_only() -> None:
    mention = find_mention("Net debt decreased to EUR 1.2 bn at the end of the year .")
    assert mention is not None
    assert (mention.item.name, mention.movement.direction, mention.label) == ("net debt", Direction.DOWN, "positive")
    assert find_mention("Net sales rose while operating costs fell .") is None  # two items
    assert find_mention("Net sales did not rise .") is None  # a negation
    assert find_mention("The company rose to fame on its net sales .") is None  # movement before the item


def test_generated_statements_are_distinct_deterministic_and_labelled_by_the_rule() -> None:
    a, b = generate(600, seed=3), generate(600, seed=3)
    assert a == b
    assert len({s.text for s in a}) == 600
    assert {s.category for s in a} == set(CATEGORIES)
    for s in a:
        for start, end in s.evidence:
            assert 0 <= start < end <= len(s.text) and s.text[start:end].strip() == s.text[start:end]
        if s.category == "bad_up":
            assert s.label == "negative"
        if s.category == "loss_narrow":
            assert s.label == "positive"
        if s.category == "neutral":
            assert s.label == "neutral" and s.evidence == ()
    assert generate(600, seed=4) != a


def test_generated_statements_read_as_english_and_name_their_item() -> None:
    rows = generate(3000, seed=5)
    for s in rows:
        text = s.text
        assert "did not be" not in text and "didn't be" not in text and "did not expect" not in text
        if "warned of" in text:
            assert s.label == "negative", text  # one warns of bad news only
        if s.category == "evaluative":
            item = _BY_NAME[s.item]
            assert item.polarity is not Polarity.UP_BAD or item.is_ratio, text  # never "costs improved"
            if item.polarity is not Polarity.UP_GOOD:
                assert not any(w in text for w in ("strengthened", "weakened", "recovered")), text
        if s.item is None:
            assert s.category in {"expectation", "negation"}
        else:
            assert s.item.lower() in text.lower(), (s.item, text)  # the metric is the item in the text
            name = s.item.lower()
            if _BY_NAME[s.item].plural:
                for wrong in (" is expected", " is forecast", " is likely", " has not", " shows no"):
                    assert name + wrong not in text.lower(), text
        if s.category == "negation":  # the negator is part of the evidence
            evidence = " ".join(text[a:b] for a, b in s.evidence).lower()
            assert any(
                w in evidence
                for w in (
                    "not",
                    "no ",
                    "never",
                    "neither",
                    "without",
                    "failed",
                    "n't",
                    "ruled out",
                    "dropped its forecast",
                )
            ), text


def test_counterfactual_edits_flip_the_label_with_the_direction_or_the_item() -> None:
    import random

    source = Example("fpb-1", "Operating profit rose by 12 % in the third quarter .", "positive")
    by_kind = {e.kind: e for e in edits(source, random.Random(0))}
    assert by_kind["direction"].text == "Operating profit fell by 12 % in the third quarter ."
    assert by_kind["direction"].label == "negative"
    item = by_kind["item"]
    assert item.label == "negative"  # an up-bad item that rose
    assert find_mention(item.text).item.polarity is Polarity.UP_BAD
    assert by_kind["both"].label == "positive"  # an up-bad item that fell
    for e in by_kind.values():
        assert e.source_id == "fpb-1"
        assert [e.text[s:t] for s, t in e.evidence][1] in {"fell", "rose"}


def test_counterfactual_edits_leave_alone_what_the_rule_cannot_read() -> None:
    import random

    rng = random.Random(0)
    # the gold label disagrees with the lexicon's reading: never edited
    assert edits(Example("a", "Operating profit rose by 2 % .", "negative"), rng) == []
    # "to X from Y": flipping the verb would contradict the figures
    kinds = {e.kind for e in edits(Example("b", "Net sales rose to EUR 9 mn from EUR 7 mn .", "positive"), rng)}
    assert "direction" not in kinds and "both" not in kinds
    # other tone words: a flip or a swap could leave a mixed message, so neither is made
    assert edits(Example("c", "Net sales rose by 5 % thanks to strong demand .", "positive"), rng) == []
    # an item that is part of a longer noun is not the item
    assert edits(Example("d", "Net sales growth rose to 9 % .", "positive"), rng) == []


def test_counterfactual_swaps_keep_the_unit_and_the_acronyms() -> None:
    import random

    from finlocal.train.counterfactual import augment

    for seed in range(30):
        rng = random.Random(seed)
        ratio = edits(Example("r", "The company 's operating margin rose to 9.1 % in the quarter .", "positive"), rng)
        for e in ratio:
            if e.kind != "direction":
                assert find_mention(e.text).item.is_ratio, e.text  # never "net debt rose to 9.1 %"
        money = edits(Example("m", "Its net debt decreased to EUR 12 mn .", "positive"), rng)
        for e in money:
            if e.kind != "direction":
                assert find_mention(e.text).item.unit == "money", e.text
        mid = edits(Example("e", "The company 's EBITDA rose by 5 % .", "positive"), rng)
        for e in mid:
            if e.kind != "direction":  # the new item as the lexicon writes it: no "Net debt" mid-sentence
                assert f"company 's {find_mention(e.text).item.name} " in e.text, e.text
        start = edits(Example("s", "EBITDA rose by 5 % .", "positive"), rng)
        for e in start:
            if e.kind != "direction":
                name = find_mention(e.text).item.name
                assert e.text.startswith(name[:1].upper() + name[1:] + " "), e.text
    # the edits of one sentence do not depend on the rows before it
    a = Example("fpb-9", "Operating profit rose by 12 % in the third quarter .", "positive")
    b = Example("fpb-8", "Net debt decreased by 3 % .", "positive")
    assert augment([a]) == augment([b, a])[len(augment([b])) :]
