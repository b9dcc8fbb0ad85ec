"""score, eval and info never open a socket, and the scoring path never imports torch."""

from __future__ import annotations

import json
import socket
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from finlocal.cli import cli


@pytest.fixture
def no_network(monkeypatch):
    attempts: list[tuple] = []

    def refuse(*args, **kwargs):
        attempts.append(args)
        raise OSError("network access is blocked in this test")

    monkeypatch.setattr(socket, "socket", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    return attempts


def test_score_eval_info_offline(no_network, tiny_model_dir: Path, tmp_path: Path) -> None:
    runner = CliRunner()
    doc = tmp_path / "r.txt"
    doc.write_text("Net sales rose 5 %. Costs fell.")
    data = tmp_path / "d.jsonl"
    data.write_text(json.dumps({"text": "Sales rose .", "label": "positive"}) + "\n")
    model = ["--model", str(tiny_model_dir)]
    for args in (
        ["score", str(doc), *model],
        ["score", "-", *model, "--per", "document"],
        ["eval", str(data), *model, "--json"],
        ["info", *model],
    ):
        result = runner.invoke(cli, args, input="Sales rose.")
        assert result.exit_code == 0, (args, result.output)
    assert no_network == []


def test_scoring_path_does_not_import_torch_or_transformers(tiny_model_dir: Path) -> None:
    code = f"""
import sys
from pathlib import Path
import finlocal.cli, finlocal.scoring, finlocal.model, finlocal.occlusion, finlocal.evaluation
from finlocal.model import OnnxClassifier
from finlocal.scoring import score_text
score_text("Sales rose. Costs fell.", OnnxClassifier.load(Path({str(tiny_model_dir)!r}), threads=1))
heavy = sorted(m for m in ("torch", "transformers", "optimum", "llama_cpp", "anthropic") if m in sys.modules)
print(",".join(heavy))
"""
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == ""
