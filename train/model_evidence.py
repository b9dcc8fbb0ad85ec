"""Evidence targets from an exported finlocal model's evidence head.

    python -m finlocal.train.model_evidence --model finlocal/models/default \\
        ../shared/data/fpb/train.jsonl --out runs/teachers/evidence-default.jsonl

The shipped students learn their evidence head from the saliency of the cross-validated MiniLM-L6
teacher (`finlocal.train.saliency`). When those fold models are not there (they take hours on two
cores), a model trained on every row can learn instead from the evidence the previous bundled
model marks — itself learnt from that saliency. The file has one plain ``evidence`` per sentence,
so it is for a run on every row only: a cross-validation fold run must not learn from a model that
saw its held-out rows, and `finlocal.train.rows` refuses such a file for fold runs.
"""

from __future__ import annotations

import argparse
import logging
from collections.abc import Iterator, Sequence
from pathlib import Path

from finlocal.errors import InputError
from finlocal.jsonl import read_jsonl, write_jsonl
from finlocal.model import OnnxClassifier, resolve_model_dir
from finlocal.predictions import Span
from finlocal.train.records import EvidenceRow

log = logging.getLogger(__name__)
SOURCE_PREFIX = "model:"


def texts_of(paths: Sequence[Path]) -> list[str]:
    """Every distinct ``text`` of the JSONL files, in order."""
    seen: dict[str, None] = {}
    for path in paths:
        for _, row in read_jsonl(path):
            text = row.get("text")
            if not isinstance(text, str) or not text.strip():
                raise InputError(f"{path}: a row without a 'text' string")
            seen.setdefault(text, None)
    return list(seen)


def annotate(model_dir: Path, texts: Sequence[str], *, batch_size: int = 64) -> Iterator[EvidenceRow]:
    """The model's evidence spans of every text (``[]`` where it marks nothing)."""
    classifier = OnnxClassifier.load(model_dir)
    if not classifier.has_evidence:
        raise InputError(f"{model_dir}: the model has no evidence head")
    source = f"{SOURCE_PREFIX}{classifier.name}"
    for begin in range(0, len(texts), 256):
        chunk = texts[begin : begin + 256]
        for text, prediction in zip(chunk, classifier.predict(chunk, batch_size=batch_size), strict=True):
            spans = tuple(Span(s.start, s.end, s.text) for s in prediction.evidence)
            yield EvidenceRow(text=text, evidence=spans, source=source)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Evidence targets from an exported model's evidence head.")
    parser.add_argument("data", type=Path, nargs="+", help="JSONL files with a 'text' per row")
    parser.add_argument("--model", type=Path, default=None, help="model directory (default: the bundled model)")
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    texts = texts_of(args.data)
    model_dir = resolve_model_dir(args.model)
    rows = list(annotate(model_dir, texts))
    write_jsonl(args.out, (r.to_dict() for r in rows))
    marked = sum(1 for r in rows if r.evidence)
    log.info("%d sentences, %d with evidence -> %s", len(rows), marked, args.out)


if __name__ == "__main__":
    main()
