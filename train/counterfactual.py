"""Counterfactual edits of gold sentences: flip the direction or swap the line item, the label follows.

"Operating profit rose by 12 % in the third quarter ." (positive) yields
- "Operating profit fell by 12 % in the third quarter ." (negative: the direction flipped),
- "Operating costs rose by 12 % in the third quarter ." (negative: an up-bad item), and
- "Operating costs fell by 12 % in the third quarter ." (positive: both).

Only sentences whose tone the lexicon decides on its own are edited: `polarity.find_mention`
finds one line item (not part of a longer noun such as "profit margin"), one movement word after
it and no negation; the gold label agrees with the lexicon's reading, so an edit never contradicts
the annotators; and no other word carries tone ("thanks to strong demand"), so neither a flip nor
a swap leaves a mixed message under a one-sided label. The direction is not flipped when figures
follow "from" ("rose to 9.8 from 7.1" would contradict the new verb); an item is swapped only for
one of the other polarity with the same unit (a margin in percent never becomes net debt),
only where the word before it is a determiner-like word (so "advertising sales" never becomes
"advertising net debt"), and never a loss. Each edit keeps the ``source_id`` of its sentence:
cross-validation puts it in its source's fold, so no edit of a held-out sentence is ever trained
on. The choice of new item depends only on the seed and the sentence's id, not on the rows
before it.

    python -m finlocal.train.counterfactual ../shared/data/fpb/train.jsonl --out runs/data/counterfactual.jsonl
"""

from __future__ import annotations

import argparse
import logging
import random
import re
from dataclasses import dataclass
from pathlib import Path

from finlocal.jsonl import write_jsonl
from finlocal.lexicon import (
    DOWN_WORDS,
    ITEMS_BY_POLARITY,
    NARROW_WORDS,
    UP_WORDS,
    WIDEN_WORDS,
    Direction,
    LineItem,
    Mention,
    Movement,
    Polarity,
    find_mention,
    tone,
)
from finlocal.train.data import Example, load_fpb

log = logging.getLogger(__name__)

# Words that carry tone of their own: a sentence with one of them says more than its one movement,
# so swapping its item could leave a mixed message under a one-sided label.
_TONE_WORDS = re.compile(
    r"\b(improv\w*|strong\w*|weak\w*|growth|favourabl\w*|unfavourabl\w*|record|good|poor|boost\w*|"
    r"better|worse|despite|thanks|driven|due|owing|because|efficien\w*|demand|success\w*|"
    r"difficult\w*|challeng\w*|pressure|solid|robust|healthy|disappoint\w*)\b",
    re.IGNORECASE,
)
# What may stand right before an item we swap ("its operating profit", "the company 's net sales"),
# so that "advertising sales" never becomes "advertising net debt".
_BEFORE_ITEM = {
    "",
    "its",
    "the",
    "their",
    "our",
    "'s",
    "s'",
    "'",
    "and",
    "that",
    "said",
    "today",
    "quarter",
    "year",
    ",",
    ":",
    "-",
    "(",
    "``",
    "consolidated",
    "total",
    "group",
}
_CURRENCY = re.compile(r"(EUR|USD|SEK|GBP|NOK|DKK|mln|mn|million|billion|bn|\beur\b|\$|€|£)", re.IGNORECASE)


@dataclass(frozen=True)
class Edit:
    text: str
    label: str
    kind: str  # "direction", "item" or "both"
    source_id: str
    evidence: tuple[tuple[int, int], ...]

    def to_row(self) -> dict[str, object]:
        return {
            "id": f"{self.source_id}-cf-{self.kind}",
            "text": self.text,
            "label": self.label,
            "source_id": self.source_id,
            "kind": self.kind,
            "evidence": [{"start": s, "end": e, "text": self.text[s:e]} for s, e in self.evidence],
            "source": "finlocal.train.counterfactual",
        }


def _opposite(move: Movement, polarity: Polarity) -> Movement:
    """The movement word of the other direction at the same place in its table (losses narrow
    and widen; other items rise and fall)."""
    down, up = (NARROW_WORDS, WIDEN_WORDS) if polarity is Polarity.LOSS else (DOWN_WORDS, UP_WORDS)
    same, other = (up, down) if move.direction is Direction.UP else (down, up)
    pasts = [m.past for m in same]
    return other[(pasts.index(move.past) if move.past in pasts else 0) % len(other)]


def _replace(text: str, span: tuple[int, int], new: str) -> tuple[str, int]:
    """Text with ``span`` replaced, and the shift applied to offsets after it."""
    return text[: span[0]] + new + text[span[1] :], len(new) - (span[1] - span[0])


def _cased(new: str, old: str, *, at_start: bool) -> str:
    """``new`` capitalised where it opens the sentence; elsewhere as written (so "EBITDA" stays
    upper case, and an old "EBITDA" does not turn "net debt" into "Net debt" mid-sentence)."""
    if at_start and old[:1].isupper():
        return new[:1].upper() + new[1:]
    return new


def _opens(text: str, start: int) -> bool:
    return not re.search(r"[A-Za-z0-9]", text[:start])


def _agree(move_text: str, item: LineItem) -> str:
    """'was up' → 'were up' for a plural item, and back."""
    if item.plural and move_text.startswith("was "):
        return "were " + move_text[4:]
    if not item.plural and move_text.startswith("were "):
        return "was " + move_text[5:]
    return move_text


def edits(example: Example, rng: random.Random) -> list[Edit]:
    """The counterfactual edits of one gold sentence (none when the lexicon cannot read it or
    disagrees with its gold label)."""
    mention = find_mention(example.text)
    if mention is None or example.label != mention.label or _TONE_WORDS.search(example.text):
        return []  # other tone words: a flip or a swap could leave a mixed message
    out = []
    flipped = _flip_direction(example.text, mention)
    if flipped is not None:
        text, spans, move = flipped
        out.append(Edit(text, tone(mention.item.polarity, move.direction), "direction", example.id, spans))
    before = example.text[: mention.item_span[0]].split()
    swappable = mention.item.polarity is not Polarity.LOSS and (before[-1].lower() if before else "") in _BEFORE_ITEM
    candidates = _swap_candidates(example.text, mention.item) if swappable else []
    if candidates:
        new_item = rng.choice(candidates)
        text, spans = _swap_item(example.text, mention, new_item)
        out.append(Edit(text, tone(new_item.polarity, mention.movement.direction), "item", example.id, spans))
        if flipped is not None:
            moved = find_mention(flipped[0])
            if moved is not None:
                text, spans = _swap_item(flipped[0], moved, new_item)
                out.append(Edit(text, tone(new_item.polarity, flipped[2].direction), "both", example.id, spans))
    return out


def _swap_candidates(text: str, item: LineItem) -> list[LineItem]:
    """Items of the other polarity whose figures read like ``item``'s: a ratio for a ratio, an
    amount for an amount, a count for a count (any unit where the sentence has no figures)."""
    other = ITEMS_BY_POLARITY[Polarity.UP_BAD if item.polarity is Polarity.UP_GOOD else Polarity.UP_GOOD]
    if not re.search(r"\d", text):
        return list(other)
    if item.unit == "ratio" and _CURRENCY.search(text):
        return []  # a ratio among amounts: which figure is whose is not clear
    return [i for i in other if i.unit == item.unit]


def _flip_direction(text: str, mention: Mention) -> tuple[str, tuple[tuple[int, int], ...], Movement] | None:
    move = _opposite(mention.movement, mention.item.polarity)
    old = text[mention.move_span[0] : mention.move_span[1]]
    new_text, _ = _replace(
        text, mention.move_span, _cased(move.past_for(mention.item), old, at_start=_opens(text, mention.move_span[0]))
    )
    if re.search(r"\bfrom\b", text[mention.move_span[1] :]):
        return None  # "rose to 9.8 from 7.1": the figures would contradict the new direction
    again = find_mention(new_text)
    if again is None:
        return None
    return new_text, (again.item_span, again.move_span), move


def _swap_item(text: str, mention: Mention, item: LineItem) -> tuple[str, tuple[tuple[int, int], ...]]:
    old_item = text[mention.item_span[0] : mention.item_span[1]]
    move_text = text[mention.move_span[0] : mention.move_span[1]]
    # the movement first (it comes after the item, so the item's offsets stay valid)
    text, _ = _replace(text, mention.move_span, _agree(move_text, item))
    name = _cased(item.name, old_item, at_start=_opens(text, mention.item_span[0]))
    text, shift = _replace(text, mention.item_span, name)
    item_span = (mention.item_span[0], mention.item_span[0] + len(item.name))
    move_len = len(_agree(move_text, item))
    move_span = (mention.move_span[0] + shift, mention.move_span[0] + shift + move_len)
    return text, (item_span, move_span)


def augment(examples: list[Example], seed: int = 20261129) -> list[Edit]:
    """The edits of every example, each drawn with its own generator (seeded by ``seed`` and the
    example's id), so one sentence's edits do not depend on the rows before it."""
    out = []
    for ex in examples:
        out.extend(edits(ex, random.Random(f"{seed}:{ex.id}")))
    return out


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("data", type=Path, help="gold JSONL (text, label, id), e.g. FPB's training portion")
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--seed", type=int, default=20261129)
    args = parser.parse_args(argv)
    rows = augment(load_fpb(args.data), args.seed)
    write_jsonl(args.out, (edit.to_row() for edit in rows))
    log.info("%d counterfactual edits -> %s", len(rows), args.out)


if __name__ == "__main__":
    main()
