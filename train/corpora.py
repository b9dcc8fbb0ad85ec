"""The other data sets, prepared for training: a transfer sample of earnings calls, and tweets and
headlines as extra gold rows.

    python -m finlocal.train.corpora ectsum ../shared/data/ectsum/calls --n 10000 --out runs/data/ectsum-10k.jsonl
    python -m finlocal.train.corpora ectsum ../shared/data/ectsum/calls --n 1000 --seed 7 \
        --exclude runs/data/ectsum-10k.jsonl --out runs/data/parity.jsonl
    python -m finlocal.train.corpora tfns ../shared/data/tfns/train.jsonl --out runs/data/tfns.jsonl
    python -m finlocal.train.corpora sentfin ../shared/data/sentfin/sentfin.jsonl --out runs/data/sentfin.jsonl

- **ECTSum** (2,425 earnings-call transcripts, one sentence a line, unlabelled): a seeded sample
  spread evenly over the calls, without boilerplate (greetings, operator lines, safe-harbour
  text) and without very short or very long lines. Teachers label it (`finlocal train teach`);
  the student learns their soft labels as transfer rows.
- **TFNS** (financial tweets, labelled): gold rows as they are, ids kept.
- **SEntFiN** (headlines with entity-level labels): gold rows where every entity agrees, the
  label read from the entities themselves (a sentence-level ``label`` that disagrees with them is
  an error); headlines with mixed entity labels, and a headline repeated with another label, are
  left out and counted.

Both keep their ids, so a recipe can deal them into its cross-validation folds (``fold_files``:
`finlocal train cv` then reports weighted F1 on their held-out rows beside FPB's).

The data stay where they are kept (``../shared/data``); these files go under ``runs/``.
"""

from __future__ import annotations

import argparse
import logging
import random
import re
from collections.abc import Mapping
from collections.abc import Set as AbstractSet
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from finlocal.errors import InputError
from finlocal.jsonl import read_jsonl, write_jsonl
from finlocal.predictions import LABELS
from finlocal.train.folds import normalise

log = logging.getLogger(__name__)

# Lines of a call that carry no tone of the business: the operator, greetings, the safe harbour.
_BOILERPLATE = re.compile(
    r"^(operator|thank you|thanks|good (morning|afternoon|evening)|hello|hi,|welcome|"
    r"ladies and gentlemen|please go ahead|our next question|next question|"
    r"(the )?next question comes|this concludes|at this time|i would now like to turn|"
    r"i'd now like to turn|i will now turn|with that,? i|now i'd like to)\b"
    r"|forward-looking statements|safe harbor|non-gaap|reconciliation|webcast|press release",
    re.IGNORECASE,
)


def ectsum_sample(
    calls_dir: Path,
    n: int,
    *,
    seed: int = 20261129,
    min_words: int = 7,
    max_words: int = 60,
    exclude: AbstractSet[str] = frozenset(),
) -> list[dict[str, Any]]:
    """``n`` distinct sentences from the calls under ``calls_dir`` (``*/TICKER_qN_YYYY.txt``),
    drawn round-robin over the calls in a seeded order, none of them in ``exclude`` (normalised
    texts, e.g. another sample's)."""
    files = sorted(Path(calls_dir).rglob("*.txt"))
    if not files:
        raise InputError(f"{calls_dir}: no .txt transcripts found")
    rng = random.Random(seed)
    pools: list[tuple[str, list[str]]] = []
    for path in files:
        lines = [line.strip() for line in path.read_text(encoding="utf-8", errors="replace").splitlines()]
        keep = [line for line in lines if min_words <= len(line.split()) <= max_words and not _BOILERPLATE.search(line)]
        rng.shuffle(keep)
        pools.append((path.stem, keep))
    rng.shuffle(pools)
    seen: set[str] = set(exclude)
    out: list[dict[str, Any]] = []
    depth = 0
    while len(out) < n:
        added = False
        for call, lines in pools:
            if depth < len(lines):
                added = True
                text = lines[depth]
                key = normalise(text)
                if key not in seen:
                    seen.add(key)
                    out.append({"id": f"ectsum-{call}-{depth}", "text": text, "source": "ectsum", "call": call})
                    if len(out) == n:
                        break
        if not added:
            log.warning("only %d usable sentences in %s (asked for %d)", len(out), calls_dir, n)
            break
        depth += 1
    return out


def tfns_rows(path: Path) -> list[dict[str, Any]]:
    rows = []
    for lineno, row in read_jsonl(path):
        if row.get("label") not in LABELS:
            raise InputError(f"{path}:{lineno}: label {row.get('label')!r} is not one of {list(LABELS)}")
        rows.append(
            {"id": row.get("id", f"tfns-{lineno}"), "text": row["text"], "label": row["label"], "source": "tfns"}
        )
    return rows


@dataclass(frozen=True)
class SentfinRows:
    """The headlines kept as gold rows and what was left out."""

    rows: list[dict[str, Any]]
    mixed: int  # headlines whose entities carry different labels
    conflicting: int  # headlines whose text recurs with another label (every copy left out)


def entity_label(entities: Mapping[str, str], where: str) -> str | None:
    """The one label every entity carries, or None when they differ."""
    labels = set(entities.values())
    unknown = labels - set(LABELS)
    if unknown or not labels:
        raise InputError(f"{where}: entity labels {sorted(unknown) or '(none)'}; expected one of {list(LABELS)} each")
    return labels.pop() if len(labels) == 1 else None


def sentfin_rows(path: Path) -> SentfinRows:
    """Headlines whose entities agree, labelled by them; mixed ones and headlines repeated with
    another label left out and counted."""
    kept, mixed = [], 0
    for lineno, row in read_jsonl(path, required=("text", "entities")):
        where = f"{path}:{lineno}"
        label = entity_label(row["entities"], where)
        stated = row.get("label")
        if stated is not None and stated != label:
            raise InputError(f"{where}: label {stated!r} but the entities say {label!r} ({row['entities']})")
        if label is None:
            mixed += 1
            continue
        kept.append(
            {"id": row.get("id", f"sentfin-{lineno}"), "text": row["text"], "label": label, "source": "sentfin"}
        )
    labels_of: dict[str, set[str]] = {}
    for row in kept:
        labels_of.setdefault(normalise(row["text"]), set()).add(row["label"])
    rows = [row for row in kept if len(labels_of[normalise(row["text"])]) == 1]
    return SentfinRows(rows, mixed, len(kept) - len(rows))


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("corpus", choices=("ectsum", "tfns", "sentfin"))
    parser.add_argument("source", type=Path, help="the data set's folder or file")
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--n", type=int, default=20000, help="ectsum: sentences to sample")
    parser.add_argument("--seed", type=int, default=20261129)
    parser.add_argument(
        "--exclude",
        type=Path,
        action="append",
        default=[],
        help="ectsum: leave out the sentences of this JSONL (e.g. the transfer sample)",
    )
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    if args.corpus == "ectsum":
        exclude = {normalise(row["text"]) for path in args.exclude for _, row in read_jsonl(path)}
        rows = ectsum_sample(args.source, args.n, seed=args.seed, exclude=exclude)
    elif args.corpus == "tfns":
        rows = tfns_rows(args.source)
    else:
        sentfin = sentfin_rows(args.source)
        rows = sentfin.rows
        log.info(
            "sentfin: %d headlines with mixed entity labels and %d repeated with another label left out",
            sentfin.mixed,
            sentfin.conflicting,
        )
    log.info("%d rows -> %s", write_jsonl(args.out, rows), args.out)


if __name__ == "__main__":
    main()
