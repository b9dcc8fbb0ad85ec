"""Tokenising rows, batching them by length, and running a student over sentences."""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import torch


@dataclass(frozen=True)
class Encoded:
    """A tokenised row set (unpadded)."""

    input_ids: list[list[int]]
    offsets: list[list[tuple[int, int]]]
    special: list[list[int]]


def encode(
    tokenizer: Any, texts: Sequence[str], max_length: int, hint: str = "none", without_hint: Sequence[bool] = ()
) -> Encoded:
    """Tokenise ``texts``; with a hint kind (`finlocal.changes.hint`), a text the reader finds a
    change in is encoded as a pair (text, hint), every other text alone — as the runtime does. The
    hint's tokens are marked special, so evidence targets never fall on them. ``without_hint``
    (training only: `hint_dropout`) marks texts encoded alone whatever the reader finds."""
    from finlocal.changes.hint import HintKind, hint_text

    kind = HintKind(hint)
    dropped = list(without_hint) or [False] * len(texts)
    hints = [None if drop else hint_text(t, kind) for t, drop in zip(texts, dropped, strict=True)]
    out = Encoded([], [], [])
    plain = [i for i, h in enumerate(hints) if h is None]
    paired = [i for i, h in enumerate(hints) if h is not None]
    parts: dict[int, tuple[list[int], list[tuple[int, int]], list[int]]] = {}
    for index, pairs in ((plain, None), (paired, [hints[i] for i in paired])):
        if not index:
            continue
        enc = tokenizer(
            [texts[i] for i in index],
            pairs,
            truncation="only_first" if pairs else True,
            max_length=max_length,
            return_offsets_mapping=True,
            return_special_tokens_mask=True,
        )
        for row, i in enumerate(index):
            special = list(enc["special_tokens_mask"][row])
            if pairs:  # the hint segment is not the sentence's: no evidence there
                ids = enc.sequence_ids(row)
                special = [1 if seq != 0 else s for s, seq in zip(special, ids, strict=True)]
            parts[i] = (enc["input_ids"][row], [tuple(o) for o in enc["offset_mapping"][row]], special)
    for i in range(len(texts)):
        ids, offsets, special = parts[i]
        out.input_ids.append(ids)
        out.offsets.append(offsets)
        out.special.append(special)
    return out


def length_bucketed_batches(
    lengths: Sequence[int], batch_size: int, rng: random.Random, *, bucket_batches: int = 50
) -> list[list[int]]:
    """Shuffle, sort by length inside chunks of ``bucket_batches`` batches, then shuffle batches:
    little padding, still random, deterministic for a seeded ``rng``."""
    order = list(range(len(lengths)))
    rng.shuffle(order)
    chunk = batch_size * bucket_batches
    batches: list[list[int]] = []
    for i in range(0, len(order), chunk):
        part = sorted(order[i : i + chunk], key=lambda j: lengths[j])
        batches.extend(part[k : k + batch_size] for k in range(0, len(part), batch_size))
    rng.shuffle(batches)
    return batches


def collate(encoded: Encoded, index: Sequence[int], pad_id: int) -> dict[str, torch.Tensor]:
    width = max(len(encoded.input_ids[i]) for i in index)
    ids = torch.full((len(index), width), pad_id, dtype=torch.long)
    mask = torch.zeros((len(index), width), dtype=torch.long)
    for row, i in enumerate(index):
        seq = encoded.input_ids[i]
        ids[row, : len(seq)] = torch.tensor(seq)
        mask[row, : len(seq)] = 1
    return {"input_ids": ids, "attention_mask": mask, "token_type_ids": torch.zeros_like(ids)}


@torch.no_grad()
def predict_logits(
    model: Any, tokenizer: Any, texts: Sequence[str], max_length: int, batch_size: int = 64
) -> tuple[np.ndarray, list[np.ndarray]]:
    """Label logits [n, n_labels] and per-row evidence logits (unpadded), in input order."""
    model.eval()
    device = next(model.parameters()).device
    enc = encode(tokenizer, texts, max_length, getattr(model.config, "hint", "none"))
    order = sorted(range(len(texts)), key=lambda i: len(enc.input_ids[i]))
    logits = np.zeros((len(texts), len(model.config.labels)), dtype=np.float32)
    evidence: list[np.ndarray] = [np.zeros(0, dtype=np.float32)] * len(texts)
    for k in range(0, len(order), batch_size):
        idx = order[k : k + batch_size]
        batch = {name: t.to(device) for name, t in collate(enc, idx, tokenizer.pad_token_id).items()}
        out = model(**batch)
        logits[idx] = out.logits.float().cpu().numpy()
        ev = out.evidence_logits.float().cpu()
        for row, i in enumerate(idx):
            evidence[i] = ev[row, : len(enc.input_ids[i])].numpy()
    return logits, evidence
