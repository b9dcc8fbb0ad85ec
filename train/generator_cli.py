"""The command line of a seeded generator of direction data (`finlocal.train.statements`'
statements, `finlocal.train.natural`'s sentences): ``--n``, ``--seed``, ``--out``; the same seed
writes the same rows."""

from __future__ import annotations

import argparse
import logging
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, Protocol

from finlocal.jsonl import write_jsonl

log = logging.getLogger(__name__)


class GeneratedRow(Protocol):
    def to_row(self, index: int) -> dict[str, Any]: ...


def generator_cli(
    argv: list[str] | None, *, doc: str, generate: Callable[[int, int], Sequence[GeneratedRow]], n: int, seed: int
) -> None:
    """Parse ``argv``, generate ``--n`` rows with ``--seed`` and write them to ``--out`` as JSONL."""
    parser = argparse.ArgumentParser(description=doc.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=n, help=f"how many sentences (default {n})")
    parser.add_argument("--seed", type=int, default=seed)
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args(argv)
    rows = generate(args.n, args.seed)
    write_jsonl(args.out, (row.to_row(i) for i, row in enumerate(rows)))
    log.info("%d sentences -> %s", len(rows), args.out)
