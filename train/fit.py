"""Fit the student: multi-task training with early stopping, then temperature calibration.

Loss per batch (weights from `FitConfig`)::

    gold_weight     * CE(logits, gold)                          rows with a gold label
  + teacher_weight  * T² · KL(teacher_T || student_T)           rows with teacher probabilities
  + evidence_weight * BCE(evidence_logits, evidence tags)       tokens of rows with evidence

Order is deterministic for a seed: the epoch's shuffle, the length buckets and the batch order all
come from one seeded generator. Early stopping watches weighted F1 on the validation portion
(`finlocal.train.data.split_train_val`); the best epoch is saved to ``OUTPUT/best/`` as
safetensors + config + tokenizer, with ``fit.json`` (config, data summary, metrics, calibration).
"""

from __future__ import annotations

import json
import logging
import math
import os
import random
import time
from collections.abc import Iterator, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import torch
import torch.nn.functional as F

from finlocal.errors import InputError
from finlocal.train.config import Device, EvidenceSource, FitConfig
from finlocal.train.data import LABELS, Example, load_fpb, split_train_val
from finlocal.train.evidence import token_targets
from finlocal.train.metrics import Calibration, Metrics, fit_temperature, label_metrics, softmax
from finlocal.train.student import Student, new_student, parameter_groups

log = logging.getLogger(__name__)

FIT_INFO = "fit.json"
HELDOUT = "heldout.jsonl"


@dataclass(frozen=True)
class TrainRow:
    """One training sentence with whatever supervision it has."""

    text: str
    label: int | None  # index into LABELS
    teacher_probs: tuple[float, ...] | None = None
    evidence: tuple[tuple[int, int], ...] | None = None  # None: not annotated (masked)
    weight: float = 1.0


@dataclass(frozen=True)
class Encoded:
    """A tokenised row set (unpadded)."""

    input_ids: list[list[int]]
    offsets: list[list[tuple[int, int]]]
    special: list[list[int]]


@dataclass(frozen=True)
class FitResult:
    best_dir: Path
    best_epoch: int
    val: Metrics
    calibration: Calibration
    history: list[dict[str, float]] = field(default_factory=list)
    seconds: float = 0.0


# -- data ----------------------------------------------------------------------------------


def _read_jsonl(path: Path) -> Iterator[tuple[int, dict[str, Any]]]:
    if not Path(path).is_file():
        raise InputError(f"{path}: no such file")
    with Path(path).open(encoding="utf-8") as fh:
        for lineno, line in enumerate(fh, 1):
            if line.strip():
                try:
                    yield lineno, json.loads(line)
                except json.JSONDecodeError as exc:
                    raise InputError(f"{path}:{lineno}: not valid JSON ({exc})") from exc


def _spans(row: dict[str, Any], text: str, where: str) -> tuple[tuple[int, int], ...]:
    spans = []
    for ev in row.get("evidence") or []:
        start, end = int(ev["start"]), int(ev["end"])
        if not (0 <= start < end <= len(text)) or text[start:end] != ev.get("text", text[start:end]):
            raise InputError(f"{where}: evidence {ev!r} does not match the sentence's offsets")
        spans.append((start, end))
    return tuple(spans)


@dataclass(frozen=True)
class RowSet:
    """What one run learns from and is measured on."""

    train: list[TrainRow]
    val: list[Example]
    heldout: list[Example]  # the held-out fold when cross-fitting, else empty
    summary: dict[str, Any]  # where every kind of supervision came from (for the manifest)


def deal_folds(n: int, folds: int, seed: int) -> list[int]:
    """The fold (0..folds-1) of each of ``n`` rows: a seeded shuffle dealt round-robin, so fold
    sizes differ by at most one."""
    order = list(range(n))
    random.Random(seed).shuffle(order)
    fold_of = [0] * n
    for k, i in enumerate(order):
        fold_of[i] = k % folds
    return fold_of


def build_rows(config: FitConfig) -> RowSet:
    """Training rows (train portion + teacher/evidence annotations), validation examples, the
    held-out fold (when cross-fitting) and a summary of the supervision."""
    examples = load_fpb(config.fpb_path)
    train, val = split_train_val(examples, config.val_fraction, config.split_seed)
    if config.limit_train:
        train = train[: config.limit_train]
    heldout: list[Example] = []
    if config.folds:
        fold_of = deal_folds(len(train), config.folds, config.split_seed)
        heldout = [ex for ex, k in zip(train, fold_of) if k == config.fold]
        train = [ex for ex, k in zip(train, fold_of) if k != config.fold]
    val_texts = {ex.text for ex in val}

    # Several teacher files: their distributions are averaged per sentence (an ensemble).
    teacher_sum: dict[str, np.ndarray] = {}
    teacher_n: dict[str, int] = {}
    teacher_evidence: dict[str, tuple[tuple[int, int], ...]] = {}
    teacher_ids: set[str] = set()
    for path in config.teacher_files:
        for lineno, row in _read_jsonl(path):
            text = row["text"]
            if text in val_texts:
                continue  # never learn anything from the validation portion
            if row.get("probs"):
                probs = np.array([float(row["probs"][label]) for label in LABELS])
                teacher_sum[text] = teacher_sum.get(text, 0.0) + probs
                teacher_n[text] = teacher_n.get(text, 0) + 1
            if config.evidence is EvidenceSource.TEACHERS and row.get("evidence"):
                teacher_evidence[text] = _spans(row, text, f"{path}:{lineno}")
            teacher_ids.update(str(t) for t in row.get("teachers", []))

    teacher = {t: tuple(float(p) for p in teacher_sum[t] / teacher_n[t]) for t in teacher_sum}

    file_evidence: dict[str, tuple[tuple[int, int], ...]] = {}
    if config.evidence is EvidenceSource.FILE and config.evidence_file is not None:
        for lineno, row in _read_jsonl(config.evidence_file):
            if row["text"] not in val_texts:
                file_evidence[row["text"]] = _spans(row, row["text"], f"{config.evidence_file}:{lineno}")
    evidence = teacher_evidence if config.evidence is EvidenceSource.TEACHERS else file_evidence

    rows = []
    for ex in train:
        weight = 1.0
        if config.agreement_weighting and ex.agreement:
            weight = float(ex.agreement) / 100.0
        rows.append(
            TrainRow(
                text=ex.text,
                label=LABELS.index(ex.label),
                teacher_probs=teacher.get(ex.text) if config.teacher_weight > 0 else None,
                evidence=evidence.get(ex.text) if config.evidence is not EvidenceSource.NONE else None,
                weight=weight,
            )
        )
    summary = {
        "source": str(config.fpb_path),
        "train_rows": len(rows),
        "val_rows": len(val),
        "heldout_rows": len(heldout),
        "folds": config.folds,
        "fold": config.fold,
        "val_fraction": config.val_fraction,
        "split_seed": config.split_seed,
        "rows_with_teacher_probs": sum(r.teacher_probs is not None for r in rows),
        "rows_with_evidence": sum(r.evidence is not None for r in rows),
        "evidence_source": config.evidence.value,
        "evidence_file": str(config.evidence_file) if config.evidence_file else None,
        "teacher_files": [str(p) for p in config.teacher_files],
        "teachers": sorted(teacher_ids),
        "label_counts": {label: sum(r.label == i for r in rows) for i, label in enumerate(LABELS)},
    }
    return RowSet(train=rows, val=val, heldout=heldout, summary=summary)


def encode(tokenizer: Any, texts: Sequence[str], max_length: int) -> Encoded:
    enc = tokenizer(
        list(texts), truncation=True, max_length=max_length,
        return_offsets_mapping=True, return_special_tokens_mask=True,
    )
    return Encoded(
        input_ids=enc["input_ids"],
        offsets=[[tuple(o) for o in offs] for offs in enc["offset_mapping"]],
        special=enc["special_tokens_mask"],
    )


def length_bucketed_batches(
    lengths: Sequence[int], batch_size: int, rng: random.Random, *, bucket_batches: int = 50
) -> list[list[int]]:
    """Shuffle, sort by length inside chunks of ``bucket_batches`` batches, then shuffle batches:
    little padding, still random, deterministic for a seeded ``rng``."""
    order = list(range(len(lengths)))
    rng.shuffle(order)
    chunk = batch_size * bucket_batches
    batches: list[list[int]] = []
    for i in range(0, len(order), chunk):
        part = sorted(order[i : i + chunk], key=lambda j: lengths[j])
        batches.extend(part[k : k + batch_size] for k in range(0, len(part), batch_size))
    rng.shuffle(batches)
    return batches


def collate(encoded: Encoded, index: Sequence[int], pad_id: int) -> dict[str, torch.Tensor]:
    width = max(len(encoded.input_ids[i]) for i in index)
    ids = torch.full((len(index), width), pad_id, dtype=torch.long)
    mask = torch.zeros((len(index), width), dtype=torch.long)
    for row, i in enumerate(index):
        seq = encoded.input_ids[i]
        ids[row, : len(seq)] = torch.tensor(seq)
        mask[row, : len(seq)] = 1
    return {"input_ids": ids, "attention_mask": mask, "token_type_ids": torch.zeros_like(ids)}


@torch.no_grad()
def predict_logits(
    model: Student, tokenizer: Any, texts: Sequence[str], max_length: int, batch_size: int = 64
) -> tuple[np.ndarray, list[np.ndarray]]:
    """Label logits [n, n_labels] and per-row evidence logits (unpadded), in input order."""
    model.eval()
    device = next(model.parameters()).device
    enc = encode(tokenizer, texts, max_length)
    order = sorted(range(len(texts)), key=lambda i: len(enc.input_ids[i]))
    logits = np.zeros((len(texts), len(model.config.labels)), dtype=np.float32)
    evidence: list[np.ndarray] = [np.zeros(0, dtype=np.float32)] * len(texts)
    for k in range(0, len(order), batch_size):
        idx = order[k : k + batch_size]
        batch = {name: t.to(device) for name, t in collate(enc, idx, tokenizer.pad_token_id).items()}
        out = model(**batch)
        logits[idx] = out.logits.float().cpu().numpy()
        ev = out.evidence_logits.float().cpu()
        for row, i in enumerate(idx):
            evidence[i] = ev[row, : len(enc.input_ids[i])].numpy()
    return logits, evidence


# -- training ------------------------------------------------------------------------------


def seed_everything(seed: int) -> None:
    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)  # CUDA generators too


def resolve_device(device: Device) -> torch.device:
    if device is Device.AUTO:
        return torch.device("cuda" if torch.cuda.is_available() else "cpu")
    if device is Device.CUDA and not torch.cuda.is_available():
        raise InputError("config: device = \"cuda\" but torch sees no CUDA GPU; use device = \"auto\" or \"cpu\"")
    return torch.device(device.value)


def _loss(
    out: Any, batch_rows: Sequence[TrainRow], ev_targets: torch.Tensor, ev_mask: torch.Tensor,
    config: FitConfig,
) -> tuple[torch.Tensor, dict[str, float]]:
    logits = out.logits
    parts: dict[str, float] = {}
    total = logits.new_zeros(())
    gold_idx = [i for i, r in enumerate(batch_rows) if r.label is not None]
    if config.gold_weight and gold_idx:
        labels = torch.tensor([batch_rows[i].label for i in gold_idx], device=logits.device)
        weights = torch.tensor([batch_rows[i].weight for i in gold_idx], device=logits.device)
        ce = F.cross_entropy(logits[gold_idx], labels, reduction="none",
                             label_smoothing=config.label_smoothing)
        ce = (ce * weights).sum() / weights.sum()
        total = total + config.gold_weight * ce
        parts["ce"] = float(ce.detach())
    t_idx = [i for i, r in enumerate(batch_rows) if r.teacher_probs is not None]
    if config.teacher_weight and t_idx:
        temp = config.kl_temperature
        target = torch.tensor([batch_rows[i].teacher_probs for i in t_idx], dtype=logits.dtype,
                              device=logits.device)
        target = target.clamp(min=1e-8).pow(1.0 / temp)
        target = target / target.sum(1, keepdim=True)
        log_student = F.log_softmax(logits[t_idx] / temp, dim=-1)
        kl = F.kl_div(log_student, target, reduction="batchmean") * temp * temp
        total = total + config.teacher_weight * kl
        parts["kl"] = float(kl.detach())
    if config.evidence_weight and float(ev_mask.sum()) > 0:
        bce = F.binary_cross_entropy_with_logits(out.evidence_logits, ev_targets, reduction="none")
        bce = (bce * ev_mask).sum() / ev_mask.sum()
        total = total + config.evidence_weight * bce
        parts["bce"] = float(bce.detach())
    return total, parts


def fit(config: FitConfig, *, progress: bool = True) -> FitResult:
    """Train, early-stop on validation weighted F1, calibrate, and save ``OUTPUT/best/``."""
    from transformers import get_linear_schedule_with_warmup

    started = time.perf_counter()
    torch.set_num_threads(config.threads)
    seed_everything(config.seed)
    device = resolve_device(config.device)
    rowset = build_rows(config)
    rows, val, data_summary = rowset.train, rowset.val, rowset.summary
    if not rows:
        raise InputError(f"{config.fpb_path}: no training rows after the validation split")
    model, tokenizer = new_student(config.backbone, pooling=config.pooling, dropout=config.dropout,
                                   encoder_layers=config.encoder_layers)
    model.to(device)
    enc = encode(tokenizer, [r.text for r in rows], config.max_length)
    ev_t, ev_m = [], []
    for i, r in enumerate(rows):
        t, m = token_targets(enc.offsets[i], enc.special[i], r.evidence)
        ev_t.append(t)
        ev_m.append(m)
    val_gold = np.array([LABELS.index(ex.label) for ex in val])

    optimizer = torch.optim.AdamW(
        parameter_groups(model, lr=config.lr, head_lr=config.head_lr,
                         layer_lr_decay=config.layer_lr_decay, weight_decay=config.weight_decay)
    )
    steps_per_epoch = math.ceil(len(rows) / config.batch_size)
    total_steps = steps_per_epoch * config.epochs
    scheduler = get_linear_schedule_with_warmup(
        optimizer, int(config.warmup_ratio * total_steps), total_steps
    )
    out_dir = Path(config.output_dir)
    best_dir = out_dir / "best"
    out_dir.mkdir(parents=True, exist_ok=True)
    (out_dir / "fit_config.json").write_text(json.dumps(config.to_dict(), indent=2) + "\n")
    (out_dir / "history.jsonl").write_text("")

    rng = random.Random(config.seed)
    lengths = [len(ids) for ids in enc.input_ids]
    history: list[dict[str, float]] = []
    best_f1, best_epoch, stale = -1.0, 0, 0
    best_val: Metrics | None = None

    from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn, TimeRemainingColumn

    bar = Progress(
        TextColumn("[bold]epoch {task.fields[epoch]}/{task.fields[epochs]}"), BarColumn(),
        TextColumn("{task.completed}/{task.total}"), TextColumn("loss {task.fields[loss]:.4f}"),
        TextColumn("val F1w {task.fields[f1]}"), TimeElapsedColumn(), TimeRemainingColumn(),
        disable=not progress, transient=False,
    )
    with bar:
        task = bar.add_task("fit", total=total_steps, epoch=1, epochs=config.epochs, loss=0.0, f1="-")
        for epoch in range(1, config.epochs + 1):
            model.train()
            running, seen = 0.0, 0
            for index in length_bucketed_batches(lengths, config.batch_size, rng):
                batch = {name: t.to(device) for name, t in collate(enc, index, tokenizer.pad_token_id).items()}
                width = batch["input_ids"].shape[1]
                targets = torch.zeros((len(index), width))
                mask = torch.zeros((len(index), width))
                for row, i in enumerate(index):
                    targets[row, : len(ev_t[i])] = torch.from_numpy(ev_t[i])
                    mask[row, : len(ev_m[i])] = torch.from_numpy(ev_m[i])
                out = model(**batch)
                loss, _parts = _loss(out, [rows[i] for i in index], targets.to(device),
                                     mask.to(device), config)
                optimizer.zero_grad(set_to_none=True)
                loss.backward()
                torch.nn.utils.clip_grad_norm_(model.parameters(), config.max_grad_norm)
                optimizer.step()
                scheduler.step()
                running += float(loss.detach()) * len(index)
                seen += len(index)
                bar.update(task, advance=1, loss=running / seen, epoch=epoch)
            logits, _ = predict_logits(model, tokenizer, [ex.text for ex in val],
                                       config.max_length, config.eval_batch_size)
            metrics = label_metrics(val_gold, logits.argmax(1))
            history.append({"epoch": epoch, "train_loss": running / max(1, seen), **asdict(metrics),
                            "seconds": time.perf_counter() - started})
            with (out_dir / "history.jsonl").open("a", encoding="utf-8") as fh:
                fh.write(json.dumps(history[-1]) + "\n")
            log.info("epoch %d: train loss %.4f, val F1w %.4f acc %.4f", epoch,
                     running / max(1, seen), metrics.f1_weighted, metrics.accuracy)
            bar.update(task, f1=f"{metrics.f1_weighted:.4f}")
            if metrics.f1_weighted > best_f1:
                best_f1, best_epoch, best_val, stale = metrics.f1_weighted, epoch, metrics, 0
                model.save_pretrained(best_dir, safe_serialization=True)
                tokenizer.save_pretrained(best_dir)
            else:
                stale += 1
                if stale >= config.patience:
                    log.info("early stop after epoch %d (best %d)", epoch, best_epoch)
                    break

    best = Student.from_pretrained(best_dir).to(device)
    logits, _ = predict_logits(best, tokenizer, [ex.text for ex in val], config.max_length,
                               config.eval_batch_size)
    calibration = fit_temperature(logits, val_gold)
    if rowset.heldout:
        write_heldout(best, tokenizer, rowset.heldout, calibration.temperature, config,
                      out_dir / HELDOUT)
    assert best_val is not None
    result = FitResult(
        best_dir=best_dir, best_epoch=best_epoch, val=best_val, calibration=calibration,
        history=history, seconds=time.perf_counter() - started,
    )
    info = {
        "config": config.to_dict(),
        "data": data_summary,
        "best_epoch": best_epoch,
        "val": asdict(best_val),
        "val_split": f"validation ({config.val_fraction:.0%} of FPB train portion, seed {config.split_seed})",
        "calibration": asdict(calibration),
        "history": history,
        "seconds": result.seconds,
        "threads": config.threads,
        "device": str(device),
        "omp_wait_policy": os.environ.get("OMP_WAIT_POLICY"),
    }
    (best_dir / FIT_INFO).write_text(json.dumps(info, indent=2) + "\n")
    return result


def write_heldout(
    model: Student, tokenizer: Any, heldout: Sequence[Example], temperature: float,
    config: FitConfig, path: Path,
) -> None:
    """The held-out fold's calibrated label probabilities, one JSON row per sentence, in the
    teacher-file format that `FitConfig.teacher_files` reads (see `finlocal.train.crossfit`)."""
    logits, _ = predict_logits(model, tokenizer, [ex.text for ex in heldout], config.max_length,
                               config.eval_batch_size)
    probs = softmax(logits, temperature)
    with path.open("w", encoding="utf-8") as fh:
        for ex, p in zip(heldout, probs):
            fh.write(json.dumps({
                "id": ex.id, "text": ex.text, "gold": ex.label, "fold": config.fold,
                "probs": {label: round(float(v), 6) for label, v in zip(LABELS, p)},
            }) + "\n")


def read_fit_info(checkpoint: Path) -> dict[str, Any]:
    path = Path(checkpoint) / FIT_INFO
    if not path.is_file():
        raise InputError(f"{checkpoint}: not a student checkpoint ({FIT_INFO} is missing); "
                         "train one with 'finlocal train fit'")
    return json.loads(path.read_text(encoding="utf-8"))
