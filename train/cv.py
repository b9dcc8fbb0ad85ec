"""Cross-validate a recipe: K folds × R repeats of `fit`, pooled into honest figures.

    finlocal train cv configs/student.toml --folds 5 --repeats 2 --out runs/cv/student

Each fold run trains on every gold row outside its fold for the config's fixed number of
epochs and scores its held-out fold once. Nothing is chosen on those scores, so the pooled
out-of-fold predictions measure the recipe on sentences it never saw:

- weighted F1 (the headline), accuracy and macro F1: the mean over the K × R fold runs, with a
  95 % Nadeau–Bengio corrected resampled t-interval (``ci95``: the folds' variance scaled by
  1/J + n_test/n_train, since fold runs share most of their training rows). The pooled figure's
  bootstrap over sentences (``ci95_pooled_bootstrap``) is kept beside it, but it is conditional
  on these trained models: it ignores how much a retrained model would differ;
- the same per annotator-agreement level;
- with ``fold_files`` (tweets, headlines: labelled sets of their own, dealt into the same folds),
  the same figures on each set's held-out rows (``by_source``), pooled from the fold runs'
  ``heldout-extra.jsonl`` into ``OUT/oof-extra.jsonl``;
- a temperature fitted on the pooled out-of-fold logits (what the shipped model's manifest
  uses), with its expected calibration error measured fold by fold on folds it was not fitted on.

``--final`` then trains the recipe on every row (``OUT/all``): the model to export. Runs resume:
a finished fold is not trained again, an interrupted one restarts after its last epoch.
"""

from __future__ import annotations

import json
import logging
import os
import statistics
import subprocess
import sys
from collections import defaultdict
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import numpy as np

from finlocal.errors import InputError
from finlocal.jsonl import read_jsonl, write_jsonl
from finlocal.metrics import softmax
from finlocal.predictions import LABELS
from finlocal.train.config import FitConfig
from finlocal.train.metrics import expected_calibration_error, fit_temperature, label_metrics

log = logging.getLogger(__name__)

CV_REPORT = "cv.json"
OOF = "oof.jsonl"
OOF_EXTRA = "oof-extra.jsonl"
BOOTSTRAP = 2000
BOOTSTRAP_SEED = 20261129


def fold_dir(out: Path, repeat: int, fold: int) -> Path:
    return Path(out) / f"r{repeat}-f{fold}"


def fold_configs(config: FitConfig, folds: int, repeats: int, out: Path) -> list[FitConfig]:
    if folds < 2:
        raise InputError(f"--folds must be at least 2, found {folds}")
    if repeats < 1:
        raise InputError(f"--repeats must be at least 1, found {repeats}")
    return [
        replace(config, folds=folds, fold=k, repeat=r, output_dir=fold_dir(out, r, k))
        for r in range(repeats)
        for k in range(folds)
    ]


def validate_runs(configs: Sequence[FitConfig]) -> None:
    """Check, before anything trains, that every run can read its inputs: the FPB file, and in
    each teacher or evidence file with per-fold entries (``probs_by_fold``/``evidence_by_fold``)
    the run's folds and its fold. A mismatch raises `InputError` at once, naming the run, not
    hours later when that run starts."""
    from finlocal.train.data import load_fpb
    from finlocal.train.folds import ALL, partition
    from finlocal.train.records import TeacherRow, read_evidence_file, read_teacher_file

    examples: dict[tuple[Path, int], Any] = {}
    keys: dict[tuple[Any, ...], str] = {}
    # file -> (partitions of its per-fold rows, the fold keys every row's probabilities have)
    per_fold: dict[Path, tuple[set[str | None], set[str] | None]] = {}

    def fold_entries(path: Path, evidence_only: bool) -> tuple[set[str | None], set[str] | None]:
        if path not in per_fold:
            parts: set[str | None] = set()
            names: set[str] | None = None
            reader = read_evidence_file if evidence_only else read_teacher_file
            for _, row in reader(path):
                probs = row.probs_by_fold if isinstance(row, TeacherRow) else None
                if probs is not None or row.evidence_by_fold is not None:
                    parts.add(row.partition)
                if probs is not None:  # every run needs its fold's probabilities (evidence may be missing)
                    names = set(probs) if names is None else names & set(probs)
            per_fold[path] = (parts, names)
        return per_fold[path]

    for c in configs:
        run_name = (
            f"fold run r{c.repeat}-f{c.fold} ({c.output_dir})" if c.folds else f"the run on every row ({c.output_dir})"
        )
        source = (Path(c.fpb_path), c.limit_train)
        if source not in examples:
            rows = load_fpb(Path(c.fpb_path))
            examples[source] = rows[: c.limit_train] if c.limit_train else rows
        run_partition = None
        if c.folds:
            part_of = (source, c.folds, c.repeat, c.fold_seed)
            if part_of not in keys:
                keys[part_of] = partition(examples[source], c.folds, repeat=c.repeat, seed=c.fold_seed).key
            run_partition = keys[part_of]
        fold_key = str(c.fold) if c.folds else ALL
        files = [(Path(p), False) for p in c.teacher_files]
        if c.evidence_file is not None and c.evidence.value == "file":
            files.append((Path(c.evidence_file), True))
        for path, evidence_only in files:
            if not path.is_file():
                raise InputError(f"{path}: no such file (needed by {run_name})")
            parts, names = fold_entries(path, evidence_only)
            if not parts:
                continue  # a teacher that never saw gold labels: every run reads the same
            if run_partition is not None and parts != {run_partition}:
                raise InputError(
                    f"{run_name} uses folds {run_partition!r}, but {path} holds per-fold entries made "
                    f"for folds {sorted(map(str, parts))}. A file from 'finlocal train teach' or the "
                    "saliency annotator serves one repeat's folds: cross-validate with --repeats 1, or "
                    "with the same folds, fold_seed and data as the teacher's cross-validation run."
                )
            if names is not None and fold_key not in names:
                raise InputError(
                    f"{path} has no per-fold entries for {fold_key!r} (has {sorted(names)}), "
                    f"which {run_name} needs"
                    + ("; train the teacher's 'finlocal train cv --final' model first" if fold_key == ALL else "")
                )


def final_config(config: FitConfig, out: Path) -> FitConfig:
    return replace(config, folds=0, fold=0, repeat=0, output_dir=Path(out) / "all")


def _fit_in_subprocess(config: FitConfig) -> None:
    """One fit in its own process (so that workers really run side by side)."""
    import tomli_w

    out = Path(config.output_dir)
    out.mkdir(parents=True, exist_ok=True)
    toml = out / "fit_config.toml"
    plain = {k: v for k, v in config.to_dict().items() if v is not None}
    toml.write_text(tomli_w.dumps(plain), encoding="utf-8")
    cmd = [sys.executable, "-m", "finlocal", "train", "fit", str(toml.resolve()), "--quiet"]
    with (out / "fit.log").open("a", encoding="utf-8") as logfile:
        proc = subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=logfile, env=os.environ.copy(), check=False)
    if proc.returncode != 0:
        raise InputError(f"fold run {out} failed (exit {proc.returncode}); see {out / 'fit.log'}")


def run(
    config: FitConfig,
    *,
    folds: int,
    repeats: int,
    out: Path,
    final: bool = False,
    workers: int = 1,
    progress: bool = True,
) -> dict[str, Any]:
    """Train every fold run (``workers`` at a time, each with ``config.threads`` threads), pool
    them into ``OUT/cv.json`` and ``OUT/oof.jsonl``, and with ``final`` train ``OUT/all``."""
    from finlocal.train.fit import fit

    configs = fold_configs(config, folds, repeats, out)
    if final:
        configs.append(final_config(config, out))
    validate_runs(configs)  # fail now, not after hours of training
    if workers <= 1:
        for c in configs:
            log.info("fit %s", c.output_dir)
            fit(c, progress=progress)
    else:
        with ThreadPoolExecutor(workers) as pool_:
            for future in [pool_.submit(_fit_in_subprocess, c) for c in configs]:
                future.result()
    report = pool(out, folds=folds, repeats=repeats)
    report["config"] = config.to_dict()
    write_report(out, report)
    return report


@dataclass(frozen=True)
class Oof:
    """Pooled out-of-fold predictions of one repeat, in FPB row order."""

    ids: list[str]
    gold: np.ndarray
    agreement: list[str | None]
    fold: np.ndarray
    logits: np.ndarray
    texts: list[str]


_HELDOUT_FIELDS = ("id", "text", "gold", "fold", "logits")


def read_oof(out: Path, folds: int, repeat: int) -> Oof:
    from finlocal.train.fit import HELDOUT

    rows: list[dict[str, Any]] = []
    for k in range(folds):
        path = fold_dir(out, repeat, k) / HELDOUT
        if not path.is_file():
            raise InputError(f"{path}: missing; has fold run {fold_dir(out, repeat, k)} finished?")
        rows.extend(row for _, row in read_jsonl(path, required=_HELDOUT_FIELDS))
    ids = [r["id"] for r in rows]
    if len(set(ids)) != len(ids):
        raise InputError(f"{out}: the folds' held-out rows overlap; were they made with different fold seeds?")
    rows.sort(key=lambda r: r["id"])
    return Oof(
        ids=[r["id"] for r in rows],
        gold=np.array([LABELS.index(r["gold"]) for r in rows]),
        agreement=[r.get("agreement") for r in rows],
        fold=np.array([r["fold"] for r in rows]),
        logits=np.array([r["logits"] for r in rows], dtype=np.float64),
        texts=[r["text"] for r in rows],
    )


def _metric_dict(gold: np.ndarray, pred: np.ndarray) -> dict[str, float]:
    m = label_metrics(gold, pred)
    return {"f1_weighted": m.f1_weighted, "accuracy": m.accuracy, "f1_macro": m.f1_macro, "n": m.n}


def bootstrap_intervals(
    gold: np.ndarray, preds: Sequence[np.ndarray], *, n: int = BOOTSTRAP, seed: int = BOOTSTRAP_SEED
) -> dict[str, tuple[float, float]]:
    """95 % percentile interval of each metric (averaged over ``preds``, one per repeat) when
    the sentences are resampled with replacement."""
    rng = np.random.default_rng(seed)
    values: dict[str, list[float]] = defaultdict(list)
    for _ in range(n):
        idx = rng.integers(0, len(gold), len(gold))
        draws = [_metric_dict(gold[idx], p[idx]) for p in preds]
        for name in ("f1_weighted", "accuracy", "f1_macro"):
            values[name].append(statistics.fmean(d[name] for d in draws))
    out = {}
    for name, vs in values.items():
        lo, hi = np.percentile(vs, [2.5, 97.5])
        out[name] = (float(lo), float(hi))
    return out


# Student's t, 97.5 % quantile, for 1 … 30 degrees of freedom (beyond: a Cornish–Fisher expansion).
_T975 = (
    12.706,
    4.303,
    3.182,
    2.776,
    2.571,
    2.447,
    2.365,
    2.306,
    2.262,
    2.228,
    2.201,
    2.179,
    2.160,
    2.145,
    2.131,
    2.120,
    2.110,
    2.101,
    2.093,
    2.086,
    2.080,
    2.074,
    2.069,
    2.064,
    2.060,
    2.056,
    2.052,
    2.048,
    2.045,
    2.042,
)


def t975(df: int) -> float:
    """The 97.5 % quantile of Student's t with ``df`` degrees of freedom."""
    if df < 1:
        raise ValueError(f"degrees of freedom must be at least 1, found {df}")
    if df <= len(_T975):
        return _T975[df - 1]
    z = 1.959964
    return (
        z
        + (z**3 + z) / (4 * df)
        + (5 * z**5 + 16 * z**3 + 3 * z) / (96 * df**2)
        + (3 * z**7 + 19 * z**5 + 17 * z**3 - 15 * z) / (384 * df**3)
    )


def corrected_t_interval(values: Sequence[float], test_train_ratio: float) -> tuple[float, float]:
    """Nadeau and Bengio's corrected resampled t-test interval (95 %) for the mean of ``values``,
    one score per fold run: variance ``(1/J + n_test/n_train) · s²`` over J runs, t with J − 1
    degrees of freedom. (The plain ``s²/J`` is too narrow: the runs share training rows.)"""
    j = len(values)
    mean = statistics.fmean(values)
    if j < 2:
        return (mean, mean)
    half = t975(j - 1) * float(np.sqrt((1.0 / j + test_train_ratio) * statistics.variance(values)))
    return (mean - half, mean + half)


def summarise(
    gold: np.ndarray,
    preds: Sequence[np.ndarray],
    folds_of: Sequence[np.ndarray],
    *,
    test_train_ratio: float | None = None,
) -> dict[str, Any]:
    """Fold-level mean ± sd of each metric with its corrected resampled t-interval (``ci95``,
    the headline), and the pooled figure with its bootstrap interval (``ci95_pooled_bootstrap``).

    ``test_train_ratio`` is n_test/n_train of the fold runs (for a subset of the rows, pass the
    ratio of the whole runs); by default it is taken from ``folds_of``."""
    per_fold: dict[str, list[float]] = defaultdict(list)
    ratios = []
    for pred, fold in zip(preds, folds_of, strict=True):
        for k in sorted(set(fold.tolist())):
            sel = fold == k
            ratios.append(float(sel.sum()) / max(1.0, float((~sel).sum())))
            for name, value in _metric_dict(gold[sel], pred[sel]).items():
                if name != "n":
                    per_fold[name].append(value)
    ratio = statistics.fmean(ratios) if test_train_ratio is None else test_train_ratio
    intervals = bootstrap_intervals(gold, preds)
    out: dict[str, Any] = {"n": int(len(gold))}
    for name, values in per_fold.items():
        out[name] = {
            "mean": statistics.fmean(values),
            "sd": statistics.stdev(values) if len(values) > 1 else 0.0,
            "ci95": list(corrected_t_interval(values, ratio)),
            "pooled": statistics.fmean(_metric_dict(gold, p)[name] for p in preds),
            "ci95_pooled_bootstrap": list(intervals[name]),
            "folds": [round(v, 4) for v in values],
        }
    out["intervals"] = {
        "ci95": f"mean over the {len(next(iter(per_fold.values()), []))} fold runs, Nadeau-Bengio corrected "
        f"resampled t-interval (variance x (1/J + n_test/n_train), n_test/n_train = {ratio:.3f})",
        "ci95_pooled_bootstrap": f"pooled out-of-fold predictions, percentile bootstrap over sentences "
        f"({BOOTSTRAP} draws); conditional on these trained fold models",
    }
    return out


def pool(out: Path, *, folds: int, repeats: int) -> dict[str, Any]:
    """The recipe's cross-validated figures from its fold runs' held-out predictions."""
    oofs = [read_oof(out, folds, r) for r in range(repeats)]
    base = oofs[0]
    for other in oofs[1:]:
        if other.ids != base.ids:
            raise InputError(f"{out}: the repeats held out different rows")
    preds = [o.logits.argmax(1) for o in oofs]
    folds_of = [o.fold for o in oofs]
    # n_test / n_train of the fold runs, also for the per-agreement subsets
    ratio = statistics.fmean(
        float((f == k).sum()) / float((f != k).sum()) for f in folds_of for k in sorted(set(f.tolist()))
    )
    report: dict[str, Any] = {
        "protocol": f"{folds}-fold cross-validation x {repeats} repeat(s) over every FPB training row, "
        "stratified by label and agreement; fixed epochs; nothing selected on held-out rows",
        "folds": folds,
        "repeats": repeats,
        "overall": summarise(base.gold, preds, folds_of, test_train_ratio=ratio),
    }
    by_agreement = {}
    for level in sorted({a for a in base.agreement if a}, key=lambda a: -int(a)):
        sel = np.array([a == level for a in base.agreement])
        by_agreement[level] = summarise(
            base.gold[sel], [p[sel] for p in preds], [f[sel] for f in folds_of], test_train_ratio=ratio
        )
    report["by_agreement"] = by_agreement
    report["calibration"] = calibration(oofs)
    _write_oof(out, oofs)
    extra = [read_extra_oof(out, folds, r) for r in range(repeats)]
    if extra[0]:
        report["by_source"] = {}
        for source, first in extra[0].items():
            runs = [e[source] for e in extra]
            if any(o.ids != first.ids for o in runs):
                raise InputError(f"{out}: the repeats held out different {source} rows")
            report["by_source"][source] = summarise(
                first.gold, [o.logits.argmax(1) for o in runs], [o.fold for o in runs]
            )
        _write_extra_oof(out, extra)
    return report


def read_extra_oof(out: Path, folds: int, repeat: int) -> dict[str, Oof]:
    """The fold files' pooled held-out predictions of one repeat, by source (empty when the
    recipe has no ``fold_files``)."""
    from finlocal.train.fit import HELDOUT_EXTRA

    paths = [fold_dir(out, repeat, k) / HELDOUT_EXTRA for k in range(folds)]
    present = [p.is_file() for p in paths]
    if not any(present):
        return {}
    if not all(present):
        missing = [str(p) for p, ok in zip(paths, present, strict=True) if not ok]
        raise InputError(
            f"{out}: some fold runs scored no fold-file rows ({missing}); were they trained with fold_files?"
        )
    by_source: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for path in paths:
        for _, row in read_jsonl(path, required=(*_HELDOUT_FIELDS, "source")):
            by_source[row["source"]].append(row)
    result = {}
    for source, rows in sorted(by_source.items()):
        rows.sort(key=lambda r: r["id"])
        ids = [r["id"] for r in rows]
        if len(set(ids)) != len(ids):
            raise InputError(
                f"{out}: the folds' held-out {source} rows overlap; were they made with different fold seeds?"
            )
        result[source] = Oof(
            ids=ids,
            gold=np.array([LABELS.index(r["gold"]) for r in rows]),
            agreement=[None] * len(rows),
            fold=np.array([r["fold"] for r in rows]),
            logits=np.array([r["logits"] for r in rows], dtype=np.float64),
            texts=[r["text"] for r in rows],
        )
    return result


def _write_extra_oof(out: Path, extra: Sequence[dict[str, Oof]]) -> None:
    write_jsonl(
        Path(out) / OOF_EXTRA,
        (
            {
                "id": row_id,
                "source": source,
                "text": base.texts[i],
                "gold": LABELS[int(base.gold[i])],
                "probs_by_repeat": [
                    {label: round(float(v), 6) for label, v in zip(LABELS, softmax(e[source].logits[i]), strict=True)}
                    for e in extra
                ],
            }
            for source, base in extra[0].items()
            for i, row_id in enumerate(base.ids)
        ),
    )


def calibration(oofs: Sequence[Oof]) -> dict[str, Any]:
    """Temperature fitted on all pooled out-of-fold logits (for the shipped model), and ECE
    measured honestly: for each fold run, a temperature fitted on the other fold runs' rows,
    leaving out every row with one of its ids (with repeats, each row appears once per repeat)."""
    logits = np.concatenate([o.logits for o in oofs])
    gold = np.concatenate([o.gold for o in oofs])
    ids = np.array([i for o in oofs for i in o.ids])
    fold = np.concatenate([o.fold + 100 * r for r, o in enumerate(oofs)])
    fitted = fit_temperature(logits, gold)
    probs_after = np.zeros_like(logits)
    for k in sorted(set(fold.tolist())):
        sel = fold == k
        fit_on = ~np.isin(ids, ids[sel])  # no row of this fold, from any repeat
        t = fit_temperature(logits[fit_on], gold[fit_on]).temperature
        probs_after[sel] = softmax(logits[sel], t)
    return {
        "temperature": fitted.temperature,
        "ece_before": expected_calibration_error(softmax(logits), gold),
        "ece_after_crossfitted": expected_calibration_error(probs_after, gold),
        "nll_before": fitted.nll_before,
        "method": "temperature fitted on the pooled out-of-fold logits; ECE after, with each "
        "fold run's temperature fitted on the rows of the other folds (none of its rows, "
        "from any repeat)",
    }


def _write_oof(out: Path, oofs: Sequence[Oof]) -> None:
    base = oofs[0]
    write_jsonl(
        Path(out) / OOF,
        (
            {
                "id": row_id,
                "text": base.texts[i],
                "gold": LABELS[int(base.gold[i])],
                "agreement": base.agreement[i],
                "probs_by_repeat": [
                    {label: round(float(v), 6) for label, v in zip(LABELS, softmax(o.logits[i]), strict=True)}
                    for o in oofs
                ],
            }
            for i, row_id in enumerate(base.ids)
        ),
    )


def write_report(out: Path, report: dict[str, Any]) -> None:
    path = Path(out) / CV_REPORT
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")


def read_report(out: Path) -> dict[str, Any]:
    path = Path(out) / CV_REPORT
    if not path.is_file():
        raise InputError(f"{path}: missing; run 'finlocal train cv' first")
    return json.loads(path.read_text(encoding="utf-8"))


def headline(report: dict[str, Any]) -> str:
    """'0.871 (95 % CI 0.860–0.882, corrected resampled t; 5 folds × 2)' for the README and the
    model card: the fold-mean weighted F1 and its Nadeau–Bengio interval."""
    f1 = report["overall"]["f1_weighted"]
    lo, hi = f1["ci95"]
    method = "corrected resampled t" if "ci95_pooled_bootstrap" in f1 else "bootstrap"  # older reports
    return f"{f1['mean']:.3f} (95 % CI {lo:.3f}–{hi:.3f}, {method}; {report['folds']} folds × {report['repeats']})"
