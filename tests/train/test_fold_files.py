"""Labelled sets of their own (``fold_files``: tweets, headlines) dealt into the cross-validation
folds: a fold run never learns from its held-out tweets, and `finlocal train cv` reports weighted
F1 on them by source beside FPB's."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

pytest.importorskip("torch")
pytestmark = pytest.mark.train

from finlocal.errors import InputError  # noqa: E402
from finlocal.train.config import ConfigError, FitConfig  # noqa: E402
from finlocal.train.cv import OOF_EXTRA, run  # noqa: E402
from finlocal.train.fit import HELDOUT_EXTRA, same_recipe  # noqa: E402
from finlocal.train.folds import match_key  # noqa: E402
from finlocal.train.rows import build_rows  # noqa: E402
from tests.training import tiny_fit_config  # noqa: E402

LABELS = ("negative", "neutral", "positive")


def _write(path: Path, rows: list[dict]) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in rows))
    return path


def _tweets(path: Path, n: int = 24) -> Path:
    words = {"negative": "slumps after weak guidance", "neutral": "to report on Tuesday", "positive": "beats estimates"}
    rows = [
        {"id": f"tfns-{i:03d}", "text": f"$T{i} {words[LABELS[i % 3]]} https://t.co/x{i}", "label": LABELS[i % 3]}
        for i in range(n)
    ]
    return _write(path / "tfns.jsonl", rows)


def _headlines(path: Path, n: int = 18) -> Path:
    words = {"negative": "shares tank on loss", "neutral": "board meets on Friday", "positive": "profit soars"}
    rows = [
        {"id": f"sentfin-{i:03d}", "text": f"Company{i} {words[LABELS[i % 3]]}", "label": LABELS[i % 3]}
        for i in range(n)
    ]
    return _write(path / "sentfin.jsonl", rows)


def _config(setup: dict, tmp_path: Path, **overrides: object) -> FitConfig:
    return tiny_fit_config(setup, tmp_path / "run", **overrides)


@pytest.mark.train
def test_each_fold_holds_out_its_own_tweets_and_headlines_and_never_learns_them(
    tiny_setup: dict, tmp_path: Path
) -> None:
    tweets, headlines = _tweets(tmp_path), _headlines(tmp_path)
    # a teacher file and a generated file that repeat tweets, re-punctuated
    all_tweets = [json.loads(line) for line in tweets.read_text().splitlines()]
    teacher = _write(
        tmp_path / "teacher.jsonl",
        [
            {"text": r["text"].upper() + " !", "probs": {"negative": 0.3, "neutral": 0.4, "positive": 0.3}}
            for r in all_tweets
        ],
    )
    copies = _write(tmp_path / "copies.jsonl", [{"text": r["text"] + " .", "label": r["label"]} for r in all_tweets])
    extra = {"extra_files": [str(tweets), str(headlines), str(copies)], "fold_files": [str(tweets), str(headlines)]}
    held_by_fold = []
    for fold in range(3):
        rows = build_rows(
            _config(tiny_setup, tmp_path, folds=3, fold=fold, teacher_files=[teacher], teacher_weight=1.0, **extra)
        )
        assert set(rows.heldout_extra) == {"tfns", "sentfin"}
        held = {ex.id: ex for exs in rows.heldout_extra.values() for ex in exs}
        held_by_fold.append(set(held))
        trained = {match_key(r.text) for r in rows.train}
        assert not trained & {match_key(ex.text) for ex in held.values()}  # not as gold, copy or transfer row
        tfns_trained = [r for r in rows.train if r.source == "tfns"]
        assert len(tfns_trained) == len(all_tweets) - len(rows.heldout_extra["tfns"]) > 0  # the other folds' rows
        assert rows.summary["heldout_extra_rows"] == {k: len(v) for k, v in rows.heldout_extra.items()}
    every = [i for fold in held_by_fold for i in fold]
    assert len(every) == len(set(every)) == 24 + 18  # each row held out exactly once


@pytest.mark.train
def test_the_run_on_every_row_trains_on_every_tweet(tiny_setup: dict, tmp_path: Path) -> None:
    tweets = _tweets(tmp_path)
    rows = build_rows(_config(tiny_setup, tmp_path, extra_files=[str(tweets)], fold_files=[str(tweets)]))
    assert rows.heldout_extra == {} and sum(r.source == "tfns" for r in rows.train) == 24


def test_a_fold_file_must_be_an_extra_file(tiny_setup: dict, tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="fold_files"):
        _config({"backbone": "x", "data": "x"}, tmp_path, fold_files=["runs/data/tfns.jsonl"])


@pytest.mark.train
def test_an_edit_of_an_fpb_row_cannot_be_dealt_into_folds_of_its_own(tiny_setup: dict, tmp_path: Path) -> None:
    edits = _write(tmp_path / "edits.jsonl", [{"text": "an edit", "label": "neutral", "source_id": "tiny-0001"}])
    config = _config(tiny_setup, tmp_path, folds=3, fold=0, extra_files=[str(edits)], fold_files=[str(edits)])
    with pytest.raises(InputError, match="follows that row's fold"):
        build_rows(config)


def test_a_run_made_before_fold_files_existed_is_the_same_recipe() -> None:
    before = {"epochs": 5, "extra_files": ["a.jsonl"]}
    assert same_recipe(before, {**before, "fold_files": []})
    assert not same_recipe(before, {**before, "fold_files": ["a.jsonl"]})


@pytest.mark.train
def test_cv_reports_weighted_f1_on_held_out_tweets_and_headlines_beside_fpb(tiny_setup: dict, tmp_path: Path) -> None:
    tweets, headlines = _tweets(tmp_path), _headlines(tmp_path)
    out = tmp_path / "cv"
    config = tiny_fit_config(
        tiny_setup,
        out,
        epochs=1,
        extra_files=[str(tweets), str(headlines)],
        fold_files=[str(tweets), str(headlines)],
    )
    report = run(config, folds=3, repeats=1, out=out, progress=False)
    assert report["overall"]["n"] == len(tiny_setup["rows"])  # FPB's figure: FPB rows only
    assert set(report["by_source"]) == {"tfns", "sentfin"}
    assert report["by_source"]["tfns"]["n"] == 24 and report["by_source"]["sentfin"]["n"] == 18
    f1 = report["by_source"]["tfns"]["f1_weighted"]
    assert len(f1["folds"]) == 3 and f1["ci95"][0] <= f1["mean"] <= f1["ci95"][1]
    assert json.loads((out / "cv.json").read_text())["by_source"] == report["by_source"]
    pooled = [json.loads(line) for line in (out / OOF_EXTRA).read_text().splitlines()]
    assert sorted(r["id"] for r in pooled) == sorted(
        [f"tfns-{i:03d}" for i in range(24)] + [f"sentfin-{i:03d}" for i in range(18)]
    )
    fold_rows = [json.loads(line) for line in (out / "r0-f1" / HELDOUT_EXTRA).read_text().splitlines()]
    info = json.loads((out / "r0-f1" / "final" / "fit.json").read_text())
    assert info["data"]["heldout_by_source"]["tfns"]["n"] == sum(r["source"] == "tfns" for r in fold_rows)


def test_an_fpb_row_that_repeats_a_held_out_tweet_is_held_back(tmp_path: Path) -> None:
    tweets = _tweets(tmp_path)
    texts = [json.loads(line)["text"] for line in tweets.read_text().splitlines()]
    fpb = _write(
        tmp_path / "fpb.jsonl",
        [{"id": f"fpb-{i:04d}", "text": f"{t} .", "label": "neutral", "agreement": "100"} for i, t in enumerate(texts)]
        + [{"id": f"fpb-1{i:03d}", "text": f"FPB sentence {i} .", "label": "positive"} for i in range(12)],
    )
    base = {"fpb_path": str(fpb), "extra_files": [str(tweets)], "fold_files": [str(tweets)], "folds": 3}
    for fold in range(3):
        rows = build_rows(FitConfig.from_dict({**base, "fold": fold, "output_dir": str(tmp_path)}))
        held = {match_key(ex.text) for ex in rows.heldout_extra["tfns"]}
        fpb_trained = {match_key(r.text) for r in rows.train if r.source == "fpb"}
        assert held and not fpb_trained & held
        fpb_rows = [json.loads(line) for line in fpb.read_text().splitlines()]
        heldout_ids = {ex.id for ex in rows.heldout}
        expected = {match_key(r["text"]) for r in fpb_rows if r["id"] not in heldout_ids} - held
        assert fpb_trained == expected
