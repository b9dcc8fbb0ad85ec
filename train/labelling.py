"""The labelling pipeline: input sentences -> each teacher -> the store -> combined training rows.

Outputs in ``out_dir`` (the contract the student reads):

- ``judgements.db``: the resumable SQLite store;
- ``judgements.jsonl``: every stored judgement of the run's teachers, ok and rejected;
- ``combined.jsonl``: one row per sentence with a usable label (a `TeacherRow`, see `finlocal.train.combine`);
- ``report.json``: counts, rejection reasons, agreement statistics, tokens and cost.
"""

from __future__ import annotations

import csv
import json
import logging
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from enum import Enum
from pathlib import Path
from typing import Any

from finlocal.errors import InputError
from finlocal.file_types import FileType, file_type
from finlocal.jsonl import read_jsonl, write_jsonl
from finlocal.predictions import LABELS
from finlocal.progress import Column, StderrProgress
from finlocal.train.combine import Vote, agreement_stats, batch_calibrate, combine
from finlocal.train.judgement import Judgement, sentence_hash
from finlocal.train.records import TeacherRow
from finlocal.train.store import JudgementStore
from finlocal.train.teachers.base import BatchTeacher, Teacher, TeacherStopped

log = logging.getLogger(__name__)

STORE_NAME = "judgements.db"


class LabelSource(str, Enum):
    """How a labelling input is read: rows of a JSONL or CSV file, one sentence a line, or a
    document split into sentences (``auto``: by the file's suffix, else a document)."""

    AUTO = "auto"
    JSONL = "jsonl"
    CSV = "csv"
    LINES = "lines"
    DOCUMENT = "document"


#: How each file type (`finlocal.file_types`) is read; any other file is a document.
_TYPE_SOURCES = {FileType.JSONL: LabelSource.JSONL, FileType.CSV: LabelSource.CSV, FileType.TEXT: LabelSource.LINES}


@dataclass(frozen=True)
class InputRow:
    """One sentence to label; ``gold`` is its label when the input has one."""

    text: str
    gold: str | None = None


def _gold(value: object) -> str | None:
    if isinstance(value, str) and value.strip().lower() in LABELS:
        return value.strip().lower()
    return None


def read_inputs(
    path: Path,
    fmt: LabelSource = LabelSource.AUTO,
    *,
    text_column: str = "text",
    label_column: str = "label",
) -> list[InputRow]:
    """Read sentences from JSONL or CSV (a text column, optional gold label column), plain text
    with one sentence a line, or a document (text, Markdown, HTML, PDF) split into sentences by
    the runtime's splitter. Duplicate sentences are kept once (the first gold label wins)."""
    path = Path(path)
    if not path.is_file():
        raise InputError(f"{path}: no such file. Pass a JSONL, CSV, text or document file.")
    if fmt is LabelSource.AUTO:
        kind = file_type(path)
        fmt = LabelSource.DOCUMENT if kind is None else _TYPE_SOURCES.get(kind, LabelSource.DOCUMENT)
    rows: list[InputRow] = []
    if fmt is LabelSource.JSONL:
        for lineno, record in read_jsonl(path):
            if text_column not in record:
                raise InputError(
                    f"{path}:{lineno}: the object has no {text_column!r} field; choose the field with --text-column"
                )
            rows.append(InputRow(str(record[text_column]), _gold(record.get(label_column))))
    elif fmt is LabelSource.CSV:
        with path.open(encoding="utf-8", newline="") as fh:
            reader = csv.DictReader(fh)
            if reader.fieldnames is None or text_column not in reader.fieldnames:
                raise InputError(
                    f"{path}: no {text_column!r} column (found {reader.fieldnames}); "
                    "choose the column with --text-column"
                )
            rows = [InputRow(r[text_column] or "", _gold(r.get(label_column))) for r in reader]
    elif fmt is LabelSource.LINES:
        rows = [InputRow(line) for line in path.read_text(encoding="utf-8").splitlines()]
    else:
        from finlocal.reading import read_path
        from finlocal.splitting import split_sentences

        document = read_path(path)
        rows = [InputRow(span.text) for span in split_sentences(document.text)]
    unique: dict[str, InputRow] = {}
    for row in rows:
        text = row.text.strip()
        if text and text not in unique:
            unique[text] = InputRow(text, row.gold)
    if not unique:
        raise InputError(f"{path}: no sentences found (read as {fmt.value})")
    return list(unique.values())


@dataclass(frozen=True)
class LabelConfig:
    """How one labelling run combines its teachers and where it writes."""

    out_dir: Path
    vote: Vote = Vote.MEAN
    weights: Mapping[str, float] = field(default_factory=dict)
    retry_rejected: bool = False
    use_batches: bool = False
    batch_calibrate: bool = False
    progress: bool = True

    def __post_init__(self) -> None:
        bad = {k: v for k, v in self.weights.items() if not v > 0}
        if bad:
            raise ValueError(f"teacher weights must be positive, got {bad}")


def _progress(enabled: bool) -> StderrProgress:
    """Per teacher: done/total, rate, ETA and rejects."""
    return StderrProgress(
        [
            "[bold]{task.description}",
            Column.BAR,
            Column.COUNT,
            "{task.fields[rate]}",
            Column.ELAPSED,
            "ETA",
            Column.REMAINING,
            "rejects: {task.fields[rejects]}",
        ],
        enabled=enabled,
    )


def _advancer(bar: StderrProgress, name: str, total: int, done: int, rejects: int) -> Callable[[list[Judgement]], None]:
    """The callback that moves ``name``'s bar on as judgements are stored."""
    if not bar.enabled:
        return lambda judgements: None
    task = bar.add_task(name, total=total, completed=done, rejects=rejects, rate="")
    counts = {"rejects": rejects}

    def advance(judgements: list[Judgement]) -> None:
        counts["rejects"] += sum(not j.ok for j in judgements)
        bar.update(task, advance=len(judgements))
        speed = bar.speed(task)
        bar.update(task, rejects=counts["rejects"], rate=f"{speed:.2f} sent/s" if speed else "")

    return advance


def label_sentences(
    teacher: Teacher,
    sentences: Sequence[str],
    store: JudgementStore,
    *,
    retry_rejected: bool = False,
    use_batches: bool = False,
    on_stored: Callable[[list[Judgement]], None] = lambda judgements: None,
) -> int:
    """Judge the sentences ``teacher`` has not judged yet, committing each chunk as it is made.

    A sentence the teacher cannot judge is stored as rejected and the run goes on; when the
    teacher must stop (`TeacherStopped`), what it finished is stored before the error is
    raised. Without ``use_batches``, a batch teacher first collects the batches an earlier
    ``--batch`` run left, and skips (with a warning) the sentences still in one, so nothing is
    bought twice. Returns how many judgements were stored.
    """
    written = 0

    def stored(judgements: list[Judgement]) -> None:
        nonlocal written
        written += len(judgements)
        on_stored(judgements)

    held: set[str] = set()
    if isinstance(teacher, BatchTeacher) and not use_batches:
        held = teacher.settle_batches(store, stored)
    todo = store.pending(teacher.teacher_id, teacher.prompt_version, sentences, retry_rejected=retry_rejected)
    if held:
        waiting = [s for s in todo if s in held]
        if waiting:
            log.warning(
                "%s: %d sentences are in a message batch that is still processing; they are "
                "left out of this run (re-run with --batch to wait for the batch, or later)",
                teacher.teacher_id,
                len(waiting),
            )
        todo = [s for s in todo if s not in held]
    if not todo:
        return written

    if use_batches:
        if not isinstance(teacher, BatchTeacher):
            raise InputError(f"teacher {teacher.teacher_id} has no batch mode; drop --batch")
        teacher.judge_in_batches(todo, store, stored)
        return written
    for i in range(0, len(todo), max(1, teacher.chunk_size)):
        try:
            judgements = teacher.judge(todo[i : i + teacher.chunk_size])
        except TeacherStopped as exc:
            store.put(exc.judgements)
            stored(exc.judgements)
            raise
        store.put(judgements)
        stored(judgements)
    return written


def combine_rows(
    rows: Sequence[InputRow],
    judgements: Mapping[str, Sequence[Judgement]],
    *,
    vote: Vote,
    weights: Mapping[str, float],
) -> dict[str, TeacherRow]:
    out = {}
    for row in rows:
        combined = combine(row.text, judgements.get(row.text, ()), vote=vote, weights=weights, gold=row.gold)
        if combined is not None:
            out[row.text] = combined
    return out


def soft_target_share(
    combined: Iterable[TeacherRow],
    by_sentence: Mapping[str, Sequence[Judgement]],
    teacher_id: str,
) -> dict[str, float | int]:
    """How much one teacher weighs in the combined rows: in how many rows it counts, its mean
    share of the soft target there, and how often the row's label is its own label."""
    shares, agrees = [], 0
    for row in combined:
        share = row.weights.get(teacher_id)
        if share is None:
            continue
        shares.append(share)
        own = next((j for j in by_sentence.get(row.text, ()) if j.teacher_id == teacher_id), None)
        agrees += own is not None and own.label is not None and own.label.value == row.label
    n = len(shares)
    return {
        "rows": n,
        "mean_share": sum(shares) / n if n else 0.0,
        "label_agrees_with_row": agrees / n if n else 0.0,
    }


def write_outputs(
    store: JudgementStore,
    rows: Sequence[InputRow],
    teachers: Sequence[Teacher],
    config: LabelConfig,
) -> dict[str, Any]:
    """Export the run's judgements, combine them per sentence and write the report."""
    wanted = {sentence_hash(r.text): r.text for r in rows}
    all_judgements: list[Judgement] = []
    for teacher in teachers:
        all_judgements.extend(store.judgements(teacher.teacher_id, teacher.prompt_version))
    write_jsonl(config.out_dir / "judgements.jsonl", [j.to_dict() for j in all_judgements])
    run = [j for j in all_judgements if j.sentence_sha256 in wanted]
    priors: dict[str, dict[str, float]] = {}
    if config.batch_calibrate:
        run, priors = batch_calibrate(run)
    by_sentence: dict[str, list[Judgement]] = defaultdict(list)
    for j in run:
        by_sentence[j.sentence].append(j)
    combined = combine_rows(rows, by_sentence, vote=config.vote, weights=config.weights)
    write_jsonl(config.out_dir / "combined.jsonl", [c.to_dict() for c in combined.values()])

    per_teacher: dict[str, Any] = {}
    for teacher in teachers:
        mine = [j for js in by_sentence.values() for j in js if j.teacher_id == teacher.teacher_id]
        reasons: dict[str, int] = defaultdict(int)
        for j in mine:
            if not j.ok and j.reject_reason is not None:
                reasons[j.reject_reason.value] += 1
        per_teacher[teacher.teacher_id] = {
            "prompt_version": teacher.prompt_version,
            "judged": len(mine),
            "ok": sum(j.ok for j in mine),
            "rejected": sum(not j.ok for j in mine),
            "rejection_reasons": dict(sorted(reasons.items())),
            "input_tokens": sum(j.input_tokens for j in mine),
            "output_tokens": sum(j.output_tokens for j in mine),
            "cost_usd": round(sum(j.cost_usd for j in mine), 6),
            "mean_latency_ms": (sum(j.latency_ms for j in mine) / len(mine)) if mine else 0.0,
        }
    label_counts: dict[str, int] = defaultdict(int)
    for c in combined.values():
        if c.label is not None:
            label_counts[c.label] += 1
    for teacher_id, info in per_teacher.items():
        info["soft_target"] = soft_target_share(combined.values(), by_sentence, teacher_id)
    report = {
        "sentences": len(rows),
        "combined": len(combined),
        "without_usable_label": len(rows) - len(combined),
        "vote": config.vote.value,
        "weights": dict(config.weights),
        "batch_calibration_priors": priors,
        "labels": dict(sorted(label_counts.items())),
        "teachers": per_teacher,
        "agreement": agreement_stats(by_sentence, combined, {r.text: r.gold for r in rows}),
    }
    (config.out_dir / "report.json").write_text(json.dumps(report, indent=2) + "\n")
    return report


def run_labelling(rows: Sequence[InputRow], teachers: Sequence[Teacher], config: LabelConfig) -> dict[str, Any]:
    """Label ``rows`` with every teacher (resuming from the store in ``config.out_dir``) and
    write the outputs. Returns the report."""
    config.out_dir.mkdir(parents=True, exist_ok=True)
    sentences = [r.text for r in rows]
    with JudgementStore(config.out_dir / STORE_NAME) as store, _progress(config.progress) as bar:
        for teacher in teachers:
            counts = store.count(teacher.teacher_id, teacher.prompt_version)
            todo = store.pending(
                teacher.teacher_id,
                teacher.prompt_version,
                sentences,
                retry_rejected=config.retry_rejected,
            )
            advance = _advancer(
                bar,
                teacher.teacher_id,
                total=len(sentences),
                done=len(sentences) - len(todo),
                rejects=0 if config.retry_rejected else counts.get("rejected", 0),
            )
            written = label_sentences(
                teacher,
                sentences,
                store,
                retry_rejected=config.retry_rejected,
                use_batches=config.use_batches and isinstance(teacher, BatchTeacher),
                on_stored=advance,
            )
            log.info("%s: %d new judgements", teacher.teacher_id, written)
        return write_outputs(store, rows, teachers, config)
