"""`finlocal corpus score` and `finlocal corpus report` with the tiny ONNX model."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from finlocal.cli import cli
from finlocal.corpus.store import CorpusDataset
from tests.corpus.conftest import PATTERN


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


def test_score_then_rerun_then_report(runner: CliRunner, corpus: Path, tiny_model_dir: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    args = [
        "corpus",
        "score",
        str(corpus),
        "--out",
        str(out),
        "--name-pattern",
        PATTERN,
        "--model",
        str(tiny_model_dir),
        "--workers",
        "2",
    ]
    first = runner.invoke(cli, args)
    assert first.exit_code == 1, first.output  # three documents could not be scored
    assert "scored 6 document(s)" in first.stdout and "3 could not be scored" in first.stdout
    errors = [line for line in first.stderr.splitlines() if line.startswith("finlocal: error:")]
    assert len(errors) == 3
    assert "1 document(s) matched neither --name-pattern nor --metadata" in first.stderr
    dataset = CorpusDataset.open(out)
    assert dataset.settings.model_name == "tiny-test-model"
    assert dataset.read("documents").num_rows == 6

    again = runner.invoke(cli, args)
    assert again.exit_code == 0, again.output  # nothing failed in this run
    assert "9 skipped, finished by an earlier run" in again.stdout

    page = tmp_path / "report.html"
    report = runner.invoke(cli, ["corpus", "report", str(out), "--out", str(page)])
    assert report.exit_code == 0, report.output
    assert "6 documents of 3 companies" in report.stdout  # AAA, BBB and notes.md's "(no ticker)"
    html = page.read_text()
    assert "AAA: tone by period" in html and "<svg" in html


def test_user_mistakes_are_one_line(runner: CliRunner, corpus: Path, tiny_model_dir: Path, tmp_path: Path) -> None:
    model = ["--model", str(tiny_model_dir)]
    out = tmp_path / "out"
    ok = runner.invoke(cli, ["corpus", "score", str(corpus / "AAA_q1_2021.txt"), "--out", str(out), *model])
    assert ok.exit_code == 0, ok.output
    cases = [
        (["corpus", "score", str(tmp_path / "missing"), "--out", str(tmp_path / "o2"), *model], "no such file"),
        (
            ["corpus", "score", str(corpus), "--out", str(out), "--top-k", "5", *model],
            "other settings (--top-k 3 vs 5)",
        ),
        (
            ["corpus", "score", str(corpus), "--out", str(out), "--name-pattern", PATTERN, *model],
            "metadata fields none vs ticker:text",
        ),
        (
            ["corpus", "score", str(corpus), "--out", str(tmp_path / "o3"), "--name-pattern", "{x}{y}", *model],
            "literal text between two fields",
        ),
        (["corpus", "report", str(tmp_path / "nothing"), "--out", str(tmp_path / "r.html")], "not a corpus dataset"),
        (["corpus", "report", str(out), "--out", str(tmp_path / "r.html"), "--by", "sector"], "no such metadata field"),
    ]
    for args, message in cases:
        result = runner.invoke(cli, args)
        assert result.exit_code == 1, (args, result.output)
        assert message in result.stderr, (args, result.stderr)
        assert "Traceback" not in result.output
    usage = runner.invoke(cli, ["corpus", "score", str(corpus), "--out", str(tmp_path / "o4"), "--address", "auto"])
    assert usage.exit_code == 2 and "--engine ray" in usage.stderr


def test_base_cli_imports_no_heavy_extra() -> None:
    """`finlocal --help` (and the app) must not pay for pyarrow, matplotlib or Ray."""
    code = (
        "import sys, finlocal.cli, finlocal.cli.corpus, finlocal.cli.compare, finlocal.tui.app; "
        "print(','.join(m for m in ('pyarrow', 'matplotlib', 'ray', 'pandas') if m in sys.modules))"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == ""


def test_a_terminated_run_keeps_what_is_finished_and_resumes(
    corpus: Path, tiny_model_dir: Path, tmp_path: Path
) -> None:
    """kill -TERM acts like Ctrl-C: finished documents are committed, the worker busy with a long
    document is stopped at once, exit status 130; the same command then scores the rest."""
    import signal
    import time

    from finlocal.corpus.store import commit_records

    (corpus / "zzz_long.txt").write_text("Revenue rose 5 % in the quarter. " * 40_000)  # sorted last
    out = tmp_path / "out"
    command = [
        sys.executable,
        "-m",
        "finlocal",
        "corpus",
        "score",
        str(corpus),
        "--out",
        str(out),
        "--model",
        str(tiny_model_dir),
        "--workers",
        "1",
        "--commit-every",
        "0",
    ]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 120
    while sum(len(r.documents) + len(r.errors) for r in commit_records(out)) < 9:
        assert process.poll() is None, process.communicate()
        assert time.monotonic() < deadline, "the short documents were not committed"
        time.sleep(0.05)
    process.send_signal(signal.SIGTERM)
    _, stderr = process.communicate(timeout=120)
    assert process.returncode == 130, stderr
    assert "interrupted; the finished documents are in" in stderr and "Traceback" not in stderr
    # the long document was stopped, not waited for: a run that let it finish would have committed
    # it (--commit-every 0), and the second run would find nothing left to score
    assert CorpusDataset.open(out).read("documents").num_rows == 6

    result = subprocess.run(command, capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stderr  # nothing failed in this run
    assert "scored 1 document(s)" in result.stdout and "9 skipped" in result.stdout


@pytest.mark.parametrize(
    ("module", "args", "extra"),
    [
        ("pyarrow", ["corpus", "score", "{corpus}", "--out", "{out}"], "corpus"),
        ("matplotlib", ["corpus", "report", "{dataset}", "--out", "{out}.html"], "corpus"),
        ("ray", ["corpus", "score", "{corpus}", "--out", "{out}", "--engine", "ray"], "cluster"),
    ],
)
def test_a_missing_extra_names_the_install_command(
    runner: CliRunner,
    corpus: Path,
    tiny_model_dir: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    module: str,
    args: list[str],
    extra: str,
) -> None:
    from tests.corpus.datasets import quarterly_corpus

    dataset = quarterly_corpus(tmp_path / "ds")
    monkeypatch.setitem(sys.modules, module, None)  # `import module` now fails as if not installed
    filled = [a.format(corpus=corpus, out=tmp_path / "out", dataset=dataset) for a in args]
    result = runner.invoke(cli, [*filled, "--model", str(tiny_model_dir)] if filled[1] == "score" else filled)
    assert result.exit_code == 1, result.output
    assert f"pip install 'finlocal[{extra}]'" in result.stderr and "Traceback" not in result.output
