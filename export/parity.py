"""The parity gate: does the exported (int8) graph still behave like the PyTorch student, and does
a sentence's score depend on that sentence alone?

Both sides score the same token ids (from the exported ``tokenizer.json``), so a difference is the
export's and the quantization's, never the tokenizer's. The gate fails (`ParityError`, exit 1)
when
- int8 and PyTorch agree on fewer than `MIN_AGREEMENT` of the labels of the parity sentences;
- weighted F1 drops by more than `MAX_F1_DROP` (only when the sentences carry gold labels);
- a sentence's probabilities move by more than `MAX_BATCH_DEPENDENCE` when it is scored alone
  or among other sentences (`batch_dependence`): the same text must get the same score whatever
  shares its batch, however it is padded and however many threads run.

The parity sentences need no labels: sentences the model was not trained on (a held-out sample of
earnings-call sentences, say) measure agreement honestly, and nothing here chooses by F1.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import numpy as np

from finlocal.errors import FinlocalError
from finlocal.metrics import softmax
from finlocal.train.metrics import label_metrics

MIN_AGREEMENT = 0.99
MAX_F1_DROP = 0.01
MAX_BATCH_DEPENDENCE = 1e-6


class ParityError(FinlocalError):
    """The exported model disagrees with the PyTorch student beyond the gate's thresholds."""


@dataclass(frozen=True)
class Batch:
    """Padded token ids of a text set, in input order."""

    input_ids: np.ndarray  # int64 [n, seq]
    attention_mask: np.ndarray  # int64 [n, seq]

    def rows(self, index: Sequence[int] | np.ndarray) -> Batch:
        """The rows ``index``, cut to their own longest length (as the runtime pads a batch)."""
        index = np.asarray(index)
        width = max(1, int(self.attention_mask[index].sum(1).max()))
        return Batch(self.input_ids[index, :width], self.attention_mask[index, :width])


@dataclass(frozen=True)
class ParityReport:
    n: int
    label_agreement: float
    max_prob_diff: float
    f1_reference: float | None = None  # with gold labels only
    f1_candidate: float | None = None
    batch_dependence: float | None = None  # max |Δp| of a sentence between batch compositions
    min_agreement: float = MIN_AGREEMENT
    max_f1_drop: float = MAX_F1_DROP
    max_batch_dependence: float = MAX_BATCH_DEPENDENCE

    @property
    def f1_drop(self) -> float | None:
        if self.f1_reference is None or self.f1_candidate is None:
            return None
        return self.f1_reference - self.f1_candidate

    @property
    def passed(self) -> bool:
        return (
            self.label_agreement >= self.min_agreement
            and (self.f1_drop is None or self.f1_drop <= self.max_f1_drop)
            and (self.batch_dependence is None or self.batch_dependence <= self.max_batch_dependence)
        )

    def to_dict(self) -> dict[str, Any]:
        return {**asdict(self), "f1_drop": self.f1_drop, "passed": self.passed}

    def summary(self) -> str:
        parts = [
            f"label agreement {self.label_agreement:.2%} (gate ≥ {self.min_agreement:.0%})",
            f"max prob diff {self.max_prob_diff:.4f}",
        ]
        if self.f1_drop is not None:
            parts.append(
                f"weighted F1 {self.f1_reference:.4f} → {self.f1_candidate:.4f} (drop "
                f"{self.f1_drop * 100:+.2f} pt, gate ≤ {self.max_f1_drop * 100:.0f} pt)"
            )
        if self.batch_dependence is not None:
            parts.append(f"batch dependence {self.batch_dependence:.1e} (gate ≤ {self.max_batch_dependence:.0e})")
        return ", ".join(parts) + f" on {self.n} sentences"


def tokenize(tokenizer_file: Path, texts: Sequence[str], max_length: int, hint: str = "none") -> Batch:
    """Pad/truncate with the exported tokenizer, as the runtime does; with a hint kind, a text the
    reader finds a change in is encoded with its hint as the second segment."""
    from tokenizers import Tokenizer

    from finlocal.changes.hint import HintKind, hint_text

    kind = HintKind(hint)
    tok = Tokenizer.from_file(str(tokenizer_file))
    tok.enable_truncation(max_length, strategy="only_first")
    tok.no_padding()
    inputs = [(t, h) if (h := hint_text(t, kind)) is not None else t for t in texts]
    encodings = tok.encode_batch(inputs)
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


def _run(session: Any, ids: np.ndarray, mask: np.ndarray, outputs: Sequence[str]) -> list[np.ndarray]:
    feed = {"input_ids": ids, "attention_mask": mask}
    if "token_type_ids" in {i.name for i in session.get_inputs()}:
        feed["token_type_ids"] = np.zeros_like(ids)
    return session.run(list(outputs), feed)


def onnx_logits(session: Any, batch: Batch, batch_size: int = 32) -> np.ndarray:
    """Label logits from an onnxruntime session, in input order, batched sorted by length as the
    runtime batches them."""
    order = np.argsort(batch.attention_mask.sum(1), kind="stable")
    sorted_batch = Batch(batch.input_ids[order], batch.attention_mask[order])
    out = [_run(session, ids, mask, ["logits"])[0] for _, ids, mask in _chunks(sorted_batch, batch_size)]
    logits = np.empty((len(order), out[0].shape[1]), dtype=np.float32)
    logits[order] = np.concatenate(out)
    return logits


def batch_dependence(
    session: Any, batch: Batch, *, n: int = 48, seed: int = 20261129, thread_sessions: Sequence[Any] = ()
) -> float:
    """The largest change of any probability (labels, and evidence tokens when the graph has an
    evidence head) of the first ``n`` sentences between scoring each alone and scoring it in
    shuffled batches of several sizes with other sentences (padded to the longest).

    ``thread_sessions`` are sessions of the same graph with other intra-op thread counts (e.g. 1
    and 2, `finlocal.export.quantize.measure`): their scores, alone and in batches, are compared
    with ``session``'s alone too, so a score that depends on the thread count fails the gate."""
    names = [o.name for o in session.get_outputs()]
    evidence = "evidence_logits" in names
    outputs = ["logits", "evidence_logits"] if evidence else ["logits"]
    n = min(n, len(batch.input_ids))
    lengths = batch.attention_mask.sum(1)

    def probs(sess: Any, index: np.ndarray) -> list[tuple[np.ndarray, np.ndarray | None]]:
        rows = batch.rows(index)
        res = _run(sess, rows.input_ids, rows.attention_mask, outputs)
        label_p = softmax(res[0].astype(np.float64))
        out = []
        for r, i in enumerate(index):
            ev = 1.0 / (1.0 + np.exp(-res[1][r, : lengths[i]].astype(np.float64))) if evidence else None
            out.append((label_p[r], ev))
        return out

    alone = [probs(session, np.array([i]))[0] for i in range(n)]
    worst = 0.0

    def note(got: tuple[np.ndarray, np.ndarray | None], i: int) -> None:
        nonlocal worst
        worst = max(worst, float(np.abs(got[0] - alone[i][0]).max()))
        got_ev, alone_ev = got[1], alone[i][1]
        if got_ev is not None and alone_ev is not None:
            worst = max(worst, float(np.abs(got_ev - alone_ev).max()))

    pool = np.arange(len(batch.input_ids))
    for sess in (session, *thread_sessions):
        rng = np.random.default_rng(seed)
        if sess is not session:
            for i in range(n):
                note(probs(sess, np.array([i]))[0], i)
        for size in (2, 7, 32):
            for i in range(n):
                others = rng.choice(pool[pool != i], size=min(size - 1, len(pool) - 1), replace=False)
                index = rng.permutation(np.concatenate([[i], others]))
                note(probs(sess, index)[int(np.flatnonzero(index == i)[0])], i)
    return worst


def torch_logits(model: Any, batch: Batch, batch_size: int = 32) -> np.ndarray:
    """Label logits from the PyTorch student (eval mode, no grad)."""
    import torch

    model.eval()
    out = []
    with torch.no_grad():
        for _, ids, mask in _chunks(batch, batch_size):
            t_ids = torch.from_numpy(ids)
            res = model(input_ids=t_ids, attention_mask=torch.from_numpy(mask), token_type_ids=torch.zeros_like(t_ids))
            out.append(res.logits.float().numpy())
    return np.concatenate(out).astype(np.float32)


def compare(
    reference: np.ndarray,
    candidate: np.ndarray,
    gold: np.ndarray | None = None,
    *,
    temperature: float = 1.0,
    dependence: float | None = None,
    min_agreement: float = MIN_AGREEMENT,
    max_f1_drop: float = MAX_F1_DROP,
    max_batch_dependence: float = MAX_BATCH_DEPENDENCE,
) -> ParityReport:
    """Parity of ``candidate`` logits against ``reference`` logits (and F1 against ``gold``
    labels when given)."""
    ref_pred, cand_pred = reference.argmax(1), candidate.argmax(1)
    f1_ref = label_metrics(gold, ref_pred).f1_weighted if gold is not None else None
    f1_cand = label_metrics(gold, cand_pred).f1_weighted if gold is not None else None
    return ParityReport(
        n=int(len(reference)),
        label_agreement=float(np.mean(ref_pred == cand_pred)),
        max_prob_diff=float(np.abs(softmax(reference, temperature) - softmax(candidate, temperature)).max()),
        f1_reference=f1_ref,
        f1_candidate=f1_cand,
        batch_dependence=dependence,
        min_agreement=min_agreement,
        max_f1_drop=max_f1_drop,
        max_batch_dependence=max_batch_dependence,
    )


def enforce(report: ParityReport) -> None:
    """Raise `ParityError` when the report fails the gate."""
    if not report.passed:
        raise ParityError(
            "parity gate failed: " + report.summary() + ". The exported model is not written; "
            "try other quantization settings or check the checkpoint."
        )
