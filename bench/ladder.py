"""The ladder of docs/student.md: every teacher, their ensemble, and the student with and without
each data source, all measured by the same cross-validation (`finlocal train cv`).

    python -m bench.ladder                     # everything that can run now, in order
    python -m bench.ladder --only student-gold student-direction
    python -m bench.ladder --report            # only re-read the finished runs
    python -m bench.ladder --next              # run the first step that has not finished, then stop

Each step is a `finlocal train cv` run under ``--runs`` (default ``runs/cv``); finished fold runs
are reused, so the ladder resumes where it stopped. A step's input files that the ladder knows how
to make (`PREPARE`: the clause data, TFNS and SEntFiN rows, the earnings-call samples, the MPNet
teacher's soft labels once its cross-validation has finished) are made first; a step whose inputs
cannot be made yet (a teacher still training) is skipped and reported as waiting. ``--next``
passes over the steps ``bench/results/ladder.json`` records as finished in an earlier session (on
another machine) and the steps stopped on purpose (``Step.stopped``).

For each step the results file (``bench/results/ladder.json``) holds the pooled out-of-fold
figures (weighted F1 mean over folds with its 95 % interval, per agreement level) and the
accuracy on the two direction sets (``tests/fixtures/direction/``, written apart from the training
generator: ``challenge`` served as a development set, ``holdout`` was never looked at) averaged
over the fold models, overall and per category. Nothing in
this file chose anything it reports: every step is a fixed recipe, trained for fixed epochs.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import statistics
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from bench.machine import machine
from finlocal.jsonl import read_jsonl
from finlocal.train.records import read_fit_info

ROOT = Path(__file__).resolve().parent.parent
# The direction sets: "challenge" was looked at while the training generator was developed (a
# development set); "holdout" was written later, apart from both, and never looked at.
DIRECTION_SETS = {
    name: ROOT / "tests" / "fixtures" / "direction" / f"{name}.jsonl" for name in ("challenge", "holdout")
}
# Sentences that state one change in figures (written apart from the reader's table and the
# training data): the label must follow the numbers and the metric's polarity.
COMPARISON_SET = ROOT / "tests" / "fixtures" / "comparison" / "comparison.jsonl"
log = logging.getLogger("ladder")

NO_TEACHERS = ("teacher_files=[]", "teacher_weight=0.0")
NO_EVIDENCE = ("evidence=none", "evidence_weight=0.0", "evidence_file=")
NO_EXTRA = ("extra_files=[]", "extra_weights=[]")
DIRECTION = ('extra_files=["runs/data/direction.jsonl", "runs/data/counterfactual.jsonl"]', "extra_weights=[0.5, 1.0]")


@dataclass(frozen=True)
class Step:
    """One recipe of the ladder: a config plus overrides, cross-validated."""

    name: str
    config: str
    overrides: tuple[str, ...] = ()
    what: str = ""
    final: bool = False  # also train on every row (teachers whose "all" model is needed)
    needs: tuple[str, ...] = ()  # files that must exist first (relative to the repository root)
    stopped: bool = False  # stopped on purpose after some fold runs: --next does not resume it


@dataclass(frozen=True)
class Prepare:
    """How the ladder makes an input file: ``python ARGV`` once ``inputs`` exist."""

    inputs: tuple[str, ...]
    argv: tuple[str, ...]


TEACHERS = (
    Step(
        "teacher-minilm",
        "configs/teacher-minilm.toml",
        final=True,
        what="MiniLM-L6 (6 layers, 22M), gold + direction data",
    ),
    Step("teacher-mpnet", "configs/teacher-mpnet.toml", what="MPNet-base (12 layers, 110M), gold + direction data"),
)

STUDENT = "configs/student.toml"
SALIENCY = "runs/teachers/saliency-minilm.jsonl"
MPNET_FPB = "runs/teachers/mpnet-fpb.jsonl"
MPNET_ECTSUM = "runs/teachers/mpnet-ectsum.jsonl"
MINILM_FPB = "runs/teachers/minilm-fpb.jsonl"
MINILM_ECTSUM = "runs/teachers/minilm-ectsum.jsonl"
TFNS = "runs/data/tfns.jsonl"
SENTFIN = "runs/data/sentfin.jsonl"


def _extra(*files: tuple[str, float]) -> tuple[str, ...]:
    """Overrides adding gold files to the direction data."""
    names = ["runs/data/direction.jsonl", "runs/data/counterfactual.jsonl", *(f for f, _ in files)]
    weights = [0.5, 1.0, *(w for _, w in files)]
    return (f"extra_files={json.dumps(names)}", f"extra_weights={json.dumps(weights)}")


NATURAL = "runs/data/natural.jsonl"
# The reader steps (configs/student-reader.toml; student-hint-l4 is the shipped recipe, which is
# configs/student-reader-l4.toml in a file of its own): the same student with and
# without the reader's hint (finlocal.changes.hint), with the hint on half of the rows, then deeper;
# all on the direction data plus the natural-wording data, without evidence targets (a fair set
# that needs no teacher).
STUDENT_READER = "configs/student-reader.toml"
READER_STEPS = (
    Step(
        "student-nohint",
        STUDENT_READER,
        ("hint=none", "hint_dropout=0.0"),
        needs=(NATURAL,),
        what="3 layers, gold + direction + natural-wording data, no hint, no evidence targets",
    ),
    Step(
        "student-hint",
        STUDENT_READER,
        ("hint_dropout=0.0",),
        needs=(NATURAL,),
        stopped=True,
        what="the same with the reader's hint as a second segment on every row",
    ),
    Step(
        "student-hint-dropout",
        STUDENT_READER,
        (),
        needs=(NATURAL,),
        what="the hint on half of the training rows (the other half read without it): bundled until 2026-12-06 23:50",
    ),
    Step(
        "student-hint-l4",
        STUDENT_READER,
        ("encoder_layers=4",),
        needs=(NATURAL,),
        what="4 layers, the same recipe otherwise: the bundled model",
    ),
    Step(
        "student-hint-l6",
        STUDENT_READER,
        ("encoder_layers=6",),
        needs=(NATURAL,),
        what="6 layers (all of MiniLM-L6), the same recipe otherwise",
    ),
)

# Inputs the ladder can make itself (paths relative to the repository root; the data sets in
# $FINLOCAL_DATA, default ../shared/data, as in scripts/recreate-default-model.sh).
DATA = os.environ.get("FINLOCAL_DATA", "../shared/data")
FPB = f"{DATA}/fpb/train.jsonl"
CALLS = f"{DATA}/ectsum/calls"
CLAUSES = "runs/data/clauses.jsonl"
ECTSUM_10K = "runs/data/ectsum-10k.jsonl"
PARITY = "runs/data/parity.jsonl"
MPNET_CV = "runs/cv/teacher-mpnet"
# Evaluation sets whose sentences no training file may hold: the reader's fixtures (with the
# random sample of real sentences where this checkout has it) and the comparison set. The blind
# sets (tests/fixtures/blind/) are never read here: the clause data is written and mined apart.
EVALUATION_FILES = tuple(
    path
    for path in (
        "tests/fixtures/changes/table.jsonl",
        "tests/fixtures/changes/holdout.jsonl",
        "tests/fixtures/changes/real.jsonl",
        "tests/fixtures/comparison/comparison.jsonl",
    )
    if (ROOT / path).is_file()
)
_EXCLUDE = tuple(arg for path in (PARITY, *EVALUATION_FILES) for arg in ("--exclude", path))
PREPARE: dict[str, Prepare] = {
    ECTSUM_10K: Prepare(
        (CALLS,), ("-m", "finlocal.train.corpora", "ectsum", CALLS, "--n", "10000", "--out", ECTSUM_10K)
    ),
    PARITY: Prepare(
        (CALLS, ECTSUM_10K),
        ("-m", "finlocal.train.corpora", "ectsum", CALLS, "--n", "1000", "--seed", "7")
        + ("--exclude", ECTSUM_10K, "--out", PARITY),
    ),
    CLAUSES: Prepare(
        (FPB, CALLS, PARITY),
        ("-m", "finlocal.train.clauses", "--n", "3000", "--seed", "7", "--fpb", FPB, "--ectsum", CALLS)
        + (*_EXCLUDE, "--out", CLAUSES),
    ),
    TFNS: Prepare(
        (f"{DATA}/tfns/train.jsonl",),
        ("-m", "finlocal.train.corpora", "tfns", f"{DATA}/tfns/train.jsonl", "--out", TFNS),
    ),
    SENTFIN: Prepare(
        (f"{DATA}/sentfin/sentfin.jsonl",),
        ("-m", "finlocal.train.corpora", "sentfin", f"{DATA}/sentfin/sentfin.jsonl", "--out", SENTFIN),
    ),
    # the MPNet teacher's fold models label FPB and the call sample once all five have finished
    MPNET_FPB: Prepare(
        (f"{MPNET_CV}/cv.json", FPB), ("-m", "finlocal", "train", "teach", MPNET_CV, FPB, "--out", MPNET_FPB)
    ),
    MPNET_ECTSUM: Prepare(
        (f"{MPNET_CV}/cv.json", ECTSUM_10K),
        ("-m", "finlocal", "train", "teach", MPNET_CV, ECTSUM_10K, "--out", MPNET_ECTSUM),
    ),
}

# The report steps (configs/student-report.toml): the bundled recipe (4 layers, the reader's hint
# on half the rows) with the data for what fails in report text (finlocal.train.clauses), then
# with TFNS tweets and SEntFiN headlines as gold rows that get a cross-validation of their own
# (fold_files: weighted F1 on their held-out rows beside FPB's), then distilling the MPNet-base
# teacher's fold models (soft labels on FPB and 10,000 earnings-call transfer sentences).
STUDENT_REPORT = "configs/student-report.toml"
_READER_DATA = ("runs/data/direction.jsonl", "runs/data/counterfactual.jsonl", NATURAL)
_CLAUSES_ONLY = (
    f"extra_files={json.dumps([*_READER_DATA, CLAUSES])}",
    "extra_weights=[0.5, 1.0, 1.0, 1.0]",
    "fold_files=[]",
)
MPNET_TEACHING = (f"teacher_files={json.dumps([MPNET_FPB, MPNET_ECTSUM])}", "teacher_weight=1.0")
REPORT_STEPS = (
    Step(
        "student-clauses",
        STUDENT_REPORT,
        _CLAUSES_ONLY,
        needs=(*_READER_DATA, CLAUSES),
        what="the bundled recipe (4 layers) + the clause, negation and plain-figure data",
    ),
    Step(
        "student-report",
        STUDENT_REPORT,
        (),
        needs=(*_READER_DATA, CLAUSES, TFNS, SENTFIN),
        what="the same + TFNS tweets and SEntFiN headlines (weight 0.5), each cross-validated on its own held-out rows",
    ),
    Step(
        "student-report-mpnet",
        STUDENT_REPORT,
        MPNET_TEACHING,
        needs=(*_READER_DATA, CLAUSES, TFNS, SENTFIN, MPNET_FPB, MPNET_ECTSUM),
        what="the same + MPNet-base's fold models' soft labels on FPB and 10,000 call sentences (transfer rows)",
    ),
)

STUDENTS = (
    Step("student-gold", STUDENT, (*NO_EXTRA, *NO_TEACHERS, *NO_EVIDENCE), what="3 layers, FPB gold labels only"),
    Step(
        "student-evidence",
        STUDENT,
        (*NO_EXTRA, *NO_TEACHERS),
        needs=(SALIENCY,),
        what="3 layers, gold + evidence (saliency of the MiniLM fold models)",
    ),
    Step(
        "student-direction",
        STUDENT,
        (*NO_TEACHERS,),
        needs=(SALIENCY,),
        final=True,
        what="the recipe bundled until 2026-12-06 (configs/student.toml): 3 layers, gold + evidence + direction data",
    ),
    Step(
        "student-direction-8k",
        STUDENT,
        (
            *NO_TEACHERS,
            'extra_files=["runs/data/direction-8k.jsonl", "runs/data/counterfactual.jsonl"]',
            "extra_weights=[1.0, 1.0]",
        ),
        needs=(SALIENCY, "runs/data/direction-8k.jsonl"),
        what="3 layers, gold + evidence + 8,000 direction statements at full weight",
    ),
    Step(
        "student-l4-direction",
        STUDENT,
        ("encoder_layers=4", *NO_TEACHERS),
        needs=(SALIENCY,),
        what="4 layers, gold + evidence + direction data",
    ),
    Step(
        "student-tfns",
        STUDENT,
        (*NO_TEACHERS, *_extra((TFNS, 0.5))),
        needs=(SALIENCY, TFNS),
        what="3 layers, gold + evidence + direction + TFNS tweets as gold (weight 0.5)",
    ),
    Step(
        "student-sentfin",
        STUDENT,
        (*NO_TEACHERS, *_extra((SENTFIN, 0.5))),
        needs=(SALIENCY, SENTFIN),
        what="3 layers, gold + evidence + direction + SEntFiN headlines as gold (weight 0.5)",
    ),
    Step(
        "student-minilm-ectsum",
        STUDENT,
        (f"teacher_files={json.dumps([MINILM_FPB, MINILM_ECTSUM])}", "teacher_weight=1.0"),
        needs=(SALIENCY, MINILM_FPB, MINILM_ECTSUM),
        what="3 layers, gold + evidence + direction + MiniLM-L6 soft labels on FPB and 5,000 ECTSum transfer sentences",
    ),
    Step(
        "student-mpnet-fpb",
        STUDENT,
        (f'teacher_files=["{MPNET_FPB}"]', "teacher_weight=1.0"),
        needs=(SALIENCY, MPNET_FPB),
        what="3 layers, gold + evidence + direction + MPNet soft labels on FPB",
    ),
    Step(
        "student-mpnet-ectsum",
        STUDENT,
        (f"teacher_files={json.dumps([MPNET_FPB, MPNET_ECTSUM])}", "teacher_weight=1.0"),
        needs=(SALIENCY, MPNET_FPB, MPNET_ECTSUM),
        what="3 layers, gold + evidence + direction + MPNet soft labels on FPB and ECTSum transfer",
    ),
    Step(
        "student-ensemble-ectsum",
        STUDENT,
        (f"teacher_files={json.dumps([MPNET_FPB, MPNET_ECTSUM, MINILM_FPB, MINILM_ECTSUM])}", "teacher_weight=1.0"),
        needs=(SALIENCY, MPNET_FPB, MPNET_ECTSUM, MINILM_FPB, MINILM_ECTSUM),
        what="3 layers, gold + evidence + direction + MPNet and MiniLM soft labels (averaged) on FPB and ECTSum",
    ),
)


@dataclass
class Ladder:
    runs: Path
    threads: int
    results: dict[str, Any] = field(default_factory=dict)

    def cv_dir(self, step: Step) -> Path:
        return self.runs / step.name

    def ready(self, step: Step) -> bool:
        """Whether every input of ``step`` exists or can be made now."""
        return not missing(step.needs)

    def prepare(self, step: Step) -> None:
        """Make the inputs of ``step`` that do not exist yet (`PREPARE`), inputs first."""
        for path in step.needs:
            make(path)

    def run(self, step: Step, folds: int) -> None:
        from finlocal.train.config import FitConfig
        from finlocal.train.cv import run

        config = FitConfig.load(ROOT / step.config, [*step.overrides, f"threads={self.threads}"])
        run(config, folds=folds, repeats=1, out=self.cv_dir(step), final=step.final, progress=False)

    def measure(self, step: Step, folds: int) -> dict[str, Any] | None:
        """The step's figures: the full report when every fold run finished, else (a step that
        was stopped) the held-out figures of the fold runs that finished, marked partial."""
        from finlocal.train.cv import CV_REPORT, read_report

        cv_dir = self.cv_dir(step)
        base = {"what": step.what, "config": step.config, "overrides": list(step.overrides)}
        if (cv_dir / CV_REPORT).is_file():
            report = read_report(cv_dir)
            ks = list(range(report["folds"]))
            return {
                **base,
                "cv": {
                    k: report[k]
                    for k in ("protocol", "overall", "by_agreement", "by_source", "calibration")
                    if k in report
                },
                "direction": {name: direction_accuracy(cv_dir, ks, path) for name, path in DIRECTION_SETS.items()},
                "comparison": direction_accuracy(cv_dir, ks, COMPARISON_SET),
                "seconds_per_fold": _seconds(cv_dir, ks),
                "rows": _rows(cv_dir),
            }
        ks = [k for k in range(folds) if (cv_dir / f"r0-f{k}" / "final" / "fit.json").is_file()]
        if not ks:
            return None
        return {
            **base,
            "partial": {"folds": ks, "of": folds, "heldout_by_fold": _heldout(cv_dir, ks)},
            "direction": {name: direction_accuracy(cv_dir, ks, path) for name, path in DIRECTION_SETS.items()},
            "comparison": direction_accuracy(cv_dir, ks, COMPARISON_SET),
            "seconds_per_fold": _seconds(cv_dir, ks),
            "rows": _rows(cv_dir),
        }

    def finished(self, step: Step) -> bool:
        from finlocal.train.cv import CV_REPORT

        return (self.cv_dir(step) / CV_REPORT).is_file()


def missing(paths: tuple[str, ...]) -> list[str]:
    """The files of ``paths`` that neither exist nor can be made from what exists."""
    out = []
    for path in paths:
        if (ROOT / path).exists():
            continue
        recipe = PREPARE.get(path)
        if recipe is None or missing(recipe.inputs):
            out.append(path)
    return out


def make(path: str) -> None:
    """Make ``path`` by its `PREPARE` recipe (its inputs first) unless it exists."""
    if (ROOT / path).exists():
        return
    recipe = PREPARE[path]
    for needed in recipe.inputs:
        if needed in PREPARE:
            make(needed)
    log.info("making %s", path)
    subprocess.run([sys.executable, *recipe.argv], cwd=ROOT, check=True)


def _heldout(cv_dir: Path, ks: list[int]) -> dict[str, dict[str, Any]]:
    """Each finished fold run's held-out FPB metrics, with its fold files' by source when it has any."""
    out: dict[str, dict[str, Any]] = {}
    for k in ks:
        info = read_fit_info(cv_dir / f"r0-f{k}" / "final")
        out[str(k)] = {
            **(info.heldout or {}),
            **({"by_source": info.data["heldout_by_source"]} if "heldout_by_source" in info.data else {}),
        }
    return out


def by_source_cell(step: dict[str, Any]) -> str:
    """'tfns 0.812 / sentfin 0.861': weighted F1 on each fold file's held-out rows (fold mean, or
    per finished fold run for a stopped step); '–' for a recipe without fold files."""
    if "partial" in step:
        runs = step["partial"]["heldout_by_fold"]
        names = sorted({n for m in runs.values() for n in m.get("by_source", {})})
        return (
            "; ".join(
                f"{n} " + ", ".join(f"f{k} {m['by_source'][n]['f1_weighted']:.3f}" for k, m in runs.items())
                for n in names
            )
            or "–"
        )
    by_source = step["cv"].get("by_source", {})
    return " / ".join(f"{n} {m['f1_weighted']['mean']:.3f}" for n, m in sorted(by_source.items())) or "–"


def _seconds(cv_dir: Path, ks: list[int]) -> float:
    return statistics.fmean(read_fit_info(cv_dir / f"r0-f{k}" / "final").seconds for k in ks)


def _rows(cv_dir: Path) -> dict[str, Any]:
    return read_fit_info(cv_dir / "r0-f0" / "final").data["rows_by_source"]


def direction_accuracy(cv_dir: Path, ks: list[int], data: Path) -> dict[str, Any]:
    """Accuracy of fold models ``ks`` (PyTorch) on a direction set, averaged, and per category."""
    from transformers import AutoTokenizer

    from finlocal.predictions import LABELS
    from finlocal.train.batches import predict_logits
    from finlocal.train.student import Student

    folds = "" if ks == list(range(5)) else "-folds" + "".join(map(str, ks))
    cache = cv_dir / f"direction-{data.stem}{folds}.json"
    if cache.is_file():
        return json.loads(cache.read_text())
    rows = [row for _, row in read_jsonl(data, required=("label", "category"))]
    gold = np.array([LABELS.index(r["label"]) for r in rows])
    categories = sorted({r["category"] for r in rows})
    overall, per_category = [], {c: [] for c in categories}
    for k in ks:
        model_dir = cv_dir / f"r0-f{k}" / "final"
        model = Student.from_pretrained(model_dir)
        tokenizer = AutoTokenizer.from_pretrained(model_dir)
        max_length = int(read_fit_info(model_dir).config["max_length"])
        logits, _ = predict_logits(model, tokenizer, [r["text"] for r in rows], max_length)
        correct = logits.argmax(1) == gold
        overall.append(float(correct.mean()))
        for c in categories:
            sel = np.array([r["category"] == c for r in rows])
            per_category[c].append(float(correct[sel].mean()))
    result = {
        "accuracy": statistics.fmean(overall),
        "folds": [round(a, 4) for a in overall],
        "by_category": {c: statistics.fmean(v) for c, v in per_category.items()},
        "n": len(rows),
    }
    cache.write_text(json.dumps(result, indent=2) + "\n")
    return result


def ensemble(ladder: Ladder, names: list[str]) -> dict[str, Any] | None:
    """The teachers' averaged out-of-fold probabilities, scored like a recipe."""
    from finlocal.predictions import LABELS
    from finlocal.train.cv import OOF, summarise

    files = [ladder.runs / n / OOF for n in names]
    if not all(f.is_file() for f in files):
        return None
    tables = [{r["id"]: r for _, r in read_jsonl(f, required=("id",))} for f in files]
    ids = sorted(tables[0])
    if any(sorted(t) != ids for t in tables):
        raise ValueError(f"{names}: the teachers' out-of-fold rows differ")
    probs = np.mean([[[t[i]["probs_by_repeat"][0][label] for label in LABELS] for i in ids] for t in tables], axis=0)
    gold = np.array([LABELS.index(tables[0][i]["gold"]) for i in ids])
    from finlocal.train.data import load_fpb
    from finlocal.train.folds import partition

    config = read_fit_info(ladder.runs / names[0] / "r0-f0" / "final").config
    part = partition(load_fpb(Path(config["fpb_path"])), int(config["folds"]), seed=int(config["fold_seed"]))
    fold = np.array([part.fold_of[i] for i in ids])
    return {"teachers": names, "overall": summarise(gold, [probs.argmax(1)], [fold])}


def done_earlier(earlier: dict[str, Any], step: Step) -> bool:
    """Whether the results file records ``step`` with all its fold runs finished."""
    return step.name in earlier and "partial" not in earlier[step.name]


def markdown(results: dict[str, Any]) -> str:
    """The ladder as the Markdown table of docs/student.md."""
    lines = [
        "| step | what | weighted F1, mean over folds (95 % CI) | accuracy | macro F1 "
        "| F1 at 100 / 75 / 66 / 50 % agreement | direction: challenge / hold-out | comparison set "
        "| tweets / headlines, CV of their own | rows | min per fold |",
        "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    for name, step in results["steps"].items():
        d = step["direction"]
        rows = sum(v for v in step["rows"].values())
        comparison = f"{step['comparison']['accuracy']:.3f}" if "comparison" in step else "–"
        if "partial" in step:  # a stopped step: its finished fold runs only
            part = step["partial"]
            by_fold = ", ".join(f"f{k} {m['f1_weighted']:.3f}" for k, m in part["heldout_by_fold"].items())
            lines.append(
                f"| `{name}` | {step['what']} (stopped: {len(part['folds'])} of {part['of']} fold runs) "
                f"| {by_fold} | | | | {d['challenge']['accuracy']:.3f} / {d['holdout']['accuracy']:.3f} "
                f"| {comparison} | {by_source_cell(step)} | {rows:,} | {step['seconds_per_fold'] / 60:.0f} |"
            )
            continue
        overall = step["cv"]["overall"]
        f1 = overall["f1_weighted"]
        levels = " / ".join(
            f"{step['cv']['by_agreement'][lv]['f1_weighted']['mean']:.3f}"
            for lv in ("100", "75", "66", "50")
            if lv in step["cv"]["by_agreement"]
        )
        lines.append(
            f"| `{name}` | {step['what']} | **{f1['mean']:.3f}** ({f1['ci95'][0]:.3f}–{f1['ci95'][1]:.3f}) "
            f"| {overall['accuracy']['mean']:.3f} | {overall['f1_macro']['mean']:.3f} | {levels} "
            f"| {d['challenge']['accuracy']:.3f} / {d['holdout']['accuracy']:.3f} | {comparison} "
            f"| {by_source_cell(step)} | {rows:,} | {step['seconds_per_fold'] / 60:.0f} |"
        )
    ensemble = results.get("ensemble")
    if ensemble:
        f1 = ensemble["overall"]["f1_weighted"]
        lines.append(
            f"| ensemble of {' + '.join(ensemble['teachers'])} | averaged out-of-fold probabilities "
            f"| **{f1['mean']:.3f}** ({f1['ci95'][0]:.3f}–{f1['ci95'][1]:.3f}) | | | | | | | | |"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=Path, default=ROOT / "runs" / "cv")
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "results" / "ladder.json")
    parser.add_argument("--only", nargs="*", help="step names to run (default: every ready step)")
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--report", action="store_true", help="run nothing; re-read the finished steps")
    parser.add_argument(
        "--next", action="store_true", help="run only the first ready step that has not finished (resumable)"
    )
    parser.add_argument("--markdown", action="store_true", help="print the ladder as the table of docs/student.md")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s")
    os.chdir(ROOT)  # configs name their files relative to the repository root
    ladder = Ladder(args.runs, args.threads)
    steps = [*TEACHERS, *READER_STEPS, *REPORT_STEPS, *STUDENTS]
    # Steps measured in an earlier session whose runs are not on this machine keep their figures.
    earlier = json.loads(args.out.read_text())["steps"] if args.out.is_file() else {}
    if not args.report:
        for step in steps:
            if args.only and step.name not in args.only:
                continue
            if args.next and ladder.finished(step):
                continue
            if args.next and (step.stopped or done_earlier(earlier, step)):
                continue
            if not ladder.ready(step):
                log.info("%s: waiting for %s", step.name, missing(step.needs))
                continue
            ladder.prepare(step)
            log.info("%s: cross-validating", step.name)
            ladder.run(step, args.folds)
            if args.next:
                break
    results: dict[str, Any] = {
        "machine": machine(args.threads),
        "threads": args.threads,
        "steps": {},
    }
    for step in steps:
        measured = ladder.measure(step, args.folds)
        done_before = step.name in earlier and "partial" not in earlier[step.name]
        if measured is not None and not ("partial" in measured and done_before):
            results["steps"][step.name] = measured
        elif step.name in earlier:  # a finished earlier measurement beats a partial rerun
            results["steps"][step.name] = earlier[step.name]
    teachers = [t.name for t in TEACHERS if t.name in results["steps"] and "partial" not in results["steps"][t.name]]
    if len(teachers) > 1:
        results["ensemble"] = ensemble(ladder, teachers)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(results, indent=2) + "\n")
    if args.markdown:
        print(markdown(results))
    for name, step in results["steps"].items():
        if "partial" in step:
            log.info("%-24s stopped after fold runs %s", name, step["partial"]["folds"])
            continue
        f1 = step["cv"]["overall"]["f1_weighted"]
        log.info(
            "%-24s F1w %.4f [%.4f, %.4f]  direction %.3f / hold-out %.3f%s",
            name,
            f1["mean"],
            *f1["ci95"],
            step["direction"]["challenge"]["accuracy"],
            step["direction"]["holdout"]["accuracy"],
            f"  {by_source_cell(step)}" if step["cv"].get("by_source") else "",
        )


if __name__ == "__main__":
    main()
