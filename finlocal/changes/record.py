"""The change record: one stated change of a line item, its direction and its verdict.

`Change` is what `finlocal.changes.read_changes` returns and what the ``changes`` field of a
JSONL row, a CSV cell and a Parquet row hold (`Change.to_dict` / `Change.from_dict`).
`Direction` has one home, `finlocal.lexicon`, shared with the training data's movement words.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from enum import Enum
from typing import Any

from finlocal.lexicon import Direction, Polarity

__all__ = ["Change", "ChangeKind", "Direction", "Role", "Verdict"]


class ChangeKind(str, Enum):
    """What moved: a line item's stated figure, or the company's guidance for it."""

    METRIC = "metric"  # "EPS was $1.21 compared to $0.46"
    GUIDANCE = "guidance"  # "raised its full-year EPS guidance to $4.10–$4.20 from $3.90–$4.05"


class Role(str, Enum):
    """Which clause a change stands in (`finlocal.changes.clauses`): the one the sentence stands on,
    or one it concedes ("Although the backlog shrank, …", "…, partly offset by …")."""

    MAIN = "main"
    CONCEDED = "conceded"


class Verdict(str, Enum):
    GOOD = "good"
    BAD = "bad"
    UNKNOWN = "unknown"


@dataclass(frozen=True)
class Change:
    """One stated change of a line item. Offsets index the text given to `read_changes`.

    ``now`` and ``before`` are as stated, in ``unit`` (3.2 for "EUR 3.2 mn"; a loss metric's
    values are loss amounts, a profit metric's loss is negative); ``change`` is the stated change
    or, when both values are known, the computed one (percent, or percentage points for
    percentages), in ``change_unit``.
    """

    metric: str
    metric_start: int
    metric_end: int
    start: int
    end: int
    now: float | None
    before: float | None
    unit: str | None
    currency: str | None
    change: float | None
    change_unit: str | None
    direction: Direction
    polarity: Polarity | None
    verdict: Verdict
    basis: str  # "numbers" (values compared), "stated" (a stated change), "words" (a movement word)
    note: str | None = None  # why the verdict is unknown, when it is
    kind: ChangeKind = ChangeKind.METRIC
    role: Role = Role.MAIN

    def shifted(self, offset: int) -> Change:
        """The same change with offsets moved by ``offset`` (sentence → document)."""
        return replace(
            self,
            metric_start=self.metric_start + offset,
            metric_end=self.metric_end + offset,
            start=self.start + offset,
            end=self.end + offset,
        )

    @classmethod
    def from_dict(cls, row: dict[str, Any]) -> Change:
        """The change a `to_dict` object (a JSONL row's, a Parquet row's) describes."""
        polarity = row.get("polarity")
        return cls(
            metric=row["metric"],
            metric_start=row["start"],
            metric_end=row["start"] + len(row["metric"]),
            start=row["start"],
            end=row["end"],
            now=row.get("now"),
            before=row.get("before"),
            unit=row.get("unit"),
            currency=row.get("currency"),
            change=row.get("change"),
            change_unit=row.get("change_unit"),
            direction=Direction(row["direction"]),
            polarity=Polarity(polarity) if polarity else None,
            verdict=Verdict(row["verdict"]),
            basis=row["basis"],
            note=row.get("note"),
            kind=ChangeKind(row.get("kind") or "metric"),
            role=Role(row.get("role") or "main"),
        )

    def to_dict(self) -> dict[str, Any]:
        """The JSON object of the ``changes`` field (see the README)."""
        return {
            "metric": self.metric,
            "now": self.now,
            "before": self.before,
            "unit": self.unit,
            "currency": self.currency,
            "change": self.change,
            "change_unit": self.change_unit,
            "direction": self.direction.value,
            "polarity": self.polarity.value if self.polarity is not None else None,
            "verdict": self.verdict.value,
            "basis": self.basis,
            "note": self.note,
            "kind": self.kind.value,
            "role": self.role.value,
            "start": self.start,
            "end": self.end,
        }
