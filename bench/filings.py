"""Filings as filed: how SEC HTML (10-K, 10-Q, 20-F, 8-K; inline XBRL) is read, before and after.

    OMP_WAIT_POLICY=PASSIVE python -m bench.filings [FILE …] [--data DIR] [--baseline /work/main]
        [--runs 3] [--score] [--score-baseline] [--sample 200] [--out FILE]

For every file of ``--data`` (default ``../shared/data/filings``), or the FILEs named: the rows
reading and splitting give, by kind (sentence, heading, table_row), the tables found, and how
many of the rows marked ``sentence`` are not sentences by `not_a_sentence` (a heuristic: too
short, no verb-like word, mostly figures, all capitals, cut off, a 1,000-character run …), with
examples; the time to read and split each document, median of ``--runs``.

``--baseline DIR`` reads the same files with the finlocal found in DIR (a checkout of main:
``git worktree add``), in a subprocess, interleaved run by run with this checkout's reading, so
the two are measured side by side on one machine. ``--score`` scores each document once with
the bundled model (the whole ``finlocal score`` path: read, split, tokenize, infer, read the
changes) and records its time, its tone, its most positive and negative rows and their kinds;
``--score-baseline`` does the same with the baseline's code.

``--sample N`` writes N rows marked sentence, drawn with a fixed seed, to
``/tmp/filings-sample.txt`` for a hand check (the count found by hand is recorded in
``bench/results/filings.json`` under ``hand_check``, which a rerun keeps).

Writes ``bench/results/filings.json``. A benchmark, not a test: nothing here asserts a speed.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import statistics
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT.parent / "shared" / "data" / "filings"
if not DATA.is_dir():
    DATA = Path("/work/shared/data/filings")
RESULTS = ROOT / "bench" / "results" / "filings.json"
SAMPLE = Path("/tmp/filings-sample.txt")

# --------------------------------------------------------------------------------------------
# the heuristic

_AUXILIARIES = frozenset(
    """is are was were be been being am has have had having will would may might can could should
    shall must do does did not""".split()
)
_VERBS = frozenset(
    """include includes reflect reflects represent represents consist consists relate relates
    provide provides require requires remain remains expect expects believe believes continue
    continues see refer refers intend intends plan plans anticipate anticipates estimate estimates
    make makes take takes give gives operate operates sell sells offer offers hold holds pay pays
    rise rises rose fall falls fell grow grows grew lead leads led meet meets met become becomes
    became came comes come seek seeks depend depends result results affect affects compete competes apply applies
    contain contains mean means occur occurs exist exists own owns use uses face faces report
    reports file files believe recognize recognizes incur incurs maintain maintains""".split()
)
_VERB_ENDING = re.compile(r"^[a-z]+(?:ed|ing)$")
_TOKEN = re.compile(r"\S+")
_LETTER_WORD = re.compile(r"[^\W\d_]{2,}")
_TERMINAL = re.compile(r"""[.!?:;][\"'’”)\]]*$""")
#: A list item that goes on the list's lead-in ("…include: our plans …; and"), not a cut.
_LIST_ITEM_END = re.compile(r"(?:;|;\s*(?:and|or)|,\s*(?:and|or))$")
_ENUMERATOR = re.compile(r"^\(?(?:\d{1,2}|[a-z]|[ivx]{1,4})\)\s*")


def not_a_sentence(text: str) -> str | None:
    """Why a row marked sentence is not one, or None when it reads as a sentence.

    The reasons, in the order tried: ``run`` (1,000 characters or more: a cut-up run of text),
    ``short`` (fewer than four words or 20 characters), ``figures`` (half its tokens or a third
    of its characters are figures), ``capitals`` (most letters upper case: a title or furniture),
    ``cut`` (starts in lower case, or ends without a full stop, colon or semicolon), ``no verb``
    (no auxiliary, common verb or -ed/-ing word: a label or a list).
    """
    text = text.strip()
    tokens = _TOKEN.findall(text)
    words = _LETTER_WORD.findall(text)
    if len(text) >= 1000:
        return "run"
    if len(words) < 4 or len(text) < 20:
        return "short"
    numeric = sum(1 for t in tokens if any(c.isdigit() for c in t) and not _LETTER_WORD.search(t))
    digits = sum(c.isdigit() for c in text)
    lowered = [w.lower() for w in words]
    verb = any(w in _AUXILIARIES or w in _VERBS or _VERB_ENDING.match(w) for w in lowered)
    if numeric >= 0.5 * len(tokens) or (not verb and digits >= 0.33 * sum(not c.isspace() for c in text)):
        return "figures"
    letters = [c for c in text if c.isalpha()]
    if letters and sum(c.isupper() for c in letters) >= 0.7 * len(letters):
        return "capitals"
    item = _ENUMERATOR.sub("", text)
    first = words[0]
    if item[:1].islower() and not any(c.isupper() for c in first[1:]) and not _LIST_ITEM_END.search(item):
        return "cut"
    if not _TERMINAL.search(text):
        return "cut"
    if not verb and not any(w.endswith("s") and len(w) > 3 for w in lowered[1:]):  # "it grows"
        return "no verb"
    return None


# --------------------------------------------------------------------------------------------
# reading (runs with whichever finlocal is importable: this checkout's, or --baseline's)


def read_stats(files: list[Path], runs: int) -> dict[str, Any]:
    """Rows by kind, tables, heuristic non-sentences and read+split time for each file."""
    import finlocal
    from finlocal.reading import read_path
    from finlocal.splitting import split_text

    out: dict[str, Any] = {"finlocal": str(Path(finlocal.__file__).parent), "documents": {}}
    for path in files:
        times = []
        for _ in range(runs):
            t0 = time.perf_counter()
            document = read_path(path)
            items = split_text(document.text, regions=document.regions)
            times.append(time.perf_counter() - t0)
        kinds = Counter(getattr(getattr(item, "kind", None), "value", "sentence") for item in items)
        sentences = [
            item.text for item in items if getattr(getattr(item, "kind", None), "value", "sentence") == "sentence"
        ]
        reasons: Counter[str] = Counter()
        examples: dict[str, list[str]] = {}
        for text in sentences:
            reason = not_a_sentence(text)
            if reason is not None:
                reasons[reason] += 1
                if len(examples.setdefault(reason, [])) < 3:
                    examples[reason].append(text[:160])
        out["documents"][path.name] = {
            "bytes": path.stat().st_size,
            "rows": len(items),
            "rows_by_kind": dict(kinds),
            "tables": len(getattr(document, "tables", ())),
            "non_sentences": sum(reasons.values()),
            "non_sentence_reasons": dict(reasons),
            "non_sentence_examples": examples,
            "read_split_s": round(statistics.median(times), 4),
            "sentences": sentences,
        }
    return out


def _baseline(files: list[Path], runs: int, checkout: Path, score: bool, threads: int) -> dict[str, Any]:
    env = {**os.environ, "PYTHONPATH": str(checkout)}
    command = [sys.executable, str(Path(__file__).resolve()), "--worker", "--runs", str(runs)]
    command += ["--threads", str(threads)] + ["--score"] * score + [str(f) for f in files]
    result = subprocess.run(command, env=env, cwd="/", capture_output=True, text=True, check=True)
    stats: dict[str, Any] = json.loads(result.stdout)
    commit = subprocess.run(
        ["git", "-C", str(checkout), "rev-parse", "--short", "HEAD"], capture_output=True, text=True
    )
    stats["commit"] = commit.stdout.strip()
    return stats


# --------------------------------------------------------------------------------------------
# scoring (this checkout only)


def score_stats(files: list[Path], threads: int) -> dict[str, Any]:
    from finlocal.model import OnnxClassifier
    from finlocal.reading import Input
    from finlocal.scoring import SentenceResult, iter_score_documents

    classifier = OnnxClassifier.load(ROOT / "finlocal" / "models" / "default", threads=threads)
    out: dict[str, Any] = {}
    for path in files:
        rows: list[SentenceResult] = []
        t0 = time.perf_counter()
        [outcome] = list(iter_score_documents([Input(path.name, path)], classifier, on_sentences=rows.extend))
        elapsed = time.perf_counter() - t0
        report = outcome.report
        if report is None:
            out[path.name] = {"error": outcome.error}
            continue
        narrative = [r.tone for r in rows if r.kind.value == "sentence"]
        everything = [r.tone for r in rows]
        out[path.name] = {
            "score_s": round(elapsed, 2),
            "rows": len(rows),
            "tone_index": round(report.tone, 4),
            "tone_all_rows": round(statistics.fmean(everything), 4) if everything else 0.0,
            "tone_sentences": round(statistics.fmean(narrative), 4) if narrative else 0.0,
            "top": [
                {"list": name, "kind": r.kind.value, "score": round(r.prediction.confidence, 3), "text": r.text[:160]}
                for name, top in (("positive", report.top_positive), ("negative", report.top_negative))
                for r in top
            ],
            "non_sentences_in_top": sum(
                1
                for r in (*report.top_positive, *report.top_negative)
                if not_a_sentence(r.text) or r.kind.value != "sentence"
            ),
            "labels_by_kind": {
                kind: dict(Counter(r.label for r in rows if r.kind.value == kind))
                for kind in sorted({r.kind.value for r in rows})
            },
        }
    return out


# --------------------------------------------------------------------------------------------


def _cpu() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return "unknown"


def _merged(runs: list[dict[str, Any]]) -> dict[str, Any]:
    """The first run's stats, each document's time the median over the runs."""
    first = runs[0]
    for name, doc in first["documents"].items():
        doc["read_split_s"] = round(statistics.median(r["documents"][name]["read_split_s"] for r in runs), 4)
    return first


def _totals(stats: dict[str, Any]) -> dict[str, Any]:
    docs = stats["documents"].values()
    sentences = sum(d["rows_by_kind"].get("sentence", 0) for d in docs)
    flagged = sum(d["non_sentences"] for d in docs)
    kinds: Counter[str] = Counter()
    for d in docs:
        kinds.update(d["rows_by_kind"])
    return {
        "rows": sum(d["rows"] for d in docs),
        "rows_by_kind": dict(kinds),
        "tables": sum(d["tables"] for d in docs),
        "sentence_rows": sentences,
        "non_sentences": flagged,
        "non_sentence_rate": round(flagged / sentences, 4) if sentences else 0.0,
        "read_split_s": round(sum(d["read_split_s"] for d in docs), 3),
    }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("files", nargs="*", type=Path)
    parser.add_argument("--data", type=Path, default=DATA)
    parser.add_argument("--baseline", type=Path, help="a checkout of main to measure side by side")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--score", action="store_true", help="score each document once with the bundled model")
    parser.add_argument("--score-baseline", action="store_true", help="score with the baseline's reading too")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--sample", type=int, default=0, help="write this many sentence rows for a hand check")
    parser.add_argument("--out", type=Path, default=RESULTS)
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    files = args.files or sorted(p for p in args.data.glob("*.html"))
    if args.worker:
        stats = read_stats(files, args.runs)
        if args.score:
            stats["score"] = score_stats(files, args.threads)
        json.dump(stats, sys.stdout)
        return
    load = os.getloadavg()[0]
    # before and after interleaved run by run (B A B A …), so that a change in the machine's load
    # falls on both; each document's time is the median over the runs
    befores: list[dict[str, Any]] = []
    afters: list[dict[str, Any]] = []
    for run in range(args.runs):
        if args.baseline:
            score = args.score_baseline and run == 0
            befores.append(_baseline(files, 1, args.baseline, score, args.threads))
        afters.append(read_stats(files, 1))
    before = _merged(befores) if befores else None
    after = _merged(afters)
    result: dict[str, Any] = {
        "cpu": _cpu(),
        "cores": os.cpu_count(),
        "load_average_1m_at_start": round(load, 2),
        "runs": args.runs,
        "files": len(files),
        "after": {"totals": _totals(after), "finlocal": after["finlocal"]},
    }
    if before is not None:
        result["before"] = {"totals": _totals(before), "finlocal": before["finlocal"], "commit": before["commit"]}
    documents: dict[str, Any] = {}
    for path in files:
        a = after["documents"][path.name]
        entry: dict[str, Any] = {
            "bytes": a["bytes"],
            "after": {k: v for k, v in a.items() if k not in ("sentences", "bytes")},
        }
        if before is not None:
            b = before["documents"][path.name]
            entry["before"] = {k: v for k, v in b.items() if k not in ("sentences", "bytes", "non_sentence_examples")}
            entry["time_ratio"] = round(a["read_split_s"] / b["read_split_s"], 3) if b["read_split_s"] else None
        documents[path.name] = entry
    if before is not None and "score" in before:
        for name, stats in before["score"].items():
            documents[name]["before"]["score"] = {k: v for k, v in stats.items() if k != "labels_by_kind"}
    if args.score:
        scored = score_stats(files, args.threads)
        for name, stats in scored.items():
            documents[name]["score"] = stats
            old = documents[name].get("before", {}).get("score", {})
            if "score_s" in old and "score_s" in stats:
                documents[name]["score_time_ratio"] = round(stats["score_s"] / old["score_s"], 3)
        result["top_lists_with_non_sentence_rows"] = sum(s.get("non_sentences_in_top", 0) for s in scored.values())
    result["documents"] = documents
    if args.sample:
        rows = [(name, text) for name, d in after["documents"].items() for text in d["sentences"]]
        picked = random.Random(25).sample(rows, min(args.sample, len(rows)))
        SAMPLE.write_text(
            "".join(f"{i}\t{name}\t{text}\n" for i, (name, text) in enumerate(picked, 1)), encoding="utf-8"
        )
        result["sample"] = {
            "n": len(picked),
            "seed": 25,
            "heuristic_non_sentences": sum(1 for _, t in picked if not_a_sentence(t)),
        }
    if args.out.exists():
        previous = json.loads(args.out.read_text(encoding="utf-8"))
        if "hand_check" in previous:
            result["hand_check"] = previous["hand_check"]
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    summary = {k: result[k] for k in ("after", "before") if k in result}
    print(json.dumps(summary, indent=1))


if __name__ == "__main__":
    main()
