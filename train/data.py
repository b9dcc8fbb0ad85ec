"""Training data: Financial PhraseBank rows.

The FPB training portion (``../shared/data/fpb/train.jsonl``, 3,634 rows of the FinGPT split) is
read from where the user keeps it and never copied into the repository. Recipes are measured by
cross-validation over all of its rows (`finlocal.train.folds`, `finlocal.train.cv`); the
benchmark's test portion is never used. `split_train_val` and `stratified_sample` draw fixed,
stratified samples (for benchmarks that need a few hundred sentences), not a validation portion.
"""

from __future__ import annotations

import os
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from finlocal.errors import InputError
from finlocal.jsonl import read_jsonl
from finlocal.predictions import LABELS

__all__ = ["LABELS", "Example", "default_fpb_path", "load_fpb", "split_train_val", "stratified_sample"]

VAL_FRACTION = 0.1
SPLIT_SEED = 20261128


def default_fpb_path() -> Path:
    """``$FINLOCAL_FPB``, else ``../shared/data/fpb/train.jsonl`` from the working directory."""
    return Path(os.environ.get("FINLOCAL_FPB", "../shared/data/fpb/train.jsonl"))


@dataclass(frozen=True)
class Example:
    """One gold-labelled sentence."""

    id: str
    text: str
    label: str
    agreement: str | None = None


def load_fpb(path: Path) -> list[Example]:
    """Read a JSONL file of ``{"id", "text", "label"[, "agreement"]}`` rows.

    Raises `InputError` naming the line for a malformed row or an unknown label: a bad row is
    never skipped silently.
    """
    path = Path(path)
    if not path.is_file():
        raise InputError(
            f"{path}: no such file. Pass the Financial PhraseBank training portion "
            "(e.g. ../shared/data/fpb/train.jsonl) or your own JSONL with text and label fields."
        )
    examples: list[Example] = []
    for lineno, row in read_jsonl(path, required=("text", "label")):
        text, label = row["text"], row["label"]
        if label not in LABELS:
            raise InputError(f"{path}:{lineno}: label {label!r} is not one of {list(LABELS)}")
        agreement = row.get("agreement")
        examples.append(
            Example(
                id=str(row.get("id", f"{path.stem}-{lineno}")),
                text=text,
                label=label,
                agreement=None if agreement is None else str(agreement),
            )
        )
    return examples


def split_train_val(
    examples: Sequence[Example], val_fraction: float = VAL_FRACTION, seed: int = SPLIT_SEED
) -> tuple[list[Example], list[Example]]:
    """Stratified split by label, deterministic for a given seed; both parts keep input order."""
    if not 0 < val_fraction < 1:
        raise ValueError(f"val_fraction must be in (0, 1), got {val_fraction}")
    by_label: dict[str, list[int]] = defaultdict(list)
    for i, ex in enumerate(examples):
        by_label[ex.label].append(i)
    rng = np.random.default_rng(seed)
    val_idx: set[int] = set()
    for label in sorted(by_label):
        idx = by_label[label]
        n_val = max(1, round(len(idx) * val_fraction))
        val_idx.update(int(i) for i in rng.permutation(idx)[:n_val])
    train = [ex for i, ex in enumerate(examples) if i not in val_idx]
    val = [ex for i, ex in enumerate(examples) if i in val_idx]
    return train, val


def stratified_sample(examples: Sequence[Example], n: int, seed: int = SPLIT_SEED) -> list[Example]:
    """``n`` examples with label proportions kept (rounded), deterministic, in input order."""
    if n >= len(examples):
        return list(examples)
    frac = n / len(examples)
    rest, sample = split_train_val(examples, val_fraction=frac, seed=seed)
    return sample
