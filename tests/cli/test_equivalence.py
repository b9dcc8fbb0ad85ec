"""Same text, same rows, whichever way it comes in.

* ``cat f | finlocal score -`` and ``finlocal score f`` give the same JSONL apart from ``ms``
  (and ``source``, which names the input), for every split mode, encoding and format, read whole
  or streamed.
* The app's JSONL export equals ``finlocal score`` of the same file with the same split mode.
* ``--batch-size 1`` and ``--batch-size 32`` give the same JSONL apart from ``ms``: the model is
  quantized per row, so a sentence's score never depends on what shares its batch.
"""

from __future__ import annotations

import asyncio
import codecs
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

import finlocal.reading as reading
from finlocal.cli import cli
from finlocal.structure import SplitMode

PLAIN = (
    "Q3 2026 interim report\n\n"
    "Net sales rose 12 % to EUR 131m. Operating profit fell to EUR 9.8m, e.g. due to costs.\n"
    "according to the CEO , the outlook is unchanged .\n\n"
    "- Order intake increased to a record EUR 150m.\n- Cash flow was negative.\n"
)
MARKDOWN = (
    "---\ntitle: Q3\n---\n# Q3 **2026** report\n\n"
    "Net sales *rose* 12 % to [EUR 131m](https://acme.example/q3.pdf). Operating\n"
    "profit fell to EUR 9.8m.\n\n- Order intake **increased**.\n- Cash flow was `negative`.\n\n"
    "| Segment | Change |\n|---|---|\n| Paper | fell 3 % |\n\n```\ncode = 'rose'\n```\n"
)
HTML = (
    "<!DOCTYPE html><html><head><title>t</title><script>var x = 'fell';</script></head><body>"
    "<h1>Q3 report</h1><p>Net sales rose 12 %.</p><p>Operating profit fell.</p>"
    "<ul><li>Order intake increased.</li></ul></body></html>"
)

CASES: dict[str, tuple[str, bytes, list[str]]] = {
    # name: (file suffix, bytes, extra options for stdin)
    "utf8": (".txt", PLAIN.encode("utf-8"), []),
    "utf8-bom-crlf": (".txt", codecs.BOM_UTF8 + PLAIN.replace("\n", "\r\n").encode("utf-8"), []),
    "utf16": (".txt", codecs.BOM_UTF16_LE + PLAIN.encode("utf-16-le"), []),
    "cp1252": (
        ".txt",
        PLAIN.replace("EUR", "€").replace("to a", "to a Zürich").encode("cp1252") + b" Undefined \x81 and \x9d end.",
        [],
    ),
    "stray-byte": (".txt", PLAIN.encode("utf-8") + b"Caf\xe9 sales rose.", []),
    "markdown": (".md", MARKDOWN.encode("utf-8"), ["--input-format", "md"]),
    "html": (".html", HTML.encode("utf-8"), []),  # recognised by its content on stdin
}


def _rows(output: str, *, drop: tuple[str, ...] = ("ms",)) -> list[dict[str, Any]]:
    rows = [json.loads(line) for line in output.splitlines() if line.strip()]
    return [{k: v for k, v in row.items() if k not in drop} for row in rows]


def _squeezed(stderr: str, source: str) -> str:
    """stderr without whitespace (rich wraps long lines) and with the input's name replaced."""
    return "".join(stderr.split()).replace("".join(source.split()), "<input>")


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


def _score(runner: CliRunner, model: Path, args: list[str], data: bytes | None = None) -> Any:
    result = runner.invoke(
        cli, ["score", *args, "--model", str(model), "--format", "jsonl", "--threads", "1"], input=data
    )
    assert result.exit_code == 0, result.output
    return result


@pytest.mark.parametrize("split", [m.value for m in SplitMode])
@pytest.mark.parametrize("case", list(CASES))
def test_stdin_equals_the_file(runner: CliRunner, tiny_model_dir: Path, tmp_path: Path, case: str, split: str) -> None:
    suffix, data, stdin_options = CASES[case]
    path = tmp_path / f"report{suffix}"
    path.write_bytes(data)
    options = ["--split", split, "--batch-size", "4"]
    from_file = _score(runner, tiny_model_dir, [str(path), *options])
    from_stdin = _score(runner, tiny_model_dir, ["-", *options, *stdin_options], data)
    rows = _rows(from_file.stdout, drop=("ms", "source"))
    assert rows and _rows(from_stdin.stdout, drop=("ms", "source")) == rows
    assert _squeezed(from_stdin.stderr, reading.STDIN_SOURCE) == _squeezed(from_file.stderr, str(path))


@pytest.mark.parametrize("split", ["sentences", "lines"])
def test_stdin_equals_the_file_when_both_are_streamed(
    runner: CliRunner,
    tiny_model_dir: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    split: str,
) -> None:
    monkeypatch.setattr("finlocal.reading.inputs.STREAM_THRESHOLD_BYTES", 2000)
    monkeypatch.setattr("finlocal.reading.stream.BLOCK_CHARS", 700)
    data = (PLAIN * 12).encode("cp1252") + b"\xe9 \x81 end."  # ~4 KB, several blocks, cp1252
    path = tmp_path / "big.txt"
    path.write_bytes(data)
    options = ["--split", split, "--batch-size", "4"]
    from_file = _score(runner, tiny_model_dir, [str(path), *options])
    from_stdin = _score(runner, tiny_model_dir, ["-", *options], data)
    rows = _rows(from_file.stdout, drop=("ms", "source"))
    assert len(rows) > 40
    assert _rows(from_stdin.stdout, drop=("ms", "source")) == rows
    assert "cp1252" in from_file.stderr and "cp1252" in from_stdin.stderr


def test_a_real_pipe_equals_the_file(tiny_model_dir: Path, tmp_path: Path) -> None:
    _, data, _ = CASES["cp1252"]
    path = tmp_path / "r.txt"
    path.write_bytes(data)
    env = {**os.environ, "FINLOCAL_MODEL": str(tiny_model_dir), "OMP_WAIT_POLICY": "PASSIVE"}
    base = [sys.executable, "-m", "finlocal", "score", "--threads", "1", "--batch-size", "4"]
    piped = subprocess.run(base + ["-"], input=data, capture_output=True, env=env, timeout=120)
    named = subprocess.run(base + [str(path)], capture_output=True, env=env, timeout=120)
    assert piped.returncode == named.returncode == 0, piped.stderr
    rows = _rows(named.stdout.decode(), drop=("ms", "source"))
    assert rows and _rows(piped.stdout.decode(), drop=("ms", "source")) == rows


# --------------------------------------------------------------------------------------------
# the app's export


def _export_from_app(path: Path, split: SplitMode, classifier: Any, out: Path, batch_size: int) -> None:
    """Open ``path`` through the open dialog with ``split`` chosen, then export JSONL to ``out``."""
    from textual.widgets import Input, RadioButton

    from finlocal.tui.app import FinlocalApp
    from finlocal.tui.config import LoadedModel, ModelInfo, TuiConfig
    from finlocal.tui.screens.export import ExportScreen
    from finlocal.tui.screens.open_file import OpenFileScreen

    def no_explainer() -> Any:
        raise AssertionError("not used")

    app = FinlocalApp(
        TuiConfig(batch_size=batch_size),
        load_model=lambda: LoadedModel(classifier, ModelInfo("tiny", 1, "int8")),
        explainer_factory=no_explainer,
    )

    async def until(pilot: Any, predicate: Any) -> None:
        for _ in range(1000):
            if predicate():
                return
            await pilot.pause(0.02)
        raise AssertionError("timed out")

    async def main() -> None:
        async with app.run_test(size=(100, 30)) as pilot:
            await pilot.press("ctrl+o")
            assert isinstance(app.screen, OpenFileScreen)
            for button in app.screen.query(RadioButton):
                if button.name == split.value:
                    button.value = True
            await pilot.pause()
            field = app.screen.query_one("#open-path", Input)
            field.value = str(path)
            field.focus()
            await pilot.press("enter")
            await until(pilot, lambda: app.main.report is not None)
            await pilot.press("ctrl+s")
            assert isinstance(app.screen, ExportScreen)
            field = app.screen.query_one("#export-path", Input)
            field.value = str(out)
            field.focus()
            await pilot.press("enter")
            await until(pilot, out.exists)

    asyncio.run(main())


@pytest.mark.parametrize("split", list(SplitMode))
@pytest.mark.parametrize("case", ["utf8", "cp1252", "markdown", "html"])
def test_app_export_equals_finlocal_score(
    runner: CliRunner, tiny_model_dir: Path, tiny_classifier: Any, tmp_path: Path, case: str, split: SplitMode
) -> None:
    suffix, data, _ = CASES[case]
    path = tmp_path / f"report{suffix}"
    path.write_bytes(data)
    out = tmp_path / "export.jsonl"
    _export_from_app(path, split, tiny_classifier, out, batch_size=3)  # other batches than the CLI's
    cli_rows = _rows(_score(runner, tiny_model_dir, [str(path), "--split", split.value, "--batch-size", "32"]).stdout)
    assert cli_rows
    assert _rows(out.read_text(encoding="utf-8")) == cli_rows  # source included


def test_batch_size_changes_no_row(runner: CliRunner, tiny_model_dir: Path, tmp_path: Path) -> None:
    import random

    rng = random.Random(7)
    words = "Net sales rose fell by 12 % to EUR 131m operating profit costs the company said record".split()
    text = "\n".join(" ".join(rng.choice(words) for _ in range(rng.randint(3, 70))) + " ." for _ in range(90))
    path = tmp_path / "long.txt"
    path.write_text(PLAIN + text, encoding="utf-8")
    outputs = [
        _rows(_score(runner, tiny_model_dir, [str(path), "--batch-size", str(size)]).stdout) for size in (1, 32, 5)
    ]
    assert len(outputs[0]) > 32  # more than one batch of 32
    assert outputs[0] == outputs[1] == outputs[2]
