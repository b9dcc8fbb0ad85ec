"""What one training run learns from: gold rows, extra gold rows, teachers' soft labels, evidence.

`build_rows` assembles them for a `FitConfig`:

- **FPB gold rows** — every row of the training portion, minus the held-out fold when the run is
  a cross-validation fold (`finlocal.train.folds`).
- **Extra gold rows** (``extra_files``) — generated direction statements, counterfactual edits,
  other labelled sets. An edit made from an FPB sentence (``source_id``) follows that sentence's
  fold, and no extra row may repeat a held-out text.
- **Labelled sets of their own** (``fold_files``, a subset of ``extra_files``: tweets, headlines)
  — in a fold run their rows are dealt into the same K folds as FPB's (`fold_file_partition`);
  the run trains on the other folds' rows and scores its own (``RowSet.heldout_extra``), so the
  recipe gets a cross-validated figure on each set beside FPB's.
- **Teachers' soft labels** (``teacher_files``) — averaged per sentence over files. A file made
  from cross-validation fold models (``probs_by_fold``, 'finlocal train teach') gives fold k's
  run the probabilities of the teacher model that never saw fold k, and the final run the mean
  over all fold models; a file from a teacher that never saw gold labels (an LLM: ``probs``)
  gives every run the same probabilities. A sentence that is not a gold row becomes a **transfer
  row**, taught by the teachers alone.
- **Evidence** (``evidence_file`` or the teachers' verbatim evidence): character spans per
  sentence; ``[]`` is a supervised "no evidence", a missing annotation is masked.

Nothing held out is ever learnt from: not its label, its text, its edits, nor a teacher's
probabilities for it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from finlocal.errors import InputError
from finlocal.predictions import LABELS, Span
from finlocal.train.config import EvidenceSource, FitConfig
from finlocal.train.data import Example, load_fpb
from finlocal.train.folds import ALL, Partition, match_key, partition
from finlocal.train.records import describe_teacher, read_evidence_file, read_gold_file, read_teacher_file

Spans = tuple[tuple[int, int], ...]


@dataclass(frozen=True)
class TrainRow:
    """One training sentence with whatever supervision it has."""

    text: str
    label: int | None  # index into LABELS; None for a transfer row
    teacher_probs: tuple[float, ...] | None = None
    evidence: Spans | None = None  # None: not annotated (masked)
    weight: float = 1.0
    source: str = "fpb"


@dataclass(frozen=True)
class RowSet:
    """The rows of one run."""

    train: list[TrainRow]
    heldout: list[Example]  # the held-out fold when cross-validating, else empty
    partition: Partition | None
    summary: dict[str, Any]  # where every kind of supervision came from (fit.json, the manifest)
    # the held-out fold's rows of the fold files (``fold_files``), by source (the file's stem)
    heldout_extra: dict[str, list[Example]] = field(default_factory=dict)


def fold_file_examples(paths: Sequence[Path]) -> dict[str, list[Example]]:
    """The rows of the fold files as examples, by source (the file's stem). A row needs an id
    (its line when it has none); a row made from an FPB sentence (``source_id``) follows that
    sentence's fold and cannot be dealt into folds of its own."""
    out: dict[str, list[Example]] = {}
    for path in paths:
        name = Path(path).stem
        if name in out:
            raise InputError(f"fold_files: two files named {name!r}; their rows would be reported as one source")
        examples = []
        for where, row in read_gold_file(Path(path)):
            if row.source_id is not None:
                raise InputError(
                    f"{where}: a row made from FPB row {row.source_id!r} follows that row's fold; "
                    "list its file in extra_files only, not in fold_files"
                )
            examples.append(Example(id=row.id or f"{name}-{where.rsplit(':', 1)[1]}", text=row.text, label=row.label))
        out[name] = examples
    return out


def fold_file_partition(by_source: dict[str, list[Example]], config: FitConfig) -> Partition:
    """The folds of the fold files' rows: all files dealt together (a text two files share stays
    in one fold), stratified by label, with the folds, repeat and seed of FPB's partition."""
    rows = [ex for examples in by_source.values() for ex in examples]
    ids = [ex.id for ex in rows]
    if len(set(ids)) != len(ids):
        raise InputError(f"fold_files {[str(p) for p in config.fold_files]}: row ids repeat; give every row its own id")
    return partition(rows, config.folds, repeat=config.repeat, seed=config.fold_seed)


def _fold_key(config: FitConfig) -> str:
    return str(config.fold) if config.folds else ALL


def _pairs(spans: tuple[Span, ...] | None) -> Spans | None:
    return None if spans is None else tuple((s.start, s.end) for s in spans)


@dataclass(frozen=True)
class _Holdout:
    """What a fold run must not learn from: the held-out rows' ids and texts (letters and digits
    only, so a re-punctuated copy is caught too)."""

    ids: set[str]
    banned: set[str]

    def excludes(self, text: str, *ids: str | None) -> bool:
        return any(i in self.ids for i in ids) or match_key(text) in self.banned


@dataclass
class _Teaching:
    """The teachers' supervision of this run, by sentence text."""

    probs: dict[str, tuple[float, ...]]  # averaged over the files that give probabilities
    evidence: dict[str, Spans]  # verbatim evidence (used with ``evidence = "teachers"``)
    teachers_of: dict[str, set[str]]  # the teachers of each sentence they gave anything for
    skipped_heldout: int


def build_rows(config: FitConfig) -> RowSet:
    """The training rows of ``config``'s run, its held-out fold and a summary."""
    examples = load_fpb(config.fpb_path)
    if config.limit_train:
        examples = examples[: config.limit_train]
    part = partition(examples, config.folds, repeat=config.repeat, seed=config.fold_seed) if config.folds else None
    heldout_ids = part.heldout_ids(config.fold) if part else set()
    heldout = [ex for ex in examples if ex.id in heldout_ids]
    heldout_extra: dict[str, list[Example]] = {}
    extra_key = None
    if config.folds and config.fold_files:
        by_source = fold_file_examples(config.fold_files)
        extra_part = fold_file_partition(by_source, config)
        extra_key = extra_part.key
        extra_ids = extra_part.heldout_ids(config.fold)
        heldout_extra = {name: [ex for ex in rows if ex.id in extra_ids] for name, rows in by_source.items()}
    extra_heldout = [ex for rows in heldout_extra.values() for ex in rows]
    holdout = _Holdout(
        heldout_ids | {ex.id for ex in extra_heldout}, {match_key(ex.text) for ex in [*heldout, *extra_heldout]}
    )
    run = (_fold_key(config), part.key if part else None)

    counts: dict[str, int] = {}
    evidence_methods: set[str] = set()
    # an FPB row that repeats a held-out tweet or headline is held back too
    extra_banned = {match_key(ex.text) for ex in extra_heldout}
    gold = [ex for ex in examples if ex.id not in heldout_ids and match_key(ex.text) not in extra_banned]
    rows = _gold_rows(gold, config, counts)
    skipped_extra = _add_extra_rows(rows, config, holdout, counts, evidence_methods)
    teaching = _read_teachers(config, holdout, run)
    if config.evidence is EvidenceSource.TEACHERS:
        evidence_of = teaching.evidence
    else:
        evidence_of = _read_file_evidence(config, holdout, bool(heldout), run, evidence_methods)
    train, transfer, teacher_ids = _assemble(rows, teaching, evidence_of, config)

    summary = {
        "source": str(config.fpb_path),
        "partition": part.key if part else None,
        "folds": config.folds,
        "fold": config.fold if config.folds else None,
        "repeat": config.repeat,
        "train_rows": len(train),
        "heldout_rows": len(heldout),
        "fold_files_partition": extra_key,
        "heldout_extra_rows": {name: len(rows) for name, rows in heldout_extra.items()},
        "rows_by_source": {**counts, "transfer": transfer},
        "skipped_as_heldout": skipped_extra + teaching.skipped_heldout,
        "rows_with_teacher_probs": sum(r.teacher_probs is not None for r in train),
        "rows_with_evidence": sum(r.evidence is not None for r in train),
        "evidence_source": config.evidence.value,
        "evidence_file": str(config.evidence_file) if config.evidence_file else None,
        "evidence_method": _evidence_method(config, evidence_methods),
        "extra_files": [str(p) for p in config.extra_files],
        "teacher_files": [str(p) for p in config.teacher_files],
        "teachers": sorted(teacher_ids),
        "teacher_roles": {t: describe_teacher(t) for t in sorted(teacher_ids)},
        "label_counts": {label: sum(r.label == i for r in train) for i, label in enumerate(LABELS)},
    }
    return RowSet(train=train, heldout=heldout, partition=part, summary=summary, heldout_extra=heldout_extra)


def _gold_rows(gold: list[Example], config: FitConfig, counts: dict[str, int]) -> dict[str, TrainRow]:
    """The FPB rows not held out, by text: the first occurrence wins, later ones are duplicates."""
    rows: dict[str, TrainRow] = {}
    counts["fpb"] = 0
    for ex in gold:
        if ex.text not in rows:
            weight = float(ex.agreement) / 100.0 if config.agreement_weighting and ex.agreement else 1.0
            rows[ex.text] = TrainRow(ex.text, LABELS.index(ex.label), weight=weight)
            counts["fpb"] += 1
    return rows


def _add_extra_rows(
    rows: dict[str, TrainRow], config: FitConfig, holdout: _Holdout, counts: dict[str, int], evidence_methods: set[str]
) -> int:
    """Add the extra gold files' rows not held out and not already there; how many were held out."""
    skipped = 0
    for index, path in enumerate(config.extra_files):
        name = Path(path).stem
        counts[name] = 0
        for _where, gold_row in read_gold_file(path):
            text = gold_row.text
            if holdout.excludes(text, gold_row.source_id, gold_row.id):
                skipped += 1
                continue
            if text in rows:
                continue
            if gold_row.evidence is not None:
                evidence_methods.add(gold_row.source or name)
            rows[text] = TrainRow(
                text,
                LABELS.index(gold_row.label),
                evidence=_pairs(gold_row.evidence),
                weight=config.extra_weight(index) * gold_row.weight,
                source=name,
            )
            counts[name] += 1
    return skipped


def _read_teachers(config: FitConfig, holdout: _Holdout, run: tuple[str, str | None]) -> _Teaching:
    """The teacher files' probabilities (averaged per sentence) and evidence for this run."""
    total: dict[str, np.ndarray] = {}
    n: dict[str, int] = {}
    teaching = _Teaching({}, {}, {}, 0)
    for path in config.teacher_files:
        for where, teacher_row in read_teacher_file(path):
            text = teacher_row.text
            if holdout.excludes(text, teacher_row.id):
                teaching.skipped_heldout += 1
                continue
            probs = teacher_row.probs_for(*run, where)
            if probs is not None:
                total[text] = total.get(text, 0.0) + np.array([probs[label] for label in LABELS])
                n[text] = n.get(text, 0) + 1
            spans = _pairs(teacher_row.evidence_for(*run, where))
            if config.evidence is EvidenceSource.TEACHERS and spans is not None:
                teaching.evidence[text] = spans
            if probs is not None or spans is not None:
                teaching.teachers_of[text] = teaching.teachers_of.get(text, set()) | set(teacher_row.teachers)
    teaching.probs = {t: tuple(float(p) for p in total[t] / n[t]) for t in total}
    return teaching


def _read_file_evidence(
    config: FitConfig, holdout: _Holdout, fold_run: bool, run: tuple[str, str | None], evidence_methods: set[str]
) -> dict[str, Spans]:
    """The evidence file's spans for this run (``evidence = "file"``), by text."""
    found: dict[str, Spans] = {}
    if config.evidence is not EvidenceSource.FILE or config.evidence_file is None:
        return found
    for where, evidence_row in read_evidence_file(config.evidence_file):
        if holdout.excludes(evidence_row.text, evidence_row.id):
            continue
        if fold_run and evidence_row.source.startswith("model:"):
            raise InputError(
                f"{where}: evidence marked by a trained model ({evidence_row.source}) that saw every row; "
                "a cross-validation fold run must not learn from it (its held-out rows were in that "
                "model's training data). Use it for the run on every row only, or use the saliency "
                "of the cross-validated teacher (python -m finlocal.train.saliency)"
            )
        evidence_methods.add(evidence_row.source)
        spans = _pairs(evidence_row.evidence_for(*run, where))
        if spans is not None:
            found[evidence_row.text] = spans
    return found


def _assemble(
    rows: dict[str, TrainRow], teaching: _Teaching, evidence_of: dict[str, Spans], config: FitConfig
) -> tuple[list[TrainRow], int, set[str]]:
    """The gold rows with their soft labels and evidence, then the transfer rows (sentences only
    the teachers label); the number of transfer rows; the teachers some row really learns from."""
    use_teachers = config.teacher_weight > 0
    with_evidence = config.evidence is not EvidenceSource.NONE
    teacher_ids: set[str] = set()

    def taught(text: str, probs: tuple[float, ...] | None, evidence: Spans | None, own: Spans | None) -> None:
        evidence_from_teachers = config.evidence is EvidenceSource.TEACHERS and own is None and evidence is not None
        if probs is not None or evidence_from_teachers:
            teacher_ids.update(teaching.teachers_of.get(text, ()))

    train: list[TrainRow] = []
    for text, row in rows.items():
        soft = teaching.probs.get(text) if use_teachers else None
        evidence = (row.evidence if row.evidence is not None else evidence_of.get(text)) if with_evidence else None
        train.append(TrainRow(text, row.label, soft, evidence, row.weight, row.source))
        taught(text, soft, evidence, row.evidence)
    transfer = 0
    if use_teachers:
        for text, soft_probs in teaching.probs.items():
            if text not in rows:
                evidence = evidence_of.get(text) if with_evidence else None
                train.append(TrainRow(text, None, soft_probs, evidence, source="transfer"))
                taught(text, soft_probs, evidence, None)
                transfer += 1
    return train, transfer, teacher_ids


_METHODS = {
    "saliency": "gradient × input saliency of cross-validation fold models (finlocal.train.saliency)",
    "finlocal.train.statements": "the item and movement words of generated statements",
    "finlocal.train.counterfactual": "the item and movement words of counterfactual edits",
    "teachers": "verbatim evidence quoted by the teachers",
}


def _evidence_method(config: FitConfig, sources: set[str]) -> str | None:
    """Where the evidence targets came from, in words (for the model card)."""
    if config.evidence is EvidenceSource.NONE:
        return None
    if config.evidence is EvidenceSource.TEACHERS:
        sources = {*sources, "teachers"}
    described = sorted({_METHODS.get(s.split(":", 1)[0], s) for s in sources})
    return "; ".join(described) or None
