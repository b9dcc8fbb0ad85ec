"""`finlocal train label` (stub: to be written)."""

from __future__ import annotations

import click


@click.command("label")
def label() -> None:
    """Not written yet."""
    raise click.ClickException("'finlocal train label' is not implemented yet")
