"""`finlocal export` (stub: to be written)."""

from __future__ import annotations

import click


@click.command("export")
def command() -> None:
    """Not written yet."""
    raise click.ClickException("'finlocal export' is not implemented yet")
