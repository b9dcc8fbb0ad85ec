"""Student benchmark: int8 ONNX vs fp32 ONNX vs PyTorch, side by side in one run.

For each engine: weighted F1 / accuracy / macro F1 on the validation portion, p50 latency at
batch 1, sentences/s at batch 32 (best of 3 passes over the validation portion), and size on
disk. All engines score the same token ids (the model directory's tokenizer.json), on
``--threads`` threads, so differences are the engines'. Tokenization is excluded (it is the same
for all three); `bench/runtime.py` measures the whole runtime path. At batch 32 the rows are
sorted by length first, as the runtime batches them.

    OMP_WAIT_POLICY=PASSIVE python bench/student.py --checkpoint runs/default/best \
        --model finlocal/models/default --name default
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np

from finlocal.export.parity import Batch, by_length, onnx_logits, tokenize, torch_logits
from finlocal.export.quantize import session
from finlocal.manifest import read_manifest
from finlocal.train.data import LABELS
from finlocal.train.metrics import label_metrics

RESULTS = Path(__file__).resolve().parent / "results"


def _time(run: Callable[[Batch], np.ndarray], batch: Batch, n_single: int) -> dict[str, float]:
    single = []
    for i in range(min(n_single, len(batch.input_ids))):
        one = Batch(batch.input_ids[i : i + 1], batch.attention_mask[i : i + 1])
        t0 = time.perf_counter()
        run(one)
        single.append(time.perf_counter() - t0)
    batch = by_length(batch)  # batch 32 as the runtime does it: sorted by length
    best = float("inf")
    run(batch)  # warm-up
    for _ in range(3):
        t0 = time.perf_counter()
        run(batch)
        best = min(best, time.perf_counter() - t0)
    return {
        "p50_ms_batch1": statistics.median(single) * 1000.0,
        "p90_ms_batch1": float(np.percentile(single, 90) * 1000.0),
        "sentences_per_s_batch32": len(batch.input_ids) / best,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--checkpoint", type=Path, required=True, help="finlocal train fit checkpoint (best/)")
    parser.add_argument("--model", type=Path, required=True, help="exported int8 model directory")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--n-single", type=int, default=200, help="sentences timed at batch 1")
    parser.add_argument("--name", default="default", help="result file: bench/results/student-NAME.json")
    args = parser.parse_args()

    import torch

    from finlocal.export.build import validation_examples
    from finlocal.export.onnx import export_fp32
    from finlocal.train.fit import read_fit_info
    from finlocal.train.student import Student

    torch.set_num_threads(args.threads)
    info = read_fit_info(args.checkpoint)
    manifest = read_manifest(args.model)
    examples, split = validation_examples(info, None)
    gold = np.array([LABELS.index(ex.label) for ex in examples])
    batch = tokenize(args.model / manifest.tokenizer_file, [ex.text for ex in examples], manifest.max_length)
    model = Student.from_pretrained(args.checkpoint).eval()

    load_before = os.getloadavg()[0]
    engines: dict[str, dict[str, object]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        fp32 = export_fp32(model, Path(tmp) / "fp32.onnx", evidence=manifest.has_evidence)
        runs: dict[str, tuple[Callable[[Batch], np.ndarray], int]] = {
            "int8 onnx": (lambda b, s=session(args.model / manifest.model_file, args.threads): onnx_logits(s, b),
                          (args.model / manifest.model_file).stat().st_size),
            "fp32 onnx": (lambda b, s=session(fp32, args.threads): onnx_logits(s, b), fp32.stat().st_size),
            "pytorch fp32": (lambda b: torch_logits(model, b),
                             sum((args.checkpoint / f).stat().st_size for f in ("model.safetensors",))),
        }
        for name, (run, size) in runs.items():
            logits = run(batch)
            metrics = label_metrics(gold, logits.argmax(1))
            engines[name] = {**vars(metrics), "size_bytes": size, **_time(run, batch, args.n_single)}
            print(f"{name:13s} F1w {metrics.f1_weighted:.4f}  acc {metrics.accuracy:.4f}  "
                  f"p50 {engines[name]['p50_ms_batch1']:.2f} ms  "
                  f"{engines[name]['sentences_per_s_batch32']:.0f} sent/s  {size / 1e6:.1f} MB")

    int8, fp32r, pt = engines["int8 onnx"], engines["fp32 onnx"], engines["pytorch fp32"]
    result = {
        "model": str(args.model),
        "checkpoint": str(args.checkpoint),
        "backbone": info["config"]["backbone"],
        "split": split,
        "threads": args.threads,
        "omp_wait_policy": os.environ.get("OMP_WAIT_POLICY"),
        "machine": {"cpu": platform.processor() or platform.machine(), "cores": os.cpu_count(),
                    "python": platform.python_version()},
        "load_average_1m": {"start": load_before, "end": os.getloadavg()[0]},
        "note": "cores may be shared with other jobs (see load_average_1m): compare engines "
                "within this file, not across machines or runs",
        "engines": engines,
        "speedup_int8_vs_fp32_onnx_batch32": int8["sentences_per_s_batch32"] / fp32r["sentences_per_s_batch32"],
        "speedup_int8_vs_pytorch_batch32": int8["sentences_per_s_batch32"] / pt["sentences_per_s_batch32"],
        "speedup_int8_vs_fp32_onnx_p50": fp32r["p50_ms_batch1"] / int8["p50_ms_batch1"],
        "speedup_int8_vs_pytorch_p50": pt["p50_ms_batch1"] / int8["p50_ms_batch1"],
    }
    RESULTS.mkdir(exist_ok=True)
    out = RESULTS / f"student-{args.name}.json"
    out.write_text(json.dumps(result, indent=2) + "\n")
    print(f"wrote {out}")


if __name__ == "__main__":
    main()
