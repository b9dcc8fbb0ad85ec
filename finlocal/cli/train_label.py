"""`finlocal train label`: label sentences with teachers into a resumable store and a combined
training set (needs ``pip install 'finlocal[train]'``)."""

from __future__ import annotations

import json
from pathlib import Path

import click

_LLAMA_MODES = ("generate", "logprob")
_FORMATS = ("auto", "template", "gemma", "plain")
_INPUT_FORMATS = ("auto", "jsonl", "csv", "lines", "document")


@click.command("label")
@click.argument("input_path", metavar="INPUT", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--teacher",
    "teachers",
    multiple=True,
    required=True,
    metavar="BACKEND:TARGET[@W]",
    help="llama:PATH.gguf (or llama:smollm2 / llama:gemma3), claude:MODEL "
    "(e.g. claude:claude-haiku-5-5); "
    "repeat for several teachers; @W weights its vote.",
)
@click.option(
    "--out",
    "out_dir",
    required=True,
    type=click.Path(file_okay=False, path_type=Path),
    help="Output directory (store, judgements.jsonl, combined.jsonl, report.json).",
)
@click.option(
    "--batch",
    "use_batches",
    is_flag=True,
    help="Send Claude requests through the Message Batches API (half price, slower).",
)
@click.option(
    "--input-format",
    type=click.Choice(_INPUT_FORMATS),
    default="auto",
    show_default=True,
    help="How to read INPUT (auto: by suffix; other suffixes are split into sentences).",
)
@click.option("--text-column", default="text", show_default=True, help="JSONL/CSV text field.")
@click.option(
    "--label-column",
    default="label",
    show_default=True,
    help="JSONL/CSV gold label field, used for agreement statistics when present.",
)
@click.option(
    "--vote",
    type=click.Choice(("mean", "majority")),
    default="mean",
    show_default=True,
    help="What each teacher puts into the soft target: mean: its probabilities, or a "
    "smoothed one-hot on its label when it has none; majority: a smoothed one-hot "
    "for every teacher. The label is the soft target's argmax.",
)
@click.option(
    "--llama-mode",
    type=click.Choice(_LLAMA_MODES),
    default="generate",
    show_default=True,
    help="generate: label, rationale and evidence; logprob: label probabilities only (fast).",
)
@click.option(
    "--prompt-format",
    type=click.Choice(_FORMATS),
    default="auto",
    show_default=True,
    help="How local prompts are laid out (auto: the GGUF's chat template when it has one).",
)
@click.option("--zero-shot", is_flag=True, help="Leave the worked examples out of the prompt.")
@click.option(
    "--calibrate",
    type=click.Choice(("none", "content-free", "batch")),
    default="none",
    show_default=True,
    help="Correct local teachers' label-word bias: divide their probabilities by the "
    "prior for content-free inputs, or by their mean over INPUT (no gold used).",
)
@click.option("--threads", type=click.IntRange(1), default=2, show_default=True, help="llama.cpp threads.")
@click.option("--n-ctx", type=click.IntRange(256), default=2048, show_default=True, help="llama.cpp context size.")
@click.option(
    "--gpu-layers",
    type=int,
    default=0,
    show_default=True,
    help="llama.cpp layers to offload to a GPU (-1: all; needs a GPU build).",
)
@click.option("--concurrency", type=click.IntRange(1), default=4, show_default=True, help="Concurrent Claude requests.")
@click.option("--retry-rejected", is_flag=True, help="Judge again the sentences stored as rejected.")
@click.option("--limit", type=click.IntRange(1), default=None, help="Only the first N sentences.")
@click.option("--no-progress", is_flag=True, help="No progress bar.")
def label(
    input_path: Path,
    teachers: tuple[str, ...],
    out_dir: Path,
    use_batches: bool,
    input_format: str,
    text_column: str,
    label_column: str,
    vote: str,
    llama_mode: str,
    prompt_format: str,
    zero_shot: bool,
    calibrate: str,
    threads: int,
    n_ctx: int,
    gpu_layers: int,
    concurrency: int,
    retry_rejected: bool,
    limit: int | None,
    no_progress: bool,
) -> None:
    """Label INPUT with teachers; re-running resumes where a previous run stopped.

    INPUT is JSONL or CSV with a text column, plain text with one sentence a line (.txt), or a
    document (Markdown, HTML, PDF, ...) split into sentences. Writes OUT/combined.jsonl (one
    training row per sentence), OUT/judgements.jsonl, OUT/report.json and the store
    OUT/judgements.db. Prints the report's summary on stdout.
    """
    from finlocal.train.combine import Vote
    from finlocal.train.labelling import LabelConfig, LabelSource, read_inputs, run_labelling
    from finlocal.train.teachers.llama import LlamaMode, PromptFormat
    from finlocal.train.teachers.spec import TeacherOptions, TeacherSpec, build_teacher

    specs = [TeacherSpec.parse(t) for t in teachers]
    rows = read_inputs(input_path, LabelSource(input_format), text_column=text_column, label_column=label_column)
    if limit is not None:
        rows = rows[:limit]
    options = TeacherOptions(
        llama_mode=LlamaMode(llama_mode),
        prompt_format=PromptFormat(prompt_format),
        few_shot=not zero_shot,
        calibrate=calibrate == "content-free",
        threads=threads,
        n_ctx=n_ctx,
        gpu_layers=gpu_layers,
        concurrency=concurrency,
    )
    built = []
    try:
        for spec in specs:
            built.append(build_teacher(spec, options))
        weights = {t.teacher_id: s.weight for t, s in zip(built, specs, strict=True)}
        config = LabelConfig(
            out_dir=out_dir,
            vote=Vote(vote),
            weights=weights,
            retry_rejected=retry_rejected,
            use_batches=use_batches,
            batch_calibrate=calibrate == "batch",
            progress=not no_progress,
        )
        report = run_labelling(rows, built, config)
    finally:
        for teacher in built:
            teacher.close()
    summary = {
        "out": str(out_dir),
        "sentences": report["sentences"],
        "combined": report["combined"],
        "labels": report["labels"],
        "teachers": {
            tid: {k: t[k] for k in ("ok", "rejected", "rejection_reasons", "cost_usd")}
            for tid, t in report["teachers"].items()
        },
        "vs_gold": report["agreement"]["vs_gold"],
    }
    click.echo(json.dumps(summary, indent=2))
