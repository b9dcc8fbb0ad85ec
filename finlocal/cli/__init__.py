"""The ``finlocal`` command: a thin click layer over the library.

Each command lives in its own module of this package; commands that need an optional extra import
it inside the command, so ``finlocal --help`` and the runtime never import torch.
"""

from __future__ import annotations

import logging
from typing import Any

import click

from finlocal import __version__
from finlocal.errors import FinlocalError

log = logging.getLogger(__name__)


class FinlocalGroup(click.Group):
    """Turns `FinlocalError` into a one-line message (exit 1); ``--debug`` shows the traceback."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except FinlocalError as exc:
            if ctx.find_root().params.get("debug"):
                raise
            click.echo(f"finlocal: error: {exc}", err=True)
            ctx.exit(1)


def configure_logging(debug: bool, quiet: bool = False) -> None:
    level = logging.DEBUG if debug else (logging.ERROR if quiet else logging.WARNING)
    from rich.console import Console
    from rich.logging import RichHandler

    handler = RichHandler(console=Console(stderr=True), show_time=False, show_path=debug)
    logging.basicConfig(level=level, handlers=[handler], format="%(message)s", force=True)


@click.group(cls=FinlocalGroup, invoke_without_command=True, context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--debug", is_flag=True, help="Verbose logs and full tracebacks.")
@click.version_option(__version__, prog_name="finlocal")
@click.pass_context
def cli(ctx: click.Context, debug: bool) -> None:
    """Score the tone of financial text offline with a small int8 ONNX model.

    Run without a command to open the terminal app.
    """
    configure_logging(debug)
    if ctx.invoked_subcommand is None:
        from finlocal.cli.tui import tui

        ctx.invoke(tui)


def _register() -> None:
    from finlocal.cli import compare, corpus, evaluate, export, info, score, train, tui

    for module in (score, corpus, compare, evaluate, info, tui, train, export):
        cli.add_command(module.command)


_register()


def main() -> None:
    cli.main(prog_name="finlocal")


if __name__ == "__main__":  # pragma: no cover
    main()
