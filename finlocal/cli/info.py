"""`finlocal info`: the model directory's manifest, readable."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import click

from finlocal.cli.options import model_option


@click.command("info")
@model_option
@click.option("--json", "as_json", is_flag=True, help="Print the manifest as JSON.")
def command(model: Path | None, as_json: bool) -> None:
    """Show the model's manifest: labels, heads, quantization, data, teachers, metrics, files.

    Every file's sha256 is checked against the manifest first.
    """
    from finlocal.manifest import read_manifest
    from finlocal.model import resolve_model_dir
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
    table.add_row("labels", escape(", ".join(manifest.labels)))
    table.add_row("heads", ", ".join(manifest.heads))
    table.add_row("max length", f"{manifest.max_length} tokens")
    if manifest.hint != "none":
        table.add_row("input", f"the sentence and the metric-change reader's findings (hint {manifest.hint})")
    table.add_row("temperature", f"{manifest.temperature:g}")
    if manifest.has_evidence:
        table.add_row("evidence threshold", f"{manifest.evidence_threshold:g}")
    for title, value in (
        ("quantization", manifest.quantization),
        ("base model", manifest.base_model),
        ("training data", manifest.training_data),
        ("calibration", manifest.calibration),
        ("metrics", manifest.metrics),
    ):
        if value:
            table.add_row(title, escape(_flat(value)))
    for teacher in manifest.teachers:
        table.add_row("teacher", escape(_flat(teacher)))
    if manifest.created:
        table.add_row("created", escape(manifest.created))
    if manifest.finlocal_version:
        table.add_row("finlocal version", manifest.finlocal_version)
    console.print(table)
    files = Table(title="files (sha256 verified)", title_justify="left")
    files.add_column("file")
    files.add_column("size", justify="right")
    files.add_column("sha256")
    for name, digest in manifest.files.items():
        size = (model_dir / name).stat().st_size
        files.add_row(escape(name), human_size(size), digest[:16] + "…")
    console.print(files)


def _flat(value: Any) -> str:
    if isinstance(value, dict):
        return "; ".join(
            f"{k}: {_flat(v)}" if not isinstance(v, dict) else f"{k}: ({_flat(v)})" for k, v in value.items()
        )
    if isinstance(value, float):
        return f"{value:.4g}"
    if isinstance(value, (list, tuple)):
        return ", ".join(_flat(v) for v in value)
    return str(value)
