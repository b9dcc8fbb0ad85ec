"""Draw the real-text sample (``tests/fixtures/changes/real_sample.jsonl``) from the shared data.

    python -m tests.changes.sample_source > /tmp/candidates.jsonl

Sentences are drawn at random (seed 24) from three sources: ECTSum earnings calls
(``../shared/data/ectsum``), FPB's training portion (``fpb/train.jsonl``) and the filings' and
releases' visible text (``filings/*.html``, read with `finlocal.reading.html_to_text`, split
with `finlocal.splitting.split_text`): 240, 240 and 140 (the filings' text is mostly tables and
boilerplate; a first draw of 140 each gave too few sentences that state a change). A candidate
has a digit and a movement or comparison word — a filter that knows nothing of the reader — and
25–400 characters. Every candidate was then labelled by hand before the reader was run on it:
the line items whose change it states, each with its direction, its polarity and the verdict an
analyst gives; a candidate that states no change is kept with no changes (it counts for
precision only).
"""

from __future__ import annotations

import json
import random
import re
import sys
from pathlib import Path

ROOT = Path(__file__).parents[2]
DATA = next(p for p in (ROOT.parent / "shared", ROOT.parent.parent / "shared") if (p / "data").is_dir()) / "data"
SEED = 24
PER_SOURCE = {"ectsum": 240, "fpb": 240, "filings": 140}
_MOVE = re.compile(
    r"\b(?:increas\w*|decreas\w*|rose|rise[sn]?|fell|fall\w*|grew|grow\w*|declin\w*|drop\w*|improv\w*|"
    r"up|down|higher|lower|compared|versus|vs\.?|from|narrow\w*|widen\w*|expand\w*|contract\w*|reduc\w*|"
    r"rais\w*|cut|gain\w*|loss\w*|jump\w*|climb\w*|slid|slipp\w*|eased|doubl\w*|unchanged|flat)\b",
    re.IGNORECASE,
)


def _candidate(text: str) -> bool:
    return 25 <= len(text) <= 400 and bool(re.search(r"\d", text)) and _MOVE.search(text) is not None


def _sentences(text: str) -> list[str]:
    from finlocal.splitting import split_text

    return [" ".join(s.text.split()) for s in split_text(text)]


def draw() -> list[dict[str, str]]:
    from finlocal.reading import html_to_text

    rng = random.Random(SEED)
    pools: dict[str, list[tuple[str, str]]] = {"ectsum": [], "fpb": [], "filings": []}
    for path in sorted((DATA / "ectsum" / "calls").glob("*/*.txt")):
        pools["ectsum"] += [(f"ectsum:{path.name}", s) for s in _sentences(path.read_text(encoding="utf-8"))]
    for line in (DATA / "fpb" / "train.jsonl").read_text(encoding="utf-8").splitlines():
        row = json.loads(line)
        pools["fpb"].append((f"fpb:{row['id']}", row["text"]))
    for path in sorted((DATA / "filings").glob("*.html")):
        text = html_to_text(path.read_text(encoding="utf-8", errors="replace"))
        pools["filings"] += [(f"filings:{path.name}", s) for s in _sentences(text)]
    out = []
    for name, pool in pools.items():
        seen: set[str] = set()
        candidates = [(src, s) for src, s in pool if _candidate(s) and not (s in seen or seen.add(s))]
        rng.shuffle(candidates)
        out += [{"source": src, "text": s} for src, s in candidates[: PER_SOURCE[name]]]
    return out


if __name__ == "__main__":
    for row in draw():
        sys.stdout.write(json.dumps(row, ensure_ascii=False) + "\n")
