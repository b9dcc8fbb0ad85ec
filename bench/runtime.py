"""Runtime benchmark: latency, throughput, cold start and peak memory of ``finlocal score``.

    OMP_WAIT_POLICY=PASSIVE python -m bench.runtime [--model DIR] [--threads N] [--splitter]

Measures, on a generated 1,000-sentence report (written to a temporary directory):

* p50/p90 latency of one sentence at batch size 1 (in process, after warm-up);
* sentences/s at batch size 32 (in process, median of 3 runs over the 1,000 sentences);
* cold start: from starting ``finlocal score FILE`` in a fresh process to its first output row;
* peak RSS of that process scoring the whole file (``ru_maxrss`` of the child);
* with ``--splitter``: finlocal's splitter against pysbd on the gold report in
  ``tests/fixtures/splitting/`` (exact sentence F1) and speed on the 1,000-sentence text;
  with ``--fpb FILE`` also on Financial PhraseBank sentences joined into one text.

Writes ``bench/results/runtime-<model name>.json`` with the machine (CPU model, cores, threads,
versions) and prints a table. This is a benchmark, not a test: nothing here asserts a speed.
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from importlib import metadata
from pathlib import Path
from typing import Any

from bench.machine import machine
from finlocal.jsonl import read_jsonl

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_MODEL = ROOT / "tests" / "fixtures" / "tiny-model"
RESULTS = ROOT / "bench" / "results"
#: The splitter's gold set: a hand-written report and its sentences (shared with the tests).
SPLITTER_GOLD = ROOT / "tests" / "fixtures" / "splitting"

_SUBJECTS = [
    "Net sales",
    "Operating profit",
    "Revenue",
    "Order intake",
    "Earnings per share",
    "Cash flow from operations",
    "The operating margin",
    "Group turnover",
    "EBITDA",
]
_VERBS = ["rose", "fell", "increased", "decreased", "remained stable", "grew", "declined"]
_TAILS = [
    "to EUR 131.0 mn from EUR 127.9 mn a year earlier",
    "by 2.4 % year on year",
    "in the third quarter of 2026",
    "compared with the corresponding period in 2025",
    "to approx. EUR 9.8 mn, mainly due to higher costs in the U.S. and Europe",
    "as Acme Corp. completed the acquisition of Foo Inc. during the period",
]


def report_sentences(n: int, seed: int = 0) -> list[str]:
    rng = random.Random(seed)
    return [f"{rng.choice(_SUBJECTS)} {rng.choice(_VERBS)} {rng.choice(_TAILS)}." for _ in range(n)]


def report_text(sentences: list[str]) -> str:
    paragraphs = [" ".join(sentences[i : i + 5]) for i in range(0, len(sentences), 5)]
    return "Interim report\n\n" + "\n\n".join(paragraphs) + "\n"


def display_path(path: Path) -> str:
    """A path relative to the repository when it is inside it (results are committed)."""
    try:
        return str(path.resolve().relative_to(ROOT))
    except ValueError:
        return str(path)


def _finlocal_cmd() -> list[str]:
    script = Path(sys.executable).with_name("finlocal")
    return [str(script)] if script.exists() else [sys.executable, "-m", "finlocal"]


def cold_start_and_rss(model: Path, file: Path, threads: int, runs: int = 3) -> tuple[float, float, float]:
    """(median seconds to the first row, median seconds to the end, max peak RSS in MiB)."""
    env = {**os.environ, "OMP_WAIT_POLICY": "PASSIVE"}
    cmd = [
        *_finlocal_cmd(),
        "score",
        str(file),
        "--model",
        str(model),
        "--format",
        "jsonl",
        "--threads",
        str(threads),
        "--quiet",
    ]
    firsts, totals, rss = [], [], []
    for _ in range(runs):
        t0 = time.perf_counter()
        proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, env=env)
        assert proc.stdout is not None
        proc.stdout.readline()
        firsts.append(time.perf_counter() - t0)
        for _line in proc.stdout:
            pass
        _, status, usage = os.wait4(proc.pid, 0)
        totals.append(time.perf_counter() - t0)
        proc.returncode = os.waitstatus_to_exitcode(status)
        if proc.returncode != 0:
            raise SystemExit(f"finlocal score exited with {proc.returncode}: {' '.join(cmd)}")
        rss.append(usage.ru_maxrss / 1024)  # KiB on Linux
    return statistics.median(firsts), statistics.median(totals), max(rss)


def _row_f1(found: list[str], gold: list[str]) -> float:
    wanted = set(gold)
    hits = sum(1 for s in found if s in wanted)
    p, r = hits / max(len(found), 1), hits / max(len(gold), 1)
    return 2 * p * r / (p + r) if p + r else 0.0


def fpb_splitting(path: Path, n: int = 300) -> dict[str, Any]:
    """Join the first ``n`` FPB sentences with spaces; how many does each splitter recover exactly?

    FPB rows are single sentences (a few hold two), tokenised with spaces (" .", "EUR10 .1 m"),
    which makes a hard, independent test. pysbd is slow on long texts, hence the small ``n``.
    """
    from finlocal.splitting import split_sentences

    rows = [row["text"] for _, row in itertools.islice(read_jsonl(path, required=("text",)), n)]
    text = " ".join(rows)
    t0 = time.perf_counter()
    found = [s.text for s in split_sentences(text)]
    result: dict[str, Any] = {
        "sentences": len(rows),
        "finlocal": {"row_f1": round(_row_f1(found, rows), 4), "seconds": round(time.perf_counter() - t0, 3)},
    }
    try:
        import pysbd
    except ImportError:
        return result
    t0 = time.perf_counter()
    found = [s.strip() for s in pysbd.Segmenter(language="en", clean=False).segment(text) if s.strip()]
    result["pysbd"] = {"row_f1": round(_row_f1(found, rows), 4), "seconds": round(time.perf_counter() - t0, 3)}
    return result


def splitter_comparison(text: str) -> dict[str, Any]:
    from finlocal.splitting import split_sentences

    report = (SPLITTER_GOLD / "report.txt").read_text(encoding="utf-8")
    gold: list[str] = json.loads((SPLITTER_GOLD / "sentences.json").read_text(encoding="utf-8"))

    def f1(found: list[str]) -> float:
        norm = [" ".join(s.split()) for s in found]
        wanted = [" ".join(s.split()) for s in gold]
        hits = sum(1 for s in norm if s in wanted)
        p, r = hits / max(len(norm), 1), hits / len(wanted)
        return 2 * p * r / (p + r) if p + r else 0.0

    def timed(fn) -> float:
        t0 = time.perf_counter()
        fn(text)
        return time.perf_counter() - t0

    result: dict[str, Any] = {
        "finlocal": {
            "gold_f1": round(f1([s.text for s in split_sentences(report)]), 4),
            "sentences_per_s": round(len(split_sentences(text)) / timed(split_sentences), 1),
        }
    }
    try:
        import pysbd
    except ImportError:
        result["pysbd"] = "not installed"
        return result
    segmenter = pysbd.Segmenter(language="en", clean=False, char_span=False)
    n = len(segmenter.segment(text))
    result["pysbd"] = {
        "version": metadata.version("pysbd"),
        "gold_f1": round(f1([s.strip() for s in segmenter.segment(report) if s.strip()]), 4),
        "sentences_per_s": round(n / timed(segmenter.segment), 1),
    }
    return result


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", type=Path, default=DEFAULT_MODEL)
    parser.add_argument("--threads", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--sentences", type=int, default=1000)
    parser.add_argument("--splitter", action="store_true", help="also compare with pysbd")
    parser.add_argument(
        "--fpb", type=Path, metavar="JSONL", help="with --splitter: also split joined Financial PhraseBank sentences"
    )
    parser.add_argument("--out", type=Path, default=RESULTS)
    args = parser.parse_args(argv)

    from finlocal.model import OnnxClassifier

    load = os.getloadavg()[0]
    classifier = OnnxClassifier.load(args.model, threads=args.threads)
    sentences = report_sentences(args.sentences)

    for s in sentences[:20]:
        classifier.predict([s], batch_size=1)
    latencies = []
    for s in sentences[:300]:
        t0 = time.perf_counter()
        classifier.predict([s], batch_size=1)
        latencies.append((time.perf_counter() - t0) * 1000)
    latencies.sort()

    classifier.predict(sentences[:64], batch_size=32)
    rates = []
    for _ in range(3):
        t0 = time.perf_counter()
        classifier.predict(sentences, batch_size=32)
        rates.append(len(sentences) / (time.perf_counter() - t0))

    with tempfile.TemporaryDirectory() as tmp:
        file = Path(tmp) / "report.txt"
        text = report_text(sentences)
        file.write_text(text, encoding="utf-8")
        first_row_s, total_s, rss_mib = cold_start_and_rss(args.model, file, args.threads)

    results: dict[str, Any] = {
        "model": classifier.name,
        "model_dir": display_path(args.model),
        "model_bytes": classifier.size_bytes,
        "max_length": classifier.max_length,
        "sentences": len(sentences),
        "latency_ms_batch1": {
            "p50": round(statistics.median(latencies), 3),
            "p90": round(latencies[int(0.9 * len(latencies))], 3),
        },
        "sentences_per_s_batch32": round(statistics.median(rates), 1),
        "cold_start_first_row_s": round(first_row_s, 3),
        "score_file_total_s": round(total_s, 3),
        "peak_rss_mib": round(rss_mib, 1),
        "machine": machine(args.threads, load),
        "date": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
    }
    if args.splitter:
        results["splitter"] = splitter_comparison(text)
        if args.fpb:
            results["splitter"]["fpb_joined"] = fpb_splitting(args.fpb)
    args.out.mkdir(parents=True, exist_ok=True)
    out = args.out / f"runtime-{classifier.name}.json"
    out.write_text(json.dumps(results, indent=2) + "\n")

    from rich.console import Console
    from rich.table import Table

    table = Table(
        title=f"finlocal runtime: {classifier.name} ({results['machine']['cpu']}, "
        f"{args.threads} thread{'s' if args.threads > 1 else ''})"
    )
    table.add_column("measure")
    table.add_column("value", justify="right")
    table.add_row("p50 latency, batch 1", f"{results['latency_ms_batch1']['p50']:.2f} ms")
    table.add_row("p90 latency, batch 1", f"{results['latency_ms_batch1']['p90']:.2f} ms")
    table.add_row("throughput, batch 32", f"{results['sentences_per_s_batch32']:,.0f} sentences/s")
    table.add_row("cold start to first row", f"{first_row_s:.2f} s")
    table.add_row(f"score {len(sentences):,} sentences (process)", f"{total_s:.2f} s")
    table.add_row("peak RSS of finlocal score", f"{rss_mib:.0f} MiB")
    for name, value in results.get("splitter", {}).items():
        if name == "fpb_joined":
            for splitter in ("finlocal", "pysbd"):
                if splitter in value:
                    table.add_row(
                        f"splitter {splitter}: FPB joined, row F1 / time",
                        f"{value[splitter]['row_f1']:.3f} / {value[splitter]['seconds']:.2f} s",
                    )
        elif isinstance(value, dict):
            table.add_row(
                f"splitter {name}: gold F1 / speed",
                f"{value['gold_f1']:.3f} / {value['sentences_per_s']:,.0f} sentences/s",
            )
    Console().print(table)
    Console(stderr=True).print(f"wrote {out}")


if __name__ == "__main__":
    main()
