"""The CLI end to end with the tiny model: formats, --per, stdin, bad inputs, exit codes."""

from __future__ import annotations

import csv
import io
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from finlocal.cli import cli

REPORT = (
    "Net sales rose 5 % to EUR 131 mn.\n\n"
    "Operating profit fell by 12 % in the quarter. The company is based in Espoo.\n"
)


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


@pytest.fixture
def model_env(tiny_model_dir: Path, monkeypatch) -> Path:
    monkeypatch.setenv("FINLOCAL_MODEL", str(tiny_model_dir))
    return tiny_model_dir


def _rows(output: str) -> list[dict]:
    return [json.loads(line) for line in output.splitlines() if line.strip()]


def test_score_file_jsonl(runner: CliRunner, model_env: Path, tmp_path: Path) -> None:
    (tmp_path / "r.txt").write_text(REPORT)
    result = runner.invoke(cli, ["score", str(tmp_path / "r.txt"), "--threads", "1"])
    assert result.exit_code == 0, result.output
    rows = _rows(result.stdout)
    assert [r["index"] for r in rows] == [0, 1, 2]
    for r in rows:
        assert REPORT[r["start"] : r["end"]] == r["text"]
        assert set(r["scores"]) == {"negative", "neutral", "positive"}
        assert abs(sum(r["scores"].values()) - 1) < 1e-4
        for e in r["evidence"]:
            assert REPORT[e["start"] : e["end"]] == e["text"]
    assert rows[0]["label"] == "positive" and rows[1]["label"] == "negative"


def test_score_stdin_and_model_flag(runner: CliRunner, tiny_model_dir: Path) -> None:
    result = runner.invoke(cli, ["score", "-", "--model", str(tiny_model_dir)], input="Revenue rose 4 %.")
    assert result.exit_code == 0, result.output
    [row] = _rows(result.stdout)
    assert row["source"] == "<stdin>" and row["text"] == "Revenue rose 4 %."


@pytest.mark.parametrize("fmt", ["csv", "table", "markdown"])
def test_score_formats(runner: CliRunner, model_env: Path, tmp_path: Path, fmt: str) -> None:
    (tmp_path / "r.txt").write_text(REPORT)
    result = runner.invoke(cli, ["score", str(tmp_path / "r.txt"), "--format", fmt])
    assert result.exit_code == 0, result.output
    sentences = [
        "Net sales rose 5 % to EUR 131 mn.",
        "Operating profit fell by 12 % in the quarter.",
        "The company is based in Espoo.",
    ]
    if fmt == "csv":
        rows = list(csv.DictReader(io.StringIO(result.stdout)))
        cells = [(r["#"], r["label"], r["text"]) for r in rows]
        assert all(set(r) >= {"score_negative", "score_neutral", "score_positive", "evidence"} for r in rows)
        changes = [json.loads(r["changes"]) for r in rows]
        assert [[(c["metric"], c["direction"], c["verdict"]) for c in row] for row in changes] == [
            [("Net sales", "up", "good")],
            [("Operating profit", "down", "bad")],
            [],
        ]
    elif fmt == "markdown":
        table, _, moved = result.stdout.partition("**What moved**")
        lines = [line for line in table.splitlines() if line.startswith("| ")]
        assert lines[0] == "| source | # | label | confidence | sentence | evidence | what moved |"
        cells = [(c[1], c[2], c[4]) for c in (line.strip("|").split(" | ") for line in lines[1:])]
        assert "Net sales: €131 million, up 5 %; higher is better → good" in lines[1]
        moved_rows = [line for line in moved.splitlines() if line.startswith("| ")]
        assert moved_rows[0] == "| metric | now | before | change | verdict | sentence |"
        assert [r.split(" | ")[0].strip("| ") for r in moved_rows[1:]] == ["Net sales", "Operating profit"]
    else:
        lines = [line for line in result.stdout.splitlines() if line.startswith("│")]
        cells = [(c[0], c[1], c[3]) for c in ([x.strip() for x in line.strip("│").split("│")] for line in lines)]
        assert "3 sentences:" in result.stdout
    cells = [(i.strip(), label.strip(), text.strip()) for i, label, text in cells]
    # numbered from 1 in every format a person reads, as in the app (only JSONL's index is 0-based)
    assert [(i, text) for i, _, text in cells] == [("1", sentences[0]), ("2", sentences[1]), ("3", sentences[2])]
    assert [label for _, label, _ in cells][:2] == ["positive", "negative"]


@pytest.mark.parametrize("fmt", ["table", "markdown"])
def test_score_writes_no_control_sequence_raw(runner: CliRunner, model_env: Path, tmp_path: Path, fmt: str) -> None:
    hostile = "Sales rose \x1b]2;pwned\x07 today. Profit \x1b[2J\x1b[H fell \x1b[31mhard\x1b[0m. Costs \u202erose."
    (tmp_path / "r.txt").write_text(REPORT + " " + hostile, encoding="utf-8")  # a few controls: still text
    result = runner.invoke(cli, ["score", str(tmp_path / "r.txt"), "--format", fmt])
    assert result.exit_code == 0, result.output
    assert not any(char in result.stdout for char in ("\x1b", "\x07", "\u202e"))
    assert "\\x1b]2;pwned\\x07" in result.stdout


def test_score_per_document_and_output_file(runner: CliRunner, model_env: Path, tmp_path: Path) -> None:
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "a.txt").write_text(REPORT)
    (tmp_path / "docs" / "b.md").write_text("# Outlook\n\nSales grew .\n")
    out = tmp_path / "out.jsonl"
    result = runner.invoke(cli, ["score", str(tmp_path / "docs"), "--per", "document", "-o", str(out)])
    assert result.exit_code == 0, result.output
    docs = _rows(out.read_text())
    assert [Path(d["source"]).name for d in docs] == ["a.txt", "b.md"]
    assert docs[0]["sentences"] == 3 and -1 <= docs[0]["tone"] <= 1
    assert sum(docs[0]["counts"].values()) == 3


def test_output_suffix_picks_the_format(runner: CliRunner, model_env: Path, tmp_path: Path) -> None:
    (tmp_path / "r.txt").write_text(REPORT)
    out = tmp_path / "out.csv"
    assert runner.invoke(cli, ["score", str(tmp_path / "r.txt"), "-o", str(out)]).exit_code == 0
    assert out.read_text().startswith("source,#,kind,start,end,text,label")


def test_bad_inputs_each_get_one_error_line_and_the_rest_is_scored(
    runner: CliRunner, model_env: Path, tmp_path: Path
) -> None:
    good = tmp_path / "good.txt"
    good.write_text(REPORT)
    binary = tmp_path / "binary.txt"
    binary.write_bytes(bytes(range(256)) * 10)
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    latin = tmp_path / "latin.txt"
    latin.write_bytes("Umsatz in Zürich rose 5 %.".encode("latin-1"))
    no_text = tmp_path / "notext"
    no_text.mkdir()
    (no_text / "a.png").write_bytes(b"\x89PNG")
    unreadable = tmp_path / "secret.txt"
    unreadable.write_text("Sales rose.")
    unreadable.chmod(0)
    long = tmp_path / "long.txt"
    long.write_text("revenue " * 131072)  # a 1 MB "sentence"
    missing = tmp_path / "missing.txt"
    args = [
        "score",
        str(binary),
        str(good),
        str(empty),
        str(latin),
        str(no_text),
        str(missing),
        str(long),
        str(unreadable),
    ]
    result = runner.invoke(cli, args)
    assert result.exit_code == 1
    errors = [line for line in result.stderr.splitlines() if line.startswith("finlocal: error:")]
    readable = os.access(unreadable, os.R_OK)  # root can read a chmod 0 file
    expected = [binary, empty, no_text, missing] + ([] if readable else [unreadable])
    assert len(errors) == len(expected)
    for path, line in zip(expected, errors, strict=True):
        assert str(path) in line
    assert "Traceback" not in result.output
    sources = {r["source"] for r in _rows(result.stdout)}
    assert {str(good), str(latin), str(long)} <= sources
    assert "cp1252" in result.stderr  # the decoding warning names the fallback
    long_rows = [r for r in _rows(result.stdout) if r["source"] == str(long)]
    assert len(long_rows) >= 1000 and all(len(r["text"]) <= 1000 for r in long_rows)


def test_invalid_utf8_is_decoded_with_a_warning(runner: CliRunner, model_env: Path, tmp_path: Path) -> None:
    path = tmp_path / "bad.txt"
    path.write_bytes(b"Sales rose \xff\xfe 5 %. Costs fell.")
    result = runner.invoke(cli, ["score", str(path)])
    assert result.exit_code == 0
    assert len(_rows(result.stdout)) == 2 and "not valid UTF-8" in result.stderr


def test_quiet_hides_warnings_but_not_errors(runner: CliRunner, model_env: Path, tmp_path: Path) -> None:
    (tmp_path / "bad.txt").write_bytes(b"Sales rose \xff. Costs fell.")
    result = runner.invoke(cli, ["score", "--quiet", str(tmp_path / "bad.txt"), str(tmp_path / "nope.txt")])
    assert result.exit_code == 1
    assert "UTF-8" not in result.stderr and "nope.txt" in result.stderr


def test_usage_errors_exit_2(runner: CliRunner, model_env: Path) -> None:
    assert runner.invoke(cli, ["score", "x.txt", "--format", "xml"]).exit_code == 2
    assert runner.invoke(cli, ["score", "x.txt", "--batch-size", "0"]).exit_code == 2
    assert runner.invoke(cli, ["eval"]).exit_code == 2


def test_missing_or_corrupt_model_is_one_line(runner: CliRunner, tiny_model_dir: Path, tmp_path: Path) -> None:
    result = runner.invoke(cli, ["score", "-", "--model", str(tmp_path / "nomodel")], input="Sales rose.")
    assert result.exit_code == 1 and "does not exist" in result.stderr
    broken = tmp_path / "broken"
    shutil.copytree(tiny_model_dir, broken)
    with (broken / "model.onnx").open("ab") as fh:
        fh.write(b"x")
    result = runner.invoke(cli, ["info", "--model", str(broken)])
    assert result.exit_code == 1 and "sha256 mismatch" in result.stderr
    assert "Traceback" not in result.output


def test_no_default_model_says_so(runner: CliRunner, monkeypatch, tmp_path: Path) -> None:
    import finlocal.model as model

    monkeypatch.delenv("FINLOCAL_MODEL", raising=False)
    monkeypatch.setattr(model, "bundled_model_dir", lambda: tmp_path / "default")
    result = runner.invoke(cli, ["info"])
    assert result.exit_code == 1
    assert "no default model is installed" in result.stderr and "--model" in result.stderr


def test_eval_json_and_tables(runner: CliRunner, model_env: Path, tmp_path: Path) -> None:
    data = tmp_path / "d.jsonl"
    data.write_text(
        "\n".join(
            json.dumps(r)
            for r in [
                {"text": "Net sales rose by 2.4 % .", "label": "positive", "agreement": "100"},
                {"text": "Operating profit fell in the third quarter .", "label": "negative", "agreement": "66"},
                {
                    "text": "The company is headquartered in Helsinki , Finland .",
                    "label": "neutral",
                    "agreement": "100",
                },
            ]
        )
    )
    result = runner.invoke(cli, ["eval", str(data), "--json"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    for key in ("accuracy", "f1_weighted", "f1_macro", "n", "confusion", "sentences_per_s"):
        assert key in report
    assert report["n"] == 3 and set(report["by_agreement"]) == {"100", "66"}
    text = runner.invoke(cli, ["eval", str(data)])
    assert text.exit_code == 0 and "accuracy" in text.stdout and "confusion" in text.stdout


def test_eval_fpb_raw_file(runner: CliRunner, model_env: Path, tmp_path: Path) -> None:
    data = tmp_path / "Sentences_AllAgree.txt"
    data.write_bytes("Revenue in Zürich rose .@positive\nCosts fell .@negative\n".encode("latin-1"))
    result = runner.invoke(cli, ["eval", str(data), "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["n"] == 2


def test_info(runner: CliRunner, model_env: Path) -> None:
    result = runner.invoke(cli, ["info"])
    assert result.exit_code == 0, result.output
    assert "tiny-test-model" in result.stdout and "negative, neutral, positive" in result.stdout
    data = json.loads(runner.invoke(cli, ["info", "--json"]).stdout)
    assert data["labels"] == ["negative", "neutral", "positive"]


def test_subprocess_pipe_defaults_to_jsonl_and_exit_codes(tiny_model_dir: Path, tmp_path: Path) -> None:
    env = {**os.environ, "FINLOCAL_MODEL": str(tiny_model_dir), "OMP_WAIT_POLICY": "PASSIVE"}
    cmd = [sys.executable, "-m", "finlocal", "score", "-", "--threads", "1"]
    ok = subprocess.run(cmd, input="Sales rose 5 %. Costs fell.", capture_output=True, text=True, env=env, timeout=120)
    assert ok.returncode == 0, ok.stderr
    assert len(_rows(ok.stdout)) == 2 and ok.stderr == ""
    bad = subprocess.run(cmd[:-3] + [str(tmp_path / "nope.txt")], capture_output=True, text=True, env=env, timeout=120)
    assert bad.returncode == 1 and bad.stderr.count("\n") == 1 and "nope.txt" in bad.stderr
    usage = subprocess.run(cmd[:-3] + ["--per", "page"], capture_output=True, text=True, env=env, timeout=120)
    assert usage.returncode == 2


def test_stdin_cp1252_is_decoded(runner: CliRunner, model_env: Path) -> None:
    data = "Umsatz in Zürich rose 5 %. Costs fell.".encode("cp1252")
    result = runner.invoke(cli, ["score", "-"], input=data)
    assert result.exit_code == 0, result.output
    assert [r["text"] for r in _rows(result.stdout)] == ["Umsatz in Zürich rose 5 %.", "Costs fell."]
    assert "cp1252" in result.stderr


def test_empty_stdin_is_an_error(runner: CliRunner, model_env: Path) -> None:
    result = runner.invoke(cli, ["score", "-"], input="  \n")
    assert result.exit_code == 1 and "<stdin>: empty" in result.stderr


def test_closed_pipe_stops_quietly(tiny_model_dir: Path, tmp_path: Path) -> None:
    path = tmp_path / "long.txt"
    path.write_text("Net sales rose 5 %. Costs fell. " * 3000)
    env = {**os.environ, "FINLOCAL_MODEL": str(tiny_model_dir), "OMP_WAIT_POLICY": "PASSIVE"}
    proc = subprocess.Popen(
        [sys.executable, "-m", "finlocal", "score", str(path), "--threads", "1"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=env,
    )
    assert proc.stdout is not None and proc.stderr is not None
    assert json.loads(proc.stdout.readline())["index"] == 0
    proc.stdout.close()  # like `finlocal score long.txt | head -1`
    stderr = proc.stderr.read().decode()
    assert proc.wait(timeout=120) == 1
    assert "Traceback" not in stderr and "BrokenPipe" not in stderr


# --------------------------------------------------------------------------------------------
# --split and --input-format

FPB_LINES = (
    "Net sales rose 5 % to EUR 131 mn .\n"
    "according to the company , profit fell .\n"
    "\n"
    "The company is based in Espoo . It has 500 staff .\n"
)


def test_split_lines_scores_each_non_blank_line(runner: CliRunner, model_env: Path, tmp_path: Path) -> None:
    path = tmp_path / "lines.txt"
    path.write_text(FPB_LINES)
    rows = _rows(runner.invoke(cli, ["score", str(path), "--split", "lines"]).stdout)
    assert [r["text"] for r in rows] == [
        "Net sales rose 5 % to EUR 131 mn .",
        "according to the company , profit fell .",
        "The company is based in Espoo . It has 500 staff .",
    ]
    assert all(FPB_LINES[r["start"] : r["end"]] == r["text"] for r in rows)
    sentences = _rows(runner.invoke(cli, ["score", str(path)]).stdout)
    assert len(sentences) == 3 and sentences[0]["text"].endswith("profit fell .")  # joined


def test_split_none_scores_each_input_whole(runner: CliRunner, model_env: Path, tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text(REPORT)
    (tmp_path / "b.txt").write_text(FPB_LINES)
    result = runner.invoke(cli, ["score", str(tmp_path / "a.txt"), str(tmp_path / "b.txt"), "--split", "none"])
    assert result.exit_code == 0, result.output
    rows = _rows(result.stdout)
    assert [r["text"] for r in rows] == [REPORT.strip(), FPB_LINES.strip()]
    assert [r["index"] for r in rows] == [0, 0]


def test_a_markdown_table_alone_is_scored_not_an_error(runner: CliRunner, model_env: Path, tmp_path: Path) -> None:
    path = tmp_path / "t.md"
    path.write_text("| Item | Q3 2026 | Q3 2025 |\n|---|---|---|\n| Revenue | 41.7 | 38.2 |\n")
    result = runner.invoke(cli, ["score", str(path)])
    assert result.exit_code == 0, result.output
    assert [(r["kind"], " ".join(r["text"].split())) for r in _rows(result.stdout)] == [
        ("heading", "Item Q3 2026 Q3 2025"),
        ("table_row", "Revenue 41.7 38.2"),
    ]


def test_markdown_file_rows_have_no_markup(runner: CliRunner, model_env: Path, tmp_path: Path) -> None:
    source = (
        "# Q3 **report**\n\n- Net sales [rose](https://x.example/a.b) 5 %.\n"
        "- Costs *fell*.\n\n| Region | Change |\n|---|---|\n| Nordics | rose 3 % |\n\n"
        "```\nignored = True\n```\n"
    )
    path = tmp_path / "r.md"
    path.write_text(source)
    result = runner.invoke(cli, ["score", str(path)])
    assert result.exit_code == 0, result.output
    rows = _rows(result.stdout)
    assert [" ".join(r["text"].split()) for r in rows] == [
        "Q3 report",
        "Net sales rose 5 %.",
        "Costs fell .",
        "Region Change",  # a table's header row, then each body row: one row each, not one per cell
        "Nordics rose 3 %",
    ]
    assert [r["kind"] for r in rows] == ["heading", "sentence", "sentence", "heading", "table_row"]
    for r in rows:
        original = source[r["start"] : r["end"]]  # offsets into the file itself
        assert original[0] == r["text"][0] and original[-1] == r["text"][-1]
        assert not any(mark in r["text"] for mark in ("#", "**", "](", "|", "```", "- "))
    stdin = runner.invoke(cli, ["score", "-", "--input-format", "md"], input=source)
    assert [r["text"] for r in _rows(stdin.stdout)] == [r["text"] for r in rows]


def test_stdin_html_is_read_as_html_unless_told_otherwise(runner: CliRunner, model_env: Path) -> None:
    page = (
        "<!doctype html><html><head><script>var note = 'Revenue fell';</script></head>"
        "<body><h1>Q3</h1><p>Net sales rose 5 %.</p></body></html>"
    )
    rows = _rows(runner.invoke(cli, ["score", "-"], input=page).stdout)
    assert [r["text"] for r in rows] == ["Q3", "Net sales rose 5 %."]
    raw = _rows(runner.invoke(cli, ["score", "-", "--input-format", "txt"], input=page).stdout)
    assert any("var note" in r["text"] for r in raw)


def test_split_and_input_format_usage_errors_exit_2(runner: CliRunner, model_env: Path) -> None:
    assert runner.invoke(cli, ["score", "-", "--split", "words"], input="x").exit_code == 2
    assert runner.invoke(cli, ["score", "-", "--input-format", "docx"], input="x").exit_code == 2
    assert runner.invoke(cli, ["eval", "x.jsonl", "--split", "words"]).exit_code == 2


def test_eval_split_scores_the_items_of_each_row(runner: CliRunner, model_env: Path, tmp_path: Path) -> None:
    data = tmp_path / "d.jsonl"
    data.write_text(json.dumps({"text": "Net sales rose by 2.4 % . Costs fell .", "label": "positive"}))
    for split in ("none", "sentences", "lines"):
        result = runner.invoke(cli, ["eval", str(data), "--json", "--split", split])
        assert result.exit_code == 0, result.output
        assert json.loads(result.stdout)["n"] == 1
