"""Draw real sentences that may state a metric change, for hand labelling (issue 24).

    python -m bench.real_sample [--n 900] [--seed 24] [--out runs/real_candidates.jsonl]
    python -m bench.real_sample --lower-after 600 --n 500 --out runs/real_candidates_lower.jsonl

Candidates come from three sources in fixed shares (`SHARES`): ECTSum earnings calls (train
split, one sentence a line), the training portion of the Financial PhraseBank, and the visible
text of the SEC filings in ``/work/shared/data/filings`` (read with `finlocal.reading`, split with
`finlocal.splitting`; headings, table rows and table-like lines are skipped). A sentence is a
candidate when it holds a figure (`FIGURE`) and a comparison cue (`CUE`); the reader is never run
here. Each source's candidates are shuffled with the seed and taken in order; the output
interleaves the sources in draw order (``rank``), so labelling the first N rows keeps the shares.
``--lower-after N`` draws the supplementary stratum instead (`draw_lower`): the same shuffled
pools read on past the first N candidates, keeping sentences that name a lower-is-better item
(`LOWER`). Same data, same seed, same file. ``tests/fixtures/changes/REAL.md`` says how
``real.jsonl`` was labelled from these draws.
"""

from __future__ import annotations

import argparse
import json
import random
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from finlocal.reading import read_path
from finlocal.splitting import split_sentences, split_text
from finlocal.structure import RowKind

DATA = Path("/work/shared/data")
ECTSUM = DATA / "ectsum" / "calls" / "train"
FPB = DATA / "fpb" / "train.jsonl"
FILINGS = DATA / "filings"

#: Out of every 4 candidates: 2 call sentences, 1 FPB sentence, 1 filing sentence.
SHARES = (("ectsum", 2), ("fpb", 1), ("filing", 1))

FIGURE = re.compile(r"\d")
CUE = re.compile(
    r"\b(?:increas\w*|decreas\w*|rose|rise[sn]?|rising|fell|fall(?:s|en|ing)?|grew|grow(?:s|n|th|ing)?"
    r"|declin\w*|drop\w*|jump\w*|climb\w*|surg\w*|soar\w*|slump\w*|plung\w*|dipp?\w*|gain\w*|los[st]\b"
    r"|up|down|compared|comparison|versus|vs\.?|from\b.{1,80}?\bto|higher|lower|improv\w*|narrow\w*"
    r"|widen\w*|doubl\w*|tripl\w*|halved|reduc\w*|expan\w*|contract\w*|shr[ia]nk\w*|deteriorat\w*"
    r"|year[- ]over[- ]year|yoy|a year (?:ago|earlier)|prior[- ]year|previous year|last year"
    r"|same (?:period|quarter) (?:of|last)|flat|unchanged|stable|steady)\b"
    r"|\((?:[^()]*\b(?:prior|previous|20\d\d|19\d\d)\b[^()]*)\)",
    re.IGNORECASE,
)
#: A lower-is-better line item named in the sentence (costs, losses, debt, tax rate, ratios where
#: lower is better): the filter of the supplementary draw (`draw_lower`).
LOWER = re.compile(
    r"\b(?:expenses?|costs?|spending|opex|sg&a|loss(?:es)?|debt|borrowings?|leverage|gearing|tax rate"
    r"|provisions?|impairments?|charge-?offs?|non-?performing|delinquenc\w*|churn|attrition"
    r"|combined ratio|loss ratio|expense ratio|efficiency ratio|cost-to-income|operating ratio|deficit"
    r"|write-?downs?|headwinds?|dwell|unemployment|interest expense|liabilities)\b",
    re.IGNORECASE,
)
_WORDS = re.compile(r"[A-Za-z]{2,}")
_NUMBERS = re.compile(r"\d[\d,.]*")
MIN_CHARS = 30
MAX_CHARS = 600


@dataclass(frozen=True)
class Candidate:
    source: str
    text: str


def is_candidate(text: str) -> bool:
    """A sentence with a figure and a comparison cue, of a readable length."""
    return MIN_CHARS <= len(text) <= MAX_CHARS and bool(FIGURE.search(text)) and bool(CUE.search(text))


def table_like(text: str) -> bool:
    """A line of figures rather than a sentence: few words per number, or no sentence end."""
    words = len(_WORDS.findall(text))
    numbers = len(_NUMBERS.findall(text))
    if words < 6 or numbers > words / 2:
        return True
    return not text.rstrip().endswith((".", ".)", '."', ".”", ";", ":"))


def _ectsum() -> Iterator[Candidate]:
    for path in sorted(ECTSUM.glob("*.txt")):
        for line in path.read_text(encoding="utf-8").splitlines():
            for span in split_sentences(line):
                yield Candidate(f"ectsum:{path.name}", span.text)


def _fpb() -> Iterator[Candidate]:
    with FPB.open(encoding="utf-8") as fh:
        for line in fh:
            row = json.loads(line)
            yield Candidate(f"fpb:{row['id']}", row["text"])


def _filings() -> Iterator[Candidate]:
    for path in sorted(FILINGS.glob("*.html")):
        doc = read_path(path)
        for item in split_text(doc.text, regions=doc.regions):
            if item.kind is not RowKind.SENTENCE:
                continue
            text = " ".join(item.text.split())
            if not table_like(text):
                yield Candidate(f"filing:{path.name}", text)


SOURCES = {"ectsum": _ectsum, "fpb": _fpb, "filing": _filings}


def pool(name: str, seed: int) -> list[Candidate]:
    """One source's candidates (duplicates dropped), shuffled with ``seed``."""
    seen: set[str] = set()
    found = []
    for cand in SOURCES[name]():
        if is_candidate(cand.text) and cand.text not in seen:
            seen.add(cand.text)
            found.append(cand)
    random.Random(f"{seed}:{name}").shuffle(found)
    return found


def draw(n: int, seed: int) -> list[dict[str, object]]:
    """The first ``n`` candidates, interleaved by `SHARES` in draw order."""
    pools = {name: iter(pool(name, seed)) for name, _ in SHARES}
    rows: list[dict[str, object]] = []
    while len(rows) < n:
        before = len(rows)
        for name, share in SHARES:
            for _ in range(share):
                cand = next(pools[name], None)
                if cand is not None and len(rows) < n:
                    rows.append({"rank": len(rows), "source": cand.source, "text": cand.text})
        if len(rows) == before:
            break
    return rows


def draw_lower(n: int, seed: int, after: int) -> list[dict[str, object]]:
    """The next ``n`` candidates that name a lower-is-better item (`LOWER`), read further down
    the same shuffled pools past the first ``after`` candidates of `draw`, in the same shares;
    ``rank`` goes on from ``after``."""
    taken = {name: 0 for name, _ in SHARES}
    for row in draw(after, seed):
        taken[str(row["source"]).split(":")[0]] += 1
    pools = {name: iter([c for c in pool(name, seed)[taken[name] :] if LOWER.search(c.text)]) for name, _ in SHARES}
    rows: list[dict[str, object]] = []
    while len(rows) < n:
        before = len(rows)
        for name, share in SHARES:
            for _ in range(share):
                cand = next(pools[name], None)
                if cand is not None and len(rows) < n:
                    rows.append({"rank": after + len(rows), "source": cand.source, "text": cand.text})
        if len(rows) == before:
            break
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--n", type=int, default=900)
    parser.add_argument("--seed", type=int, default=24)
    parser.add_argument("--out", type=Path, default=Path("runs/real_candidates.jsonl"))
    parser.add_argument(
        "--lower-after",
        type=int,
        default=None,
        help="draw the supplementary lower-is-better candidates that follow the first N of the main draw",
    )
    args = parser.parse_args()
    rows = draw(args.n, args.seed) if args.lower_after is None else draw_lower(args.n, args.seed, args.lower_after)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    with args.out.open("w", encoding="utf-8") as fh:
        for row in rows:
            fh.write(json.dumps(row, ensure_ascii=False) + "\n")


if __name__ == "__main__":
    main()
