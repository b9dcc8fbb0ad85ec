"""The files passed between the training stages, as typed records: one contract each.

==============  ===================================================  ===========================
record          written by                                           read by
==============  ===================================================  ===========================
`GoldRow`       `finlocal.train.statements`, `.counterfactual`,      the student (``extra_files``)
                `.corpora` (TFNS, SEntFiN)
`TeacherRow`    ``finlocal train teach``, ``finlocal train label``   the student (``teacher_files``)
`EvidenceRow`   `finlocal.train.saliency`                            the student (``evidence_file``)
`FitInfo`       `finlocal.train.fit` (``final/fit.json``)            cv, teach, saliency, export
==============  ===================================================  ===========================

Each is a frozen dataclass whose ``to_dict``/``from_dict`` round-trip the JSON; ``from_dict``
checks what the reader relies on and raises `InputError` naming the file and line.

Probabilities are label → probability dicts. A teacher that never saw gold labels (an LLM) gives
``probs``; cross-validated fold models give ``probs_by_fold`` ("0" … "K-1", and "all", their
mean) with the `Partition.key` of their folds. Evidence is a list of character spans:
``[]`` is a supervised "no evidence", ``None`` is unannotated.
"""

from __future__ import annotations

import hashlib
import json
import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from finlocal.errors import InputError
from finlocal.jsonl import read_jsonl
from finlocal.predictions import LABELS, Span

Probs = dict[str, float]
FIT_INFO = "fit.json"  # a finished model directory's `FitInfo`
CV_TEACHER_PREFIX = "cv:"  # the id of a teacher made of cross-validation fold models


def describe_teacher(teacher: str) -> str:
    """What a teacher id in a training summary stands for, in words for a model card."""
    if teacher.startswith(CV_TEACHER_PREFIX):
        model, _, folds = teacher[len(CV_TEACHER_PREFIX) :].partition(":")
        return (
            f"soft labels (KL) of {model} fine-tuned by cross-validation (folds {folds}): each "
            "fold run of the student learns from the fold model that never saw its held-out "
            "rows, the final student from the mean of all fold models (finlocal train teach)"
        )
    return "soft labels (KL) and verbatim evidence of an LLM teacher (finlocal train label)"


def _probs(value: Any, where: str) -> Probs:
    try:
        probs = {label: float(value[label]) for label in LABELS}
    except (KeyError, TypeError, ValueError) as exc:
        raise InputError(f"{where}: probabilities must give a number for each of {list(LABELS)}") from exc
    if any(p < 0 or not math.isfinite(p) for p in probs.values()) or abs(sum(probs.values()) - 1) > 1e-3:
        raise InputError(f"{where}: probabilities {probs} are not a distribution")
    return probs


def _spans(value: Any, text: str, where: str) -> tuple[Span, ...] | None:
    if value is None:
        return None
    spans = []
    for ev in value:
        try:
            start, end = int(ev["start"]), int(ev["end"])
        except (KeyError, TypeError, ValueError) as exc:
            raise InputError(f"{where}: evidence {ev!r} needs integer start and end") from exc
        if not (0 <= start < end <= len(text)) or text[start:end] != ev.get("text", text[start:end]):
            raise InputError(f"{where}: evidence {ev!r} does not match the sentence's offsets")
        spans.append(Span(start, end, text[start:end]))
    return tuple(spans)


def _plain_spans(spans: tuple[Span, ...] | None) -> list[dict[str, Any]] | None:
    return None if spans is None else [{"start": s.start, "end": s.end, "text": s.text} for s in spans]


def _text(data: Mapping[str, Any], where: str) -> str:
    text = data.get("text")
    if not isinstance(text, str):
        raise InputError(f'{where}: expected a "text" string')
    return text


class FoldMismatch(InputError):
    """Per-fold annotations made for other folds than the run's."""


def _for_run(
    by_fold: Mapping[str, Any], partition: str | None, fold: str, run_partition: str | None, what: str, where: str
) -> Any:
    """The entry of ``by_fold`` for a run on ``fold`` ("k" or "all") of ``run_partition``."""
    if run_partition is not None and partition != run_partition:
        raise FoldMismatch(
            f"{where}: these {what} were made by the fold models of folds {partition!r}, but this "
            f"run uses folds {run_partition!r}; make the file from a cross-validation run with the "
            "same folds, repeat and fold_seed"
        )
    return by_fold.get(fold)


@dataclass(frozen=True)
class GoldRow:
    """A labelled sentence beyond FPB: a generated statement, a counterfactual edit, a tweet."""

    text: str
    label: str
    id: str | None = None
    evidence: tuple[Span, ...] | None = None
    weight: float = 1.0
    source_id: str | None = None  # the FPB row an edit was made from: it follows that row's fold
    source: str | None = None  # what made the row, e.g. "finlocal.train.statements"

    @classmethod
    def from_dict(cls, data: Mapping[str, Any], where: str = "gold row") -> GoldRow:
        text = _text(data, where)
        label = data.get("label")
        if label not in LABELS:
            raise InputError(f"{where}: label {label!r} is not one of {list(LABELS)}")
        return cls(
            text=text,
            label=label,
            id=None if data.get("id") is None else str(data["id"]),
            evidence=_spans(data.get("evidence"), text, where),
            weight=float(data.get("weight", 1.0)),
            source_id=None if data.get("source_id") is None else str(data["source_id"]),
            source=data.get("source"),
        )


@dataclass(frozen=True)
class TeacherRow:
    """One sentence of a teacher file: the teachers' soft labels (and evidence) for it."""

    text: str
    id: str | None = None
    probs: Probs | None = None
    probs_by_fold: dict[str, Probs] | None = None
    partition: str | None = None
    evidence: tuple[Span, ...] | None = None
    evidence_by_fold: dict[str, tuple[Span, ...] | None] | None = None  # a fold's None: not annotated
    teachers: tuple[str, ...] = ()
    # what `finlocal train label` adds about how the teachers were combined
    label: str | None = None
    rationale: str | None = None
    weights: dict[str, float] = field(default_factory=dict)
    agreement: float | None = None
    gold: str | None = None
    explained_by: str | None = None

    def to_dict(self) -> dict[str, Any]:
        """Every field (null when unknown); the per-fold fields only for cross-validated teachers."""
        out: dict[str, Any] = {} if self.id is None else {"id": self.id}
        out.update({"text": self.text, "label": self.label, "probs": self.probs})
        if self.probs_by_fold is not None:
            out["probs_by_fold"] = self.probs_by_fold
            out["partition"] = self.partition
        out["evidence"] = _plain_spans(self.evidence)
        if self.evidence_by_fold is not None:
            out["evidence_by_fold"] = {k: _plain_spans(v) for k, v in self.evidence_by_fold.items()}
        out.update(
            {
                "rationale": self.rationale,
                "teachers": list(self.teachers),
                "weights": self.weights,
                "agreement": self.agreement,
                "gold": self.gold,
                "explained_by": self.explained_by,
            }
        )
        return out

    def probs_for(self, fold: str, run_partition: str | None, where: str) -> Probs | None:
        """The probabilities a run on ``fold`` of ``run_partition`` learns: its fold model's (the
        one that never saw that fold), or the teacher's own when it never saw gold labels."""
        if self.probs_by_fold is None:
            return self.probs
        probs = _for_run(self.probs_by_fold, self.partition, fold, run_partition, "probabilities", where)
        if probs is None:
            raise InputError(f"{where}: no probabilities for fold {fold!r} (has {sorted(self.probs_by_fold)})")
        return probs

    def evidence_for(self, fold: str, run_partition: str | None, where: str) -> tuple[Span, ...] | None:
        if self.evidence_by_fold is None:
            return self.evidence
        return _for_run(self.evidence_by_fold, self.partition, fold, run_partition, "evidence", where)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any], where: str = "teacher row") -> TeacherRow:
        text = _text(data, where)
        by_fold = data.get("probs_by_fold")
        if by_fold is not None and not data.get("partition"):
            raise InputError(f"{where}: probs_by_fold without the partition key of its folds")
        ev_by_fold = data.get("evidence_by_fold")
        return cls(
            text=text,
            id=None if data.get("id") is None else str(data["id"]),
            probs=None if data.get("probs") is None else _probs(data["probs"], where),
            probs_by_fold=None if by_fold is None else {str(k): _probs(v, where) for k, v in by_fold.items()},
            partition=data.get("partition"),
            evidence=_spans(data.get("evidence"), text, where),
            evidence_by_fold=None
            if ev_by_fold is None
            else {str(k): _spans(v, text, where) for k, v in ev_by_fold.items()},
            teachers=tuple(str(t) for t in data.get("teachers") or ()),
            label=data.get("label"),
            rationale=data.get("rationale"),
            weights=dict(data.get("weights") or {}),
            agreement=data.get("agreement"),
            gold=data.get("gold"),
            explained_by=data.get("explained_by"),
        )


@dataclass(frozen=True)
class EvidenceRow:
    """One sentence of an evidence file: its evidence spans, per fold model or for every run."""

    text: str
    id: str | None = None
    label: str | None = None
    evidence: tuple[Span, ...] | None = None
    evidence_by_fold: dict[str, tuple[Span, ...] | None] | None = None  # a fold's None: not annotated
    partition: str | None = None
    source: str = "unknown"  # how the spans were found, e.g. "saliency:teacher-minilm"

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"id": self.id, "text": self.text, "label": self.label, "source": self.source}
        if self.evidence_by_fold is not None:
            out["partition"] = self.partition
            out["evidence_by_fold"] = {k: _plain_spans(v) for k, v in self.evidence_by_fold.items()}
        else:
            out["evidence"] = _plain_spans(self.evidence)
        return out

    def evidence_for(self, fold: str, run_partition: str | None, where: str) -> tuple[Span, ...] | None:
        """The spans a run on ``fold`` learns (None: this row is not annotated for that run)."""
        if self.evidence_by_fold is None:
            return self.evidence
        return _for_run(self.evidence_by_fold, self.partition, fold, run_partition, "evidence", where)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any], where: str = "evidence row") -> EvidenceRow:
        text = _text(data, where)
        ev_by_fold = data.get("evidence_by_fold")
        if ev_by_fold is not None and not data.get("partition"):
            raise InputError(f"{where}: evidence_by_fold without the partition key of its folds")
        return cls(
            text=text,
            id=None if data.get("id") is None else str(data["id"]),
            label=data.get("label"),
            evidence=_spans(data.get("evidence"), text, where),
            evidence_by_fold=None
            if ev_by_fold is None
            else {str(k): _spans(v, text, where) for k, v in ev_by_fold.items()},
            partition=data.get("partition"),
            source=str(data.get("source", "unknown")),
        )


@dataclass(frozen=True)
class FitInfo:
    """``final/fit.json``: what a finished training run was and what it measured."""

    config: dict[str, Any]  # FitConfig.to_dict()
    data: dict[str, Any]  # the rows' summary (`finlocal.train.rows.RowSet.summary`)
    epochs: int
    heldout: dict[str, Any] | None  # the held-out fold's metrics in a cross-validation fold run
    history: list[dict[str, float]]
    seconds: float
    threads: int
    device: str
    omp_wait_policy: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {name: getattr(self, name) for name in self.__dataclass_fields__}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any], where: str = "fit.json") -> FitInfo:
        missing = [k for k in ("config", "data", "epochs", "history", "seconds") if k not in data]
        if missing:
            raise InputError(f"{where}: not a finished training run's fit.json (missing {missing})")
        return cls(
            config=dict(data["config"]),
            data=dict(data["data"]),
            epochs=int(data["epochs"]),
            heldout=data.get("heldout"),
            history=list(data["history"]),
            seconds=float(data["seconds"]),
            threads=int(data.get("threads", 0)),
            device=str(data.get("device", "cpu")),
            omp_wait_policy=data.get("omp_wait_policy"),
        )


def read_fit_info(checkpoint: Path) -> FitInfo:
    """The `FitInfo` of a finished model directory (``OUTPUT/final``)."""
    path = Path(checkpoint) / FIT_INFO
    if not path.is_file():
        raise InputError(
            f"{checkpoint}: not a student checkpoint ({FIT_INFO} is missing); train one with 'finlocal train fit'"
        )
    return FitInfo.from_dict(json.loads(path.read_text(encoding="utf-8")), where=str(path))


def fit_digest(model_dir: Path) -> str:
    """A short sha256 of a finished model directory's ``fit.json`` and weights: a retrained
    model (even with the same config) gets another digest."""
    model_dir = Path(model_dir)
    digest = hashlib.sha256()
    for name in (FIT_INFO, "model.safetensors"):
        path = model_dir / name
        if not path.is_file():
            raise InputError(f"{model_dir}: {name} is missing; is it a finished 'finlocal train fit' model?")
        digest.update(f"{name}\n".encode())
        with path.open("rb") as fh:
            for block in iter(lambda: fh.read(1 << 20), b""):
                digest.update(block)
    return digest.hexdigest()[:12]


def read_gold_file(path: Path) -> list[tuple[str, GoldRow]]:
    """(``path:line``, row) for every row of a gold file."""
    return [(f"{path}:{lineno}", GoldRow.from_dict(row, f"{path}:{lineno}")) for lineno, row in read_jsonl(path)]


def read_teacher_file(path: Path) -> list[tuple[str, TeacherRow]]:
    """(``path:line``, row) for every row of a teacher file."""
    return [(f"{path}:{lineno}", TeacherRow.from_dict(row, f"{path}:{lineno}")) for lineno, row in read_jsonl(path)]


def read_evidence_file(path: Path) -> list[tuple[str, EvidenceRow]]:
    """(``path:line``, row) for every row of an evidence file."""
    return [(f"{path}:{lineno}", EvidenceRow.from_dict(row, f"{path}:{lineno}")) for lineno, row in read_jsonl(path)]
