"""`finlocal score`: score files, directories or stdin; rows on stdout (or --output)."""

from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

import click

from finlocal.cli.options import (
    batch_size_option,
    glob_option,
    model_option,
    split_option,
    threads_option,
    top_k_option,
)
from finlocal.output import Format, Per, format_for_suffix, make_writer
from finlocal.progress import Column, StderrProgress
from finlocal.reading import InputFormat
from finlocal.structure import SplitMode

if TYPE_CHECKING:
    from finlocal.predictions import Classifier
    from finlocal.reading import Input
    from finlocal.scoring import SentenceResult


def default_format(output: Path | None, stdout: TextIO) -> Format:
    """A table on a terminal, JSONL when piped; for --output, the format its suffix names."""
    if output is not None:
        return format_for_suffix(output.suffix) or Format.JSONL
    return Format.TABLE if stdout.isatty() else Format.JSONL


@contextlib.contextmanager
def _open_output(output: Path | None) -> Iterator[TextIO]:
    if output is None:
        yield sys.stdout
        return
    try:
        fh = output.open("w", encoding="utf-8", newline="")
    except OSError as exc:
        raise click.BadParameter(f"cannot write {output}: {exc.strerror or exc}", param_hint="--output") from exc
    with fh:
        yield fh


@click.command("score")
@click.argument("paths", nargs=-1, metavar="[PATH ...|-]")
@glob_option
@click.option(
    "--format",
    "fmt",
    type=click.Choice([f.value for f in Format]),
    help="Output format (default: table on a terminal, jsonl when piped).",
)
@click.option(
    "--per",
    type=click.Choice([p.value for p in Per]),
    default=Per.SENTENCE.value,
    show_default=True,
    help="One row per sentence or one summary row per document.",
)
@split_option()
@click.option(
    "--input-format",
    type=click.Choice([f.value for f in InputFormat]),
    help="Read every input in this format (default: by suffix; stdin and other suffixes "
    "by content: HTML and PDF are recognised, the rest is text).",
)
@click.option(
    "--output", "-o", type=click.Path(dir_okay=False, path_type=Path), help="Write rows to FILE instead of stdout."
)
@click.option(
    "--raw-csv",
    is_flag=True,
    help="CSV: write cells a spreadsheet would run as a formula (starting with = + - @) as they are; "
    "by default they get a ' in front, so the spreadsheet shows the text.",
)
@click.option("--quiet", "-q", is_flag=True, help="No progress and no warnings on stderr (errors still).")
@model_option
@threads_option
@batch_size_option
@top_k_option("Most positive/negative sentences kept per document (--per document).")
def command(
    paths: tuple[str, ...],
    glob: str | None,
    fmt: str | None,
    per: str,
    split: str,
    input_format: str | None,
    output: Path | None,
    raw_csv: bool,
    quiet: bool,
    model: Path | None,
    threads: int | None,
    batch_size: int,
    top_k: int,
) -> None:
    """Score the tone of every sentence of PATHs (files, directories, or - for stdin); --split
    lines scores each non-blank line instead, --split none each input as a whole.

    Exit status: 0 when every input was scored, 1 when some failed (each failure is one line on
    stderr and the other inputs are still scored), 2 for usage errors.
    """
    from finlocal.cli import configure_logging
    from finlocal.model import (
        OnnxClassifier,
        limit_tokenizer_threads,
        resolve_model_dir,
    )
    from finlocal.reading import iter_inputs

    ctx = click.get_current_context()
    if not paths:
        if sys.stdin is None or sys.stdin.isatty():
            raise click.UsageError("give a PATH to score, or - to read standard input")
        paths = ("-",)
    if quiet:
        configure_logging(bool(ctx.find_root().params.get("debug")), quiet=True)
    limit_tokenizer_threads(threads)
    classifier = OnnxClassifier.load(resolve_model_dir(model), threads=threads)
    inputs = list(iter_inputs(paths, glob, InputFormat(input_format) if input_format else None))
    chosen = Format(fmt) if fmt else default_format(output, sys.stdout)
    show_progress = not quiet and sys.stderr.isatty()
    try:
        failed = _score(
            inputs,
            classifier,
            chosen,
            Per(per),
            SplitMode(split),
            output,
            show_progress,
            batch_size,
            top_k,
            raw_csv=raw_csv,
        )
    except BrokenPipeError:
        # the reader went away (`finlocal score big.txt | head`): stop quietly, as Unix tools do
        with contextlib.suppress(OSError, ValueError):
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        ctx.exit(1)
    if failed:
        ctx.exit(1)


def _score(
    inputs: list[Input],
    classifier: Classifier,
    fmt: Format,
    per: Per,
    split: SplitMode,
    output: Path | None,
    show_progress: bool,
    batch_size: int,
    top_k: int,
    *,
    raw_csv: bool = False,
) -> int:
    """Score every input, writing rows as they come; returns how many inputs failed."""
    from finlocal.scoring import iter_score_documents

    failed = 0
    sentences = 0
    progress = StderrProgress(
        ["scoring", Column.BAR, Column.COUNT, "files", "{task.fields[sentences]} sentences", Column.ELAPSED],
        enabled=show_progress,
        transient=True,
    )
    with _open_output(output) as stream, progress:
        task = progress.add_task(total=len(inputs), sentences=0)
        writer = make_writer(fmt, per, stream, classifier.labels, raw=raw_csv)

        def on_sentences(results: list[SentenceResult]) -> None:
            nonlocal sentences
            writer.sentences(results)
            sentences += len(results)
            progress.update(task, sentences=sentences)

        for outcome in iter_score_documents(
            inputs, classifier, batch_size=batch_size, top_k=top_k, split=split, on_sentences=on_sentences
        ):
            if outcome.report is not None:
                writer.document(outcome.report)
            else:
                failed += 1
                progress.print(f"finlocal: error: {outcome.error}")
            progress.update(task, advance=1)
        writer.close()
    return failed
