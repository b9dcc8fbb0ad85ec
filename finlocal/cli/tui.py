"""`finlocal tui [PATH|-]`: the terminal app (also what `finlocal` alone opens)."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import click

from finlocal.cli.options import split_option
from finlocal.errors import InputError
from finlocal.predictions import REVIEW_THRESHOLD
from finlocal.reading import InputFormat
from finlocal.structure import SplitMode


def attach_terminal() -> None:
    """Make fd 0 the terminal again after stdin was piped in (Textual reads keys from fd 0).

    Raises `InputError` when the process has no controlling terminal at all.
    """
    if sys.stdin is not None and sys.stdin.isatty():
        return
    try:
        fd = os.open("/dev/tty", os.O_RDWR)
    except OSError as exc:
        raise InputError(
            "the terminal app needs a terminal, but none is attached to this process "
            f"({exc.strerror}). To score text from a pipe without the app, use 'finlocal score -'."
        ) from exc
    os.dup2(fd, 0)
    os.close(fd)


@click.command("tui")
@click.argument("path", required=False, type=click.Path(path_type=Path, allow_dash=True))
@click.option(
    "--model",
    "model_dir",
    type=click.Path(path_type=Path, file_okay=False),
    help="Model directory (default: $FINLOCAL_MODEL, else the bundled model).",
)
@click.option("--threads", type=click.IntRange(min=1), help="onnxruntime threads (default: the machine's cores).")
@click.option(
    "--explain-gguf",
    type=click.Path(path_type=Path, dir_okay=False),
    help="GGUF chat model for 'explain with the local LLM' (default: $FINLOCAL_EXPLAIN_GGUF).",
)
@click.option(
    "--review-below",
    type=click.FloatRange(0.0, 1.0),
    default=REVIEW_THRESHOLD,
    show_default=True,
    help="Flag sentences whose confidence is below this for review.",
)
@split_option()
@click.option(
    "--input-format",
    type=click.Choice([f.value for f in InputFormat]),
    help="Read PATH (or stdin) in this format (default: by suffix; stdin by content).",
)
def command(
    path: Path | None,
    model_dir: Path | None,
    threads: int | None,
    explain_gguf: Path | None,
    review_below: float,
    split: str,
    input_format: str | None,
) -> None:
    """Open the terminal app: paste or open a report and see every sentence scored.

    PATH is a file to open at start (txt, md, html or pdf), or a folder to pick a file from
    (e.g. '.'); '-' reads the text from stdin first.
    """
    from finlocal.model import limit_tokenizer_threads
    from finlocal.reading import Document, read_stdin
    from finlocal.tui.app import FinlocalApp
    from finlocal.tui.config import TuiConfig

    fmt = InputFormat(input_format) if input_format else None
    initial: Document | Path | None = path
    if path is not None and str(path) == "-":
        initial = read_stdin(fmt)
    attach_terminal()
    limit_tokenizer_threads(threads)
    config = TuiConfig(
        model_dir=model_dir,
        threads=threads,
        explain_gguf=explain_gguf,
        review_threshold=review_below,
        split=SplitMode(split),
        input_format=fmt,
    )
    FinlocalApp(config, initial=initial).run()


tui = command
