"""The ladder of docs/student.md: every teacher, their ensemble, and the student with and without
each data source, all measured by the same cross-validation (`finlocal train cv`).

    python -m bench.ladder                     # everything that can run now, in order
    python -m bench.ladder --only student-gold student-direction
    python -m bench.ladder --report            # only re-read the finished runs
    python -m bench.ladder --next              # run the first step that has not finished, then stop

Each step is a `finlocal train cv` run under ``--runs`` (default ``runs/cv``); finished fold runs
are reused, so the ladder resumes where it stopped. A step whose input files do not exist yet
(a teacher file that needs a teacher still training) is skipped and reported as waiting.

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
        return all((ROOT / p).exists() for p in step.needs)

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
                "cv": {k: report[k] for k in ("protocol", "overall", "by_agreement", "calibration")},
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


def _heldout(cv_dir: Path, ks: list[int]) -> dict[str, dict[str, float]]:
    return {str(k): read_fit_info(cv_dir / f"r0-f{k}" / "final").heldout for k in ks}


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


def markdown(results: dict[str, Any]) -> str:
    """The ladder as the Markdown table of docs/student.md."""
    lines = [
        "| step | what | weighted F1, mean over folds (95 % CI) | accuracy | macro F1 "
        "| F1 at 100 / 75 / 66 / 50 % agreement | direction: challenge / hold-out | comparison set | rows "
        "| min per fold |",
        "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |",
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
                f"| {comparison} | {rows:,} | {step['seconds_per_fold'] / 60:.0f} |"
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
            f"| {d['challenge']['accuracy']:.3f} / {d['holdout']['accuracy']:.3f} | {comparison} | {rows:,} "
            f"| {step['seconds_per_fold'] / 60:.0f} |"
        )
    ensemble = results.get("ensemble")
    if ensemble:
        f1 = ensemble["overall"]["f1_weighted"]
        lines.append(
            f"| ensemble of {' + '.join(ensemble['teachers'])} | averaged out-of-fold probabilities "
            f"| **{f1['mean']:.3f}** ({f1['ci95'][0]:.3f}–{f1['ci95'][1]:.3f}) | | | | | | | |"
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
    steps = [*TEACHERS, *READER_STEPS, *STUDENTS]
    if not args.report:
        for step in steps:
            if args.only and step.name not in args.only:
                continue
            if args.next and ladder.finished(step):
                continue
            if not ladder.ready(step):
                log.info("%s: waiting for %s", step.name, [p for p in step.needs if not (ROOT / p).exists()])
                continue
            log.info("%s: cross-validating", step.name)
            ladder.run(step, args.folds)
            if args.next:
                break
    results: dict[str, Any] = {
        "machine": machine(args.threads),
        "threads": args.threads,
        "steps": {},
    }
    # Steps measured in an earlier session whose runs are not on this machine keep their figures.
    earlier = json.loads(args.out.read_text())["steps"] if args.out.is_file() else {}
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
            "%-24s F1w %.4f [%.4f, %.4f]  direction %.3f / hold-out %.3f",
            name,
            f1["mean"],
            *f1["ci95"],
            step["direction"]["challenge"]["accuracy"],
            step["direction"]["holdout"]["accuracy"],
        )


if __name__ == "__main__":
    main()
