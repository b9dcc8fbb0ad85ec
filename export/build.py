"""`finlocal export`: checkpoint → fp32 ONNX → int8 (settings by measurement) → parity gate →
model directory. Nothing is written to the output directory unless the parity gate passes."""

from __future__ import annotations

import json
import logging
import tempfile
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import numpy as np

from finlocal.errors import InputError
from finlocal.export.parity import MAX_F1_DROP, MIN_AGREEMENT, ParityError, ParityReport, compare, enforce, onnx_logits, tokenize, torch_logits
from finlocal.export.quantize import QuantSettings, Trial, candidates, choose, measure, quantized_path, session
from finlocal.manifest import Manifest
from finlocal.train.crossfit import describe_teacher
from finlocal.train.data import LABELS, Example, load_fpb, split_train_val
from finlocal.train.metrics import fit_temperature, label_metrics

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class ExportResult:
    out_dir: Path
    manifest: Manifest
    parity: ParityReport
    fp32_parity: ParityReport
    chosen: Trial
    trials: tuple[Trial, ...]


def validation_split_name(fraction: float, seed: int) -> str:
    return f"validation ({fraction * 100:g} % of FPB train portion, seed {seed})"


def validation_examples(fit_info: dict[str, Any], val_data: Path | None) -> tuple[list[Example], str]:
    """The rows parity and metrics are measured on, and the name of that split."""
    if val_data is not None:
        return load_fpb(val_data), f"{val_data}"
    cfg = fit_info["config"]
    _, val = split_train_val(load_fpb(Path(cfg["fpb_path"])), cfg["val_fraction"], cfg["split_seed"])
    return val, validation_split_name(cfg["val_fraction"], cfg["split_seed"])


def export_checkpoint(
    checkpoint: Path,
    out: Path,
    *,
    val_data: Path | None = None,
    threads: int = 2,
    settings: list[QuantSettings] | None = None,
    report_file: Path | None = None,
    max_bytes: int | None = None,
    keep_fp32: tuple[str, ...] = (),
    min_agreement: float = MIN_AGREEMENT,
    max_f1_drop: float = MAX_F1_DROP,
) -> ExportResult:
    """Export, quantize, gate and package ``checkpoint`` into ``out``.

    ``min_agreement`` and ``max_f1_drop`` are the parity gate's thresholds (99 % and 1 point for
    real models; the test suite's 2-layer random model has near-ties and uses looser ones)."""
    import torch

    from finlocal.export.onnx import export_fp32
    from finlocal.export.package import LICENCES, write_model_dir
    from finlocal.train.fit import read_fit_info
    from finlocal.train.student import Student

    torch.set_num_threads(threads)
    checkpoint = Path(checkpoint)
    info = read_fit_info(checkpoint)
    tokenizer_file = checkpoint / "tokenizer.json"
    if not tokenizer_file.is_file():
        raise InputError(f"{checkpoint}: tokenizer.json is missing (the backbone needs a fast tokenizer)")
    model = Student.from_pretrained(checkpoint)
    model.eval()
    cfg = info["config"]
    max_length = int(cfg["max_length"])
    has_evidence = cfg.get("evidence", "none") != "none"
    examples, split = validation_examples(info, val_data)
    if not examples:
        raise InputError("the validation data is empty; parity cannot be checked")
    gold = np.array([LABELS.index(ex.label) for ex in examples])
    batch = tokenize(tokenizer_file, [ex.text for ex in examples], max_length)
    reference = torch_logits(model, batch)

    with tempfile.TemporaryDirectory(prefix="finlocal-export-") as tmp:
        work = Path(tmp)
        fp32 = export_fp32(model, work / "fp32.onnx", evidence=has_evidence)
        fp32_parity = compare(reference, onnx_logits(session(fp32, threads), batch), gold)
        log.info("fp32 ONNX vs PyTorch: %s", fp32_parity.summary())
        enforce(fp32_parity)
        if settings is None and keep_fp32:
            # the user's fp32 node prefixes, measured alongside the standard grid
            settings = [*candidates(), QuantSettings(False, True, False, ("MatMul", "Gather"), keep_fp32)]
        trials = measure(
            fp32, work / "int8", batch, reference, gold,
            num_heads=int(model.encoder.config.num_attention_heads),
            hidden_size=int(model.encoder.config.hidden_size),
            threads=threads, settings=settings, min_agreement=min_agreement,
            max_f1_drop=max_f1_drop,
        )
        chosen = choose(trials, max_bytes)
        if report_file is not None:
            _write_report(report_file, trials, chosen, fp32_parity, split, threads)
        if chosen is None:
            best = max(trials, key=lambda t: t.parity.label_agreement)
            raise ParityError(
                f"no int8 setting passed the parity gate within the size limit ({len(trials)} "
                f"tried, max {max_bytes} bytes); best: {best.settings.name} "
                f"({best.size_bytes} bytes): {best.parity.summary()}. Nothing was written to {out}."
            )
        enforce(chosen.parity)
        int8 = quantized_path(work / "int8", chosen.settings)
        int8_logits = onnx_logits(session(int8, threads), batch)
        calibration = fit_temperature(int8_logits, gold)
        int8_metrics = label_metrics(gold, int8_logits.argmax(1))
        torch_metrics = label_metrics(gold, reference.argmax(1))
        data = info["data"]
        teachers = [{"id": t, "role": _teacher_role(t)} for t in data.get("teachers", [])]
        if has_evidence:
            teachers.append({"id": f"evidence:{data.get('evidence_source')}",
                             "role": _evidence_role(data)})
        backbone = str(cfg["backbone"])
        layers = int(model.encoder.config.num_hidden_layers)
        depth = f"-{layers}layer" if cfg.get("encoder_layers") else ""
        manifest = Manifest(
            name=f"finlocal-student-{backbone}{depth}",
            labels=tuple(model.config.labels),
            max_length=max_length,
            heads=("label", "evidence") if has_evidence else ("label",),
            temperature=calibration.temperature,
            quantization={
                "method": "onnxruntime dynamic int8 (weights int8, activations quantized at run time)",
                "name": chosen.settings.name,
                **asdict(chosen.settings),
                "op_types": list(chosen.settings.op_types),
                "candidates": len(trials),
                "selection": "pass the parity gate and the size limit; within 0.5 pt of the best "
                             "label agreement; fastest at batch 32",
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
            training_data={**data, "fit_config": cfg, "best_epoch": info["best_epoch"]},
            teachers=teachers,
            metrics={
                split: {**asdict(int8_metrics), "model": "int8 ONNX (this file)"},
                f"{split}, PyTorch checkpoint": {**asdict(torch_metrics), "model": "fp32 PyTorch"},
                "parity": chosen.parity.to_dict(),
                "speed": {"threads": threads, "p50_ms_batch1": chosen.p50_ms_batch1,
                          "sentences_per_s_batch32": chosen.sentences_per_s_batch32,
                          "note": "measured at export time on the export machine"},
            },
            calibration={**asdict(calibration), "fitted_on": split, "model": "int8 ONNX"},
        )
        written = write_model_dir(out, onnx_file=int8, tokenizer_file=tokenizer_file,
                                  manifest=manifest, extra={"parity": chosen.parity.to_dict()})
    return ExportResult(out, written, chosen.parity, fp32_parity, chosen, tuple(trials))


def _teacher_role(teacher: str) -> str:
    """What a teacher id in the training data stands for (ids from finlocal.train.crossfit and
    finlocal.train.labelling)."""
    described = describe_teacher(teacher)
    return f"soft labels (KL): {described}" if described else "soft labels (KL)"


def _evidence_role(data: dict[str, Any]) -> str:
    """Where the evidence targets came from, as recorded in the evidence file's ``source``."""
    path = data.get("evidence_file")
    if not path:
        return "verbatim evidence quoted by the teachers"
    sources: set[str] = set()
    if Path(path).is_file():
        with Path(path).open(encoding="utf-8") as fh:
            for line in fh:
                sources.add(str(json.loads(line).get("source", "unknown")))
    methods = {
        "saliency": "gradient × input saliency of a label-only student (finlocal.train.saliency)",
        "occlusion": "word occlusion of a label-only student (finlocal.train.occlusion)",
    }
    described = sorted({methods.get(s.split(":", 1)[0], s) for s in sources}) or ["unknown"]
    return f"evidence targets from {path}: " + "; ".join(described)


def _write_report(path: Path, trials: list[Trial], chosen: Trial | None, fp32: ParityReport,
                  split: str, threads: int) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps({
        "split": split,
        "threads": threads,
        "fp32_vs_pytorch": fp32.to_dict(),
        "chosen": chosen.settings.name if chosen else None,
        "trials": [t.to_dict() for t in trials],
    }, indent=2) + "\n")


__all__ = ["ExportResult", "export_checkpoint", "candidates", "validation_split_name"]
