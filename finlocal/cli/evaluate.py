"""`finlocal eval`: accuracy, F1 and confusion of a model on labelled sentences."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING

import click

from finlocal.cli.options import batch_size_option, model_option, split_option, threads_option
from finlocal.structure import SplitMode

if TYPE_CHECKING:
    from finlocal.evaluation import EvalReport


@click.command("eval")
@click.argument("data", type=click.Path(path_type=Path, dir_okay=False))
@model_option
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object instead of tables.")
@threads_option
@batch_size_option
@split_option(
    SplitMode.NONE,
    "Score each row whole (none), or its sentences or lines and take the most frequent label, "
    "as 'finlocal score --per document' does.",
)
def command(data: Path, model: Path | None, as_json: bool, threads: int | None, batch_size: int, split: str) -> None:
    """Evaluate the model on DATA: JSONL with text and label (and optionally agreement and
    category, each reported separately), or Financial PhraseBank's raw sentence@label files
    (latin-1)."""
    from finlocal.evaluation import evaluate, read_labelled
    from finlocal.model import (
        OnnxClassifier,
        limit_tokenizer_threads,
        resolve_model_dir,
    )

    rows = read_labelled(data)
    limit_tokenizer_threads(threads)
    classifier = OnnxClassifier.load(resolve_model_dir(model), threads=threads)
    report = evaluate(classifier, rows, batch_size=batch_size, model=classifier.name, split=SplitMode(split))
    if as_json:
        click.echo(json.dumps(report.to_dict(), indent=2))
        return
    _print_report(report, data)


def _print_report(report: EvalReport, data: Path) -> None:
    from rich.console import Console
    from rich.markup import escape
    from rich.table import Table

    console = Console(highlight=False)
    m = report.metrics
    console.print(
        f"[bold]{escape(report.model)}[/] on {escape(str(data))}: {m.n} sentences, "
        f"{report.sentences_per_s:,.0f} sentences/s\n"
        f"accuracy {m.accuracy:.4f}   F1 weighted {m.f1_weighted:.4f}   F1 macro {m.f1_macro:.4f}"
    )
    per_class = Table(title="per class")
    for column in ("label", "precision", "recall", "F1", "support"):
        per_class.add_column(column, justify="left" if column == "label" else "right")
    for name, c in m.per_class.items():
        per_class.add_row(escape(name), f"{c.precision:.3f}", f"{c.recall:.3f}", f"{c.f1:.3f}", str(c.support))
    console.print(per_class)
    confusion = Table(title="confusion (rows: gold, columns: predicted)")
    confusion.add_column("gold \\ pred")
    for name in m.labels:
        confusion.add_column(escape(name), justify="right")
    for name, row in zip(m.labels, m.confusion, strict=True):
        confusion.add_row(escape(name), *(str(v) for v in row))
    console.print(confusion)
    if report.by_agreement:
        agreement = Table(title="by annotator agreement")
        for column in ("agreement", "n", "accuracy", "F1 weighted", "F1 macro"):
            agreement.add_column(column, justify="left" if column == "agreement" else "right")
        for level, a in report.by_agreement.items():
            agreement.add_row(
                f"{level}%" if level.isdigit() else escape(level),
                str(a.n),
                f"{a.accuracy:.4f}",
                f"{a.f1_weighted:.4f}",
                f"{a.f1_macro:.4f}",
            )
        console.print(agreement)
    if report.by_category:
        categories = Table(title="by category")
        for column in ("category", "n", "accuracy"):
            categories.add_column(column, justify="left" if column == "category" else "right")
        for name, scores in report.by_category.items():
            categories.add_row(escape(name), str(scores.n), f"{scores.accuracy:.4f}")
        console.print(categories)
