"""A training run's checkpoints: each epoch of `finlocal.train.fit` ends with
``OUTPUT/checkpoint/`` (weights, optimizer, schedule, random state, history and config), so a
killed run started again with the same config resumes after its last finished epoch.

Written atomically: into ``checkpoint.tmp`` first, then swapped in by renames (the previous
directory moved to ``.old`` and deleted); `recover` tidies what a crash at any point left.
"""

from __future__ import annotations

import logging
import shutil
from pathlib import Path
from typing import Any, Protocol

import torch

from finlocal.errors import InputError
from finlocal.train.config import KEY_DEFAULTS, FitConfig

log = logging.getLogger(__name__)

FINAL = "final"
CHECKPOINT = "checkpoint"
TRAINING_STATE = "training_state.pt"
TMP, OLD = ".tmp", ".old"  # a directory being written; the one it replaces, until it is deleted
# Config keys that do not change what a run computes (a run may resume with other values).
_NOT_RECIPE = ("threads", "device", "output_dir")


class Resumable(Protocol):
    """What a checkpoint saves and restores of a run (`finlocal.train.fit`'s ``_Run``)."""

    config: FitConfig
    model: Any
    device: torch.device
    optimizer: torch.optim.Optimizer
    scheduler: Any
    history: list[dict[str, float]]


def same_recipe(a: dict[str, Any], b: dict[str, Any]) -> bool:
    """Whether two configs train the same model: every key but the machine's, and an evidence
    file only when evidence targets are on (a file that is not read changes nothing)."""
    ignored = set(_NOT_RECIPE)
    if a.get("evidence", "none") == "none" and b.get("evidence", "none") == "none":
        ignored.add("evidence_file")
    # A key added to FitConfig after a run was written is missing from its config: at its
    # default it changes nothing (a checkpoint or finished run made before stays usable).
    defaults = {k: v for k, v in KEY_DEFAULTS.items() if k not in a or k not in b}
    return all(a.get(k, defaults.get(k)) == b.get(k, defaults.get(k)) for k in set(a) | set(b) if k not in ignored)


def save_checkpoint(run: Resumable, epoch: int, out_dir: Path) -> None:
    """The state after ``epoch``: written whole to ``checkpoint.tmp``, then swapped in
    (``checkpoint`` → ``checkpoint.old``, ``checkpoint.tmp`` → ``checkpoint``, the old one
    deleted), so that a crash at any point leaves one complete checkpoint (`recover`)."""
    tmp, final, old = (out_dir / f"{CHECKPOINT}{suffix}" for suffix in (TMP, "", OLD))
    if tmp.exists():
        shutil.rmtree(tmp)
    run.model.save_pretrained(tmp, safe_serialization=True)
    torch.save(
        {
            "epoch": epoch,
            "optimizer": run.optimizer.state_dict(),
            "scheduler": run.scheduler.state_dict(),
            "torch_rng": torch.get_rng_state(),
            "cuda_rng": torch.cuda.get_rng_state_all() if torch.cuda.is_available() else None,
            "history": run.history,
            "config": run.config.to_dict(),
        },
        tmp / f"{TRAINING_STATE}{TMP}",
    )
    (tmp / f"{TRAINING_STATE}{TMP}").replace(tmp / TRAINING_STATE)  # its presence: tmp is complete
    swap_in(tmp, final, old)


def swap_in(new: Path, final: Path, old: Path) -> None:
    """``new`` becomes ``final``; a previous ``final`` goes by way of ``old``."""
    if old.exists():
        shutil.rmtree(old)
    if final.exists():
        final.replace(old)
    new.replace(final)
    if old.exists():
        shutil.rmtree(old)


def recover(out_dir: Path) -> None:
    """Tidy what a crash in `save_checkpoint` or in writing ``final`` left: a complete ``checkpoint.tmp``
    whose swap was cut short becomes the checkpoint, else a ``checkpoint.old`` is put back; an
    unfinished ``final.tmp`` and leftover ``.old`` directories are removed."""
    tmp, final, old = (out_dir / f"{CHECKPOINT}{suffix}" for suffix in (TMP, "", OLD))
    if not (final / TRAINING_STATE).is_file():
        if (tmp / TRAINING_STATE).is_file():
            log.info("%s: completing an interrupted checkpoint swap", out_dir)
            if final.exists():
                shutil.rmtree(final)
            tmp.replace(final)
        elif (old / TRAINING_STATE).is_file():
            log.info("%s: restoring the previous checkpoint", out_dir)
            if final.exists():
                shutil.rmtree(final)
            old.replace(final)
    for leftover in (tmp, old, out_dir / f"{FINAL}{TMP}", out_dir / f"{FINAL}{OLD}"):
        if leftover.exists():
            shutil.rmtree(leftover)


def resume(run: Resumable, out_dir: Path) -> int:
    """Load ``OUTPUT/checkpoint`` when it holds this recipe; the first epoch still to train."""
    recover(out_dir)
    path = out_dir / CHECKPOINT
    if not (path / TRAINING_STATE).is_file():
        return 1
    state = torch.load(path / TRAINING_STATE, map_location="cpu", weights_only=False)
    if not same_recipe(state["config"], run.config.to_dict()):
        raise InputError(f"{path} holds a checkpoint of another config; remove it or choose another output_dir")
    from safetensors.torch import load_file

    run.model.load_state_dict(load_file(path / "model.safetensors", device=str(run.device)))
    run.optimizer.load_state_dict(state["optimizer"])
    run.scheduler.load_state_dict(state["scheduler"])
    torch.set_rng_state(state["torch_rng"])
    if state.get("cuda_rng") is not None and torch.cuda.is_available():
        torch.cuda.set_rng_state_all(state["cuda_rng"])
    run.history = list(state["history"])
    log.info("resuming %s after epoch %d", out_dir, state["epoch"])
    return int(state["epoch"]) + 1
