"""`finlocal export CHECKPOINT --out DIR`: int8 ONNX model directory with a parity gate."""

from __future__ import annotations

import json
from pathlib import Path

import click

from finlocal.errors import require


@click.command("export")
@click.argument("checkpoint", type=click.Path(file_okay=False, exists=True, path_type=Path))
@click.option(
    "--out",
    "out",
    required=True,
    type=click.Path(file_okay=False, path_type=Path),
    help="Model directory to write (model.onnx, tokenizer.json, README.md, finlocal.json).",
)
@click.option(
    "--parity-data",
    required=True,
    type=click.Path(dir_okay=False, exists=True, path_type=Path),
    help="JSONL with a text per row (labels optional): sentences the model was not trained on, for the parity gate.",
)
@click.option(
    "--cv",
    "cv_dir",
    type=click.Path(file_okay=False, exists=True, path_type=Path),
    help="The 'finlocal train cv' run of the checkpoint's recipe: its cross-validated "
    "figures and temperature go into the manifest.",
)
@click.option(
    "--direction",
    "direction_data",
    multiple=True,
    type=click.Path(dir_okay=False, exists=True, path_type=Path),
    help="A labelled JSONL with a category per row (a direction set), scored with the int8 "
    "graph into the manifest (repeatable).",
)
@click.option(
    "--cv-allow",
    "cv_allow",
    multiple=True,
    metavar="KEY",
    help="A config key in which the checkpoint may differ from the --cv run's recipe (e.g. evidence "
    "targets the cross-validation could not use); the manifest records each difference (repeatable).",
)
@click.option(
    "--comparison",
    "comparison_data",
    type=click.Path(dir_okay=False, exists=True, path_type=Path),
    help="A labelled JSONL of sentences that state a change in figures, with a category per row "
    "(tests/fixtures/comparison), scored with the int8 graph into the manifest by category.",
)
@click.option(
    "--blind",
    "blind_data",
    multiple=True,
    type=click.Path(dir_okay=False, exists=True, path_type=Path),
    help="A labelled JSONL with a category per row written apart from the training data "
    "(tests/fixtures/blind: mixed clauses, negation, neutral figures), scored with the int8 graph "
    "into the manifest by category (repeatable).",
)
@click.option(
    "--threads", type=click.IntRange(1), default=2, show_default=True, help="Threads for timing the int8 candidates."
)
@click.option(
    "--report",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write the quantization comparison (every setting tried) to this JSON file.",
)
@click.option(
    "--max-size-mb",
    type=click.FloatRange(min=1),
    default=40.0,
    show_default=True,
    help="Reject int8 settings whose model.onnx is larger.",
)
@click.option(
    "--every-scheme",
    is_flag=True,
    help="Also measure the schemes that cannot ship (onnxruntime dynamic int8, static "
    "QDQ, 8-bit weight-only) for the report.",
)
def command(
    checkpoint: Path,
    out: Path,
    parity_data: Path,
    cv_dir: Path | None,
    direction_data: tuple[Path, ...],
    comparison_data: Path | None,
    blind_data: tuple[Path, ...],
    cv_allow: tuple[str, ...],
    threads: int,
    report: Path | None,
    max_size_mb: float,
    every_scheme: bool,
) -> None:
    """Export a `finlocal train` checkpoint to an int8 ONNX model directory.

    Exports fp32 ONNX with Optimum, quantizes it to int8 with every candidate scheme, keeps the
    one chosen by measurement, and fails (exit 1, nothing written) when int8 agrees with
    PyTorch on fewer than 99 % of the parity sentences' labels or a sentence's score depends on
    the other sentences in its batch.
    """
    for module, extra in (
        ("torch", "train"),
        ("transformers", "train"),
        ("optimum.exporters.onnx", "export"),
        ("onnx", "export"),
    ):
        require(module, extra, "finlocal export")
    from finlocal.export.build import export_checkpoint
    from finlocal.export.quantize import every_scheme as all_schemes

    result = export_checkpoint(
        checkpoint,
        out,
        parity_data=parity_data,
        cv_dir=cv_dir,
        direction_data=direction_data,
        comparison_data=comparison_data,
        blind_data=blind_data,
        cv_allow=cv_allow,
        threads=threads,
        report_file=report,
        max_bytes=int(max_size_mb * 1024 * 1024),
        settings=all_schemes() if every_scheme else None,
    )
    click.echo(
        json.dumps(
            {
                "out": str(result.out_dir),
                "quantization": result.chosen.settings.name,
                "parity": result.parity.to_dict(),
                "size_bytes": result.chosen.size_bytes,
                "temperature": result.manifest.temperature,
            },
            indent=2,
        )
    )
