"""`finlocal train fit` (stub: to be written)."""

from __future__ import annotations

import click


@click.command("fit")
def fit() -> None:
    """Not written yet."""
    raise click.ClickException("'finlocal train fit' is not implemented yet")
