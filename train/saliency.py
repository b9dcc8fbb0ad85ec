"""Evidence targets by gradient × input saliency of a label-only student (one backward pass).

The cheaper sibling of `finlocal.train.occlusion`: occlusion needs one forward pass per word
(measured here: 200 sentences in 15 minutes on two shared cores, too slow for the 3,270
training sentences), saliency needs one forward and one backward pass per batch. For each
training sentence the label-only model gets right, the gold label's logit is differentiated with
respect to the input embeddings; a word's score is the sum over its tokens of
``|gradient · embedding|``. Words scoring at least ``rel_score`` × the sentence's top word are
evidence, adjacent evidence words merge into one span. Neutral sentences get an empty annotation
(supervised "no evidence"); sentences the model gets wrong get none (masked in training).

Output: the ``evidence_file`` format of `FitConfig` (``evidence = "file"``)::

    python -m finlocal.train.saliency runs/default/best runs/saliency.jsonl

Only the training portion is annotated: the validation portion is never read.
"""

from __future__ import annotations

import argparse
import logging
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from finlocal.train.data import LABELS
from finlocal.train.evidence import token_spans
from finlocal.train.occlusion import Rationale, write_training_rationales

log = logging.getLogger(__name__)


def word_flags(text: str, offsets: Sequence[tuple[int, int]], scores: np.ndarray,
               rel_score: float, max_words: int) -> list[bool]:
    """Token flags: every token of the top-scoring words (score ≥ rel_score × max)."""
    words: dict[int, float] = {}
    word_of: list[int | None] = []
    for (start, end), score in zip(offsets, scores, strict=True):
        if end <= start:
            word_of.append(None)
            continue
        # a word is a whitespace-delimited run: its id is the start of that run
        w = start
        while w > 0 and not text[w - 1].isspace():
            w -= 1
        word_of.append(w)
        words[w] = words.get(w, 0.0) + float(score)
    if not words:
        return [False] * len(offsets)
    top = max(words.values())
    ranked = sorted(words, key=words.get, reverse=True)[:max_words]
    keep = {w for w in ranked if words[w] >= rel_score * top}
    return [w is not None and w in keep for w in word_of]


def rationales(checkpoint: Path, texts: Sequence[str], labels: Sequence[str], *,
               rel_score: float = 0.5, max_words: int = 4, batch_size: int = 32) -> list[Rationale]:
    import torch
    from transformers import AutoTokenizer

    from finlocal.train.fit import collate, encode, read_fit_info
    from finlocal.train.student import Student

    model = Student.from_pretrained(checkpoint).eval()
    tokenizer = AutoTokenizer.from_pretrained(checkpoint)
    max_length = int(read_fit_info(checkpoint)["config"]["max_length"])
    enc = encode(tokenizer, texts, max_length)
    embeddings = model.encoder.get_input_embeddings()
    out: list[Rationale | None] = [None] * len(texts)
    order = sorted(range(len(texts)), key=lambda i: len(enc.input_ids[i]))
    for k in range(0, len(order), batch_size):
        idx = order[k : k + batch_size]
        batch = collate(enc, idx, tokenizer.pad_token_id)
        captured: dict[str, torch.Tensor] = {}

        def keep(_module: torch.nn.Module, _inputs: object, output: torch.Tensor) -> torch.Tensor:
            output.retain_grad()
            captured["emb"] = output
            return output

        handle = embeddings.register_forward_hook(keep)
        try:
            logits = model(**batch).logits
        finally:
            handle.remove()
        gold = torch.tensor([LABELS.index(labels[i]) for i in idx])
        logits.gather(1, gold[:, None]).sum().backward()
        emb = captured["emb"]
        scores = (emb.grad * emb).sum(-1).abs().detach().numpy()
        pred = logits.argmax(1).numpy()
        model.zero_grad(set_to_none=True)
        for row, i in enumerate(idx):
            text, label = texts[i], labels[i]
            if pred[row] != LABELS.index(label):
                out[i] = Rationale(text, label, None)
            elif label == "neutral":
                out[i] = Rationale(text, label, ())
            else:
                n = len(enc.input_ids[i])
                offsets = [o if not s else (0, 0) for o, s in zip(enc.offsets[i], enc.special[i], strict=True)]
                flags = word_flags(text, offsets, scores[row, :n], rel_score, max_words)
                out[i] = Rationale(text, label, tuple(token_spans(offsets, flags, text)))
        if (k // batch_size) % 20 == 0:
            log.info("saliency: %d/%d", k + len(idx), len(texts))
    return [r for r in out if r is not None]


def main() -> None:
    parser = argparse.ArgumentParser(description="Evidence targets by gradient × input saliency.")
    parser.add_argument("checkpoint", type=Path)
    parser.add_argument("out", type=Path)
    parser.add_argument("--rel-score", type=float, default=0.5)
    parser.add_argument("--max-words", type=int, default=4)
    parser.add_argument("--threads", type=int, default=2)
    args = parser.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(message)s")

    write_training_rationales(
        args.checkpoint, args.out, f"saliency:{args.checkpoint}", args.threads,
        lambda texts, labels: rationales(args.checkpoint, texts, labels,
                                         rel_score=args.rel_score, max_words=args.max_words),
    )


if __name__ == "__main__":
    main()
