"""edgartools' filing parser (`edgar.documents`) on the same filings as `bench.filings`.

Runs in a throwaway virtual environment, never the project's:

    python3 -m venv /tmp/edgar && /tmp/edgar/bin/pip install edgartools
    OMP_WAIT_POLICY=PASSIVE /tmp/edgar/bin/python -m bench.filings_edgartools [--runs 3]

For each file: `edgar.documents.parse_html` and its text (median time of ``--runs``, each run
followed by finlocal's own read and split of the file, timed the same way in the same
interpreter), the tables it finds (and finlocal's),
and its narrative text (``Document.text(include_tables=False)``) cut into sentences by
finlocal's splitter, less the headings it found, judged by `bench.filings.not_a_sentence` —
the same rule as finlocal's own rows. The venv's size on disk is recorded too. Writes
``bench/results/filings-edgartools.json``; docs/documents.md gives the comparison and the
decision.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from collections import Counter
from importlib import metadata
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.filings import DATA, _cpu, not_a_sentence  # noqa: E402
from finlocal.reading import read_path  # noqa: E402
from finlocal.splitting import split_text  # noqa: E402

RESULTS = ROOT / "bench" / "results" / "filings-edgartools.json"


def main(argv: list[str] | None = None) -> None:
    from edgar.documents import parse_html

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("files", nargs="*", type=Path)
    parser.add_argument("--data", type=Path, default=DATA)
    parser.add_argument("--runs", type=int, default=1)
    parser.add_argument("--out", type=Path, default=RESULTS)
    args = parser.parse_args(argv)
    files = args.files or sorted(args.data.glob("*.html"))
    load = os.getloadavg()[0]
    documents: dict[str, Any] = {}
    for path in files:
        html = path.read_text(encoding="utf-8", errors="replace")
        times = []
        error = None
        document = None
        ours = []
        for _ in range(args.runs):  # edgartools and finlocal interleaved, in this one interpreter
            t0 = time.perf_counter()
            try:
                document = parse_html(html)
                text = document.text(include_tables=False)
            except Exception as exc:  # noqa: BLE001 (someone else's parser: record what it raises)
                error = f"{type(exc).__name__}: {exc}"
                break
            times.append(time.perf_counter() - t0)
            t0 = time.perf_counter()
            read = read_path(path)
            split_text(read.text, regions=read.regions)
            ours.append(time.perf_counter() - t0)
        if error is not None or document is None:
            documents[path.name] = {"error": error}
            continue
        headings = {node.text().strip() for node in document.headings}
        # the rows a reader would score: its text's sentences, less the headings it marked
        sentences = [s.text for s in split_text(text) if s.text.strip() not in headings]
        reasons = Counter(r for s in sentences if (r := not_a_sentence(s)) is not None)
        documents[path.name] = {
            "parse_and_text_s": round(statistics.median(times), 4),
            "finlocal_read_split_s": round(statistics.median(ours), 4),
            "finlocal_tables": len(read.tables),
            "tables": len(document.tables or []),
            "headings": len(headings),
            "sentences": len(sentences),
            "non_sentences": sum(reasons.values()),
            "non_sentence_reasons": dict(reasons),
            "running_footer_rows": sum(1 for s in sentences if s.count(" | ") >= 2),
        }
    ok = [d for d in documents.values() if "error" not in d]
    sentences = sum(d["sentences"] for d in ok)
    flagged = sum(d["non_sentences"] for d in ok)
    size = subprocess.run(["du", "-sm", sys.prefix], capture_output=True, text=True).stdout.split()[0]
    result = {
        "cpu": _cpu(),
        "load_average_1m_at_start": round(load, 2),
        "edgartools": metadata.version("edgartools"),
        "venv_mb": int(size),
        "runs": args.runs,
        "totals": {
            "documents": len(ok),
            "errors": len(documents) - len(ok),
            "tables": sum(d["tables"] for d in ok),
            "sentences": sentences,
            "non_sentences": flagged,
            "non_sentence_rate": round(flagged / sentences, 4) if sentences else 0.0,
            "parse_and_text_s": round(sum(d["parse_and_text_s"] for d in ok), 3),
            "finlocal_read_split_s": round(sum(d["finlocal_read_split_s"] for d in ok), 3),
            "finlocal_tables": sum(d["finlocal_tables"] for d in ok),
        },
        "documents": documents,
    }
    args.out.write_text(json.dumps(result, indent=1) + "\n", encoding="utf-8")
    print(json.dumps(result["totals"], indent=1))


if __name__ == "__main__":
    main()
