"""Speed and size of int8 students side by side, for the Pareto table of docs/student.md.

Each entry is either an exported model directory (``NAME=DIR``: model.onnx + tokenizer.json +
finlocal.json) or an architecture built here for timing only (``NAME=BACKBONE[:LAYERS]``, e.g.
``l4=minilm-l6:4`` or ``smollm2=smollm2-135m``): a student on the pretrained backbone with
untrained heads, exported by Optimum and quantized with per-row int8 (finlocal.export.perrow, the
shipped scheme). Timing does not depend on the weights' values, so such an entry stands for any
trained model of that shape.

All models score the same 400 sentences (a stratified sample of FPB's training portion), each with
its own tokenizer (tokenization not timed), on ``--threads`` threads, interleaved: sentence i is
timed at batch 1 on every model before sentence i + 1, and the batch-32 passes (rows sorted by
length, as the runtime batches them) alternate between models; the best of ``--rounds`` passes
counts.

    OMP_WAIT_POLICY=PASSIVE python -m bench.backbones \
        --model l3-shipped=finlocal/models/default --model l6=minilm-l6 --model l4=minilm-l6:4 \
        --model smollm2=smollm2-135m
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from bench.machine import machine
from finlocal.export.parity import Batch, by_length, onnx_logits, tokenize
from finlocal.export.quantize import QuantSettings, Scheme, quantize, session
from finlocal.manifest import read_manifest
from finlocal.train.data import default_fpb_path, load_fpb, stratified_sample

RESULTS = Path(__file__).resolve().parent / "results"
SPEED_ONLY = QuantSettings(Scheme.PER_ROW, 7)


@dataclass
class Entry:
    name: str
    source: str
    onnx: Path
    tokenizer: Path
    max_length: int
    trained: bool
    parameters: int | None = None


def build_speed_model(name: str, spec: str, work: Path, max_length: int) -> Entry:
    """An untrained student of the given shape, exported and quantized (timing only)."""
    from finlocal.export.onnx import export_fp32
    from finlocal.train.config import Pooling
    from finlocal.train.student import new_student
    from finlocal.train.weights import Backbone

    backbone, _, layers = spec.partition(":")
    pooling = Pooling.MEAN if Backbone(backbone) in (Backbone.MINILM_L6, Backbone.MPNET_BASE) else Pooling.LAST
    model, tokenizer = new_student(backbone, pooling=pooling, dropout=0.0, encoder_layers=int(layers or 0))
    model.eval()
    out = work / name
    tokenizer.save_pretrained(out)
    fp32 = export_fp32(model, out / "fp32.onnx", evidence=True)
    int8 = quantize(fp32, out / "model.onnx", SPEED_ONLY)
    return Entry(
        name,
        f"{spec} (untrained heads, timing only; {SPEED_ONLY.name})",
        int8,
        out / "tokenizer.json",
        max_length,
        trained=False,
        parameters=int(sum(p.numel() for p in model.parameters())),
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", action="append", required=True, metavar="NAME=DIR|BACKBONE[:LAYERS]")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--n-single", type=int, default=200)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--max-length", type=int, default=96, help="for built entries")
    parser.add_argument("--fpb", type=Path, default=None)
    parser.add_argument("--out", type=Path, default=RESULTS / "backbones.json")
    args = parser.parse_args()

    texts = [ex.text for ex in stratified_sample(load_fpb(args.fpb or default_fpb_path()), 400)]
    with tempfile.TemporaryDirectory() as tmp:
        entries = []
        for item in args.model:
            name, _, spec = item.partition("=")
            if Path(spec).is_dir():
                m = read_manifest(Path(spec))
                entries.append(
                    Entry(
                        name,
                        f"{spec} ({m.name})",
                        Path(spec) / m.model_file,
                        Path(spec) / m.tokenizer_file,
                        m.max_length,
                        trained=True,
                        parameters=m.base_model.get("parameters"),
                    )
                )
            else:
                entries.append(build_speed_model(name, spec, Path(tmp), args.max_length))
        sessions = [session(e.onnx, args.threads) for e in entries]
        batches = [tokenize(e.tokenizer, texts, e.max_length) for e in entries]
        for s, b in zip(sessions, batches, strict=True):  # warm-up
            onnx_logits(s, Batch(b.input_ids[:32], b.attention_mask[:32]), batch_size=32)

        load_before = os.getloadavg()[0]
        single: list[list[float]] = [[] for _ in entries]
        for i in range(min(args.n_single, len(texts))):
            for k, (s, b) in enumerate(zip(sessions, batches, strict=True)):
                one = Batch(b.input_ids[i : i + 1], b.attention_mask[i : i + 1])
                t0 = time.perf_counter()
                onnx_logits(s, one, batch_size=1)
                single[k].append(time.perf_counter() - t0)
        best = [float("inf")] * len(entries)
        for _ in range(args.rounds):
            for k, (s, b) in enumerate(zip(sessions, batches, strict=True)):
                sorted_batch = by_length(b)
                t0 = time.perf_counter()
                onnx_logits(s, sorted_batch, batch_size=32)
                best[k] = min(best[k], time.perf_counter() - t0)

        rows: list[dict[str, Any]] = []
        for e, b, times, t in zip(entries, batches, single, best, strict=True):
            rows.append(
                {
                    "name": e.name,
                    "source": e.source,
                    "trained": e.trained,
                    "parameters": e.parameters,
                    "size_bytes": e.onnx.stat().st_size,
                    "mean_tokens": float(np.mean(b.attention_mask.sum(1))),
                    "p50_ms_batch1": statistics.median(times) * 1000.0,
                    "p90_ms_batch1": float(np.percentile(times, 90) * 1000.0),
                    "sentences_per_s_batch32": len(texts) / t,
                }
            )
    result = {
        "threads": args.threads,
        "sentences": len(texts),
        "n_single": args.n_single,
        "rounds": args.rounds,
        "omp_wait_policy": os.environ.get("OMP_WAIT_POLICY"),
        "machine": machine(args.threads, load_before),
        "load_average_1m": {"start": load_before, "end": os.getloadavg()[0]},
        "note": "tokenization not timed; compare rows within this file",
        "models": rows,
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=2) + "\n")
    print(f"{'model':14s} {'params':>7s} {'size':>8s} {'tokens':>6s} {'p50 b1':>8s} {'sent/s b32':>10s}")
    for r in rows:
        params = f"{r['parameters'] / 1e6:.1f}M" if r["parameters"] else "?"
        print(
            f"{r['name']:14s} {params:>7s} {r['size_bytes'] / 1e6:6.1f}MB {r['mean_tokens']:6.1f} "
            f"{r['p50_ms_batch1']:6.2f}ms {r['sentences_per_s_batch32']:10.0f}"
        )
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
