"""Fit the student: multi-task training for a fixed number of epochs, resumable after each epoch.

Loss per batch (weights from `FitConfig`)::

    gold_weight     * CE(logits, gold)                          rows with a gold label
  + teacher_weight  * T² · KL(teacher_T || student_T)           rows with teacher probabilities
  + evidence_weight * BCE(evidence_logits, evidence tags)       tokens of rows with evidence

Nothing is selected on held-out rows: the run trains for ``epochs`` epochs and stops. In a
cross-validation fold run (``folds`` ≥ 2) the held-out fold is scored once, after the last epoch,
into ``OUTPUT/heldout.jsonl``; `finlocal.train.cv` pools those into the recipe's figures.

Each epoch ends with ``OUTPUT/checkpoint/`` (weights, optimizer, schedule, random state), so a
killed run started again with the same config resumes after its last finished epoch. The
finished model is ``OUTPUT/final/`` (safetensors + config + tokenizer + ``fit.json``); a run whose
``final/`` holds the same config and input files (by sha256) is not trained again.

Both are written atomically: into ``checkpoint.tmp`` / ``final.tmp`` first, then swapped in by
renames (the previous directory moved to ``.old`` and deleted), and ``fit.json`` is written last,
so its presence marks a finished run; a run killed at any point resumes
(`finlocal.train.checkpoints`).
"""

from __future__ import annotations

import hashlib
import json
import logging
import math
import os
import random
import shutil
import time
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import torch
import torch.nn.functional as F

from finlocal.errors import InputError
from finlocal.jsonl import write_jsonl
from finlocal.metrics import softmax
from finlocal.predictions import LABELS
from finlocal.progress import Column, StderrProgress
from finlocal.train.batches import collate, encode, length_bucketed_batches, predict_logits
from finlocal.train.checkpoints import CHECKPOINT, FINAL, OLD, TMP, resume, same_recipe, save_checkpoint, swap_in
from finlocal.train.config import Device, EvidenceSource, FitConfig
from finlocal.train.data import Example
from finlocal.train.evidence import token_targets
from finlocal.train.metrics import Metrics, label_metrics
from finlocal.train.records import FIT_INFO, FitInfo, read_fit_info
from finlocal.train.rows import RowSet, TrainRow, build_rows
from finlocal.train.student import Student, new_student, parameter_groups

log = logging.getLogger(__name__)

HELDOUT = "heldout.jsonl"
HELDOUT_EXTRA = "heldout-extra.jsonl"  # the fold files' held-out rows (``fold_files``), with their source
INPUTS = "input_sha256"  # fit.json data key: `input_digests` of the run's input files


@dataclass(frozen=True)
class FitResult:
    model_dir: Path
    epochs: int
    heldout: Metrics | None  # the held-out fold's metrics in a cross-validation fold run
    history: list[dict[str, float]] = field(default_factory=list)
    seconds: float = 0.0


def seed_everything(seed: int) -> None:
    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)  # CUDA generators too


def resolve_device(device: Device) -> torch.device:
    if device is Device.AUTO:
        return torch.device("cuda" if torch.cuda.is_available() else "cpu")
    if device is Device.CUDA and not torch.cuda.is_available():
        raise InputError('config: device = "cuda" but torch sees no CUDA GPU; use device = "auto" or "cpu"')
    return torch.device(device.value)


def _loss(
    out: Any,
    batch_rows: Sequence[TrainRow],
    ev_targets: torch.Tensor,
    ev_mask: torch.Tensor,
    config: FitConfig,
) -> torch.Tensor:
    """The batch's loss: every term is a sum over its rows divided by the batch size, so a row
    weighs the same whatever else shares its batch (its own ``weight`` included)."""
    logits = out.logits
    n = len(batch_rows)
    total = logits.new_zeros(())
    gold_idx = [i for i, r in enumerate(batch_rows) if r.label is not None]
    if config.gold_weight and gold_idx:
        labels = torch.tensor([batch_rows[i].label for i in gold_idx], device=logits.device)
        weights = torch.tensor([batch_rows[i].weight for i in gold_idx], device=logits.device)
        ce = F.cross_entropy(logits[gold_idx], labels, reduction="none", label_smoothing=config.label_smoothing)
        total = total + config.gold_weight * (ce * weights).sum() / n
    t_idx = [i for i, r in enumerate(batch_rows) if r.teacher_probs is not None]
    if config.teacher_weight and t_idx:
        temp = config.kl_temperature
        target = torch.tensor([batch_rows[i].teacher_probs for i in t_idx], dtype=logits.dtype, device=logits.device)
        target = target.clamp(min=1e-8).pow(1.0 / temp)
        target = target / target.sum(1, keepdim=True)
        log_student = F.log_softmax(logits[t_idx] / temp, dim=-1)
        kl = F.kl_div(log_student, target, reduction="sum") * temp * temp
        total = total + config.teacher_weight * kl / n
    annotated = ev_mask.sum(1)
    if config.evidence_weight and float(annotated.sum()) > 0:
        bce = F.binary_cross_entropy_with_logits(out.evidence_logits, ev_targets, reduction="none")
        per_row = (bce * ev_mask).sum(1) / annotated.clamp(min=1.0)  # a row's mean over its tokens
        total = total + config.evidence_weight * per_row[annotated > 0].sum() / n
    return total


@dataclass
class _Run:
    """Everything one training run holds while it trains."""

    config: FitConfig
    rowset: RowSet
    model: Student
    tokenizer: Any
    device: torch.device
    optimizer: torch.optim.Optimizer
    scheduler: Any
    lengths: list[int]
    batch_of: Any  # index list -> model inputs and evidence targets on the device
    history: list[dict[str, float]] = field(default_factory=list)


def hint_dropped(texts: Sequence[str], config: FitConfig) -> list[bool]:
    """Which training rows go without their hint: ``hint_dropout`` of them, chosen by a hash of
    the seed and the text, so a resumed or repeated run drops the same ones."""
    if config.hint_dropout <= 0:
        return [False] * len(texts)
    out = []
    for text in texts:
        digest = hashlib.sha256(f"{config.seed}\x00{text}".encode()).digest()
        out.append(int.from_bytes(digest[:8], "big") / 2**64 < config.hint_dropout)
    return out


def _prepare(config: FitConfig) -> _Run:
    from transformers import get_linear_schedule_with_warmup

    device = resolve_device(config.device)
    rowset = build_rows(config)
    rows = rowset.train
    if not rows:
        raise InputError(f"{config.fpb_path}: no training rows")
    model, tokenizer = new_student(
        config.backbone,
        pooling=config.pooling,
        dropout=config.dropout,
        encoder_layers=config.encoder_layers,
        hint=config.hint.value,
    )
    model.to(device)  # type: ignore[arg-type]  # transformers types PreTrainedModel.to without a device
    texts = [r.text for r in rows]
    enc = encode(tokenizer, texts, config.max_length, config.hint.value, hint_dropped(texts, config))
    targets = [token_targets(enc.offsets[i], enc.special[i], r.evidence) for i, r in enumerate(rows)]

    def batch_of(index: Sequence[int]) -> tuple[dict[str, torch.Tensor], torch.Tensor, torch.Tensor]:
        batch = {name: t.to(device) for name, t in collate(enc, index, tokenizer.pad_token_id).items()}
        width = batch["input_ids"].shape[1]
        ev_t = torch.zeros((len(index), width))
        ev_m = torch.zeros((len(index), width))
        for row, i in enumerate(index):
            t, m = targets[i]
            ev_t[row, : len(t)] = torch.from_numpy(t)
            ev_m[row, : len(m)] = torch.from_numpy(m)
        return batch, ev_t.to(device), ev_m.to(device)

    optimizer = torch.optim.AdamW(
        parameter_groups(
            model,
            lr=config.lr,
            head_lr=config.head_lr,
            layer_lr_decay=config.layer_lr_decay,
            weight_decay=config.weight_decay,
        )
    )
    total_steps = math.ceil(len(rows) / config.batch_size) * config.epochs
    scheduler = get_linear_schedule_with_warmup(optimizer, int(config.warmup_ratio * total_steps), total_steps)
    return _Run(
        config, rowset, model, tokenizer, device, optimizer, scheduler, [len(ids) for ids in enc.input_ids], batch_of
    )


def _train_epoch(run: _Run, epoch: int, advance: Any) -> float:
    """One pass over the rows in a seeded, length-bucketed order; the mean training loss."""
    config, rows = run.config, run.rowset.train
    run.model.train()
    running, seen = 0.0, 0
    for index in length_bucketed_batches(run.lengths, config.batch_size, random.Random(f"{config.seed}-{epoch}")):
        batch, ev_t, ev_m = run.batch_of(index)
        loss = _loss(run.model(**batch), [rows[i] for i in index], ev_t, ev_m, config)
        run.optimizer.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(run.model.parameters(), config.max_grad_norm)
        run.optimizer.step()
        run.scheduler.step()
        running += float(loss.detach()) * len(index)
        seen += len(index)
        advance(running / seen)
    return running / max(1, seen)


def input_digests(config: FitConfig) -> dict[str, str]:
    """A short sha256 of every input file of ``config`` (FPB, extra, teacher and evidence
    files), by path: recorded in fit.json, so a changed data file means a run is not finished."""
    import hashlib

    paths = [config.fpb_path, *config.extra_files, *config.teacher_files]
    if config.evidence_file is not None and config.evidence is not EvidenceSource.NONE:
        paths.append(config.evidence_file)
    out = {}
    for path in paths:
        digest = hashlib.sha256()
        if Path(path).is_file():
            with Path(path).open("rb") as fh:
                for block in iter(lambda: fh.read(1 << 20), b""):
                    digest.update(block)
            out[str(path)] = digest.hexdigest()[:16]
        else:
            out[str(path)] = "missing"
    return out


def finished(config: FitConfig) -> FitInfo | None:
    """The fit.json of a finished run of this recipe, on the same input files, in
    ``config.output_dir``; else None."""
    if not (Path(config.output_dir) / FINAL / FIT_INFO).is_file():
        return None
    info = read_fit_info(Path(config.output_dir) / FINAL)
    if not same_recipe(info.config, config.to_dict()):
        return None
    recorded = info.data.get(INPUTS)
    if recorded is None:  # made before input digests were recorded: cannot tell, trust it
        log.warning("%s: fit.json records no input digests; assuming its input files are unchanged", config.output_dir)
        return info
    if any(recorded.get(path) != digest for path, digest in input_digests(config).items()):
        log.info("%s: an input file changed since it was trained; training again", config.output_dir)
        return None
    return info


# -- the run -------------------------------------------------------------------------------


def fit(config: FitConfig, *, progress: bool = True) -> FitResult:
    """Train for ``config.epochs`` epochs (resuming from a checkpoint), save ``OUTPUT/final/``
    and, in a fold run, score the held-out fold."""
    out_dir = Path(config.output_dir)
    done = finished(config)
    if done is not None:
        log.info("%s: already trained with this config", out_dir)
        return _result(out_dir, done)
    started = time.perf_counter()
    torch.set_num_threads(config.threads)
    seed_everything(config.seed)
    run = _prepare(config)
    out_dir.mkdir(parents=True, exist_ok=True)
    first = resume(run, out_dir)
    steps_per_epoch = math.ceil(len(run.rowset.train) / config.batch_size)

    bar = StderrProgress(
        [
            "[bold]epoch {task.fields[epoch]}/{task.fields[epochs]}",
            Column.BAR,
            "{task.completed}/{task.total}",
            "loss {task.fields[loss]:.4f}",
            Column.ELAPSED,
            Column.REMAINING,
        ],
        enabled=progress,
    )
    with bar:
        task = bar.add_task(
            "fit",
            total=steps_per_epoch * config.epochs,
            completed=steps_per_epoch * (first - 1),
            epoch=first,
            epochs=config.epochs,
            loss=0.0,
        )
        for epoch in range(first, config.epochs + 1):
            bar.update(task, epoch=epoch)
            loss = _train_epoch(run, epoch, lambda mean: bar.update(task, advance=1, loss=mean))
            run.history.append({"epoch": epoch, "train_loss": loss, "seconds": time.perf_counter() - started})
            log.info("epoch %d: train loss %.4f", epoch, loss)
            # after the last epoch too: a failure while finishing then costs no training
            save_checkpoint(run, epoch, out_dir)
    return _finish(run, out_dir, time.perf_counter() - started)


def _finish(run: _Run, out_dir: Path, seconds: float) -> FitResult:
    """Write the model to ``final.tmp``, swap it in as ``final`` and write ``fit.json`` last:
    its presence marks a finished run. The checkpoint goes only after that."""
    config = run.config
    final, tmp = out_dir / FINAL, out_dir / f"{FINAL}{TMP}"
    if tmp.exists():
        shutil.rmtree(tmp)
    run.model.save_pretrained(tmp, safe_serialization=True)
    run.tokenizer.save_pretrained(tmp)
    heldout = None
    if run.rowset.heldout:
        heldout = write_heldout(run.model, run.tokenizer, run.rowset.heldout, config, out_dir / HELDOUT)
    by_source = {}
    if run.rowset.heldout_extra:
        by_source = write_heldout_extra(
            run.model, run.tokenizer, run.rowset.heldout_extra, config, out_dir / HELDOUT_EXTRA
        )
    info = FitInfo(
        config=config.to_dict(),
        data={
            **run.rowset.summary,
            INPUTS: input_digests(config),
            **({"heldout_by_source": {k: asdict(m) for k, m in by_source.items()}} if by_source else {}),
        },
        epochs=config.epochs,
        heldout=asdict(heldout) if heldout else None,
        history=run.history,
        seconds=seconds,
        threads=config.threads,
        device=str(run.device),
        omp_wait_policy=os.environ.get("OMP_WAIT_POLICY"),
    )
    swap_in(tmp, final, out_dir / f"{FINAL}{OLD}")
    (final / f"{FIT_INFO}{TMP}").write_text(json.dumps(info.to_dict(), indent=2) + "\n")
    (final / f"{FIT_INFO}{TMP}").replace(final / FIT_INFO)
    if (out_dir / CHECKPOINT).exists():
        shutil.rmtree(out_dir / CHECKPOINT)
    return _result(out_dir, info)


def _result(out_dir: Path, info: FitInfo) -> FitResult:
    heldout = Metrics(**info.heldout) if info.heldout else None
    return FitResult(
        model_dir=out_dir / FINAL, epochs=info.epochs, heldout=heldout, history=info.history, seconds=info.seconds
    )


def write_heldout(model: Student, tokenizer: Any, heldout: Sequence[Example], config: FitConfig, path: Path) -> Metrics:
    """The held-out fold's logits and probabilities, one JSON row per sentence; its metrics."""
    logits, _ = predict_logits(model, tokenizer, [ex.text for ex in heldout], config.max_length, config.eval_batch_size)
    probs = softmax(logits)
    write_jsonl(
        path,
        (
            {
                "id": ex.id,
                "text": ex.text,
                "gold": ex.label,
                "agreement": ex.agreement,
                "fold": config.fold,
                "repeat": config.repeat,
                "logits": [round(float(v), 5) for v in z],
                "probs": {label: round(float(v), 6) for label, v in zip(LABELS, p, strict=True)},
            }
            for ex, z, p in zip(heldout, logits, probs, strict=True)
        ),
    )
    gold = np.array([LABELS.index(ex.label) for ex in heldout])
    return label_metrics(gold, logits.argmax(1))


def write_heldout_extra(
    model: Student, tokenizer: Any, by_source: dict[str, list[Example]], config: FitConfig, path: Path
) -> dict[str, Metrics]:
    """The fold files' held-out rows (``fold_files``) like `write_heldout`'s, each with its
    ``source``; their metrics by source."""
    rows = [(source, ex) for source, examples in by_source.items() for ex in examples]
    logits, _ = predict_logits(model, tokenizer, [ex.text for _, ex in rows], config.max_length, config.eval_batch_size)
    write_jsonl(
        path,
        (
            {
                "id": ex.id,
                "source": source,
                "text": ex.text,
                "gold": ex.label,
                "fold": config.fold,
                "repeat": config.repeat,
                "logits": [round(float(v), 5) for v in z],
            }
            for (source, ex), z in zip(rows, logits, strict=True)
        ),
    )
    out = {}
    for source in by_source:
        sel = np.array([s == source for s, _ in rows])
        if sel.any():
            gold = np.array([LABELS.index(ex.label) for s, ex in rows if s == source])
            out[source] = label_metrics(gold, logits[sel].argmax(1))
    return out
