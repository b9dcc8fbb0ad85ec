"""`finlocal train crossfit CONFIG.toml --folds K --out FILE [KEY=VALUE ...]`: a teacher file of
out-of-fold soft labels from K fits of one config."""

from __future__ import annotations

import json
from pathlib import Path

import click

from finlocal.errors import require


@click.command("crossfit")
@click.argument("config_file", metavar="CONFIG.toml", type=click.Path(dir_okay=False, path_type=Path))
@click.argument("overrides", metavar="[KEY=VALUE]...", nargs=-1)
@click.option("--folds", type=click.IntRange(min=2), default=5, show_default=True,
              help="Number of folds of the training portion.")
@click.option("--out", "out", type=click.Path(dir_okay=False, path_type=Path), required=True,
              help="Teacher file to write (JSONL, the format of 'finlocal train label').")
@click.option("--quiet", is_flag=True, help="No progress bars.")
def crossfit(config_file: Path, overrides: tuple[str, ...], folds: int, out: Path, quiet: bool) -> None:
    """Fit CONFIG once per fold, each with one fold of the training portion held out, and write
    every training sentence's out-of-fold calibrated probabilities to OUT.

    OUT is a teacher file: name it in `teacher_files` of another config to distil this model
    into a smaller student (several files are averaged). Fold runs go to OUTPUT_DIR/fold-K/.
    Prints a JSON summary (rows, out-of-fold accuracy) on stdout.
    """
    for module in ("torch", "transformers", "safetensors"):
        require(module, "train", "finlocal train crossfit")
    from finlocal.train.config import FitConfig
    from finlocal.train.crossfit import crossfit as run_crossfit

    config = FitConfig.load(config_file, overrides)
    summary = run_crossfit(config, folds, out, progress=not quiet)
    click.echo(json.dumps({**summary.to_dict(), "out": str(out)}, indent=2))
