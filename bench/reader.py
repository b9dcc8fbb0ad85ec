"""The metric-change reader: its cost on the scoring path, and its scores on the labelled sets.

    OMP_WAIT_POLICY=PASSIVE python -m bench.reader [--model DIR] [--threads 2] [--n 2000] [--runs 5]

* Speed: the whole in-process ``finlocal score`` path (split, tokenize, infer, read the changes,
  write JSONL rows to a null stream) over ``--n`` earnings-call sentences from
  ``../shared/data/ectsum`` (or the runtime benchmark's generated report when the data is not
  there), with the reader and with the reader replaced by a no-op, interleaved run by run (A B A B
  …); medians and their ratio. The reader's cache is emptied before every run, so it is timed
  cold. The reader alone is timed too (µs per sentence).
* Accuracy: precision of stated verdicts and recall on the development table and the blind
  holdout set (``tests/fixtures/changes/``).

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
ECTSUM = ROOT.parent / "shared" / "data" / "ectsum" / "calls"


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


def accuracy() -> dict[str, Any]:
    from finlocal.changes.evaluation import score_rows

    out = {}
    for name in ("table", "holdout"):
        rows = [row for _, row in read_jsonl(FIXTURES / f"{name}.jsonl")]
        score, _ = score_rows(rows)
        out[name] = score.to_dict()
    return out


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--model", type=Path, default=ROOT / "finlocal" / "models" / "default")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--n", type=int, default=2000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--out", type=Path, default=RESULTS / "reader.json")
    args = parser.parse_args(argv)
    load = os.getloadavg()[0]
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
