"""Reading and splitting plain text, before and after: the splitter of a baseline revision (read
from git) against this tree's, side by side in one run.

    python -m bench.reading [--baseline REV] [--runs 7] [--score] [--out bench/results/reading.json]

* **ECTSum transcripts** (``../shared/data/ectsum/calls/test``, the largest few joined): the
  baseline's ``split_sentences`` against this tree's (prose must split the same: the sentences
  that differ are counted), and this tree's whole plain-text path (``text_structure`` then
  ``split_text`` inside its regions). Medians of ``--runs`` runs, interleaved.
* **"·" bullets on their own lines** (a release's highlights as PDF and newswire text give
  them: once read as ~1,000-character rows): rows and their longest length before and after,
  and, with ``--score``, rows per second scored by the bundled model (same classifier, same
  machine, one after the other).
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import platform
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from types import ModuleType
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
ECTSUM = ROOT.parent / "shared" / "data" / "ectsum" / "calls" / "test"
if not ECTSUM.is_dir():
    ECTSUM = Path("/work/shared/data/ectsum/calls/test")


def _cpu() -> str:
    try:
        out = subprocess.run(["lscpu"], capture_output=True, text=True, check=True).stdout
    except (OSError, subprocess.CalledProcessError):
        return platform.processor() or "unknown"
    for line in out.splitlines():
        if line.startswith("Model name:"):
            return line.split(":", 1)[1].strip()
    return "unknown"


def baseline_splitter(rev: str) -> ModuleType:
    """``finlocal/splitting.py`` as it was at ``rev``, loaded as a module of its own."""
    source = subprocess.run(
        ["git", "show", f"{rev}:finlocal/splitting.py"], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout
    name = "bench_baseline_splitting"
    spec = importlib.util.spec_from_loader(name, loader=None)
    assert spec is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module  # dataclasses look their module up
    exec(compile(source, f"{rev}:finlocal/splitting.py", "exec"), module.__dict__)
    return module


def transcripts(n: int = 5) -> str:
    files = sorted(ECTSUM.glob("*.txt"), key=lambda p: p.stat().st_size, reverse=True)[:n]
    return "\n\n".join(p.read_text(encoding="utf-8") for p in files)


def bullets_release(items: int = 60) -> str:
    """A release's highlights with "·" alone on a line, each item's text on the next."""
    lines = ["Acme reports record third quarter", "", "Highlights"]
    for k in range(items):
        lines += ["·", f"Revenue in segment {k} was ${k + 1}.{k % 10} billion, up {k % 17} % year over year"]
    lines += ["", "Acme's board proposed a dividend of $0.45 per share. The outlook is unchanged."]
    return "\n".join(lines) + "\n"


def _medians(fns: dict[str, Callable[[], object]], runs: int) -> dict[str, float]:
    times: dict[str, list[float]] = {name: [] for name in fns}
    for _ in range(runs):
        for name, fn in fns.items():  # interleaved: the same load for each
            t0 = time.perf_counter()
            fn()
            times[name].append(time.perf_counter() - t0)
    return {name: round(statistics.median(ts), 4) for name, ts in times.items()}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--baseline", default="ef3f80f", help="git revision of the splitter to compare with")
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--score", action="store_true", help="also score the bullets input with the bundled model")
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "results" / "reading.json")
    args = parser.parse_args(argv)

    from finlocal.reading.text import text_structure
    from finlocal.splitting import split_sentences, split_text
    from finlocal.structure import Region, SplitMode

    load = round(os.getloadavg()[0], 2)  # a shared machine: the medians are side by side
    old = baseline_splitter(args.baseline)
    text = transcripts()
    before = [(s.start, s.end) for s in old.split_sentences(text)]
    after = [(s.start, s.end) for s in split_sentences(text)]
    structure = text_structure(text)
    read_items = split_text(text, SplitMode.SENTENCES, structure.regions)
    medians = _medians(
        {
            "baseline_split_sentences": lambda: old.split_sentences(text),
            "split_sentences": lambda: split_sentences(text),
            "text_structure_and_split": lambda: split_text(text, SplitMode.SENTENCES, text_structure(text).regions),
        },
        args.runs,
    )
    ectsum: dict[str, Any] = {
        "chars": len(text),
        "sentences_baseline": len(before),
        "sentences_now": len(after),
        "sentences_that_differ": len(set(before) ^ set(after)),
        "items_read_as_plain_text": len(read_items),
        "items_read_that_differ_from_baseline": len({(i.start, i.end) for i in read_items} ^ set(before)),
        "median_seconds": medians,
        "sentences_per_second": {name: round(len(before) / s) for name, s in medians.items()},
    }

    release = bullets_release()
    old_rows = old.split_text(release, old.SplitMode.SENTENCES)  # plain text had no regions
    regions: tuple[Region, ...] = text_structure(release).regions
    new_rows = split_text(release, SplitMode.SENTENCES, regions)
    bullets: dict[str, Any] = {
        "chars": len(release),
        "rows_before": len(old_rows),
        "longest_row_before": max(len(r.text) for r in old_rows),
        "rows_after": len(new_rows),
        "longest_row_after": max(len(r.text) for r in new_rows),
    }
    if args.score:
        from finlocal.model import OnnxClassifier, bundled_model_dir
        from finlocal.scoring import score_spans

        classifier = OnnxClassifier.load(bundled_model_dir(), threads=1)
        score_spans(new_rows[:4], classifier, source="warm-up")
        rates: dict[str, list[float]] = {"before": [], "after": []}
        for _ in range(max(1, args.runs // 2)):
            for name, rows in (("before", old_rows), ("after", new_rows)):
                t0 = time.perf_counter()
                score_spans(rows, classifier, source=name)
                rates[name].append(len(rows) / (time.perf_counter() - t0))
        bullets["rows_per_second_scored"] = {name: round(statistics.median(r), 1) for name, r in rates.items()}
        bullets["seconds_scored"] = {
            name: round(len(rows) / statistics.median(rates[name]), 3)
            for name, rows in (("before", old_rows), ("after", new_rows))
        }
        bullets["model"] = classifier.name
        bullets["threads"] = 1

    result = {
        "cpu": _cpu(),
        "cores": os.cpu_count(),
        "load_average_1min_at_start": load,
        "python": platform.python_version(),
        "baseline": args.baseline,
        "runs": args.runs,
        "ectsum_transcripts": ectsum,
        "bullets_on_their_own_lines": bullets,
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
