"""Comparing two versions of a report: aligned sentences, tone change, new negative statements.

Alignment
---------
Sentences are compared as words (lower-cased words and punctuation marks). `difflib` first
finds the sentences that are the same in both versions (*matched*, in order); between two runs of
matched sentences, an A sentence and a B sentence are paired as *changed* when their word
similarity (`difflib.SequenceMatcher.ratio`, from 0 to 1) is at least the threshold, choosing the
in-order pairing with the highest total similarity. What is left is *removed* (only in A) or
*added* (only in B).

A *new negative statement* is a B sentence labelled negative whose A counterpart is missing
(added) or was not negative.
"""

from __future__ import annotations

import difflib
import enum
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from finlocal.changes import Change, ChangeKind
from finlocal.changes.describe import amount, change_text
from finlocal.output import markdown_cell
from finlocal.predictions import Classifier
from finlocal.scoring import NEGATIVE, SIDE_FIELDS, DocumentReport, SentenceResult, score_text

DEFAULT_THRESHOLD = 0.6
#: Pairs scored inside one block of differing sentences; bigger blocks use a diagonal band.
MAX_BLOCK_PAIRS = 250_000
_WORDS = re.compile(r"\w+|[^\w\s]")


class Status(str, enum.Enum):
    MATCHED = "matched"
    CHANGED = "changed"
    ADDED = "added"
    REMOVED = "removed"


@dataclass(frozen=True)
class Link:
    """One line of the alignment: indices into A and B (None on the side that lacks it)."""

    a: int | None
    b: int | None
    status: Status
    similarity: float


def _words(text: str) -> tuple[str, ...]:
    return tuple(_WORDS.findall(text.lower()))


def align(a: Sequence[str], b: Sequence[str], threshold: float = DEFAULT_THRESHOLD) -> list[Link]:
    """Align two sentence lists (see the module docstring); the links keep both orders."""
    if not 0.0 < threshold <= 1.0:
        raise ValueError(f"threshold must be in (0, 1], got {threshold}")
    a_words = [_words(s) for s in a]
    b_words = [_words(s) for s in b]
    links: list[Link] = []
    matcher = difflib.SequenceMatcher(None, a_words, b_words, autojunk=False)
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            links.extend(Link(i, j, Status.MATCHED, 1.0) for i, j in zip(range(i1, i2), range(j1, j2), strict=True))
        else:
            links.extend(_pair_block(a_words, b_words, i1, i2, j1, j2, threshold))
    return links


def _pair_block(
    a: list[tuple[str, ...]], b: list[tuple[str, ...]], i1: int, i2: int, j1: int, j2: int, threshold: float
) -> list[Link]:
    """The best in-order pairing of A[i1:i2] with B[j1:j2] (dynamic programming)."""
    m, n = i2 - i1, j2 - j1
    similar: dict[tuple[int, int], float] = {}
    band = None if m * n <= MAX_BLOCK_PAIRS else max(1, MAX_BLOCK_PAIRS // max(m, 1) // 2)
    matcher = difflib.SequenceMatcher(None, autojunk=False)
    for j in range(n):
        matcher.set_seq2(b[j1 + j])
        for i in range(m):
            if band is not None and abs(i * n / m - j) > band:
                continue
            matcher.set_seq1(a[i1 + i])
            if matcher.real_quick_ratio() < threshold or matcher.quick_ratio() < threshold:
                continue
            ratio = matcher.ratio()
            if ratio >= threshold:
                similar[(i, j)] = ratio
    # best[i][j]: the best total similarity pairing A[:i] with B[:j]
    best = [[0.0] * (n + 1) for _ in range(m + 1)]
    for i in range(1, m + 1):
        row, above = best[i], best[i - 1]
        for j in range(1, n + 1):
            value = max(above[j], row[j - 1])
            pair = similar.get((i - 1, j - 1))
            if pair is not None and above[j - 1] + pair > value:
                value = above[j - 1] + pair
            row[j] = value
    pairs: list[tuple[int, int]] = []
    i, j = m, n
    while i > 0 and j > 0:
        pair = similar.get((i - 1, j - 1))
        if pair is not None and best[i][j] == best[i - 1][j - 1] + pair:
            pairs.append((i - 1, j - 1))
            i, j = i - 1, j - 1
        elif best[i][j] == best[i - 1][j]:
            i -= 1
        else:
            j -= 1
    pairs.reverse()
    links: list[Link] = []
    next_a = next_b = 0
    for pi, pj in [*pairs, (m, n)]:
        links.extend(Link(i1 + i, None, Status.REMOVED, 0.0) for i in range(next_a, pi))
        links.extend(Link(None, j1 + j, Status.ADDED, 0.0) for j in range(next_b, pj))
        if (pi, pj) != (m, n):
            links.append(Link(i1 + pi, j1 + pj, Status.CHANGED, round(similar[(pi, pj)], 6)))
        next_a, next_b = pi + 1, pj + 1
    return links


@dataclass(frozen=True)
class AlignedPair:
    """A link with the scored sentences on each side."""

    status: Status
    a: SentenceResult | None
    b: SentenceResult | None
    similarity: float

    @property
    def label_changed(self) -> bool:
        return self.a is not None and self.b is not None and self.a.label != self.b.label

    @property
    def tone_change(self) -> float | None:
        if self.a is None or self.b is None:
            return None
        return self.b.tone - self.a.tone

    @property
    def new_negative(self) -> bool:
        return self.b is not None and self.b.label == NEGATIVE and (self.a is None or self.a.label != NEGATIVE)


@dataclass(frozen=True)
class Comparison:
    """Two scored versions of a report, aligned."""

    a: DocumentReport
    b: DocumentReport
    pairs: tuple[AlignedPair, ...]
    threshold: float

    @property
    def tone_change(self) -> float:
        return self.b.tone - self.a.tone

    def count(self, status: Status) -> int:
        return sum(1 for p in self.pairs if p.status is status)

    @property
    def label_changes(self) -> tuple[AlignedPair, ...]:
        return tuple(p for p in self.pairs if p.label_changed)

    @property
    def new_negative(self) -> tuple[AlignedPair, ...]:
        return tuple(p for p in self.pairs if p.new_negative)

    @property
    def metrics(self) -> tuple[MetricPair, ...]:
        """The metrics both versions state a figure for, in B's order (`finlocal.changes`)."""
        first_a = _first_changes(self.a)
        return tuple(
            MetricPair(key, first_a[key], stated)
            for key, stated in _first_changes(self.b).items()
            if key in first_a and (stated[1].now is not None or first_a[key][1].now is not None)
        )


@dataclass(frozen=True)
class MetricPair:
    """One metric as each version states it: "net sales" at €131 million in A, €140 million in B."""

    metric: str
    a: tuple[SentenceResult, Change]
    b: tuple[SentenceResult, Change]


def _metric_key(change: Change) -> str:
    """A metric's name as both versions are matched on it; guidance is a metric of its own ("eps
    guidance"), never paired with the stated figure."""
    key = " ".join(change.metric.lower().replace("the ", " ").split())
    return f"{key} guidance" if change.kind is ChangeKind.GUIDANCE else key


def _first_changes(report: DocumentReport) -> dict[str, tuple[SentenceResult, Change]]:
    """Each metric's first stated change in the report, by metric name."""
    out: dict[str, tuple[SentenceResult, Change]] = {}
    for r in report.sentences:
        for c in r.changes:
            out.setdefault(_metric_key(c), (r, c))
    return out


def _stated(change: Change) -> str:
    """A version's figure and its change: "€140 million (up 15 %, good)"."""
    return f"{amount(change, change.now)} ({change_text(change)}, {change.verdict.value})"


def compare_reports(a: DocumentReport, b: DocumentReport, threshold: float = DEFAULT_THRESHOLD) -> Comparison:
    """Align two scored documents (their reports must keep their sentences)."""
    links = align([s.text for s in a.sentences], [s.text for s in b.sentences], threshold)
    pairs = tuple(
        AlignedPair(
            link.status,
            a.sentences[link.a] if link.a is not None else None,
            b.sentences[link.b] if link.b is not None else None,
            link.similarity,
        )
        for link in links
    )
    return Comparison(a, b, pairs, threshold)


def compare_texts(
    a_text: str,
    b_text: str,
    classifier: Classifier,
    *,
    a_source: str = "A",
    b_source: str = "B",
    threshold: float = DEFAULT_THRESHOLD,
    batch_size: int = 32,
) -> Comparison:
    """Score both texts and compare them."""
    a = score_text(a_text, classifier, source=a_source, batch_size=batch_size)
    b = score_text(b_text, classifier, source=b_source, batch_size=batch_size)
    return compare_reports(a, b, threshold)


# ---------------------------------------------------------------------------------------------
# word-level differences of a changed sentence


class Piece(str, enum.Enum):
    SAME = "same"
    DELETED = "deleted"
    INSERTED = "inserted"


def word_diff(a: str, b: str) -> list[tuple[Piece, str]]:
    """The pieces that turn ``a`` into ``b``, word by word (whitespace kept with its word)."""
    a_tokens = re.findall(r"\S+\s*", a)
    b_tokens = re.findall(r"\S+\s*", b)
    matcher = difflib.SequenceMatcher(
        None, [t.strip() for t in a_tokens], [t.strip() for t in b_tokens], autojunk=False
    )
    pieces: list[tuple[Piece, str]] = []
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            pieces.append((Piece.SAME, "".join(b_tokens[j1:j2])))
            continue
        if i2 > i1:
            pieces.append((Piece.DELETED, "".join(a_tokens[i1:i2])))
        if j2 > j1:
            pieces.append((Piece.INSERTED, "".join(b_tokens[j1:j2])))
    return pieces


# ---------------------------------------------------------------------------------------------
# output


def _side(result: SentenceResult | None) -> dict[str, Any] | None:
    return None if result is None else result.to_row(SIDE_FIELDS)


def _document(report: DocumentReport) -> dict[str, Any]:
    return {
        "source": report.source,
        "sentences": report.n_sentences,
        "label": report.label,
        "counts": dict(report.counts),
        "tone": round(report.tone, 6),
    }


def comparison_rows(c: Comparison) -> Iterator[dict[str, Any]]:
    """JSONL rows: one ``summary`` row, then one ``sentence`` row per aligned line, in order."""
    yield {
        "kind": "summary",
        "a": _document(c.a),
        "b": _document(c.b),
        "tone_change": round(c.tone_change, 6),
        "aligned": {s.value: c.count(s) for s in Status},
        "label_changes": len(c.label_changes),
        "new_negative": len(c.new_negative),
        "threshold": c.threshold,
        "metrics": [
            {
                "metric": m.metric,
                "a": {**m.a[1].to_dict(), "index": m.a[0].index},
                "b": {**m.b[1].to_dict(), "index": m.b[0].index},
            }
            for m in c.metrics
        ],
    }
    for p in c.pairs:
        change = p.tone_change
        yield {
            "kind": "sentence",
            "status": p.status.value,
            "similarity": p.similarity,
            "a": _side(p.a),
            "b": _side(p.b),
            "label_changed": p.label_changed,
            "tone_change": None if change is None else round(change, 6),
            "new_negative": p.new_negative,
        }


def _md_diff(a: str, b: str) -> str:
    marks = {Piece.SAME: "{}", Piece.DELETED: "~~{}~~", Piece.INSERTED: "**{}**"}
    out = []
    for piece, text in word_diff(a, b):
        stripped = text.rstrip()
        out.append(marks[piece].format(markdown_cell(stripped)) + text[len(stripped) :] if stripped else text)
    return "".join(out).strip()


def comparison_markdown(c: Comparison) -> str:
    """A Markdown report: the documents side by side, label changes, new negatives, changes."""
    labels = list(dict.fromkeys([*c.a.labels, *c.b.labels]))
    lines = [
        f"# {markdown_cell(c.a.source)} → {markdown_cell(c.b.source)}",
        "",
        "| | A | B | change |",
        "|---|---:|---:|---:|",
        f"| sentences | {c.a.n_sentences} | {c.b.n_sentences} | {c.b.n_sentences - c.a.n_sentences:+d} |",
    ]
    for name in labels:
        x, y = c.a.counts.get(name, 0), c.b.counts.get(name, 0)
        lines.append(f"| {name} | {x} | {y} | {y - x:+d} |")
    lines += [
        f"| tone index | {c.a.tone:+.3f} | {c.b.tone:+.3f} | {c.tone_change:+.3f} |",
        "",
        f"Aligned: {c.count(Status.MATCHED)} matched, {c.count(Status.CHANGED)} changed, "
        f"{c.count(Status.ADDED)} added, {c.count(Status.REMOVED)} removed "
        f"(changed: word similarity ≥ {c.threshold:g}).",
        "",
    ]
    metrics = c.metrics
    lines += [f"## Metrics both versions state ({len(metrics)})", ""]
    if metrics:
        lines += ["| metric | A | B |", "|---|---|---|"]
        lines += [
            f"| {markdown_cell(m.a[1].metric)} | {markdown_cell(_stated(m.a[1]))} (A #{m.a[0].index}) | "
            f"{markdown_cell(_stated(m.b[1]))} (B #{m.b[0].index}) |"
            for m in metrics
        ]
    else:
        lines.append("None.")
    lines += [
        "",
        f"## Sentences whose label changed ({len(c.label_changes)})",
        "",
    ]
    if c.label_changes:
        lines += ["| A # | B # | label | tone change | sentence (A → B) |", "|---:|---:|---|---:|---|"]
        for p in c.label_changes:
            assert p.a is not None and p.b is not None
            text = markdown_cell(p.b.text) if p.status is Status.MATCHED else _md_diff(p.a.text, p.b.text)
            lines.append(f"| {p.a.index} | {p.b.index} | {p.a.label} → {p.b.label} | {p.tone_change:+.3f} | {text} |")
    else:
        lines.append("None.")
    lines += ["", f"## New negative statements ({len(c.new_negative)})", ""]
    for p in c.new_negative:
        assert p.b is not None
        where = "added" if p.a is None else f"was {p.a.label} at A #{p.a.index}"
        evidence = ", ".join(f"“{markdown_cell(s.text)}”" for s in p.b.evidence)
        lines.append(
            f"- B #{p.b.index} ({where}, P(negative) {p.b.scores.get(NEGATIVE, 0):.2f}): "
            f"{markdown_cell(p.b.text)}" + (f" — evidence: {evidence}" if evidence else "")
        )
    if not c.new_negative:
        lines.append("None.")
    changed = [p for p in c.pairs if p.status is Status.CHANGED]
    lines += ["", f"## Changed sentences ({len(changed)})", ""]
    for p in changed:
        assert p.a is not None and p.b is not None
        lines.append(
            f"- A #{p.a.index} → B #{p.b.index} (similarity {p.similarity:.2f}, "
            f"{p.a.label} → {p.b.label}): {_md_diff(p.a.text, p.b.text)}"
        )
    if not changed:
        lines.append("None.")
    for status, title, side in ((Status.ADDED, "Added sentences", "b"), (Status.REMOVED, "Removed sentences", "a")):
        chosen = [p for p in c.pairs if p.status is status]
        lines += ["", f"## {title} ({len(chosen)})", ""]
        for p in chosen:
            r = getattr(p, side)
            lines.append(f"- {side.upper()} #{r.index} ({r.label}): {markdown_cell(r.text)}")
        if not chosen:
            lines.append("None.")
    return "\n".join(lines) + "\n"
