"""`finlocal train cv CONFIG.toml --folds K --repeats R --out DIR [KEY=VALUE ...]`: the recipe's
cross-validated figures, and with ``--final`` the model trained on every row."""

from __future__ import annotations

import json
from pathlib import Path

import click

from finlocal.errors import require


@click.command("cv")
@click.argument("config_file", metavar="CONFIG.toml", type=click.Path(dir_okay=False, path_type=Path))
@click.argument("overrides", metavar="[KEY=VALUE]...", nargs=-1)
@click.option(
    "--folds", type=click.IntRange(min=2), default=5, show_default=True, help="Folds over the gold training rows."
)
@click.option(
    "--repeats", type=click.IntRange(min=1), default=1, show_default=True, help="Repeats with reshuffled folds."
)
@click.option(
    "--out",
    "out",
    type=click.Path(file_okay=False, path_type=Path),
    required=True,
    help="Directory for the fold runs (OUT/rR-fK), OUT/cv.json and OUT/oof.jsonl.",
)
@click.option("--final", is_flag=True, help="Also train the recipe on every row (OUT/all), the model to export.")
@click.option(
    "--workers",
    type=click.IntRange(min=1),
    default=1,
    show_default=True,
    help="Fold runs at a time, each in its own process with the config's threads.",
)
@click.option("--quiet", is_flag=True, help="No progress bars.")
def cv(
    config_file: Path,
    overrides: tuple[str, ...],
    folds: int,
    repeats: int,
    out: Path,
    final: bool,
    workers: int,
    quiet: bool,
) -> None:
    """Cross-validate CONFIG over every gold training row.

    Each fold run trains for the config's fixed epochs on the rows outside its fold and scores
    the fold once; nothing is chosen on held-out rows. Prints the pooled figures (weighted F1
    with its 95 % interval, per agreement level, calibration; with fold_files, the same on each
    file's held-out rows, by source) as JSON and writes them to OUT/cv.json. Finished runs are
    reused, so an interrupted run resumes.
    """
    for module in ("torch", "transformers", "safetensors"):
        require(module, "train", "finlocal train cv")
    from finlocal.train.config import FitConfig
    from finlocal.train.cv import run

    config = FitConfig.load(config_file, overrides)
    report = run(config, folds=folds, repeats=repeats, out=out, final=final, workers=workers, progress=not quiet)
    shown = ("protocol", "overall", "by_source", "calibration")
    click.echo(json.dumps({k: report[k] for k in shown if k in report}, indent=2))
