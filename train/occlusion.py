"""Evidence targets by occlusion of a label-only student (self-rationalisation).

When teachers quote too little verbatim evidence, evidence targets can come from the student
itself: for each training sentence the label-only model gets right, delete one word at a time and
measure how far the probability of the gold label falls. Words whose deletion costs at least
``min_drop`` and at least ``rel_drop`` × the largest drop are evidence; adjacent evidence words
merge into one span. Neutral sentences get an empty annotation (a supervised "no evidence" row);
sentences the model gets wrong get none (masked in training).

The output is the ``evidence_file`` format of `FitConfig` (``evidence = "file"``)::

    python -m finlocal.train.occlusion runs/label-only/best runs/occlusion.jsonl

Only the training portion is annotated: the validation portion is never read.
"""

from __future__ import annotations

import argparse
import json
import logging
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from finlocal.train.data import LABELS, load_fpb, split_train_val
from finlocal.train.metrics import softmax

log = logging.getLogger(__name__)
WORD = re.compile(r"\S+")


@dataclass(frozen=True)
class Rationale:
    text: str
    label: str
    spans: tuple[tuple[int, int], ...] | None  # None: model wrong, no annotation


def occlusion_spans(
    text: str, base: float, occluded: Sequence[float], words: Sequence[tuple[int, int]],
    *, min_drop: float, rel_drop: float,
) -> tuple[tuple[int, int], ...]:
    drops = base - np.asarray(occluded)
    if not len(drops) or drops.max() < min_drop:
        return ()
    keep = (drops >= min_drop) & (drops >= rel_drop * drops.max())
    spans: list[tuple[int, int]] = []
    for (start, end), flag in zip(words, keep, strict=True):
        if not flag:
            continue
        if spans and not text[spans[-1][1]:start].strip():
            spans[-1] = (spans[-1][0], end)
        else:
            spans.append((start, end))
    return tuple(spans)


def rationales(
    checkpoint: Path, texts: Sequence[str], labels: Sequence[str], *,
    min_drop: float = 0.05, rel_drop: float = 0.5, batch_size: int = 64,
) -> list[Rationale]:
    from transformers import AutoTokenizer

    from finlocal.train.fit import predict_logits, read_fit_info
    from finlocal.train.student import Student

    model = Student.from_pretrained(checkpoint).eval()
    tokenizer = AutoTokenizer.from_pretrained(checkpoint)
    max_length = int(read_fit_info(checkpoint)["config"]["max_length"])
    temperature = float(read_fit_info(checkpoint)["calibration"]["temperature"])

    def probs(batch: Sequence[str]) -> np.ndarray:
        logits, _ = predict_logits(model, tokenizer, batch, max_length, batch_size)
        return softmax(logits, temperature)

    base = probs(texts)
    out: list[Rationale] = []
    for i, (text, label) in enumerate(zip(texts, labels, strict=True)):
        gold = LABELS.index(label)
        if base[i].argmax() != gold:
            out.append(Rationale(text, label, None))
            continue
        if label == "neutral":
            out.append(Rationale(text, label, ()))
            continue
        words = [(m.start(), m.end()) for m in WORD.finditer(text)]
        variants = [(text[:s] + text[e:]).strip() for s, e in words]
        occluded = probs(variants)[:, gold] if variants else np.zeros(0)
        out.append(Rationale(text, label, occlusion_spans(
            text, float(base[i, gold]), occluded, words, min_drop=min_drop, rel_drop=rel_drop)))
        if (i + 1) % 200 == 0:
            log.info("occlusion: %d/%d", i + 1, len(texts))
    return out


def write_training_rationales(
    checkpoint: Path,
    out: Path,
    source: str,
    threads: int,
    find: Callable[[list[str], list[str]], list[Rationale]],
) -> None:
    """Run ``find`` over the training portion the checkpoint was fitted on and write its
    evidence as JSONL rows ``{"text", "label", "evidence": [{"start", "end", "text"}], "source"}``
    (rows ``find`` could not annotate are left out and counted in the log)."""
    import torch

    from finlocal.train.fit import read_fit_info

    torch.set_num_threads(threads)
    cfg = read_fit_info(checkpoint)["config"]
    train, _ = split_train_val(load_fpb(Path(cfg["fpb_path"])), cfg["val_fraction"], cfg["split_seed"])
    found = find([ex.text for ex in train], [ex.label for ex in train])
    out.parent.mkdir(parents=True, exist_ok=True)
    with out.open("w", encoding="utf-8") as fh:
        for r in found:
            if r.spans is None:
                continue
            fh.write(json.dumps({
                "text": r.text, "label": r.label,
                "evidence": [{"start": s, "end": e, "text": r.text[s:e]} for s, e in r.spans],
                "source": source,
            }) + "\n")
    annotated = [r for r in found if r.spans is not None]
    log.info("%d/%d rows annotated, %d with non-empty evidence", len(annotated), len(found),
             sum(bool(r.spans) for r in annotated))


def main() -> None:
    parser = argparse.ArgumentParser(description="Evidence targets by occlusion of a label-only student.")
    parser.add_argument("checkpoint", type=Path)
    parser.add_argument("out", type=Path)
    parser.add_argument("--min-drop", type=float, default=0.05)
    parser.add_argument("--rel-drop", type=float, default=0.5)
    parser.add_argument("--threads", type=int, default=2)
    args = parser.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(message)s")

    write_training_rationales(
        args.checkpoint, args.out, f"occlusion:{args.checkpoint}", args.threads,
        lambda texts, labels: rationales(args.checkpoint, texts, labels,
                                         min_drop=args.min_drop, rel_drop=args.rel_drop),
    )


if __name__ == "__main__":
    main()
