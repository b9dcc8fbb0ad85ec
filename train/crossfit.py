"""A fine-tuned backbone as a teacher: cross-fitted (out-of-fold) soft labels.

A model's probabilities on the sentences it was trained on are nearly one-hot, so they teach a
student nothing beyond the gold label. Cross-fitting trains K models, each with one fold of the
training portion held out, and keeps each model's calibrated probabilities on its held-out fold:
every training sentence then gets a distribution from a model that never saw it. The merged file
has the teacher-file format of ``finlocal train label`` (``text``, ``label``, ``probs``,
``teachers``), so ``teacher_files`` in a fit config reads it like any other teacher; several
files are averaged (an ensemble).

    finlocal train crossfit configs/default.toml --folds 5 --out runs/teachers/minilm-oof.jsonl
"""

from __future__ import annotations

import json
import logging
from collections.abc import Sequence
from dataclasses import asdict, dataclass, replace
from pathlib import Path

from finlocal.errors import InputError
from finlocal.train.config import FitConfig

log = logging.getLogger(__name__)

ID_PREFIX = "crossfit:"


@dataclass(frozen=True)
class CrossfitSummary:
    teacher: str
    rows: int
    folds: int
    accuracy: float  # of the out-of-fold argmax against gold

    def to_dict(self) -> dict[str, object]:
        return asdict(self)


def fold_configs(config: FitConfig, folds: int) -> list[FitConfig]:
    """One config per fold, each writing to ``OUTPUT_DIR/fold-K``."""
    if folds < 2:
        raise InputError(f"--folds must be at least 2, found {folds}")
    base = Path(config.output_dir)
    return [replace(config, folds=folds, fold=k, output_dir=base / f"fold-{k}") for k in range(folds)]


def teacher_id(model: str, folds: int, seed: int) -> str:
    """The id a cross-fitted teacher's rows carry (read back by `describe_teacher`)."""
    return f"{ID_PREFIX}{model}:k{folds}:seed{seed}"


def teacher_name(config: FitConfig, folds: int) -> str:
    backbone = Path(config.backbone).name if "/" in config.backbone else config.backbone
    layers = f"-l{config.encoder_layers}" if config.encoder_layers else ""
    return teacher_id(f"{backbone}{layers}", folds, config.seed)


def describe_teacher(teacher: str) -> str | None:
    """What a `teacher_id` stands for, in words for a model card; None for other teachers."""
    if not teacher.startswith(ID_PREFIX):
        return None
    model, folds, seed = (teacher[len(ID_PREFIX):].split(":") + ["", ""])[:3]
    return (f"out-of-fold calibrated probabilities of {model} fine-tuned on the training portion "
            f"({folds.lstrip('k')}-fold cross-fitting, {seed}; finlocal train crossfit)")


def merge_heldout(run_dirs: Sequence[Path], out: Path, teacher: str) -> CrossfitSummary:
    """Concatenate the folds' ``heldout.jsonl`` into one teacher file at ``out``."""
    from finlocal.train.fit import HELDOUT

    rows = []
    for run_dir in run_dirs:
        path = Path(run_dir) / HELDOUT
        if not path.is_file():
            raise InputError(f"{path}: missing; did that fold's 'finlocal train fit' finish, and did "
                             "the fold hold any rows (fewer training rows than folds leaves some empty)?")
        with path.open(encoding="utf-8") as fh:
            rows.extend(json.loads(line) for line in fh if line.strip())
    ids = [r["id"] for r in rows]  # by id: FPB repeats some sentences under different ids
    if len(set(ids)) != len(ids):
        raise InputError(f"{out}: the folds' held-out rows overlap; were they trained with the same split_seed?")
    out.parent.mkdir(parents=True, exist_ok=True)
    correct = 0
    with out.open("w", encoding="utf-8") as fh:
        for r in rows:
            label = max(r["probs"], key=r["probs"].get)
            correct += label == r["gold"]
            fh.write(json.dumps({
                "id": r["id"], "text": r["text"], "label": label, "probs": r["probs"],
                "rationale": None, "evidence": [], "teachers": [teacher], "agreement": 1.0,
                "gold": r["gold"], "fold": r["fold"],
            }) + "\n")
    summary = CrossfitSummary(teacher=teacher, rows=len(rows), folds=len(run_dirs),
                              accuracy=correct / max(1, len(rows)))
    log.info("%s: %d out-of-fold rows, accuracy %.4f -> %s", teacher, summary.rows, summary.accuracy, out)
    return summary


def crossfit(config: FitConfig, folds: int, out: Path, *, progress: bool = True) -> CrossfitSummary:
    """Fit one model per fold (one after another) and merge their held-out predictions."""
    from finlocal.train.fit import fit

    configs = fold_configs(config, folds)
    for fold_config in configs:
        log.info("fold %d/%d -> %s", fold_config.fold + 1, folds, fold_config.output_dir)
        fit(fold_config, progress=progress)
    return merge_heldout([c.output_dir for c in configs], out, teacher_name(config, folds))
