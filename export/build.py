"""`finlocal export`: checkpoint → fp32 ONNX → int8 (scheme by measurement) → parity gate →
model directory. Nothing is written to the output directory unless the parity gate passes.

The figures a model directory reports are the recipe's cross-validated ones (``--cv``, the
`finlocal train cv` run the checkpoint's recipe came from), never figures on rows that chose
anything. The parity gate measures the int8 graph against PyTorch on sentences the model was not
trained on (``--parity-data``), and the direction sets (``--direction``) are scored with the
int8 graph.
"""

from __future__ import annotations

import json
import logging
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from finlocal.errors import InputError
from finlocal.export.parity import (
    MAX_F1_DROP,
    MIN_AGREEMENT,
    ParityError,
    ParityReport,
    compare,
    enforce,
    onnx_logits,
    tokenize,
    torch_logits,
)
from finlocal.export.quantize import (
    QuantSettings,
    Trial,
    candidates,
    choose,
    kept_in_model,
    measure,
    quantized_path,
    session,
)
from finlocal.manifest import Manifest
from finlocal.predictions import LABELS
from finlocal.train.records import FitInfo

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class ExportResult:
    out_dir: Path
    manifest: Manifest
    parity: ParityReport
    fp32_parity: ParityReport
    chosen: Trial
    trials: tuple[Trial, ...]


def read_sentences(path: Path) -> tuple[list[str], np.ndarray | None]:
    """Texts of a JSONL file, and their gold labels when every row has one."""
    from finlocal.jsonl import read_jsonl

    rows = [row for _, row in read_jsonl(path)]
    if not rows:
        raise InputError(f"{path}: no sentences")
    texts = [r["text"] for r in rows]
    if all(r.get("label") in LABELS for r in rows):
        return texts, np.array([LABELS.index(r["label"]) for r in rows])
    return texts, None


def export_checkpoint(
    checkpoint: Path,
    out: Path,
    *,
    parity_data: Path,
    cv_dir: Path | None = None,
    direction_data: tuple[Path, ...] = (),
    comparison_data: Path | None = None,
    blind_data: tuple[Path, ...] = (),
    cv_allow: tuple[str, ...] = (),
    threads: int = 2,
    settings: list[QuantSettings] | None = None,
    report_file: Path | None = None,
    max_bytes: int | None = None,
    min_agreement: float = MIN_AGREEMENT,
    max_f1_drop: float = MAX_F1_DROP,
) -> ExportResult:
    """Export, quantize, gate and package ``checkpoint`` into ``out``.

    ``min_agreement`` and ``max_f1_drop`` are the parity gate's thresholds (99 % and 1 point for
    real models; the test suite's 2-layer random model has near-ties and uses looser ones)."""
    import torch

    from finlocal.export.onnx import export_fp32
    from finlocal.export.package import write_model_dir
    from finlocal.train.records import read_fit_info
    from finlocal.train.student import Student

    torch.set_num_threads(threads)
    checkpoint = Path(checkpoint)
    info = read_fit_info(checkpoint)
    tokenizer_file = checkpoint / "tokenizer.json"
    if not tokenizer_file.is_file():
        raise InputError(f"{checkpoint}: tokenizer.json is missing (the backbone needs a fast tokenizer)")
    cv = _read_cv(cv_dir, info, cv_allow) if cv_dir is not None else None
    model = Student.from_pretrained(checkpoint)
    model.eval()
    cfg = info.config
    max_length = int(cfg["max_length"])
    has_evidence = cfg.get("evidence", "none") != "none"
    texts, gold = read_sentences(parity_data)
    hint = str(cfg.get("hint", "none"))
    batch = tokenize(tokenizer_file, texts, max_length, hint)
    reference = torch_logits(model, batch)

    with tempfile.TemporaryDirectory(prefix="finlocal-export-") as tmp:
        work = Path(tmp)
        fp32 = export_fp32(model, work / "fp32.onnx", evidence=has_evidence)
        fp32_parity = compare(reference, onnx_logits(session(fp32, threads), batch), gold)
        log.info("fp32 ONNX vs PyTorch: %s", fp32_parity.summary())
        enforce(fp32_parity)
        trials = measure(
            fp32,
            work / "int8",
            batch,
            reference,
            gold,
            threads=threads,
            settings=settings,
            min_agreement=min_agreement,
            max_f1_drop=max_f1_drop,
        )
        chosen = choose(trials, max_bytes)
        if report_file is not None:
            _write_report(report_file, trials, chosen, fp32_parity, str(parity_data), threads)
        if chosen is None:
            best = max(trials, key=lambda t: t.parity.label_agreement)
            raise ParityError(
                f"no int8 setting passed the parity gate within the size limit ({len(trials)} "
                f"tried, max {max_bytes} bytes); best: {best.settings.name} "
                f"({best.size_bytes} bytes): {best.parity.summary()}. Nothing was written to {out}."
            )
        enforce(chosen.parity)
        int8 = quantized_path(work / "int8", chosen.settings)
        metrics: dict[str, Any] = {}
        if cv is not None:
            metrics["cross-validation"] = cv
        if direction_data or comparison_data or blind_data:
            sess = session(int8, threads)
        if direction_data:
            metrics["direction"] = {
                Path(d).stem: _direction(sess, tokenizer_file, d, max_length, hint) for d in direction_data
            }
        if comparison_data is not None:
            # sentences that state one change in figures: the label must follow the numbers
            metrics["comparison"] = _direction(sess, tokenizer_file, comparison_data, max_length, hint)
        if blind_data:
            # sets written apart from the training data and its generators (tests/fixtures/blind)
            metrics["blind"] = {Path(d).stem: _direction(sess, tokenizer_file, d, max_length, hint) for d in blind_data}
        metrics["parity"] = {
            **chosen.parity.to_dict(),
            "data": str(parity_data),
            "model": "int8 ONNX (this file) against the PyTorch checkpoint",
        }
        metrics["speed"] = {
            "threads": threads,
            "p50_ms_batch1": chosen.p50_ms_batch1,
            "sentences_per_s_batch32": chosen.sentences_per_s_batch32,
            "note": "model only, measured at export time on the export machine",
        }
        manifest = _manifest(model, info, chosen, len(trials), metrics, cv, has_evidence, max_bytes)
        written = write_model_dir(
            out,
            onnx_file=int8,
            tokenizer_file=tokenizer_file,
            manifest=manifest,
            extra={"parity": chosen.parity.to_dict()},
        )
    return ExportResult(out, written, chosen.parity, fp32_parity, chosen, tuple(trials))


def _read_cv(cv_dir: Path, info: FitInfo, allowed: tuple[str, ...] = ()) -> dict[str, Any]:
    """The cross-validated figures of the checkpoint's recipe (the same config, folds aside).

    ``allowed`` names config keys that may differ (the shipped model may add evidence targets its
    cross-validation could not use); each difference is recorded with the figures."""
    from finlocal.train.cv import headline, read_report
    from finlocal.train.fit import same_recipe

    if int(info.config.get("folds", 0)) != 0:
        raise InputError(
            f"the checkpoint is fold {info.config.get('fold')} of a {info.config.get('folds')}-fold run, "
            f"not the model trained on every row; export {Path(cv_dir) / 'all' / 'final'} "
            "(made by 'finlocal train cv --final') with --cv"
        )
    report = read_report(cv_dir)
    recipe = {k: v for k, v in info.config.items() if k not in ("folds", "fold", "repeat")}
    measured = {k: v for k, v in report["config"].items() if k not in ("folds", "fold", "repeat")}
    differ = sorted(
        k
        for k in set(recipe) | set(measured)
        if recipe.get(k) != measured.get(k) and k not in ("threads", "device", "output_dir")
    )
    if not same_recipe(recipe, measured) and set(differ) - set(allowed):
        raise InputError(
            f"{cv_dir}: its cross-validation measured another recipe than the checkpoint's (keys "
            f"{sorted(set(differ) - set(allowed))} differ); pass --cv-allow KEY for a difference the "
            "manifest should state"
        )
    return {
        "recipe_differences": {k: {"cv": measured.get(k), "model": recipe.get(k)} for k in differ if k in allowed},
        "headline": headline(report),
        "protocol": report["protocol"],
        "model": "the recipe's PyTorch fold models, each scored on its held-out fold",
        "overall": report["overall"],
        "by_agreement": report["by_agreement"],
        "calibration": report["calibration"],
    }


def _direction(sess: Any, tokenizer_file: Path, data: Path, max_length: int, hint: str = "none") -> dict[str, Any]:
    """Accuracy of the int8 graph on a labelled set with categories (a direction set, the
    comparison set), overall and per category."""
    from finlocal.jsonl import read_jsonl

    rows = [row for _, row in read_jsonl(data)]
    gold = np.array([LABELS.index(r["label"]) for r in rows])
    pred = onnx_logits(sess, tokenize(tokenizer_file, [r["text"] for r in rows], max_length, hint)).argmax(1)
    correct = pred == gold
    categories = sorted({str(r.get("category")) for r in rows})
    return {
        "data": str(data),
        "n": len(rows),
        "accuracy": float(correct.mean()),
        "by_category": {c: float(correct[[str(r.get("category")) == c for r in rows]].mean()) for c in categories},
        "model": "int8 ONNX (this file)",
    }


def _manifest(
    model: Any,
    info: FitInfo,
    chosen: Trial,
    n_trials: int,
    metrics: dict[str, Any],
    cv: dict[str, Any] | None,
    has_evidence: bool,
    max_bytes: int | None,
) -> Manifest:
    from finlocal.export.package import LICENCES

    cfg, data = info.config, info.data
    teachers = [{"id": t, "role": role} for t, role in data.get("teacher_roles", {}).items()]
    if has_evidence:
        teachers.append(
            {
                "id": f"evidence:{data.get('evidence_source')}",
                "role": f"evidence targets: {data.get('evidence_method') or data.get('evidence_source')}",
            }
        )
    backbone = str(cfg["backbone"])
    layers = int(model.encoder.config.num_hidden_layers)
    depth = f"-{layers}layer" if cfg.get("encoder_layers") else ""
    calibration = (cv or {}).get("calibration") or {}
    return Manifest(
        name=f"finlocal-student-{backbone}{depth}",
        labels=tuple(model.config.labels),
        max_length=int(cfg["max_length"]),
        heads=("label", "evidence") if has_evidence else ("label",),
        temperature=float(calibration.get("temperature", 1.0)),
        quantization={
            "method": _METHODS[chosen.settings.scheme.value],
            "name": chosen.settings.name,
            "scheme": chosen.settings.scheme.value,
            "weight_bits": chosen.settings.weight_bits,
            "keep_fp32": kept_in_model(chosen.settings.keep_fp32, layers),
            "candidates": n_trials,
            "selection": "pass the parity gate (agreement with PyTorch, batch independence) and the "
            "size limit; within 0.5 pt of the best label agreement; fastest at batch 32",
            "max_bytes": max_bytes,
        },
        base_model={
            "backbone": backbone,
            "layers": layers,
            "layers_kept": f"first {layers}" if cfg.get("encoder_layers") else "all",
            "pooling": cfg["pooling"],
            "licence": LICENCES.get(backbone, "see the backbone's own licence"),
            "parameters": int(sum(p.numel() for p in model.parameters())),
        },
        training_data={**data, "fit_config": cfg, "epochs": info.epochs},
        teachers=teachers,
        metrics=metrics,
        calibration=calibration,
        hint=str(cfg.get("hint", "none")),
    )


_METHODS = {
    "per-row": "int8 weights (per output channel); activations quantized per token at run time "
    "(finlocal.export.perrow), so a sentence's score does not depend on its batch",
    "dynamic": "onnxruntime dynamic int8 (activation scales per batch tensor)",
    "static": "onnxruntime static int8 (QDQ, calibrated activation ranges)",
    "weight-only": "8-bit MatMulNBits weights, int8 compute on per-block activation scales",
}


def _write_report(
    path: Path, trials: list[Trial], chosen: Trial | None, fp32: ParityReport, data: str, threads: int
) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(
        json.dumps(
            {
                "parity_data": data,
                "threads": threads,
                "fp32_vs_pytorch": fp32.to_dict(),
                "chosen": chosen.settings.name if chosen else None,
                "trials": [t.to_dict() for t in trials],
            },
            indent=2,
        )
        + "\n"
    )


__all__ = ["ExportResult", "export_checkpoint", "candidates", "read_sentences"]
