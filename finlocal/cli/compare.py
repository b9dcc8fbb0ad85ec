"""`finlocal compare A B`: two versions of a report, aligned, with what changed in tone."""

from __future__ import annotations

import enum
import sys
from pathlib import Path

import click

from finlocal.cli.options import model_option, threads_option
from finlocal.compare import DEFAULT_THRESHOLD
from finlocal.file_types import FileType, file_type
from finlocal.jsonl import jsonl_line


class CompareFormat(str, enum.Enum):
    JSONL = "jsonl"
    MARKDOWN = "markdown"


#: A Markdown file name (`finlocal.file_types`) gets Markdown, any other JSONL.
_TYPE_FORMATS = {FileType.MARKDOWN: CompareFormat.MARKDOWN}


@click.command("compare")
@click.argument("a", type=click.Path(dir_okay=False, path_type=Path))
@click.argument("b", type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "--format",
    "fmt",
    type=click.Choice([f.value for f in CompareFormat]),
    help="Output format (default: markdown on a terminal, jsonl when piped, else what --output's suffix says).",
)
@click.option(
    "--output", "-o", type=click.Path(dir_okay=False, path_type=Path), help="Write to FILE instead of stdout."
)
@click.option(
    "--threshold",
    type=click.FloatRange(0.0, 1.0, min_open=True),
    default=DEFAULT_THRESHOLD,
    show_default=True,
    help="Word similarity from which two differing sentences count as one changed sentence.",
)
@click.option("--app", is_flag=True, help="Show the two side by side in the terminal app instead.")
@model_option
@threads_option
def command(
    a: Path,
    b: Path,
    fmt: str | None,
    output: Path | None,
    threshold: float,
    app: bool,
    model: Path | None,
    threads: int | None,
) -> None:
    """Compare two versions of a report (e.g. this quarter's call against last quarter's).

    Sentences of A and B are aligned as matched, changed, added or removed; the output gives
    the tone change of the documents, the sentences whose label changed and the new negative
    statements. JSONL: a summary row, then one row per aligned sentence.
    """
    from finlocal.compare import compare_texts, comparison_markdown, comparison_rows
    from finlocal.model import OnnxClassifier, limit_tokenizer_threads, resolve_model_dir
    from finlocal.reading import read_path

    if app:
        _open_app(a, b, threshold, model, threads)
        return
    documents = [read_path(p) for p in (a, b)]  # InputError: one line, exit 1
    limit_tokenizer_threads(threads)
    classifier = OnnxClassifier.load(resolve_model_dir(model), threads=threads)
    comparison = compare_texts(
        documents[0].text, documents[1].text, classifier, a_source=str(a), b_source=str(b), threshold=threshold
    )
    chosen = (
        CompareFormat(fmt)
        if fmt
        else (
            _TYPE_FORMATS.get(file_type(output) or FileType.JSONL, CompareFormat.JSONL)
            if output is not None
            else CompareFormat.MARKDOWN
            if sys.stdout.isatty()
            else CompareFormat.JSONL
        )
    )
    if chosen is CompareFormat.JSONL:
        text = "".join(jsonl_line(row) for row in comparison_rows(comparison))
    else:
        text = comparison_markdown(comparison)
    if output is None:
        click.echo(text, nl=False)
        return
    try:
        output.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise click.BadParameter(f"cannot write {output}: {exc.strerror or exc}", param_hint="--output") from exc


def _open_app(a: Path, b: Path, threshold: float, model: Path | None, threads: int | None) -> None:
    from finlocal.cli.tui import attach_terminal
    from finlocal.model import limit_tokenizer_threads
    from finlocal.tui.app import FinlocalApp
    from finlocal.tui.config import TuiConfig
    from finlocal.tui.screens.compare import CompareRequest

    attach_terminal()
    limit_tokenizer_threads(threads)
    FinlocalApp(TuiConfig(model_dir=model, threads=threads), compare=CompareRequest(a, b, threshold)).run()
