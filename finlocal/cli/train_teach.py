"""`finlocal train teach CV_DIR SENTENCES.jsonl --out FILE`: per-fold soft labels from a
cross-validation run's fold models."""

from __future__ import annotations

import json
from dataclasses import asdict
from pathlib import Path

import click

from finlocal.errors import require


@click.command("teach")
@click.argument("cv_dir", type=click.Path(file_okay=False, exists=True, path_type=Path))
@click.argument("sentences", metavar="SENTENCES.jsonl", type=click.Path(dir_okay=False, exists=True, path_type=Path))
@click.option(
    "--out",
    "out",
    type=click.Path(dir_okay=False, path_type=Path),
    required=True,
    help="Teacher file to write (JSONL).",
)
@click.option(
    "--repeat",
    type=click.IntRange(min=0),
    default=0,
    show_default=True,
    help="Which repeat's fold models teach (its folds must match the student's).",
)
@click.option("--threads", type=click.IntRange(min=1), default=2, show_default=True)
def teach(cv_dir: Path, sentences: Path, out: Path, repeat: int, threads: int) -> None:
    """Label SENTENCES (JSONL with "text") with every fold model of CV_DIR.

    OUT gives each sentence each fold model's probabilities and their mean; name it in
    `teacher_files` of a student config. A student's fold-k run then learns only from the
    teacher that never saw fold k, and the final run from the mean of all fold models.
    Prints a JSON summary on stdout.
    """
    for module in ("torch", "transformers", "safetensors"):
        require(module, "train", "finlocal train teach")
    from finlocal.train.teach import teach as run_teach

    summary = run_teach(cv_dir, sentences, out, repeat=repeat, threads=threads)
    click.echo(json.dumps({**asdict(summary), "out": str(out)}, indent=2))
