"""Options that several commands share, defined once so that their names, types and help agree."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

from finlocal.structure import SplitMode

F = TypeVar("F", bound=Callable[..., Any])

model_option = click.option(
    "--model",
    type=click.Path(path_type=Path),
    metavar="DIR",
    help="Model directory (default: $FINLOCAL_MODEL, else the bundled model).",
)
threads_option = click.option(
    "--threads", type=click.IntRange(min=1), metavar="N", help="Inference threads (default: all cores)."
)
batch_size_option = click.option(
    "--batch-size",
    type=click.IntRange(min=1),
    default=32,
    show_default=True,
    metavar="N",
    help="Sentences per inference batch.",
)
glob_option = click.option(
    "--glob",
    "glob",
    metavar="PATTERN",
    help="In directories, score files matching PATTERN (default: *.txt *.md *.html *.htm *.pdf).",
)
SPLIT_HELP = "What one row scores: a sentence, a non-blank line, or the whole input (none)."


def top_k_option(description: str) -> Callable[[F], F]:
    return click.option(
        "--top-k", type=click.IntRange(min=0), default=3, show_default=True, metavar="K", help=description
    )


def split_option(default: SplitMode = SplitMode.SENTENCES, description: str = SPLIT_HELP) -> Callable[[F], F]:
    return click.option(
        "--split",
        type=click.Choice([m.value for m in SplitMode]),
        default=default.value,
        show_default=True,
        help=description,
    )
