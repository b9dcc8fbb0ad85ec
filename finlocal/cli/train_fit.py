"""`finlocal train fit CONFIG.toml [KEY=VALUE ...]`: train the student."""

from __future__ import annotations

import json
from pathlib import Path

import click

from finlocal.errors import require


@click.command("fit")
@click.argument("config_file", metavar="CONFIG.toml", type=click.Path(dir_okay=False, path_type=Path))
@click.argument("overrides", metavar="[KEY=VALUE]...", nargs=-1)
@click.option("--quiet", is_flag=True, help="No progress bar.")
def fit(config_file: Path, overrides: tuple[str, ...], quiet: bool) -> None:
    """Fit the student on FPB gold labels (and teacher labels/evidence when configured).

    CONFIG.toml holds flat keys of the training config (see configs/default.toml); each
    KEY=VALUE overrides one, e.g. `lr=5e-5 epochs=3 output_dir=runs/try`. Prints a JSON
    summary (best epoch, validation metrics, calibration) on stdout; the checkpoint is
    OUTPUT_DIR/best/, ready for `finlocal export`.
    """
    for module in ("torch", "transformers", "safetensors"):
        require(module, "train", "finlocal train fit")
    from finlocal.train.config import FitConfig
    from finlocal.train.fit import fit as run_fit

    config = FitConfig.load(config_file, overrides)
    result = run_fit(config, progress=not quiet)
    click.echo(json.dumps({
        "checkpoint": str(result.best_dir),
        "best_epoch": result.best_epoch,
        "val": vars(result.val),
        "calibration": vars(result.calibration),
        "seconds": round(result.seconds, 1),
    }, indent=2))
