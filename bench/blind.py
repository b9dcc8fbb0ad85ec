"""A model on the three blind evaluation sets of ``tests/fixtures/blind/`` (mixed-clause, negated
or hedged, and figure statements with no news; see that folder's README).

    OMP_WAIT_POLICY=PASSIVE python -m bench.blind [--model DIR] [--threads 2]

Every sentence is scored whole by the int8 ONNX model (`finlocal.model.OnnxClassifier`, the bundled
``finlocal/models/default`` unless ``--model`` names another), as ``finlocal eval`` scores a row.
For each set: accuracy and weighted F1 over the set and per category, the confusion matrix (rows:
gold) and the rows the model gets wrong; the same for the direction and comparison sets
(``reference_sets``), whose scores in the manifest are the export's: a model with a hint reads the
metric-change reader of the day. Writes ``bench/results/blind.json`` (``--out``), naming the
CPU. An evaluation, not a test: nothing here asserts a score. The sets were written apart from the
training data and its generator; do not tune anything on them.
"""

from __future__ import annotations

import argparse
import json
import os
from pathlib import Path
from typing import Any

from bench.runtime import RESULTS, ROOT, display_path, machine
from finlocal.evaluation import predict_labels
from finlocal.jsonl import read_jsonl
from finlocal.metrics import ClassificationMetrics, classification_metrics
from finlocal.predictions import Classifier

BLIND = ROOT / "tests" / "fixtures" / "blind"
SETS = ("mixed", "negation", "neutral_figures")
#: The direction and comparison sets, scored as the model reads them today: the manifest holds their
#: scores at export time, and a model with a hint reads the reader's findings of the day.
FIXTURES = ROOT / "tests" / "fixtures"
REFERENCE_SETS = {
    "direction-challenge": FIXTURES / "direction" / "challenge.jsonl",
    "direction-holdout": FIXTURES / "direction" / "holdout.jsonl",
    "comparison": FIXTURES / "comparison" / "comparison.jsonl",
}


def _summary(m: ClassificationMetrics) -> dict[str, Any]:
    return {"n": m.n, "accuracy": round(m.accuracy, 4), "f1_weighted": round(m.f1_weighted, 4)}


def score_set(classifier: Classifier, path: Path) -> dict[str, Any]:
    """Accuracy and weighted F1 of ``classifier`` on one blind set, overall and per category."""
    rows = [row for _, row in read_jsonl(path, required=("text", "label", "category"))]
    labels = tuple(classifier.labels)
    gold = [str(r["label"]) for r in rows]
    pred = predict_labels(classifier, [str(r["text"]) for r in rows])
    overall = classification_metrics(gold, pred, labels)
    by_category = {}
    for category in sorted({str(r["category"]) for r in rows}):
        picked = [i for i, r in enumerate(rows) if r["category"] == category]
        metrics = classification_metrics([gold[i] for i in picked], [pred[i] for i in picked], labels)
        by_category[category] = _summary(metrics)
    return {
        **_summary(overall),
        "f1_macro": round(overall.f1_macro, 4),
        "labels": list(labels),
        "confusion": [list(row) for row in overall.confusion],
        "by_category": by_category,
        "wrong": [
            {"id": r.get("id"), "category": r["category"], "gold": g, "predicted": p, "text": r["text"]}
            for r, g, p in zip(rows, gold, pred, strict=True)
            if g != p
        ],
    }


def main(argv: list[str] | None = None) -> None:
    from finlocal.manifest import read_manifest
    from finlocal.model import OnnxClassifier

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--model", type=Path, default=ROOT / "finlocal" / "models" / "default")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--out", type=Path, default=RESULTS / "blind.json")
    args = parser.parse_args(argv)
    load = os.getloadavg()[0]
    classifier = OnnxClassifier.load(args.model, threads=args.threads)
    result: dict[str, Any] = {
        "machine": machine(args.threads, load),
        "model": display_path(args.model),
        "model_name": read_manifest(args.model).name,
        "hint": read_manifest(args.model).hint,
        "sets": {name: score_set(classifier, BLIND / f"{name}.jsonl") for name in SETS},
        "reference_sets": {name: score_set(classifier, path) for name, path in REFERENCE_SETS.items()},
    }
    args.out.write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n")
    print(f"{result['model_name']} ({result['model']}) on {result['machine']['cpu']}")
    print(f"{'set / category':32}{'n':>5}{'accuracy':>10}{'F1 (w)':>9}")
    for name, s in {**result["sets"], **result["reference_sets"]}.items():
        print(f"{name:32}{s['n']:>5}{s['accuracy']:>10.3f}{s['f1_weighted']:>9.3f}")
        for category, c in s["by_category"].items():
            print(f"  {category:30}{c['n']:>5}{c['accuracy']:>10.3f}{c['f1_weighted']:>9.3f}")
    print(f"-> {display_path(args.out)}")


if __name__ == "__main__":
    main()
