"""The reader's findings as a model input: a short second segment after the sentence.

A student trained with hints reads "[CLS] sentence [SEP] hint [SEP]", where the hint says what the
metric-change reader found: "net charge-offs down good ; eps up good". It learns when to follow
the hint and when the sentence overrides it (hedges, negation, "despite"). A sentence with no
change gets no second segment at all, so it is read exactly as by a student without hints.

Two versions, with the same words:

- ``changes-v1`` (`HintKind.CHANGES`): the first line items the reader found, in order;
- ``changes-v2`` (`HintKind.MAIN_CHANGES`): only those in the clauses the sentence stands on. A
  change in a conceding clause ("Although the backlog shrank, …", "Deposits grew 4 %, but the CET1
  ratio fell", `finlocal.changes.clauses`) is left out, so the hint no longer names the news the
  sentence concedes. On FPB's training portion v2 differs from v1 on 3 of 3,634 sentences.

The same function makes the hint at training time (`finlocal.train`) and at run time
(`finlocal.model`), and its version is recorded in the model's manifest (``hint``).
"""

from __future__ import annotations

from finlocal.changes.clauses import mark_roles
from finlocal.changes.parser import read_metric_changes
from finlocal.changes.record import Direction, Role, Verdict
from finlocal.manifest import HintKind

#: Changes named in one hint (the first ones of the sentence).
MAX_CHANGES = 3
# The words of the hints "changes-v1" and "-v2": a model input, frozen with its version (models trained on it
# read exactly these), so they do not follow the display words of `finlocal.changes.describe`.
_DIRECTION_WORDS = {
    Direction.UP: "up",
    Direction.DOWN: "down",
    Direction.UNCHANGED: "unchanged",
    Direction.LOSS_NARROWED: "loss narrowed",
    Direction.LOSS_WIDENED: "loss widened",
    Direction.LOSS_TO_PROFIT: "loss to profit",
    Direction.PROFIT_TO_LOSS: "profit to loss",
}
_VERDICT_WORDS = {Verdict.GOOD: "good", Verdict.BAD: "bad", Verdict.UNKNOWN: "unclear"}
__all__ = ["MAX_CHANGES", "HintKind", "hint_text"]


def hint_text(text: str, kind: HintKind = HintKind.CHANGES) -> str | None:
    """The hint for ``text``, or None when there is none (no change found, or no hints)."""
    if kind is HintKind.NONE:
        return None
    changes = read_metric_changes(text)  # hints name line items only, never guidance
    if kind is HintKind.MAIN_CHANGES:
        # "Deposits grew 4 %, but the CET1 ratio fell to 12.9 %": the clause the sentence stands on
        changes = tuple(c for c in mark_roles(text, changes) if c.role is Role.MAIN)
    changes = changes[:MAX_CHANGES]
    if not changes:
        return None
    return " ; ".join(
        f"{c.metric.lower()} {_DIRECTION_WORDS[c.direction]} {_VERDICT_WORDS[c.verdict]}" for c in changes
    )
