"""`finlocal info`: the model directory's manifest, readable."""

from __future__ import annotations

import json
from pathlib import Path

import click

from finlocal.cli.options import model_option


@click.command("info")
@model_option
@click.option("--json", "as_json", is_flag=True, help="Print the manifest as JSON.")
def command(model: Path | None, as_json: bool) -> None:
    """Show the model's manifest in short: labels, heads, quantization, base model, training data,
    teachers, the headline metrics and the files (--json: all of it).

    Every file's sha256 is checked against the manifest first.
    """
    from finlocal.manifest import read_manifest
    from finlocal.model import resolve_model_dir
    from finlocal.model_facts import info_rows
    from finlocal.output import human_size

    model_dir = resolve_model_dir(model)
    manifest = read_manifest(model_dir, verify=True)
    if as_json:
        click.echo(json.dumps({"path": str(model_dir), **manifest.to_dict()}, indent=2))
        return
    from rich.console import Console
    from rich.markup import escape
    from rich.table import Table

    console = Console(highlight=False)
    console.print(f"[bold]{escape(manifest.name)}[/]  ({escape(str(model_dir))})")
    table = Table(show_header=False, box=None, pad_edge=False)
    table.add_column(style="bold")
    table.add_column(overflow="fold")
    for title, line in info_rows(manifest):
        table.add_row(title, escape(line))
    console.print(table)
    files = Table(title="files (sha256 verified)", title_justify="left")
    files.add_column("file")
    files.add_column("size", justify="right")
    files.add_column("sha256")
    for name, digest in manifest.files.items():
        size = (model_dir / name).stat().st_size
        files.add_row(escape(name), human_size(size), digest[:16] + "…")
    console.print(files)
    console.print("[dim]finlocal info --json: the whole manifest[/]")
