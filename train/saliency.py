"""Evidence targets by gradient × input saliency of cross-validation fold models.

Teachers that quote verbatim evidence (the llama.cpp and Claude teachers) are not always at hand,
so evidence targets for the rationale objective can come from fine-tuned fold models instead. For
each gold sentence a model gets right, the gold label's logit is differentiated with respect to
the input embeddings; a word's score is the sum over its tokens of ``|gradient · embedding|``.
The words scoring at least ``rel_score`` × the top word are evidence, adjacent ones merge into one
span. Neutral sentences get an empty annotation (a supervised "no evidence"); sentences the model
gets wrong get none (masked in training).

    python -m finlocal.train.saliency runs/cv/teacher-minilm --out runs/teachers/saliency.jsonl

Fold k's model annotates the rows it was trained on (every fold but k) — the rows a student's
fold-k run trains on — so no held-out label shapes a student's evidence. ``all`` comes from the
model trained on every row (``finlocal train cv --final``), which must exist. The output is an
``evidence_file``
with ``evidence_by_fold`` and the folds' partition key (`finlocal.train.rows`).
"""

from __future__ import annotations

import argparse
import logging
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from finlocal.errors import InputError
from finlocal.jsonl import write_jsonl
from finlocal.predictions import LABELS, Span
from finlocal.train.data import load_fpb
from finlocal.train.evidence import token_spans
from finlocal.train.folds import ALL
from finlocal.train.records import FIT_INFO, EvidenceRow, read_fit_info

log = logging.getLogger(__name__)

Spans = tuple[tuple[int, int], ...]


def word_flags(
    text: str, offsets: Sequence[tuple[int, int]], scores: np.ndarray, rel_score: float, max_words: int
) -> list[bool]:
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
    ranked = sorted(words, key=lambda w: words[w], reverse=True)[:max_words]
    keep = {w for w in ranked if words[w] >= rel_score * top}
    return [w is not None and w in keep for w in word_of]


def rationales(
    checkpoint: Path,
    texts: Sequence[str],
    labels: Sequence[str],
    *,
    rel_score: float = 0.5,
    max_words: int = 4,
    batch_size: int = 32,
) -> list[Spans | None]:
    """Evidence spans of each sentence for its gold label (None where the model is wrong)."""
    import torch
    from transformers import AutoTokenizer

    from finlocal.train.batches import collate, encode
    from finlocal.train.student import Student

    model = Student.from_pretrained(checkpoint).eval()
    tokenizer = AutoTokenizer.from_pretrained(checkpoint)
    max_length = int(read_fit_info(checkpoint).config["max_length"])
    enc = encode(tokenizer, texts, max_length, getattr(model.config, "hint", "none"))
    embeddings = model.encoder.get_input_embeddings()
    out: list[Spans | None] = [None] * len(texts)
    order = sorted(range(len(texts)), key=lambda i: len(enc.input_ids[i]))
    captured: dict[str, torch.Tensor] = {}  # the embedding output of the batch in hand
    for k in range(0, len(order), batch_size):
        idx = order[k : k + batch_size]
        batch = collate(enc, idx, tokenizer.pad_token_id)
        captured.clear()

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
        assert emb.grad is not None  # retained by the hook
        scores = (emb.grad * emb).sum(-1).abs().detach().numpy()
        pred = logits.argmax(1).numpy()
        model.zero_grad(set_to_none=True)
        for row, i in enumerate(idx):
            text, label = texts[i], labels[i]
            if pred[row] != LABELS.index(label):
                continue
            if label == "neutral":
                out[i] = ()
                continue
            n = len(enc.input_ids[i])
            offsets = [o if not s else (0, 0) for o, s in zip(enc.offsets[i], enc.special[i], strict=True)]
            flags = word_flags(text, offsets, scores[row, :n], rel_score, max_words)
            out[i] = tuple(token_spans(offsets, flags, text))
    return out


def annotate_cv(
    cv_dir: Path, out: Path, *, repeat: int = 0, threads: int = 2, rel_score: float = 0.5, max_words: int = 4
) -> dict[str, int]:
    """Write the saliency evidence of every fold model (and of ``all`` when trained) to ``out``."""
    import torch

    from finlocal.train.fit import FINAL
    from finlocal.train.folds import partition
    from finlocal.train.teach import fold_models

    torch.set_num_threads(threads)
    models, key, config = fold_models(Path(cv_dir), repeat)
    examples = load_fpb(Path(config["fpb_path"]))
    part = partition(examples, int(config["folds"]), repeat=repeat, seed=int(config["fold_seed"]))
    if part.key != key:
        raise InputError(f"{cv_dir}: its folds ({key}) are not the folds of {config['fpb_path']} today ({part.key})")
    texts, labels = [ex.text for ex in examples], [ex.label for ex in examples]
    by_fold: list[dict[str, Spans]] = [{} for _ in examples]
    jobs = [(str(k), m, [i for i, ex in enumerate(examples) if part.fold_of[ex.id] != k]) for k, m in enumerate(models)]
    final = Path(cv_dir) / "all" / FINAL
    if not (final / FIT_INFO).is_file():
        raise InputError(
            f"{cv_dir}: no model trained on every row ({final / FIT_INFO} is missing), so the shipped "
            f"student's run would get no {ALL!r} evidence; train it with 'finlocal train cv --final' "
            "(the same config, folds and output directory) and run this again"
        )
    if int(read_fit_info(final).config.get("folds", -1)) != 0:
        raise InputError(f"{final}: its fit.json is of a fold run, not of the run on every row (folds = 0)")
    jobs.append((ALL, final, list(range(len(examples)))))
    for name, model_dir, rows in jobs:
        log.info("saliency of %s on %d rows", model_dir, len(rows))
        found = rationales(
            model_dir, [texts[i] for i in rows], [labels[i] for i in rows], rel_score=rel_score, max_words=max_words
        )
        for i, spans in zip(rows, found, strict=True):
            if spans is not None:
                by_fold[i][name] = spans
    source = f"saliency:{Path(cv_dir).name}"
    write_jsonl(
        out,
        (
            EvidenceRow(
                text=ex.text,
                id=ex.id,
                label=ex.label,
                partition=key,
                source=source,
                evidence_by_fold={
                    name: tuple(Span(s, e, ex.text[s:e]) for s, e in spans) for name, spans in spans_by.items()
                },
            ).to_dict()
            for ex, spans_by in zip(examples, by_fold, strict=True)
        ),
    )
    counts = {name: sum(name in b for b in by_fold) for name, _, _ in jobs}
    log.info("annotated rows per model: %s", counts)
    return counts


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Evidence targets by gradient × input saliency of fold models.")
    parser.add_argument("cv_dir", type=Path, help="a 'finlocal train cv' output directory")
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--repeat", type=int, default=0)
    parser.add_argument("--rel-score", type=float, default=0.5)
    parser.add_argument("--max-words", type=int, default=4)
    parser.add_argument("--threads", type=int, default=2)
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    annotate_cv(
        args.cv_dir,
        args.out,
        repeat=args.repeat,
        threads=args.threads,
        rel_score=args.rel_score,
        max_words=args.max_words,
    )


if __name__ == "__main__":
    main()
