"""Evaluating a classifier on labelled sentences; metrics computed with numpy only.

`classification_metrics` is a pure function shared with training and export (no sklearn in the
runtime). Labelled data is JSONL with ``text``, ``label`` and optionally ``agreement`` (the format
of the Financial PhraseBank training split used here) or Financial PhraseBank's raw
``sentence@label`` files (latin-1), whose agreement level is read from the file name
(``Sentences_AllAgree.txt`` -> ``100``, ``Sentences_75Agree.txt`` -> ``75``).

Each row is scored whole by default (`SplitMode.NONE`). With sentences or lines, a row's text is
split as ``finlocal score --split`` would split it, every item is scored, and the row's predicted
label is the one ``finlocal score --per document`` gives that text: the most frequent item label,
ties going to the earlier label in the model's order.
"""

from __future__ import annotations

import codecs
import re
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from finlocal.errors import InputError
from finlocal.jsonl import read_jsonl
from finlocal.metrics import ClassificationMetrics, classification_metrics
from finlocal.predictions import Classifier
from finlocal.splitting import split_text
from finlocal.structure import SplitMode


@dataclass(frozen=True)
class LabelledText:
    text: str
    label: str
    agreement: str | None = None
    category: str | None = None  # e.g. the direction challenge set's "bad_up", "loss_narrow"


@dataclass(frozen=True)
class EvalReport:
    """The result of `evaluate`: overall metrics, breakdowns by agreement and category, speed."""

    metrics: ClassificationMetrics
    by_agreement: dict[str, ClassificationMetrics]
    seconds: float
    model: str = ""
    by_category: dict[str, ClassificationMetrics] = field(default_factory=dict)

    @property
    def n(self) -> int:
        return self.metrics.n

    @property
    def sentences_per_s(self) -> float:
        return self.n / self.seconds if self.seconds > 0 else 0.0

    def to_dict(self) -> dict[str, Any]:
        data = self.metrics.to_dict()
        data["sentences_per_s"] = round(self.sentences_per_s, 2)
        data["seconds"] = round(self.seconds, 3)
        data["model"] = self.model
        data["by_agreement"] = {k: v.to_dict() for k, v in self.by_agreement.items()}
        data["by_category"] = {k: v.to_dict() for k, v in self.by_category.items()}
        return data


_LABEL_ALIASES = {"pos": "positive", "neg": "negative", "neu": "neutral"}
# Lines end at \n, \r\n or \r only: str.splitlines would also cut at U+0085 and U+2028, which
# a JSON string may hold unescaped and which latin-1 makes of the byte 0x85.
_LINE_BREAK = re.compile(r"\r\n?|\n")
_AGREEMENT_IN_NAME = re.compile(r"(All|\d{2})Agree", re.IGNORECASE)


def _label(raw: object, where: str) -> str:
    if not isinstance(raw, str) or not raw.strip():
        raise InputError(f"{where}: 'label' must be a non-empty string, found {raw!r}")
    label = raw.strip().lower()
    return _LABEL_ALIASES.get(label, label)


def _labelled_rows(path: Path) -> list[LabelledText]:
    rows = []
    for number, data in read_jsonl(path, required=("text", "label")):
        where = f"{path}:{number}"
        if not isinstance(data["text"], str):
            raise InputError(f"{where}: 'text' must be a string, found {data['text']!r}")
        agreement, category = data.get("agreement"), data.get("category")
        rows.append(
            LabelledText(
                data["text"],
                _label(data.get("label"), where),
                None if agreement is None else str(agreement),
                None if category is None else str(category),
            )
        )
    return rows


def _read_fpb(path: Path, text: str) -> list[LabelledText]:
    match = _AGREEMENT_IN_NAME.search(path.name)
    agreement = None if match is None else ("100" if match.group(1).lower() == "all" else match.group(1))
    rows = []
    for number, line in enumerate(_LINE_BREAK.split(text), 1):
        if not line.strip():
            continue
        if "@" not in line:
            raise InputError(f"{path}:{number}: expected 'sentence@label', found {line[:60]!r}")
        sentence, label = line.rsplit("@", 1)
        rows.append(LabelledText(sentence.strip(), _label(label, f"{path}:{number}"), agreement))
    return rows


def read_labelled(path: Path) -> list[LabelledText]:
    """Read labelled sentences: JSONL (``text``, ``label``[, ``agreement``, ``category``]) or FPB
    ``sentence@label``."""
    path = Path(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise InputError(f"{path}: cannot read ({exc.strerror or exc})") from exc
    if data.removeprefix(codecs.BOM_UTF8).lstrip().startswith(b"{"):
        rows = _labelled_rows(path)
    else:
        rows = _read_fpb(path, data.decode("latin-1"))  # FPB's raw files are latin-1
    if not rows:
        raise InputError(f"{path}: no labelled rows")
    return rows


def predict_labels(
    classifier: Classifier, texts: Sequence[str], *, split: SplitMode = SplitMode.NONE, batch_size: int = 32
) -> list[str]:
    """One predicted label per text: the text scored whole, or its items scored and the most
    frequent label taken (ties: the earlier label in the model's order); a text with no item
    (blank) is scored whole."""
    if split is SplitMode.NONE:
        return [p.label for p in classifier.predict(list(texts), batch_size=batch_size)]
    items: list[list[str]] = [[s.text for s in split_text(t, split)] or [t] for t in texts]
    flat = [item for row in items for item in row]
    predicted = iter(classifier.predict(flat, batch_size=batch_size))
    labels = tuple(classifier.labels)
    out = []
    for row in items:
        counts = dict.fromkeys(labels, 0)
        for _ in row:
            counts[next(predicted).label] += 1
        out.append(_most_frequent(counts, labels))
    return out


def _most_frequent(counts: dict[str, int], labels: tuple[str, ...]) -> str:
    """The label with the highest count; ties go to the earlier label (as `DocumentReport.label`)."""
    return max(labels, key=lambda name: (counts[name], -labels.index(name)))


def evaluate(
    classifier: Classifier,
    rows: Sequence[LabelledText],
    *,
    batch_size: int = 32,
    model: str = "",
    split: SplitMode = SplitMode.NONE,
) -> EvalReport:
    """Predict every row (whole, or by its items: ``split``) and compare with its label."""
    labels = tuple(classifier.labels)
    unknown = sorted({r.label for r in rows} - set(labels))
    if unknown:
        raise InputError(f"the data has label(s) {unknown} that the model does not know ({list(labels)})")
    t0 = time.perf_counter()
    pred = predict_labels(classifier, [r.text for r in rows], split=split, batch_size=batch_size)
    seconds = time.perf_counter() - t0
    gold = [r.label for r in rows]

    def breakdown(
        key: Callable[[LabelledText], str | None], order: Callable[[str], Any]
    ) -> dict[str, ClassificationMetrics]:
        groups = sorted({k for r in rows if (k := key(r)) is not None}, key=order)
        return {
            g: classification_metrics(
                [gold[i] for i, r in enumerate(rows) if key(r) == g],
                [pred[i] for i, r in enumerate(rows) if key(r) == g],
                labels,
            )
            for g in groups
        }

    return EvalReport(
        classification_metrics(gold, pred, labels),
        breakdown(lambda r: r.agreement, _agreement_key),
        seconds,
        model,
        by_category=breakdown(lambda r: r.category, lambda c: c),
    )


def _agreement_key(level: str) -> tuple[float, str]:
    try:
        return (-float(level.rstrip("%")), level)
    except ValueError:
        return (0.0, level)
