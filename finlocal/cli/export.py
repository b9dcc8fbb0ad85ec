"""`finlocal export CHECKPOINT --out DIR`: int8 ONNX model directory with a parity gate."""

from __future__ import annotations

import json
from pathlib import Path

import click

from finlocal.errors import require


@click.command("export")
@click.argument("checkpoint", type=click.Path(file_okay=False, exists=True, path_type=Path))
@click.option("--out", "out", required=True, type=click.Path(file_okay=False, path_type=Path),
              help="Model directory to write (model.onnx, tokenizer.json, README.md, finlocal.json).")
@click.option("--val-data", type=click.Path(dir_okay=False, exists=True, path_type=Path),
              help="JSONL with text and label for the parity gate and metrics "
                   "(default: the checkpoint's own validation portion).")
@click.option("--threads", type=click.IntRange(1), default=2, show_default=True,
              help="Threads for timing the int8 candidates.")
@click.option("--report", type=click.Path(dir_okay=False, path_type=Path),
              help="Write the quantization comparison (every setting tried) to this JSON file.")
@click.option("--max-size-mb", type=click.FloatRange(min=1), default=55.0, show_default=True,
              help="Reject int8 settings whose model.onnx is larger (the bundled model must fit in "
                   "60 MB with its tokenizer).")
@click.option("--keep-fp32", "keep_fp32", multiple=True, metavar="PREFIX",
              help="Also try per-channel int8 with the ONNX nodes whose names start with PREFIX "
                   "left in fp32 (repeatable), e.g. /encoder/encoder/layer.0/.")
def command(checkpoint: Path, out: Path, val_data: Path | None, threads: int, report: Path | None,
            max_size_mb: float, keep_fp32: tuple[str, ...]) -> None:
    """Export a `finlocal train fit` checkpoint to an int8 ONNX model directory.

    Exports fp32 ONNX with Optimum, quantizes it to int8 with every candidate setting, keeps
    the one chosen by measurement, and fails (exit 1, nothing written) when int8 agrees with
    PyTorch on fewer than 99 % of validation labels or loses more than 1 point of weighted F1.
    """
    for module, extra in (("torch", "train"), ("transformers", "train"),
                          ("optimum.exporters.onnx", "export"), ("onnx", "export")):
        require(module, extra, "finlocal export")
    from finlocal.export.build import export_checkpoint

    result = export_checkpoint(checkpoint, out, val_data=val_data, threads=threads, report_file=report,
                               max_bytes=int(max_size_mb * 1024 * 1024), keep_fp32=keep_fp32)
    click.echo(json.dumps({
        "out": str(result.out_dir),
        "quantization": result.chosen.settings.name,
        "parity": result.parity.to_dict(),
        "size_bytes": result.chosen.size_bytes,
        "temperature": result.manifest.temperature,
        "metrics": result.manifest.metrics,
    }, indent=2))
