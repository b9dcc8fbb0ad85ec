"""Which clause carries the news: each change marked main or conceded, and the sentence's net reading.

"Although the order backlog shrank slightly, operating margin reached 13.1 % versus 10.2 %" stands
on the margin; "Same-store sales rose 2.1 %, but gross margin contracted 340 basis points" stands on
the margin too. A change in a conceding clause is `Role.CONCEDED`:

- a clause opened by although / though / even though / despite / in spite of / notwithstanding /
  even with / albeit, or by (partly / partially) offset by, up to its comma or semicolon (or the
  sentence's end), and a sentence opened by while / whilst ("While revenue fell, …"; a later
  ", while" compares two facts and concedes neither);
- everything before but / yet / however / nevertheless / nonetheless / still, when a change
  stands on each side of it.

Every other change is `Role.MAIN`. `net_verdict` is the sentence's reading: the verdict its main
changes agree on, unknown when they disagree or state none.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import replace

from finlocal.changes.record import Change, Role, Verdict

__all__ = ["mark_roles", "net_verdict"]

_CONCEDING = re.compile(
    r"^\W*(?:while|whilst)\b|"  # "While revenue fell, …"; a later "…, while …" compares, it does not concede
    r"\b(?:although|though|even\s+though|despite|in\s+spite\s+of|notwithstanding|even\s+with|albeit|"
    r"(?:partly\s+|partially\s+|more\s+than\s+)?offset\s+by)\b",
    re.IGNORECASE,
)
_CLAUSE_END = re.compile(r"[,;]|\.\s")
_CONTRAST = re.compile(
    r"(?:[,;]\s*|\.\s+)(?:but|yet|however|nevertheless|nonetheless|still)\b|\s+but\s+", re.IGNORECASE
)
CUE = re.compile(
    r"although|though|despite|in spite|notwithstanding|even with|while|whilst|albeit|offset by|but|yet|however|"
    r"nevertheless|nonetheless|still",
    re.IGNORECASE,
)


def _conceded_spans(text: str, changes: Sequence[Change]) -> list[tuple[int, int]]:
    spans: list[tuple[int, int]] = []
    for m in _CONCEDING.finditer(text):
        end = _CLAUSE_END.search(text, m.end())
        spans.append((m.start(), end.start() if end is not None else len(text)))
    for m in _CONTRAST.finditer(text):
        before = [c for c in changes if c.metric_start < m.start()]
        after = [c for c in changes if c.metric_start >= m.end()]
        if before and after:
            spans.append((0, m.start()))
    return spans


def mark_roles(text: str, changes: tuple[Change, ...]) -> tuple[Change, ...]:
    """``changes`` with each one's role in ``text``: conceded inside a conceding clause, else main."""
    if len(changes) == 0 or CUE.search(text) is None:
        return changes
    spans = _conceded_spans(text, changes)
    if not spans:
        return changes
    return tuple(
        replace(c, role=Role.CONCEDED) if any(s <= c.metric_start < e for s, e in spans) else c for c in changes
    )


def net_verdict(changes: Sequence[Change]) -> Verdict:
    """The sentence's net reading: what its main changes' verdicts agree on (conceded ones left
    out), unknown when they disagree or none is stated."""
    verdicts = {c.verdict for c in changes if c.role is Role.MAIN and c.verdict is not Verdict.UNKNOWN}
    return verdicts.pop() if len(verdicts) == 1 else Verdict.UNKNOWN
