"""Cross-validation folds and the rows a fold run learns from: nothing held out leaks in."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from finlocal.errors import InputError
from finlocal.train.config import FitConfig
from finlocal.train.data import Example
from finlocal.train.folds import normalise, partition
from finlocal.train.rows import build_rows


def _examples(labels: list[str], agreements: list[str], dup_every: int) -> list[Example]:
    out = []
    for i, (label, agreement) in enumerate(zip(labels, agreements, strict=True)):
        text = f"sentence {i // dup_every if dup_every else i} about {label}"
        out.append(Example(f"id-{i}", text, label, agreement))
    return out


@settings(max_examples=60, deadline=None)
@given(
    labels=st.lists(st.sampled_from(["negative", "neutral", "positive"]), min_size=6, max_size=80),
    folds=st.integers(2, 6),
    repeat=st.integers(0, 3),
    dup_every=st.sampled_from([0, 2, 3]),
    data=st.data(),
)
def test_every_row_is_in_one_fold_duplicates_together_folds_balanced(labels, folds, repeat, dup_every, data) -> None:
    agreements = data.draw(
        st.lists(st.sampled_from(["100", "75", "66", "50"]), min_size=len(labels), max_size=len(labels))
    )
    examples = _examples(labels, agreements, dup_every)
    part = partition(examples, folds, repeat=repeat)
    assert set(part.fold_of) == {ex.id for ex in examples}
    assert all(0 <= k < folds for k in part.fold_of.values())
    by_text: dict[str, set[int]] = {}
    for ex in examples:
        by_text.setdefault(normalise(ex.text), set()).add(part.fold_of[ex.id])
    assert all(len(ks) == 1 for ks in by_text.values())  # a repeated sentence never straddles folds
    if not dup_every:
        sizes = Counter(part.fold_of.values())
        assert max(sizes.values()) - min(sizes.get(k, 0) for k in range(folds)) <= 1
    again = partition(examples, folds, repeat=repeat)
    assert again.fold_of == part.fold_of and again.key == part.key


def test_repeats_reshuffle_and_name_their_folds() -> None:
    examples = _examples(["positive", "neutral", "negative"] * 20, ["100"] * 60, 0)
    a, b = partition(examples, 5, repeat=0), partition(examples, 5, repeat=1)
    assert a.fold_of != b.fold_of and a.key != b.key
    assert a.key.startswith("k5-r0-") and b.key.startswith("k5-r1-")


def _config(setup: dict, tmp_path: Path, **overrides: object) -> FitConfig:
    base = {
        "output_dir": str(tmp_path / "run"),
        "backbone": str(setup["backbone"]),
        "fpb_path": str(setup["data"]),
        "epochs": 1,
        "max_length": 32,
        "threads": 1,
    }
    return FitConfig.from_dict({**base, **overrides})


def _write(path: Path, rows: list[dict]) -> str:
    path.write_text("".join(json.dumps(r) + "\n" for r in rows))
    return str(path)


@pytest.mark.train
def test_a_fold_run_never_learns_from_its_held_out_rows(tiny_setup: dict, tmp_path: Path) -> None:
    rows = tiny_setup["rows"]
    full = build_rows(_config(tiny_setup, tmp_path))
    assert full.heldout == [] and full.summary["partition"] is None
    config = _config(tiny_setup, tmp_path, folds=3, fold=1)
    part = build_rows(config).partition
    held = [r for r in rows if part.fold_of[r["id"]] == 1]
    kept = [r for r in rows if part.fold_of[r["id"]] == 0]
    # an edit of a held-out row, a held-out text under another id, and a kept row's edit
    extra = _write(
        tmp_path / "extra.jsonl",
        [
            {"text": "an edit of a held-out row", "label": "negative", "source_id": held[0]["id"]},
            {"text": held[1]["text"].upper(), "label": "positive"},
            {"text": "an edit of a kept row", "label": "negative", "source_id": kept[0]["id"]},
        ],
    )
    teacher = _write(
        tmp_path / "teacher.jsonl",
        [
            {"text": held[2]["text"], "probs": {"negative": 0.2, "neutral": 0.2, "positive": 0.6}},
            {"text": "an unlabelled call sentence", "probs": {"negative": 0.1, "neutral": 0.8, "positive": 0.1}},
        ],
    )
    result = build_rows(
        _config(tiny_setup, tmp_path, folds=3, fold=1, extra_files=[extra], teacher_files=[teacher], teacher_weight=1.0)
    )
    texts = {normalise(r.text) for r in result.train}
    assert not texts & {normalise(r["text"]) for r in held}
    assert "an edit of a held-out row" not in texts
    assert "an edit of a kept row" in texts
    assert {ex.id for ex in result.heldout} == {r["id"] for r in held}
    transfer = [r for r in result.train if r.source == "transfer"]
    assert [r.text for r in transfer] == ["an unlabelled call sentence"]
    assert transfer[0].label is None and transfer[0].teacher_probs == (0.1, 0.8, 0.1)
    assert result.summary["skipped_as_heldout"] == 3


@pytest.mark.train
def test_fold_keyed_teacher_files_give_each_fold_its_own_teacher(tiny_setup: dict, tmp_path: Path) -> None:
    part = build_rows(_config(tiny_setup, tmp_path, folds=2, fold=0)).partition
    text = next(r["text"] for r in tiny_setup["rows"] if part.fold_of[r["id"]] == 1)
    p = {
        "0": {"negative": 1.0, "neutral": 0.0, "positive": 0.0},
        "1": {"negative": 0.0, "neutral": 0.0, "positive": 1.0},
        "all": {"negative": 0.5, "neutral": 0.0, "positive": 0.5},
    }
    teacher = _write(tmp_path / "t.jsonl", [{"text": text, "probs_by_fold": p, "partition": part.key}])

    def probs(**overrides: object) -> tuple[float, ...] | None:
        rows = build_rows(_config(tiny_setup, tmp_path, teacher_files=[teacher], teacher_weight=1.0, **overrides))
        return next(r.teacher_probs for r in rows.train if r.text == text)

    assert probs(folds=2, fold=0) == (1.0, 0.0, 0.0)
    assert probs() == (0.5, 0.0, 0.5)  # the final run: the mean of the fold models
    with pytest.raises(InputError, match="made by the fold models of folds"):
        probs(folds=2, fold=0, repeat=1)


@pytest.mark.train
def test_empty_evidence_is_supervised_and_missing_evidence_is_masked(tiny_setup: dict, tmp_path: Path) -> None:
    a, b = tiny_setup["rows"][0]["text"], tiny_setup["rows"][1]["text"]
    evidence = _write(tmp_path / "ev.jsonl", [{"text": a, "evidence": []}, {"text": b, "evidence": None}])
    rows = build_rows(_config(tiny_setup, tmp_path, evidence="file", evidence_file=evidence, evidence_weight=0.5))
    by_text = {r.text: r.evidence for r in rows.train}
    assert by_text[a] == () and by_text[b] is None


@pytest.mark.train
def test_a_bad_extra_row_names_its_line(tiny_setup: dict, tmp_path: Path) -> None:
    extra = _write(tmp_path / "bad.jsonl", [{"text": "fine", "label": "neutral"}, {"text": "x", "label": "bullish"}])
    with pytest.raises(InputError, match=r"bad.jsonl:2: label 'bullish'"):
        build_rows(_config(tiny_setup, tmp_path, extra_files=[extra]))


@pytest.mark.train
def test_a_held_out_text_is_banned_whatever_its_spacing_and_punctuation(tiny_setup: dict, tmp_path: Path) -> None:
    config = _config(tiny_setup, tmp_path, folds=3, fold=1)
    part = build_rows(config).partition
    held = [r for r in tiny_setup["rows"] if part.fold_of[r["id"]] == 1]
    variant = "".join(ch for ch in held[0]["text"] if ch.isalnum() or ch == " ").replace(" ", "  ") + " !"
    extra = _write(tmp_path / "extra.jsonl", [{"text": variant, "label": "neutral"}])
    teacher = _write(
        tmp_path / "teacher.jsonl",
        [
            {
                "text": held[1]["text"].replace(" ", "") + ".",
                "probs": {"negative": 0.2, "neutral": 0.2, "positive": 0.6},
            },
        ],
    )
    evidence = _write(tmp_path / "ev.jsonl", [{"text": held[2]["text"] + " ", "evidence": []}])
    result = build_rows(
        _config(
            tiny_setup,
            tmp_path,
            folds=3,
            fold=1,
            extra_files=[extra],
            teacher_files=[teacher],
            teacher_weight=1.0,
            evidence="file",
            evidence_file=evidence,
            evidence_weight=0.5,
        )
    )
    assert result.summary["skipped_as_heldout"] == 2
    assert all(r.source != "transfer" for r in result.train) and variant not in {r.text for r in result.train}
    assert held[2]["text"] + " " not in {r.text for r in result.train}


@pytest.mark.train
def test_teachers_are_recorded_only_when_a_run_learns_from_them(tiny_setup: dict, tmp_path: Path) -> None:
    text = tiny_setup["rows"][0]["text"]
    teacher = _write(
        tmp_path / "t.jsonl",
        [
            {"text": text, "probs": {"negative": 0.2, "neutral": 0.2, "positive": 0.6}, "teachers": ["llama:x"]},
        ],
    )
    unused = build_rows(_config(tiny_setup, tmp_path, teacher_files=[teacher], teacher_weight=0.0))
    assert unused.summary["teachers"] == [] and unused.summary["teacher_roles"] == {}
    used = build_rows(_config(tiny_setup, tmp_path, teacher_files=[teacher], teacher_weight=1.0))
    assert used.summary["teachers"] == ["llama:x"]


def test_model_evidence_teaches_the_run_on_every_row_only(tiny_setup, tiny_model_dir: Path, tmp_path: Path) -> None:
    from finlocal.jsonl import write_jsonl
    from finlocal.train.model_evidence import annotate, texts_of

    texts = texts_of([tiny_setup["data"]])
    rows = list(annotate(tiny_model_dir, texts))
    assert [r.text for r in rows] == texts and all(r.source.startswith("model:") for r in rows)
    assert all(r.text[s.start : s.end] == s.text for r in rows for s in r.evidence or ())
    evidence = tmp_path / "evidence.jsonl"
    write_jsonl(evidence, (r.to_dict() for r in rows))
    settings = {"evidence": "file", "evidence_file": str(evidence), "evidence_weight": 0.5}
    full = build_rows(_config(tiny_setup, tmp_path, **settings))
    assert any(r.evidence for r in full.train)  # the run on every row learns the model's spans
    with pytest.raises(InputError, match="must not learn from it"):
        build_rows(_config(tiny_setup, tmp_path, folds=3, fold=0, **settings))
