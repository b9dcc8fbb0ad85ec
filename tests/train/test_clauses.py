"""The data for what fails (`finlocal.train.clauses`): concessions, negation and hedges, figures
without news; the call sentences a rule labels; FPB's concessions reordered, following their
rows' folds."""

from __future__ import annotations

import json
import random
from collections import Counter
from pathlib import Path

import pytest

from finlocal.train.clauses import (
    CATEGORY_LABELS,
    CATEGORY_SHARE,
    Category,
    build,
    concede,
    fpb_rows,
    frames,
    generate,
    label_call_sentence,
    main,
    make,
    reorder_concession,
)
from finlocal.train.config import FitConfig
from finlocal.train.folds import match_key
from finlocal.train.rows import build_rows

GOOD = ("net sales rose 5 %", "a 5 % rise in net sales")
BAD = ("churn ticked up to 1.4 %", "a rise in churn to 1.4 %")
SLOTS = {"period": "in the quarter", "Co": "Tallis Software"}


@pytest.mark.parametrize(
    ("frame", "main_fact", "conceded", "text"),
    [
        ("Although {Xc}, {Yc}.", GOOD, BAD, "Although churn ticked up to 1.4 %, net sales rose 5 %."),
        ("Although {Xc}, {Yc}.", BAD, GOOD, "Although net sales rose 5 %, churn ticked up to 1.4 %."),
        ("{Xc}, but {Yc}.", BAD, GOOD, "Net sales rose 5 %, but churn ticked up to 1.4 %."),
        ("{Yc} despite {Xn}.", GOOD, BAD, "Net sales rose 5 % despite a rise in churn to 1.4 %."),
        ("Despite {Xn}, {Yc}.", BAD, GOOD, "Despite a 5 % rise in net sales, churn ticked up to 1.4 %."),
        ("{Yc}, although {Xc}.", BAD, GOOD, "Churn ticked up to 1.4 %, although net sales rose 5 %."),
        (
            "{Yn} more than offset {Xn} {period}.",
            GOOD,
            BAD,
            "A 5 % rise in net sales more than offset a rise in churn to 1.4 % in the quarter.",
        ),
        (
            "The effect of {Xn} was more than offset by {Yn}.",
            BAD,
            GOOD,
            "The effect of a 5 % rise in net sales was more than offset by a rise in churn to 1.4 %.",
        ),
        (
            '"Although {Xc}, {Yc}," said {Co}\'s chief executive.',
            GOOD,
            BAD,
            '"Although churn ticked up to 1.4 %, net sales rose 5 %," said Tallis Software\'s chief executive.',
        ),
    ],
)
def test_the_main_clause_is_the_one_the_frame_subordinates_nothing_to(
    frame: str, main_fact: tuple[str, str], conceded: tuple[str, str], text: str
) -> None:
    assert concede(frame, main_fact, conceded, SLOTS) == text


@pytest.mark.parametrize(
    ("category", "label", "frame"),
    [(c, label, f) for c, labels in CATEGORY_LABELS.items() for label in sorted(set(labels)) for f in frames(c, label)],
)
def test_every_frame_fills_and_keeps_its_label(category: Category, label: str, frame: str) -> None:
    for seed in range(3):
        row = make(random.Random(seed), category, label, frame)
        assert row.label == label and row.category is category and row.frame == frame
        assert "{" not in row.text and "}" not in row.text
        assert row.text.lstrip('"')[0].isupper() or row.text[0] in "$0123456789"
        assert row.text.rstrip('"').endswith((".", '."', ","))
        assert "  " not in row.text


def test_the_same_seed_gives_the_same_rows_and_another_seed_others() -> None:
    assert [r.to_row(i) for i, r in enumerate(generate(120, 5))] == [
        r.to_row(i) for i, r in enumerate(generate(120, 5))
    ]
    assert [r.text for r in generate(120, 5)] != [r.text for r in generate(120, 6)]


def test_categories_come_in_their_shares_labels_balanced_texts_distinct() -> None:
    rows = generate(1000, 11)
    by_category = Counter(r.category for r in rows)
    assert {c: by_category[c] for c in Category} == {c: 100 * share for c, share in CATEGORY_SHARE.items()}
    labels = Counter((r.category, r.label) for r in rows)
    assert labels[(Category.CONCESSION, "positive")] == labels[(Category.CONCESSION, "negative")] == 200
    assert labels[(Category.NEGATION, "negative")] == 200 and labels[(Category.NEGATION, "positive")] == 100
    assert len({match_key(r.text) for r in rows}) == len(rows)


@pytest.mark.parametrize(
    ("text", "label", "rule"),
    [
        ("Our Board has declared a quarterly dividend of $0.25 per share.", "neutral", "dividend declared"),
        ("Our Board has declared an increased quarterly dividend of $0.27 per share.", None, None),
        (
            "The Board approved a special dividend of $1.00 per share and a quarterly dividend of $0.25 per share.",
            None,
            None,
        ),
        ("Our diluted share count was 205 million for the quarter.", "neutral", "share count"),
        ("Our diluted share count was down 3% to 205 million.", None, None),
        ("Today, we have approximately 12,000 employees in 30 countries.", "neutral", "headcount"),
        ("We expect our effective tax rate to be in the range of 22% to 24% for the year.", "neutral", "guided range"),
        ("We expect capital expenditures to be between $300 million and $350 million, up from last year.", None, None),
        ("Gross margin was essentially flat at 38.2% in the quarter.", "neutral", "flat"),
        ("Revenue was flat, but operating income declined 8%.", None, None),
        ("We are pleased that revenues were essentially flat year-over-year.", None, None),
        ("We expect revenue to be flat in the fourth quarter of this year.", None, None),
        (
            "Higher raw material costs were not fully offset by pricing actions in the quarter.",
            "negative",
            "not fully offset",
        ),
        ("Pricing did not fully offset inflation this quarter, but we expect it to next quarter.", None, None),
        ("Revenue fell short of our expectations as large projects were delayed.", "negative", "fell short"),
        ("The segment's fourth quarter margin was 9.2% and fell short of our estimates.", "negative", "fell short"),
        ("While the recovery did not meet our expectations, I'm pleased with our team's response.", None, None),
        ("SG&A fell 90 basis points, partially offsetting this, as we fell short of our targets.", None, None),
        ("Was gross margin flat in the quarter compared with the prior year?", None, None),
        ("So revenue was flat at $2.1 billion this quarter.", None, None),
        ("tax legislation that our full year effective tax rate will be in the range of 23% to 24%.", None, None),
        ("Industrial revenues were flat sequentially from continued softness in oil and gas.", None, None),
        ("Revenue rose 12% to $2.1 billion in the quarter.", None, None),
    ],
)
def test_a_call_sentence_is_labelled_only_when_a_rule_is_certain(
    text: str, label: str | None, rule: str | None
) -> None:
    found = label_call_sentence(text)
    assert (found.label if found else None, found.rule if found else None) == (label, rule)


@pytest.mark.parametrize(
    ("text", "reordered"),
    [
        (
            "Sales fell 5 % , but operating profit rose to EUR 3 mn .",
            "Although sales fell 5 % , operating profit rose to EUR 3 mn .",
        ),
        (
            "Nokia cut 300 jobs , but its profit rose .",
            "Although Nokia cut 300 jobs , its profit rose .",
        ),
        (
            "Although sales fell 5 % , operating profit rose to EUR 3 mn .",
            "Operating profit rose to EUR 3 mn , although sales fell 5 % .",
        ),
        ("Sales fell 5 % , but operating profit rose , while costs fell .", None),  # two connectors
        ("Sales rose 5 % , and operating profit rose .", None),  # no concession
        ("Although sales fell , 2009 was a record year .", None),  # the main clause starts with a figure
    ],
)
def test_an_fpb_concession_is_reordered_keeping_its_main_clause(text: str, reordered: str | None) -> None:
    result = reorder_concession(text)
    assert (result[0] if result else None) == reordered


def _fpb(path: Path) -> Path:
    rows = []
    for i in range(30):
        label = ("negative", "neutral", "positive")[i % 3]
        if i % 5 == 0:
            text = f"Company{i} sales fell {i} % , but operating profit rose to EUR {i} mn ."
        else:
            text = f"Company{i} reported sentence number {i} ."
        rows.append({"id": f"fpb-{i:04d}", "text": text, "label": label, "agreement": "100" if i % 10 else "50"})
    path.write_text("".join(json.dumps(r) + "\n" for r in rows))
    return path


def test_fpb_edits_keep_the_gold_label_and_name_their_row(tmp_path: Path) -> None:
    rows = fpb_rows(_fpb(tmp_path / "fpb.jsonl"))
    # rows 0, 10 and 20 (50 % agreement) are left out
    assert [(r.source_id, r.label) for r in rows] == [
        ("fpb-0005", "positive"),
        ("fpb-0015", "negative"),
        ("fpb-0025", "neutral"),
    ]
    assert all(r.text.startswith("Although ") for r in rows)


def _calls(path: Path) -> Path:
    calls = path / "calls" / "train"
    calls.mkdir(parents=True)
    (calls / "ABC_q1_2021.txt").write_text(
        "Good morning everyone.\n"
        "Our Board has declared a quarterly dividend of $0.25 per share.\n"
        "Revenue rose 12% to $2.1 billion in the quarter.\n"
        "Gross margin was essentially flat at 38.2% in the quarter.\n"
    )
    (calls / "XYZ_q2_2021.txt").write_text(
        "Our Board has declared a quarterly dividend of $0.25 per share.\n"
        "Higher raw material costs were not fully offset by pricing actions in the quarter.\n"
    )
    return path / "calls"


def test_build_adds_call_and_fpb_rows_once_and_leaves_out_excluded_texts(tmp_path: Path) -> None:
    excluded = tmp_path / "parity.jsonl"
    excluded.write_text(json.dumps({"text": "Gross margin was essentially flat at 38.2 % in the quarter"}) + "\n")
    rows = build(40, 3, fpb=_fpb(tmp_path / "fpb.jsonl"), ectsum=_calls(tmp_path), exclude=[excluded])
    calls = [r for r in rows if r.origin.startswith("ectsum:")]
    assert [(r.origin, r.label, r.frame) for r in calls] == [
        ("ectsum:ABC_q1_2021", "neutral", "dividend declared"),
        ("ectsum:XYZ_q2_2021", "negative", "not fully offset"),
    ]
    assert sum(r.origin == "fpb" for r in rows) == 3 and sum(r.origin == "written" for r in rows) == 40
    assert len({match_key(r.text) for r in rows}) == len(rows)


def test_a_fold_run_never_learns_an_edit_of_a_row_it_holds_out(tmp_path: Path) -> None:
    fpb = _fpb(tmp_path / "fpb.jsonl")
    out = tmp_path / "clauses.jsonl"
    main(["--n", "20", "--seed", "3", "--fpb", str(fpb), "--out", str(out)])
    edits = {r["source_id"]: r["text"] for r in map(json.loads, out.read_text().splitlines()) if "source_id" in r}
    assert len(edits) == 3
    for fold in range(3):
        config = FitConfig.from_dict(
            {"fpb_path": str(fpb), "extra_files": [str(out)], "folds": 3, "fold": fold, "output_dir": str(tmp_path)}
        )
        rows = build_rows(config)
        held = {ex.id for ex in rows.heldout}
        trained = {r.text for r in rows.train}
        for source_id, text in edits.items():
            assert (text in trained) == (source_id not in held)
