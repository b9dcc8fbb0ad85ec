"""`finlocal corpus score` and `finlocal corpus report`: many documents into a Parquet dataset,
and the dataset into one HTML page."""

from __future__ import annotations

import signal
import sys
import time
from pathlib import Path

import click

from finlocal.cli.options import batch_size_option, glob_option, model_option, top_k_option
from finlocal.corpus.engine import EngineKind, RunSummary

EXIT_INTERRUPTED = 130


@click.group("corpus")
def command() -> None:
    """Score a corpus into a Parquet dataset (resumable), and report on it."""


@command.command("score")
@click.argument("paths", nargs=-1, required=True, metavar="PATH...")
@click.option(
    "--out",
    "-o",
    "out",
    required=True,
    type=click.Path(file_okay=False, path_type=Path),
    help="Dataset directory (created; a re-run into it skips finished documents).",
)
@click.option(
    "--name-pattern",
    metavar="PATTERN",
    help="Metadata from file names, e.g. '{ticker}_q{quarter:int}_{year:int}' "
    "(matched against the name without its suffix).",
)
@click.option(
    "--metadata",
    "metadata_csv",
    type=click.Path(dir_okay=False, path_type=Path),
    metavar="CSV",
    help="Metadata sidecar: a CSV with a 'path' column (relative to the CSV) and a column per field.",
)
@glob_option
@click.option(
    "--engine",
    type=click.Choice([e.value for e in EngineKind]),
    default=EngineKind.LOCAL.value,
    show_default=True,
    help="local: a process pool here; ray: Ray Data (pip install 'finlocal[cluster]').",
)
@click.option(
    "--workers",
    type=click.IntRange(min=1),
    metavar="N",
    help="Worker processes (local) or actors (ray), each loading the model once (default: cores / --threads).",
)
@click.option(
    "--threads",
    type=click.IntRange(min=1),
    default=1,
    show_default=True,
    metavar="N",
    help="Inference threads per worker.",
)
@click.option(
    "--address",
    metavar="ADDR",
    help="Ray: join this cluster (e.g. 'auto' or 'ray://host:10001') instead of starting Ray locally.",
)
@model_option
@batch_size_option
@top_k_option("Most positive/negative sentences kept per document.")
@click.option(
    "--commit-every",
    type=click.FloatRange(min=0),
    default=5.0,
    show_default=True,
    metavar="SECONDS",
    help="Local engine: commit finished documents this often (a kill loses at most this much).",
)
@click.option("--quiet", "-q", is_flag=True, help="No progress on stderr.")
def score(
    paths: tuple[str, ...],
    out: Path,
    name_pattern: str | None,
    metadata_csv: Path | None,
    glob: str | None,
    engine: str,
    workers: int | None,
    threads: int,
    address: str | None,
    model: Path | None,
    batch_size: int,
    top_k: int,
    commit_every: float,
    quiet: bool,
) -> None:
    """Score every document of PATHs (txt, md, html, pdf; directories are scanned) into a
    Parquet dataset in DIR: tables sentences/, documents/ and errors/.

    A document that cannot be scored becomes a row of errors/ and the run goes on. Re-running
    the same command skips the documents already done, so a killed or interrupted run resumes.

    Exit status: 0 when every document is scored, 1 when some are in errors/, 2 for usage errors,
    130 when interrupted (what was finished is kept).
    """
    from finlocal.corpus.engine import OnnxModel
    from finlocal.corpus.metadata import MetadataSource, NamePattern, Sidecar
    from finlocal.corpus.rows import ScoringSettings
    from finlocal.corpus.run import CorpusRunConfig, default_workers, run_corpus
    from finlocal.model import limit_tokenizer_threads, resolve_model_dir

    ctx = click.get_current_context()
    kind = EngineKind(engine)
    if address is not None and kind is not EngineKind.RAY:
        raise click.UsageError("--address joins a Ray cluster: use it with --engine ray")
    metadata = MetadataSource(
        pattern=NamePattern.parse(name_pattern) if name_pattern else None,
        sidecar=Sidecar.read(metadata_csv) if metadata_csv else None,
    )
    limit_tokenizer_threads(threads)
    config = CorpusRunConfig(
        paths=paths,
        out=out,
        model=OnnxModel(resolve_model_dir(model), threads=threads),
        engine=kind,
        workers=workers or default_workers(threads),
        threads=threads,
        scoring=ScoringSettings(batch_size=batch_size, top_k=top_k),
        metadata=metadata,
        glob=glob,
        commit_interval_s=commit_every,
        address=address,
    )
    if kind is EngineKind.RAY:
        _quiet_ray_logs(bool(ctx.find_root().params.get("debug")))
    observer = _Progress(enabled=not quiet and sys.stderr.isatty(), quiet=quiet)
    previous = signal.signal(signal.SIGTERM, signal.default_int_handler)  # a kill -TERM is a Ctrl-C
    try:
        with observer:
            summary = run_corpus(config, observer)
    except KeyboardInterrupt:
        click.echo(
            f"finlocal: interrupted; the finished documents are in {out}. "
            "Run the same command again to score the rest.",
            err=True,
        )
        ctx.exit(EXIT_INTERRUPTED)
    finally:
        signal.signal(signal.SIGTERM, previous)
    click.echo(_describe(summary, out))
    if summary.without_metadata and not quiet:
        click.echo(
            f"finlocal: warning: {summary.without_metadata} document(s) matched neither "
            "--name-pattern nor --metadata; their metadata columns are empty",
            err=True,
        )
    if summary.errors:
        ctx.exit(1)


def _describe(summary: RunSummary, out: Path) -> str:
    done = summary.documents + summary.errors
    text = (
        f"{out}: scored {summary.documents} document(s), {summary.sentences} sentences in "
        f"{summary.seconds:.1f} s ({summary.documents_per_s:.2f} documents/s, "
        f"{summary.sentences_per_s:.0f} sentences/s) with the {summary.engine.value} engine"
    )
    if summary.errors:
        text += f"; {summary.errors} could not be scored (see {out / 'errors'})"
    if summary.skipped:
        text += f"; {summary.skipped} skipped, finished by an earlier run"
    if not done and not summary.skipped:
        text += "; nothing to do"
    return text


def _quiet_ray_logs(debug: bool) -> None:
    """Ray logs its start-up and every dataset run at INFO, and its C++ core warns about things
    a user cannot act on; without --debug, only errors (which also surface as exceptions)."""
    import logging
    import os

    from finlocal.errors import require

    if debug:
        return
    os.environ.setdefault("RAY_BACKEND_LOG_LEVEL", "fatal")  # read when Ray starts its core worker
    os.environ.setdefault("RAY_DATA_LOG_LEVEL", "ERROR")  # read when Ray Data configures its logging
    require("ray", "cluster", "--engine ray")  # Ray sets its loggers' levels when imported
    for name in ("ray", "ray.data", "ray._private", "ray.data._internal"):
        logging.getLogger(name).setLevel(logging.ERROR)


class _Progress:
    """The run's observer: documents with documents/s, sentences with sentences/s, on stderr."""

    def __init__(self, enabled: bool, quiet: bool = False) -> None:
        from finlocal.progress import Column, StderrProgress

        self._quiet = quiet
        self._t0 = time.perf_counter()
        self._sentences = 0
        self._documents = 0
        self._display = StderrProgress(
            [
                "scoring",
                Column.BAR,
                Column.COUNT,
                "documents",
                "{task.fields[docs_rate]:.2f} doc/s",
                "{task.fields[sentences]} sentences",
                "{task.fields[sent_rate]:.0f} sent/s",
                Column.ELAPSED,
                Column.REMAINING,
            ],
            enabled=enabled,
            transient=True,
        )
        self._task = self._display.add_task("corpus", total=None, sentences=0, docs_rate=0.0, sent_rate=0.0)

    def __enter__(self) -> _Progress:
        self._display.__enter__()
        return self

    def __exit__(self, *exc: object) -> None:
        self._display.__exit__(*exc)

    def started(self, total: int, skipped: int) -> None:
        self._t0 = time.perf_counter()
        if skipped and not self._quiet:
            self._display.print(f"finlocal: {skipped} document(s) already scored in an earlier run: skipped")
        self._display.update(self._task, total=total)

    def scored(self, documents: int, errors: int, sentences: int) -> None:
        self._documents += documents + errors
        self._sentences += sentences
        if self._display.enabled:
            elapsed = max(time.perf_counter() - self._t0, 1e-9)
            self._display.update(
                self._task,
                advance=documents + errors,
                sentences=self._sentences,
                docs_rate=self._documents / elapsed,
                sent_rate=self._sentences / elapsed,
            )

    def failed(self, message: str) -> None:
        self._display.print(f"finlocal: error: {message}")


@command.command("report")
@click.argument("dataset", type=click.Path(file_okay=False, path_type=Path), metavar="DIR")
@click.option(
    "--out",
    "-o",
    "out",
    required=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help="The HTML page to write (self-contained: open it offline, mail it).",
)
@click.option("--by", metavar="FIELD", help="Metadata field naming a document's company (default: ticker or company).")
@click.option(
    "--companies",
    type=click.IntRange(min=0),
    default=12,
    show_default=True,
    metavar="N",
    help="Companies with a section of charts: the N with the most documents.",
)
@click.option(
    "--company",
    "chosen",
    multiple=True,
    metavar="NAME",
    help="Give this company a section (repeatable; replaces --companies).",
)
@click.option("--title", help="Page title (default: 'Tone of N documents').")
def report(
    dataset: Path, out: Path, by: str | None, companies: int, chosen: tuple[str, ...], title: str | None
) -> None:
    """Write one HTML page about the corpus dataset in DIR: tone over time per company, the label
    mix per document, each document's most negative and positive sentences with their evidence,
    and an overview across companies."""
    from finlocal.corpus.report import ReportOptions
    from finlocal.corpus.report_html import write_report

    written = write_report(dataset, out, ReportOptions(by=by, companies=companies, chosen=chosen, title=title))
    click.echo(
        f"{out}: {written.documents} documents of {len(written.companies)} companies, {len(written.detailed)} in detail"
    )
