"""Cross-validated fold models as teachers: per-fold soft labels for any sentences.

    finlocal train teach runs/cv/mpnet runs/data/ectsum-20k.jsonl --out runs/teachers/mpnet-ectsum.jsonl

A fine-tuned backbone teaches a student through its cross-validation fold models. For each
sentence the file holds every fold model's probabilities (``probs_by_fold``, keyed "0" … "K-1")
and their mean ("all"), with the folds' `Partition.key`:

- a student's fold-k run reads fold k's probabilities: that teacher never saw fold k, so nothing
  of the held-out labels reaches the student through it;
- the shipped student (trained on every row) reads "all", the ensemble of the fold models.

Sentences that are gold rows get these beside their label; any other sentence becomes a transfer
row (`finlocal.train.rows`). Each fold's probabilities are cached beside OUT while they are
computed, so an interrupted run resumes with the next fold; the cache is keyed by the partition
key, a digest of the fold model (`finlocal.train.records.fit_digest`) and of the sentences, so new
folds, a retrained teacher or other sentences never reuse stale probabilities.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from finlocal.errors import InputError
from finlocal.jsonl import read_jsonl, write_jsonl
from finlocal.metrics import softmax
from finlocal.predictions import LABELS
from finlocal.train.folds import ALL
from finlocal.train.records import CV_TEACHER_PREFIX, FIT_INFO, TeacherRow, fit_digest, read_fit_info

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class TeachSummary:
    teacher: str
    partition: str
    sentences: int
    folds: int
    label_counts: dict[str, int]  # of the ensemble's argmax


def fold_models(cv_dir: Path, repeat: int) -> tuple[list[Path], str, dict[str, Any]]:
    """The final model directory of every fold of ``repeat``, their partition key and config."""
    from finlocal.train.cv import fold_dir
    from finlocal.train.fit import FINAL

    dirs: list[Path] = []
    keys: set[str] = set()
    config: dict[str, Any] = {}
    k = 0
    while (fold_dir(cv_dir, repeat, k) / FINAL / FIT_INFO).is_file():
        model = fold_dir(cv_dir, repeat, k) / FINAL
        info = read_fit_info(model)
        if int(info.config.get("fold", -1)) != k or int(info.config.get("repeat", -1)) != repeat:
            raise InputError(
                f"{model}: its fit.json is of fold {info.config.get('fold')} repeat "
                f"{info.config.get('repeat')}, not of fold {k} repeat {repeat}; was the directory copied?"
            )
        keys.add(info.data["partition"])
        config = info.config
        dirs.append(model)
        k += 1
    if not dirs:
        raise InputError(f"{cv_dir}: no finished fold runs of repeat {repeat}; run 'finlocal train cv' first")
    if len(dirs) != int(config["folds"]) or len(keys) != 1:
        raise InputError(f"{cv_dir}: {len(dirs)} of {config['folds']} fold runs of repeat {repeat} have finished")
    return dirs, keys.pop(), config


def cache_name(fold: int, partition: str, model_dir: Path, texts: list[str]) -> str:
    """The cache file of one fold's probabilities: keyed by the folds, the fold model itself
    (`finlocal.train.records.fit_digest`) and the sentences, so nothing stale is ever reused."""
    return f"fold-{fold}-{partition}-{fit_digest(model_dir)}-{texts_digest(texts)}.npy"


def texts_digest(texts: list[str]) -> str:
    """A short sha256 of the sentences, in order. Each is hashed with its length in front, so no
    other list of sentences ("x\\ny", "z" against "x", "y\\nz") can give the same bytes."""
    import hashlib

    h = hashlib.sha256()
    for text in texts:
        data = text.encode("utf-8")
        h.update(len(data).to_bytes(8, "big"))
        h.update(data)
    return h.hexdigest()[:12]


def teacher_id(config: dict[str, Any], partition: str) -> str:
    backbone = Path(config["backbone"]).name if "/" in str(config["backbone"]) else config["backbone"]
    layers = f"-l{config['encoder_layers']}" if config.get("encoder_layers") else ""
    return f"{CV_TEACHER_PREFIX}{backbone}{layers}:{partition}"


def teach(
    cv_dir: Path, sentences: Path, out: Path, *, repeat: int = 0, threads: int = 2, batch_size: int = 64
) -> TeachSummary:
    """Write ``out``: every sentence of ``sentences`` with each fold model's probabilities."""
    import torch
    from transformers import AutoTokenizer

    from finlocal.train.batches import predict_logits
    from finlocal.train.student import Student

    torch.set_num_threads(threads)
    models, key, config = fold_models(Path(cv_dir), repeat)
    rows = [row for _, row in read_jsonl(sentences)]
    texts = [r["text"] for r in rows]
    cache = Path(str(out) + ".partial")
    cache.mkdir(parents=True, exist_ok=True)
    probs = []
    for k, model_dir in enumerate(models):
        cached = cache / cache_name(k, key, model_dir, texts)
        if not cached.is_file():
            log.info("fold %d/%d: %d sentences", k + 1, len(models), len(texts))
            model = Student.from_pretrained(model_dir)
            tokenizer = AutoTokenizer.from_pretrained(model_dir)
            logits, _ = predict_logits(model, tokenizer, texts, int(config["max_length"]), batch_size)
            np.save(cached.with_suffix(".tmp.npy"), softmax(logits))
            cached.with_suffix(".tmp.npy").replace(cached)
        probs.append(np.load(cached))
    mean = np.mean(probs, axis=0)
    teacher = teacher_id(config, key)

    def plain(p: np.ndarray) -> dict[str, float]:
        return {label: round(float(v), 6) for label, v in zip(LABELS, p, strict=True)}

    write_jsonl(
        out,
        (
            TeacherRow(
                text=row["text"],
                id=row.get("id", f"{sentences.stem}-{i}"),
                partition=key,
                teachers=(teacher,),
                probs_by_fold={**{str(k): plain(p[i]) for k, p in enumerate(probs)}, ALL: plain(mean[i])},
            ).to_dict()
            for i, row in enumerate(rows)
        ),
    )
    for f in cache.iterdir():
        f.unlink()
    cache.rmdir()
    counts = {label: int((mean.argmax(1) == i).sum()) for i, label in enumerate(LABELS)}
    return TeachSummary(teacher=teacher, partition=key, sentences=len(rows), folds=len(models), label_counts=counts)
