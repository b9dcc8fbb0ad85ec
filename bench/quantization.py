"""Quantization schemes side by side, measured honestly on cross-validation fold models.

    python -m bench.quantization runs/cv/student --calibration runs/data/parity.jsonl

For each fold model of a `finlocal train cv` run, the fp32 ONNX graph and every int8 scheme of
`finlocal.export.quantize.every_scheme` score the fold's held-out rows; pooled over the folds
that gives each engine's cross-validated weighted F1, its label agreement with the PyTorch fold
models, and how far a sentence's probabilities move with its batch (the largest change over the
folds). Speed is timed on fold 0's models, interleaved (each sentence on every engine before the
next), at batch 1 (p50) and at batch 32 (sentences/s, rows sorted by length as the runtime
batches them; best of three passes); tokenization is not timed. Static int8 is calibrated on
``--calibration`` sentences, never on the rows it is scored on.

Results: ``bench/results/quantization-schemes.json`` and a printed table (docs/student.md).
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np

from bench.machine import machine
from finlocal.export.parity import Batch, batch_dependence, by_length, onnx_logits, tokenize, torch_logits
from finlocal.export.quantize import QuantSettings, every_scheme, quantize, session
from finlocal.jsonl import read_jsonl
from finlocal.predictions import LABELS

RESULTS = Path(__file__).resolve().parent / "results"


def _heldout(fold_dir: Path) -> tuple[list[str], np.ndarray, np.ndarray]:
    rows = [row for _, row in read_jsonl(fold_dir / "heldout.jsonl")]
    return (
        [r["text"] for r in rows],
        np.array([LABELS.index(r["gold"]) for r in rows]),
        np.array([r["logits"] for r in rows], dtype=np.float32),
    )


def _f1(gold: np.ndarray, pred: np.ndarray) -> float:
    from finlocal.train.metrics import label_metrics

    return label_metrics(gold, pred).f1_weighted


def main(argv: list[str] | None = None) -> None:
    import torch

    from finlocal.export.onnx import export_fp32
    from finlocal.train.records import read_fit_info
    from finlocal.train.student import Student

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("cv_dir", type=Path)
    parser.add_argument("--calibration", type=Path, required=True, help="JSONL sentences for static int8")
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--out", type=Path, default=RESULTS / "quantization-schemes.json")
    args = parser.parse_args(argv)
    torch.set_num_threads(args.threads)
    calibration = itertools.islice(read_jsonl(args.calibration, required=("text",)), 512)
    calibration_texts = [row["text"] for _, row in calibration]
    schemes: list[QuantSettings] = every_scheme()
    engines = ["pytorch", "fp32 onnx", *[s.name for s in schemes]]
    preds: dict[str, list[np.ndarray]] = {e: [] for e in engines}
    golds: list[np.ndarray] = []
    dependence: dict[str, float] = dict.fromkeys(engines[1:], 0.0)
    sizes: dict[str, int] = {}
    timing_sessions: dict[str, Any] = {}
    timing_batch: Batch | None = None
    timing_model = None
    with tempfile.TemporaryDirectory(prefix="finlocal-quant-") as tmp:
        for k in range(args.folds):
            fold_dir = args.cv_dir / f"r0-f{k}"
            model_dir = fold_dir / "final"
            texts, gold, torch_logit = _heldout(fold_dir)
            config = read_fit_info(model_dir).config
            batch = tokenize(model_dir / "tokenizer.json", texts, int(config["max_length"]))
            calibration = tokenize(model_dir / "tokenizer.json", calibration_texts, int(config["max_length"]))
            model = Student.from_pretrained(model_dir).eval()
            work = Path(tmp) / f"f{k}"
            fp32 = export_fp32(model, work / "fp32.onnx", evidence=config.get("evidence", "none") != "none")
            golds.append(gold)
            preds["pytorch"].append(torch_logit.argmax(1))
            graphs = {"fp32 onnx": fp32}
            for s in schemes:
                graphs[s.name] = quantize(fp32, work / f"{s.name}.onnx", s, calibration=calibration)
            for name, path in graphs.items():
                sess = session(path, args.threads)
                preds[name].append(onnx_logits(sess, batch).argmax(1))
                dependence[name] = max(dependence[name], batch_dependence(sess, batch, n=24))
                sizes[name] = path.stat().st_size
                if k == 0:
                    timing_sessions[name] = sess
            if k == 0:
                timing_batch, timing_model = batch, model
            print(f"fold {k}: scored {len(texts)} held-out rows on {len(graphs) + 1} engines", flush=True)

        assert timing_batch is not None and timing_model is not None
        load_before = os.getloadavg()[0]
        single: dict[str, list[float]] = {e: [] for e in engines}
        n_single = min(150, len(timing_batch.input_ids))
        runners = {name: (lambda b, s=s: onnx_logits(s, b, batch_size=32)) for name, s in timing_sessions.items()}
        runners["pytorch"] = lambda b: torch_logits(timing_model, b)
        for i in range(n_single):
            one = timing_batch.rows([i])
            for name in engines:
                t0 = time.perf_counter()
                runners[name](one)
                single[name].append(time.perf_counter() - t0)
        sorted_batch = by_length(timing_batch)
        best = {e: float("inf") for e in engines}
        for _ in range(3):
            for name in engines:
                t0 = time.perf_counter()
                runners[name](sorted_batch)
                best[name] = min(best[name], time.perf_counter() - t0)

    gold_all = np.concatenate(golds)
    reference = np.concatenate(preds["pytorch"])
    rows = []
    for name in engines:
        pred = np.concatenate(preds[name])
        rows.append(
            {
                "engine": name,
                "cv_f1_weighted": _f1(gold_all, pred),
                "cv_f1_weighted_fold_mean": statistics.fmean(
                    _f1(g, p) for g, p in zip(golds, preds[name], strict=True)
                ),
                "agreement_with_pytorch": float(np.mean(pred == reference)),
                "batch_dependence": dependence.get(name, 0.0),
                "size_bytes": sizes.get(name),
                "p50_ms_batch1": statistics.median(single[name]) * 1000.0,
                "sentences_per_s_batch32": len(timing_batch.input_ids) / best[name],
            }
        )
    result = {
        "cv_dir": str(args.cv_dir),
        "folds": args.folds,
        "threads": args.threads,
        "rows_scored": int(len(gold_all)),
        "timed_on": f"fold 0's {len(timing_batch.input_ids)} held-out rows",
        "machine": machine(args.threads, load_before),
        "load_average_1m": {"start": load_before, "end": os.getloadavg()[0]},
        "engines": rows,
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=2) + "\n")
    print(f"{'engine':34s} {'CV F1w':>7s} {'agree':>7s} {'batch dep':>9s} {'size':>8s} {'p50 b1':>8s} {'sent/s':>7s}")
    for r in rows:
        size = f"{r['size_bytes'] / 1e6:6.1f}MB" if r["size_bytes"] else "       -"
        print(
            f"{r['engine']:34s} {r['cv_f1_weighted']:7.4f} {r['agreement_with_pytorch']:7.2%} "
            f"{r['batch_dependence']:9.1e} {size} {r['p50_ms_batch1']:6.2f}ms {r['sentences_per_s_batch32']:7.0f}"
        )
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
