"""The parity gate: does the exported (int8) graph still behave like the PyTorch student?

Both sides score the same token ids (from the exported ``tokenizer.json``), so a difference is the
export's and the quantization's, never the tokenizer's. The export fails (`ParityError`, exit 1)
when label agreement is below `MIN_AGREEMENT` or weighted F1 on the validation portion drops by
more than `MAX_F1_DROP`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import numpy as np

from finlocal.errors import FinlocalError
from finlocal.train.metrics import label_metrics, softmax

MIN_AGREEMENT = 0.99
MAX_F1_DROP = 0.01


class ParityError(FinlocalError):
    """The exported model disagrees with the PyTorch student beyond the gate's thresholds."""


@dataclass(frozen=True)
class Batch:
    """Padded token ids of a text set, in input order."""

    input_ids: np.ndarray  # int64 [n, seq]
    attention_mask: np.ndarray  # int64 [n, seq]


@dataclass(frozen=True)
class ParityReport:
    n: int
    label_agreement: float
    max_prob_diff: float
    f1_reference: float
    f1_candidate: float
    f1_drop: float
    min_agreement: float = MIN_AGREEMENT
    max_f1_drop: float = MAX_F1_DROP

    @property
    def passed(self) -> bool:
        return self.label_agreement >= self.min_agreement and self.f1_drop <= self.max_f1_drop

    def to_dict(self) -> dict[str, Any]:
        return {**asdict(self), "passed": self.passed}

    def summary(self) -> str:
        return (
            f"label agreement {self.label_agreement:.2%} (gate ≥ {self.min_agreement:.0%}), "
            f"max prob diff {self.max_prob_diff:.4f}, weighted F1 {self.f1_reference:.4f} → "
            f"{self.f1_candidate:.4f} (drop {self.f1_drop * 100:+.2f} pt, gate ≤ "
            f"{self.max_f1_drop * 100:.0f} pt) on {self.n} validation sentences"
        )


def tokenize(tokenizer_file: Path, texts: Sequence[str], max_length: int) -> Batch:
    """Pad/truncate with the exported tokenizer, as the runtime does."""
    from tokenizers import Tokenizer

    tok = Tokenizer.from_file(str(tokenizer_file))
    tok.enable_truncation(max_length)
    tok.no_padding()
    encodings = tok.encode_batch(list(texts))
    width = max(len(e.ids) for e in encodings)
    ids = np.zeros((len(texts), width), dtype=np.int64)
    mask = np.zeros((len(texts), width), dtype=np.int64)
    pad = tok.token_to_id("[PAD]") or 0
    ids[:] = pad
    for i, e in enumerate(encodings):
        ids[i, : len(e.ids)] = e.ids
        mask[i, : len(e.ids)] = 1
    return Batch(ids, mask)


def by_length(batch: Batch) -> Batch:
    """The same rows sorted by length, as the runtime batches them (less padding)."""
    order = np.argsort(batch.attention_mask.sum(1), kind="stable")
    return Batch(batch.input_ids[order], batch.attention_mask[order])


def _chunks(batch: Batch, batch_size: int) -> list[tuple[slice, np.ndarray, np.ndarray]]:
    out = []
    for k in range(0, len(batch.input_ids), batch_size):
        sl = slice(k, k + batch_size)
        mask = batch.attention_mask[sl]
        width = max(1, int(mask.sum(1).max()))
        out.append((sl, batch.input_ids[sl, :width], mask[:, :width]))
    return out


def onnx_logits(session: Any, batch: Batch, batch_size: int = 32) -> np.ndarray:
    """Label logits from an onnxruntime session, in input order.

    Rows are batched sorted by length, as the runtime batches them: int8 dynamic quantization
    computes activation scales per batch (padding included), so an int8 model's outputs depend
    on which rows share a batch, and parity must be measured the way the runtime scores.
    """
    names = {i.name for i in session.get_inputs()}
    order = np.argsort(batch.attention_mask.sum(1), kind="stable")
    sorted_batch = Batch(batch.input_ids[order], batch.attention_mask[order])
    out = []
    for _, ids, mask in _chunks(sorted_batch, batch_size):
        feed = {"input_ids": ids, "attention_mask": mask}
        if "token_type_ids" in names:
            feed["token_type_ids"] = np.zeros_like(ids)
        out.append(session.run(["logits"], feed)[0])
    logits = np.empty((len(order), out[0].shape[1]), dtype=np.float32)
    logits[order] = np.concatenate(out)
    return logits


def torch_logits(model: Any, batch: Batch, batch_size: int = 32) -> np.ndarray:
    """Label logits from the PyTorch student (eval mode, no grad)."""
    import torch

    model.eval()
    out = []
    with torch.no_grad():
        for _, ids, mask in _chunks(batch, batch_size):
            t_ids = torch.from_numpy(ids)
            res = model(input_ids=t_ids, attention_mask=torch.from_numpy(mask),
                        token_type_ids=torch.zeros_like(t_ids))
            out.append(res.logits.float().numpy())
    return np.concatenate(out).astype(np.float32)


def compare(
    reference: np.ndarray, candidate: np.ndarray, gold: np.ndarray, *, temperature: float = 1.0,
    min_agreement: float = MIN_AGREEMENT, max_f1_drop: float = MAX_F1_DROP,
) -> ParityReport:
    """Parity of ``candidate`` logits against ``reference`` logits on gold-labelled rows."""
    ref_pred, cand_pred = reference.argmax(1), candidate.argmax(1)
    f1_ref = label_metrics(gold, ref_pred).f1_weighted
    f1_cand = label_metrics(gold, cand_pred).f1_weighted
    return ParityReport(
        n=int(len(gold)),
        label_agreement=float(np.mean(ref_pred == cand_pred)),
        max_prob_diff=float(np.abs(softmax(reference, temperature) - softmax(candidate, temperature)).max()),
        f1_reference=f1_ref,
        f1_candidate=f1_cand,
        f1_drop=f1_ref - f1_cand,
        min_agreement=min_agreement,
        max_f1_drop=max_f1_drop,
    )


def enforce(report: ParityReport) -> None:
    """Raise `ParityError` when the report fails the gate."""
    if not report.passed:
        raise ParityError(
            "parity gate failed: " + report.summary() + ". The exported model is not written; "
            "try other quantization settings or check the checkpoint."
        )
