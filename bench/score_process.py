"""Whole-process ``finlocal score``, two or more models side by side in one run.

    OMP_WAIT_POLICY=PASSIVE python -m bench.score_process MODEL_DIR [MODEL_DIR ...] [--n 1192] [--runs 5]

Times ``finlocal score FILE --model DIR --threads T --format jsonl`` as a user runs it (a fresh
process each time: start-up, reading, splitting, tokenizing, inference, the metric-change reader,
writing rows to a file) on ``--n`` earnings-call sentences, the models taking turns run by run
(A B A B …), and a one-sentence file for the start-up. Reports medians: wall seconds, sentences/s
net of start-up, and peak RSS (the child's ``ru_maxrss``). Writes
``bench/results/score-process.json``. A benchmark, not a test: nothing here asserts a speed.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from bench.reader import corpus_sentences
from bench.runtime import RESULTS, display_path, machine, report_text


def _run(model: Path, file: Path, threads: int) -> tuple[float, float]:
    """Wall seconds and peak RSS (MiB) of one ``finlocal score`` process."""
    cmd = [sys.executable, "-m", "finlocal", "score", str(file), "--model", str(model), "--threads", str(threads)]
    cmd += ["--format", "jsonl", "--quiet", "--output", os.devnull]
    t0 = time.perf_counter()
    child = subprocess.Popen(cmd, env={**os.environ, "OMP_WAIT_POLICY": "PASSIVE"})
    _, status, usage = os.wait4(child.pid, 0)  # this child's own peak RSS
    wall = time.perf_counter() - t0
    child.returncode = os.waitstatus_to_exitcode(status)
    if child.returncode != 0:
        raise SystemExit(f"{' '.join(cmd)} exited with {child.returncode}")
    return wall, usage.ru_maxrss / 1024


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("models", type=Path, nargs="+")
    parser.add_argument("--n", type=int, default=1192)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--out", type=Path, default=RESULTS / "score-process.json")
    args = parser.parse_args(argv)
    sentences, source = corpus_sentences(args.n)
    with tempfile.TemporaryDirectory(prefix="finlocal-bench-") as tmp:
        big, one = Path(tmp) / "calls.txt", Path(tmp) / "one.txt"
        big.write_text(report_text(sentences), encoding="utf-8")
        one.write_text("Net sales rose 5 % to EUR 131 mn.\n", encoding="utf-8")
        walls: dict[Path, list[float]] = {m: [] for m in args.models}
        starts: dict[Path, list[float]] = {m: [] for m in args.models}
        peaks: dict[Path, list[float]] = {m: [] for m in args.models}
        for m in args.models:  # warm the page cache
            _run(m, one, args.threads)
        for _ in range(args.runs):
            for m in args.models:
                wall, peak = _run(m, big, args.threads)
                walls[m].append(wall)
                peaks[m].append(peak)
                starts[m].append(_run(m, one, args.threads)[0])
    results: dict[str, Any] = {
        "machine": machine(args.threads, os.getloadavg()[0]),
        "sentences": len(sentences),
        "source": source,
        "runs": args.runs,
        "models": {},
    }
    print(f"{source}, {args.runs} runs each, interleaved, {args.threads} threads")
    print(f"{'model':48}{'wall s':>9}{'start s':>9}{'sent/s net':>12}{'peak MiB':>10}")
    for m in args.models:
        wall, start = statistics.median(walls[m]), statistics.median(starts[m])
        rate = len(sentences) / max(wall - start, 1e-9)
        results["models"][display_path(m)] = {
            "wall_s": round(wall, 3),
            "startup_s": round(start, 3),
            "sentences_per_s_net_of_startup": round(rate, 1),
            "peak_rss_mib": round(max(peaks[m]), 1),
            "walls": [round(w, 3) for w in walls[m]],
        }
        print(f"{display_path(m):48}{wall:>9.2f}{start:>9.2f}{rate:>12.0f}{max(peaks[m]):>10.0f}")
    args.out.write_text(json.dumps(results, indent=2) + "\n")
    print(f"-> {display_path(args.out)}")


if __name__ == "__main__":
    main()
