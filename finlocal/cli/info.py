"""`finlocal info` (stub: to be written)."""

from __future__ import annotations

import click


@click.command("info")
def command() -> None:
    """Not written yet."""
    raise click.ClickException("'finlocal info' is not implemented yet")
