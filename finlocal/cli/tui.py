"""`finlocal tui` (stub: to be written)."""

from __future__ import annotations

import click


@click.command("tui")
def command() -> None:
    """Not written yet."""
    raise click.ClickException("'finlocal tui' is not implemented yet")


tui = command
