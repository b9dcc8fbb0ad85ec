"""`finlocal train fit CONFIG.toml [KEY=VALUE ...]`: train the student."""

from __future__ import annotations

import json
from dataclasses import asdict
from pathlib import Path

import click

from finlocal.errors import require


@click.command("fit")
@click.argument("config_file", metavar="CONFIG.toml", type=click.Path(dir_okay=False, path_type=Path))
@click.argument("overrides", metavar="[KEY=VALUE]...", nargs=-1)
@click.option("--quiet", is_flag=True, help="No progress bar.")
def fit(config_file: Path, overrides: tuple[str, ...], quiet: bool) -> None:
    """Fit the student for the config's fixed number of epochs.

    CONFIG.toml holds flat keys of the training config (see configs/student.toml); each
    KEY=VALUE overrides one, e.g. `lr=5e-5 epochs=3 output_dir=runs/try`. Without folds the
    run trains on every gold row (the model to export: OUTPUT_DIR/final/); with `folds=K
    fold=k` it holds fold k out and scores it. A killed run resumes after its last epoch.
    Prints a JSON summary on stdout. Measure a recipe with `finlocal train cv`.
    """
    for module in ("torch", "transformers", "safetensors"):
        require(module, "train", "finlocal train fit")
    from finlocal.train.config import FitConfig
    from finlocal.train.fit import fit as run_fit

    config = FitConfig.load(config_file, overrides)
    result = run_fit(config, progress=not quiet)
    click.echo(
        json.dumps(
            {
                "checkpoint": str(result.model_dir),
                "epochs": result.epochs,
                "heldout": asdict(result.heldout) if result.heldout else None,
                "seconds": round(result.seconds, 1),
            },
            indent=2,
        )
    )
