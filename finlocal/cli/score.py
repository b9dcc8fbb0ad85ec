"""`finlocal score` (stub: to be written)."""

from __future__ import annotations

import click


@click.command("score")
def command() -> None:
    """Not written yet."""
    raise click.ClickException("'finlocal score' is not implemented yet")
