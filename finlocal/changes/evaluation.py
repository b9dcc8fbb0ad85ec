"""Measuring the reader against hand-labelled sentences.

A labelled row is ``{"text", "changes": [{"metric", "now", "before", "change", "change_unit",
"currency", "direction", "verdict"}]}`` (``tests/fixtures/changes/``). `compare_row` matches the
reader's changes to the expected ones by metric and says what differs; `ReaderScore` adds up the
precision of stated verdicts (of the changes the reader calls good or bad, the share an analyst
calls the same) and their recall.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from finlocal.changes.parser import read_changes
from finlocal.changes.record import Change, ChangeKind

_DECIDED = ("good", "bad")


def _identical(expected: str, found: str) -> bool:
    return expected.strip() == found.strip()


def _same_words(expected: str, found: str) -> bool:
    return expected.lower().strip() == found.lower().strip()


def _same_metric(expected: str, found: str) -> bool:
    a, b = expected.lower().strip(), found.lower().strip()
    return a in b or b in a


_GENERIC = frozenset({"net", "total", "adjusted", "diluted", "basic", "overall", "group", "consolidated", "the"})


def _shared_word(expected: str, found: str) -> bool:
    """A looser match, tried only for what exact matching left: a shared content word
    ("earnings per share guidance" and "adjusted diluted earnings per share")."""
    a = {w for w in expected.lower().split() if len(w) > 2 and w not in _GENERIC}
    b = {w for w in found.lower().split() if len(w) > 2 and w not in _GENERIC}
    return bool(a & b)


def _close(a: float | None, b: float | None) -> bool:
    if a is None or b is None:
        return a is b
    return math.isclose(a, b, rel_tol=1e-3, abs_tol=1e-6)


@dataclass(frozen=True)
class RowResult:
    """How the reader did on one labelled row."""

    text: str
    found: tuple[Change, ...]
    expected: tuple[Mapping[str, Any], ...]
    pairs: tuple[tuple[Mapping[str, Any] | None, Change | None], ...]

    def differences(self) -> list[str]:
        """What differs, one line each; empty when the row is read exactly."""
        out = []
        for want, got in self.pairs:
            if got is None:
                out.append(f"missed {want['metric']!r} ({want['direction']}, {want['verdict']})")  # type: ignore[index]
                continue
            if want is None:
                out.append(f"extra {got.metric!r} ({got.direction.value}, {got.verdict.value})")
                continue
            checks: tuple[tuple[str, Any], ...] = (
                ("direction", got.direction.value),
                ("verdict", got.verdict.value),
                ("now", got.now),
                ("before", got.before),
            )
            for key, value in checks:
                expected = want.get(key)
                if key in ("now", "before"):
                    if expected is not None and not _close(float(expected), value):
                        out.append(f"{got.metric!r}: {key} {value} instead of {expected}")
                elif expected != value:
                    out.append(f"{got.metric!r}: {key} {value} instead of {expected}")
            stated = want.get("change") is not None and want.get("change_unit") in ("%", "pp", "bp")
            if stated and got.change_unit == want["change_unit"] and not _close(float(want["change"]), got.change):
                out.append(f"{got.metric!r}: change {got.change} instead of {want['change']}")
        return out


def compare_row(row: Mapping[str, Any]) -> RowResult:
    """The reader's changes for ``row["text"]`` paired with the expected ones by metric, in order."""
    # the labels count a line item's stated change; guidance is a control there (REAL.md), and
    # has its own table (tests/changes/test_guidance.py)
    found = tuple(c for c in read_changes(row["text"]) if c.kind is ChangeKind.METRIC)
    expected = tuple(row.get("changes") or ())
    left = list(found)
    pairs: list[tuple[Mapping[str, Any] | None, Change | None]] = []
    matched: list[Change | None] = [None] * len(expected)
    # the same words first (as written, then in any case), then one name inside the other, then a
    # shared content word: "earnings per share" pairs with the reader's "earnings per share" before
    # its "earnings"
    for same in (_identical, _same_words, _same_metric, _shared_word):
        for k, want in enumerate(expected):
            if matched[k] is None:
                match = next((c for c in left if same(want["metric"], c.metric)), None)
                if match is not None:
                    left.remove(match)
                    matched[k] = match
    pairs += list(zip(expected, matched, strict=True))
    pairs += [(None, c) for c in left]
    return RowResult(row["text"], found, expected, tuple(pairs))


@dataclass
class ReaderScore:
    """Precision and recall of the reader's good/bad verdicts over labelled rows."""

    stated: int = 0  # changes the reader called good or bad
    stated_right: int = 0  # … that an analyst calls the same
    expected: int = 0  # changes an analyst calls good or bad
    found_right: int = 0  # … that the reader found with that verdict
    rows: int = 0
    exact_rows: int = 0
    wrong: list[str] = field(default_factory=list)

    def add(self, result: RowResult) -> None:
        self.rows += 1
        self.exact_rows += not result.differences()
        for want, got in result.pairs:
            want_verdict = want.get("verdict") if want is not None else None
            got_verdict = got.verdict.value if got is not None else None
            if got_verdict in _DECIDED:
                self.stated += 1
                if got_verdict == want_verdict:
                    self.stated_right += 1
                else:
                    self.wrong.append(f"{result.text!r}: {got.metric!r} {got_verdict}, expected {want_verdict}")  # type: ignore[union-attr]
            if want_verdict in _DECIDED:
                self.expected += 1
                self.found_right += got_verdict == want_verdict

    @property
    def precision(self) -> float:
        return self.stated_right / self.stated if self.stated else 1.0

    @property
    def recall(self) -> float:
        return self.found_right / self.expected if self.expected else 1.0

    def to_dict(self) -> dict[str, Any]:
        return {
            "rows": self.rows,
            "rows_read_exactly": self.exact_rows,
            "verdicts_stated": self.stated,
            "verdict_precision": round(self.precision, 4),
            "verdicts_expected": self.expected,
            "verdict_recall": round(self.recall, 4),
        }


def score_rows(rows: Iterable[Mapping[str, Any]]) -> tuple[ReaderScore, list[RowResult]]:
    score = ReaderScore()
    results = []
    for row in rows:
        result = compare_row(row)
        score.add(result)
        results.append(result)
    return score, results


def describe_failures(results: Sequence[RowResult]) -> str:
    return "\n".join(f"{r.text}\n    " + "\n    ".join(r.differences()) for r in results if r.differences())


def score_by_polarity(rows: Iterable[Mapping[str, Any]]) -> dict[str, ReaderScore]:
    """`ReaderScore`s by item polarity ("up_good", "up_bad", "loss"; an extra change counts under
    the polarity the reader gave it) and over all rows ("all")."""
    scores: dict[str, ReaderScore] = {"all": ReaderScore()}
    for row in rows:
        result = compare_row(row)
        scores["all"].add(result)
        for want, got in result.pairs:
            polarity = (want or {}).get("polarity") or (got.polarity.value if got and got.polarity else "unknown")
            one = RowResult(result.text, result.found, (want,) if want else (), ((want, got),))
            scores.setdefault(polarity, ReaderScore()).add(one)
    return scores


#: The blind sample's polarity labels (tests/fixtures/changes/REAL.md) in the reader's words.
_BLIND_POLARITY = {"higher_is_better": "up_good", "lower_is_better": "up_bad"}
#: The blind sample's rows in draw order: the main draw, then the supplementary lower-is-better
#: draw (tests/fixtures/changes/REAL.md).
BLIND_MAIN_DRAW_ROWS = 545


def blind_rows(rows: Iterable[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """The blind real-text sample's rows with their polarity labels in the reader's words: a loss
    compared with a loss is "loss", a higher-is-better item "up_good", a lower-is-better one
    "up_bad" (null stays null)."""
    out = []
    for row in rows:
        changes = []
        for change in row.get("changes") or ():
            polarity = change.get("polarity")
            if change.get("direction") in ("loss_narrowed", "loss_widened"):
                polarity = "loss"
            changes.append({**change, "polarity": _BLIND_POLARITY.get(polarity, polarity)})
        out.append({**row, "changes": changes})
    return out
