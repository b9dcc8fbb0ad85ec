"""`finlocal train label` end to end on tiny GGUFs: the output contract the student reads."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

pytest.importorskip("llama_cpp")

from finlocal.cli import cli
from finlocal.errors import InputError
from finlocal.train.teachers.spec import Backend, TeacherSpec


def _input(tmp_path: Path, sentences: tuple[str, ...]) -> Path:
    path = tmp_path / "in.jsonl"
    labels = ["positive", "negative", "neutral", "positive"]
    path.write_text(
        "".join(json.dumps({"text": s, "label": g}) + "\n" for s, g in zip(sentences, labels, strict=True))
        + json.dumps({"text": sentences[0], "label": "positive"})
        + "\n"
    )  # a duplicate
    return path


def test_label_two_teachers_writes_the_contract(
    tmp_path: Path, tiny_gguf: Path, tiny_gguf_base: Path, sentences: tuple[str, ...]
) -> None:
    out = tmp_path / "out"
    args = [
        "train",
        "label",
        str(_input(tmp_path, sentences)),
        "--out",
        str(out),
        "--teacher",
        f"llama:{tiny_gguf}",
        "--teacher",
        f"llama:{tiny_gguf_base}@2",
        "--n-ctx",
        "4096",
        "--threads",
        "1",
        "--no-progress",
    ]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout)
    assert summary["sentences"] == 4 and summary["combined"] == 4

    rows = [json.loads(x) for x in (out / "combined.jsonl").read_text().splitlines()]
    assert [r["text"] for r in rows] == list(sentences)
    for row in rows:
        assert set(row) == {
            "text",
            "label",
            "probs",
            "rationale",
            "evidence",
            "teachers",
            "weights",
            "agreement",
            "gold",
            "explained_by",
        }
        assert row["label"] in ("negative", "neutral", "positive")
        assert sum(row["probs"].values()) == pytest.approx(1.0)
        assert row["label"] == max(row["probs"], key=row["probs"].get)
        assert 0 < row["agreement"] <= 1 and len(row["teachers"]) == 2
        assert sorted(row["weights"].values()) == pytest.approx([1 / 3, 2 / 3])
        assert row["evidence"] is not None  # generation mode: annotated ([] = no evidence)
        for ev in row["evidence"]:
            assert row["text"][ev["start"] : ev["end"]] == ev["text"]
        assert row["rationale"]
    assert rows[0]["gold"] == "positive"

    judgements = [json.loads(x) for x in (out / "judgements.jsonl").read_text().splitlines()]
    assert len(judgements) == 8
    report = json.loads((out / "report.json").read_text())
    assert set(report["agreement"]["vs_gold"]) >= {"combined"}
    assert len(report["agreement"]["pairwise"]) == 1

    # A second run resumes: nothing new to judge, same outputs.
    again = CliRunner().invoke(cli, args)
    assert again.exit_code == 0, again.output
    assert len((out / "judgements.jsonl").read_text().splitlines()) == 8


def test_plain_text_input_and_logprob_mode(tmp_path: Path, tiny_gguf: Path, sentences: tuple[str, ...]) -> None:
    path = tmp_path / "in.txt"
    path.write_text("\n".join(sentences[:2]) + "\n\n")
    out = tmp_path / "out"
    result = CliRunner().invoke(
        cli,
        [
            "train",
            "label",
            str(path),
            "--out",
            str(out),
            "--teacher",
            f"llama:{tiny_gguf}",
            "--llama-mode",
            "logprob",
            "--zero-shot",
            "--calibrate",
            "batch",
            "--n-ctx",
            "4096",
            "--threads",
            "1",
            "--no-progress",
        ],
    )
    assert result.exit_code == 0, result.output
    report = json.loads((out / "report.json").read_text())
    (prior,) = report["batch_calibration_priors"].values()
    assert sum(prior.values()) == pytest.approx(1.0)
    rows = [json.loads(x) for x in (out / "combined.jsonl").read_text().splitlines()]
    assert len(rows) == 2 and all(r["rationale"] is None and r["gold"] is None for r in rows)
    assert all(r["evidence"] is None for r in rows)  # label-only: unannotated, not "no evidence"


def test_bad_teacher_spec_is_a_one_line_error(tmp_path: Path) -> None:
    path = tmp_path / "in.txt"
    path.write_text("Sales rose.\n")
    result = CliRunner().invoke(
        cli, ["train", "label", str(path), "--out", str(tmp_path / "o"), "--teacher", "gpt:whatever"]
    )
    assert result.exit_code == 1
    assert "expected BACKEND:TARGET" in result.output


def test_teacher_spec_parsing() -> None:
    assert TeacherSpec.parse("llama:/m/x.gguf@2.5") == TeacherSpec(Backend.LLAMA, "/m/x.gguf", 2.5)
    assert TeacherSpec.parse("claude:claude-haiku-5-5") == TeacherSpec(Backend.CLAUDE, "claude-haiku-5-5")
    assert TeacherSpec.parse("llama:/a@b/x.gguf").target == "/a@b/x.gguf"
    for bad in ("llama", "ollama:x", "claude:", "llama:x@0"):
        with pytest.raises(InputError):
            TeacherSpec.parse(bad)


def test_a_dry_run_with_the_fake_teacher_costs_nothing_and_feeds_the_student(tmp_path: Path) -> None:
    from finlocal.train.records import read_teacher_file

    sentences = ("Net sales rose by 5 % .", "The company cut 40 jobs .", "The AGM is on Friday .")
    path = tmp_path / "in.jsonl"
    path.write_text("".join(json.dumps({"text": s}) + "\n" for s in sentences))
    out = tmp_path / "out"
    result = CliRunner().invoke(
        cli, ["train", "label", str(path), "--out", str(out), "--teacher", "fake:dry-run", "--no-progress"]
    )
    assert result.exit_code == 0, result.output
    rows = {row.text: row for _, row in read_teacher_file(out / "combined.jsonl")}
    assert [rows[s].label for s in sentences] == ["positive", "negative", "neutral"]
    assert rows[sentences[0]].teachers == ("fake/dry-run",)
    assert TeacherSpec.parse("fake:x@2").backend is Backend.FAKE
