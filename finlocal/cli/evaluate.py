"""`finlocal eval` (stub: to be written)."""

from __future__ import annotations

import click


@click.command("eval")
def command() -> None:
    """Not written yet."""
    raise click.ClickException("'finlocal eval' is not implemented yet")
