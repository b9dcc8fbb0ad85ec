"""The metric-change reader: its cost on the scoring path, and its scores on the labelled sets.

    OMP_WAIT_POLICY=PASSIVE python -m bench.reader [--model DIR] [--threads 2] [--n 2000] [--runs 5]
    OMP_WAIT_POLICY=PASSIVE python -m bench.reader --reader-only [--baseline main] [--n 2000] [--runs 5]

* Speed: the whole in-process ``finlocal score`` path (split, tokenize, infer, read the changes,
  write JSONL rows to a null stream) over ``--n`` earnings-call sentences from
  ``../shared/data/ectsum`` (or the runtime benchmark's generated report when the data is not
  there), with the reader and with the reader replaced by a no-op, interleaved run by run (A B A B
  …); medians and their ratio. The reader's cache is emptied before every run, so it is timed
  cold. The reader alone is timed too (µs per sentence).
* Side by side (``--reader-only``): the reader alone (CPU µs per sentence, `time.process_time`, so
  that other processes on a shared machine count less; cold cache) of this checkout
  and of ``--baseline`` (a git ref, extracted to a temporary folder), each in a fresh process,
  interleaved run by run; medians and their ratio. The model is not loaded.
* Accuracy: precision of stated verdicts and recall on the development table, the blind
  holdout set and the hand-labelled real-text samples by item polarity (``tests/fixtures/changes/``:
  the development samples ``real_sample`` and ``real_dev2``, the blind ``real``).

Writes ``bench/results/reader.json``. A benchmark, not a test: nothing here asserts a speed.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import random
import statistics
import time
from pathlib import Path
from typing import Any

from bench.runtime import DEFAULT_MODEL, RESULTS, ROOT, display_path, machine, report_sentences, report_text
from finlocal.jsonl import read_jsonl

FIXTURES = ROOT / "tests" / "fixtures" / "changes"
# The shared data sit beside the checkout (../shared) or, for a worktree, two levels up.
ECTSUM = (
    next(
        (p for p in (ROOT.parent / "shared", ROOT.parent.parent / "shared") if (p / "data" / "ectsum").is_dir()),
        ROOT.parent / "shared",
    )
    / "data"
    / "ectsum"
    / "calls"
)


def corpus_sentences(n: int, seed: int = 7) -> tuple[list[str], str]:
    """``n`` earnings-call sentences sampled over the calls, or generated ones without the data."""
    files = sorted(ECTSUM.glob("*/*.txt")) if ECTSUM.is_dir() else []
    if not files:
        return report_sentences(n), "generated report (bench.runtime)"
    rng = random.Random(seed)
    lines: list[str] = []
    for path in rng.sample(files, min(len(files), 200)):
        lines += [line.strip() for line in path.read_text(encoding="utf-8").splitlines() if len(line.strip()) > 20]
    rng.shuffle(lines)
    return lines[:n], f"{min(n, len(lines))} ECTSum sentences from 200 calls (seed {seed})"


def _score_once(text: str, classifier: Any, reader_on: bool) -> float:
    import finlocal.scoring as scoring
    from finlocal.changes.parser import read_changes
    from finlocal.output import Format, Per, make_writer
    from finlocal.scoring import score_text

    read_changes.cache_clear()
    original = scoring.read_changes
    if not reader_on:
        scoring.read_changes = lambda text: ()  # type: ignore[assignment]
    try:
        sink = io.StringIO()
        writer = make_writer(Format.JSONL, Per.SENTENCE, sink, classifier.labels)
        t0 = time.perf_counter()
        report = score_text(text, classifier, source="bench", batch_size=32)
        writer.sentences(report.sentences)
        writer.document(report)
        return time.perf_counter() - t0
    finally:
        scoring.read_changes = original


def speed(model: Path, threads: int, n: int, runs: int) -> dict[str, Any]:
    from finlocal.changes.parser import read_changes
    from finlocal.model import OnnxClassifier

    sentences, source = corpus_sentences(n)
    text = report_text(sentences)
    classifier = OnnxClassifier.load(model, threads=threads)
    _score_once(text, classifier, True)  # warm-up
    with_reader, without = [], []
    for _ in range(runs):
        without.append(_score_once(text, classifier, False))
        with_reader.append(_score_once(text, classifier, True))
    read_changes.cache_clear()
    t0 = time.perf_counter()
    found = sum(len(read_changes(s)) for s in sentences)
    alone = (time.perf_counter() - t0) / len(sentences) * 1e6
    w, wo = statistics.median(with_reader), statistics.median(without)
    return {
        "sentences": len(sentences),
        "source": source,
        "changes_found": found,
        "runs": runs,
        "with_reader": {"median_s": round(w, 4), "sentences_per_s": round(len(sentences) / w, 1)},
        "without_reader": {"median_s": round(wo, 4), "sentences_per_s": round(len(sentences) / wo, 1)},
        "slowdown": round(w / wo - 1, 4),
        "reader_alone_us_per_sentence": round(alone, 1),
    }


_TIMER = """
import json, sys, time
sys.path.insert(0, sys.argv[1])
from finlocal.changes import read_changes
sentences = json.load(open(sys.argv[2]))
read_changes("Net sales rose 5 % to EUR 3.2 million from EUR 3.0 million.")
read_changes.cache_clear()
t0 = time.process_time()
found = sum(len(read_changes(s)) for s in sentences)
print(json.dumps({"us": (time.process_time() - t0) / len(sentences) * 1e6, "found": found}))
"""


def side_by_side(baseline: str, n: int, runs: int) -> dict[str, Any]:
    """The reader alone, this checkout against ``baseline``, each run in a fresh process."""
    import subprocess
    import sys
    import tempfile

    sentences, source = corpus_sentences(n)
    with tempfile.TemporaryDirectory() as tmp:
        base_src = Path(tmp) / "baseline"
        base_src.mkdir()
        archive = subprocess.run(
            ["git", "-C", str(ROOT), "archive", baseline, "finlocal"], check=True, capture_output=True
        ).stdout
        subprocess.run(["tar", "-x", "-C", str(base_src)], input=archive, check=True)
        data = Path(tmp) / "sentences.json"
        data.write_text(json.dumps(sentences))
        times: dict[str, list[float]] = {"this": [], "baseline": []}
        found: dict[str, int] = {}
        for _ in range(runs):
            for name, src in (("baseline", base_src), ("this", ROOT)):
                out = subprocess.run(
                    [sys.executable, "-c", _TIMER, str(src), str(data)], check=True, capture_output=True, text=True
                ).stdout
                row = json.loads(out)
                times[name].append(row["us"])
                found[name] = row["found"]
    this, base = statistics.median(times["this"]), statistics.median(times["baseline"])
    return {
        "sentences": len(sentences),
        "source": source,
        "runs": runs,
        "baseline": baseline,
        "this_us_per_sentence": round(this, 1),
        "baseline_us_per_sentence": round(base, 1),
        "ratio": round(this / base, 3),
        "changes_found": found,
    }


def accuracy() -> dict[str, Any]:
    from finlocal.changes.evaluation import BLIND_MAIN_DRAW_ROWS, blind_rows, score_by_polarity, score_rows

    out: dict[str, Any] = {}
    for name in ("table", "holdout"):
        rows = [row for _, row in read_jsonl(FIXTURES / f"{name}.jsonl")]
        score, _ = score_rows(rows)
        out[name] = score.to_dict()
    sample = [row for _, row in read_jsonl(FIXTURES / "real_sample.jsonl")]
    out["real_sample"] = {k: v.to_dict() for k, v in score_by_polarity(sample).items()}
    dev2 = blind_rows(row for _, row in read_jsonl(FIXTURES / "real_dev2.jsonl"))
    out["real_dev2"] = {k: v.to_dict() for k, v in score_by_polarity(dev2).items() if k != "unknown"}
    blind = blind_rows(row for _, row in read_jsonl(FIXTURES / "real.jsonl"))
    draws = {
        "main_draw": blind[:BLIND_MAIN_DRAW_ROWS],
        "lower_is_better_draw": blind[BLIND_MAIN_DRAW_ROWS:],
        "all": blind,
    }
    out["blind_real"] = {
        draw: {k: v.to_dict() for k, v in score_by_polarity(rows).items() if k != "unknown"}
        for draw, rows in draws.items()
    }
    return out


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--model", type=Path, default=ROOT / "finlocal" / "models" / "default")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--n", type=int, default=2000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--out", type=Path, default=RESULTS / "reader.json")
    parser.add_argument("--reader-only", action="store_true", help="time the reader alone against --baseline")
    parser.add_argument("--baseline", default="main", help="git ref of the reader to compare with (--reader-only)")
    args = parser.parse_args(argv)
    load = os.getloadavg()[0]
    if args.reader_only:
        # The whole-path figures of an earlier full run stay; the side-by-side ones are added.
        result = json.loads(args.out.read_text()) if args.out.exists() else {}
        result.update(
            side_by_side_machine=machine(1, load),
            side_by_side=side_by_side(args.baseline, args.n, args.runs),
            accuracy=accuracy(),
        )
        args.out.write_text(json.dumps(result, indent=2) + "\n")
        s = result["side_by_side"]
        print(f"{s['source']}, medians of {s['runs']} interleaved runs, cold cache:")
        print(f"  this checkout   {s['this_us_per_sentence']:>7.1f} µs/sentence")
        print(f"  {s['baseline']:<15} {s['baseline_us_per_sentence']:>7.1f} µs/sentence   (ratio {s['ratio']})")
        print(f"-> {display_path(args.out)}")
        return
    result = {
        "machine": machine(args.threads, load),
        "model": display_path(args.model if args.model.exists() else DEFAULT_MODEL),
        "speed": speed(args.model, args.threads, args.n, args.runs),
        "accuracy": accuracy(),
    }
    args.out.write_text(json.dumps(result, indent=2) + "\n")
    s = result["speed"]
    print(f"{s['source']}: {s['changes_found']} changes found")
    print(f"{'':24}{'median s':>10}{'sentences/s':>14}")
    for key in ("without_reader", "with_reader"):
        print(f"{key:24}{s[key]['median_s']:>10.3f}{s[key]['sentences_per_s']:>14.1f}")
    print(f"slowdown {s['slowdown'] * 100:+.1f} %; reader alone {s['reader_alone_us_per_sentence']} µs/sentence")
    for name, a in result["accuracy"].items():
        print(
            f"{name}: {a['rows']} rows, precision {a['verdict_precision']:.3f} of {a['verdicts_stated']} stated "
            f"verdicts, recall {a['verdict_recall']:.3f}"
        )
    print(f"-> {display_path(args.out)}")


if __name__ == "__main__":
    main()
