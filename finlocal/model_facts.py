"""What a model directory's manifest says, in short lines a person reads: `finlocal info` prints
them, and the README's model summary (bench/facts.py) is rendered from the same functions.

Only what the manifest holds is shown: a field that is absent, empty or None gives no line.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from finlocal.manifest import Manifest

# The fp32 node-name prefixes of a BERT-style encoder layer (finlocal.export.quantize), by what
# they are called in one word.
_LAYER_PART = re.compile(r"^/encoder/encoder/layer\.(\d+)/(.+)$")
_LAYER_PARTS = {"output/dense": "feed-forward output", "attention/output/dense": "attention output"}


def _ranges(numbers: Iterable[int]) -> str:
    """``0, 1, 2, 3, 5`` → ``0–3, 5``."""
    runs: list[list[int]] = []
    for n in sorted(set(numbers)):
        if runs and n == runs[-1][-1] + 1:
            runs[-1].append(n)
        else:
            runs.append([n])
    return ", ".join(str(r[0]) if len(r) == 1 else f"{r[0]}–{r[-1]}" for r in runs)


def fp32_groups(keep_fp32: Sequence[str]) -> list[str]:
    """The node-name prefixes a model keeps in fp32, grouped: ``classifier``, ``evidence``,
    ``feed-forward output (layers 0–3)`` …, in the order they first appear."""
    groups: dict[str, list[int]] = {}
    plain: list[str] = []
    for prefix in keep_fp32:
        match = _LAYER_PART.match(prefix)
        if match and match.group(2) in _LAYER_PARTS:
            groups.setdefault(_LAYER_PARTS[match.group(2)], []).append(int(match.group(1)))
            if _LAYER_PARTS[match.group(2)] not in plain:
                plain.append(_LAYER_PARTS[match.group(2)])
        else:
            plain.append(prefix.strip("/").replace("/", "."))
    return [f"{name} (layers {_ranges(groups[name])})" if name in groups else name for name in plain]


def _count(n: Any) -> str:
    return f"{n:,}" if isinstance(n, int) else str(n)


def _present(value: Any) -> bool:
    return value is not None and value != "" and value != [] and value != {}


def quantization_line(q: Mapping[str, Any]) -> str:
    parts = []
    if q.get("scheme"):
        parts.append(f"{q['scheme']} int8" + (f", {q['weight_bits']}-bit weights" if q.get("weight_bits") else ""))
    if q.get("keep_fp32"):
        parts.append("kept in fp32: " + ", ".join(fp32_groups(q["keep_fp32"])))
    if q.get("candidates"):
        parts.append(f"chosen among {q['candidates']} settings")
    return "; ".join(parts) or str(q.get("name", ""))


def _joined(separator: str, parts: Iterable[str | None]) -> str:
    return separator.join(p for p in parts if p)


def base_model_line(b: Mapping[str, Any]) -> str:
    kept = b.get("layers_kept")
    depth = f" ({kept})" if kept and kept != "all" else ""
    return _joined(
        ", ",
        (
            b.get("backbone") and str(b["backbone"]),
            b.get("layers") and f"{b['layers']} layers{depth}",
            b.get("pooling") and f"{b['pooling']} pooling",
            b.get("parameters") and f"{_count(b['parameters'])} parameters",
            b.get("licence") and f"licence {b['licence']}",
        ),
    )


def training_line(t: Mapping[str, Any]) -> str:
    by_source = ", ".join(f"{k} {_count(v)}" for k, v in (t.get("rows_by_source") or {}).items() if v)
    return _joined(
        "; ",
        (
            t.get("train_rows") and f"{_count(t['train_rows'])} rows" + (f" ({by_source})" if by_source else ""),
            t.get("epochs") and f"{t['epochs']} epochs",
            t.get("heldout_rows") and f"{_count(t['heldout_rows'])} rows held out",
            t.get("rows_with_teacher_probs") and f"{_count(t['rows_with_teacher_probs'])} with teacher probabilities",
            t.get("rows_with_evidence") and f"{_count(t['rows_with_evidence'])} with evidence targets",
            t.get("source") and f"from {t['source']}",
        ),
    )


def cv_line(cv: Mapping[str, Any]) -> str:
    """``0.843 (95 % CI 0.817–0.868, corrected resampled t; 5 folds × 1)``."""
    if cv.get("headline"):
        return str(cv["headline"])
    f1 = (cv.get("overall") or {}).get("f1_weighted") or {}
    return f"{f1['mean']:.3f}" if "mean" in f1 else ""


def set_line(sets: Mapping[str, Any]) -> str:
    """Direction sets: ``challenge 0.954 (326), holdout 0.914 (326)``."""
    return ", ".join(f"{name} {s['accuracy']:.3f} ({s['n']})" for name, s in sets.items() if "accuracy" in s)


def metric_rows(metrics: Mapping[str, Any]) -> list[tuple[str, str]]:
    rows = []
    if metrics.get("cross-validation") and cv_line(metrics["cross-validation"]):
        rows.append(("CV weighted F1", cv_line(metrics["cross-validation"])))
    if metrics.get("comparison", {}).get("accuracy") is not None:
        c = metrics["comparison"]
        rows.append(("comparison set", f"{c['accuracy']:.3f} ({c['n']} sentences)"))
    if metrics.get("direction") and set_line(metrics["direction"]):
        rows.append(("direction sets", set_line(metrics["direction"])))
    parity = metrics.get("parity") or {}
    if parity.get("label_agreement") is not None:
        line = f"{parity['label_agreement'] * 100:.1f} % of {parity['n']:,} labels agree with PyTorch"
        if parity.get("batch_dependence") is not None:
            line += f"; scores move ≤ {parity['batch_dependence']:.1g} with the batch"
        rows.append(("int8 parity", line))
    speed = metrics.get("speed") or {}
    if speed.get("sentences_per_s_batch32"):
        rows.append(
            (
                "speed at export",
                f"{speed['p50_ms_batch1']:.1f} ms p50 at batch 1, "
                f"{speed['sentences_per_s_batch32']:,.0f} sentences/s at batch 32 ({speed.get('threads')} threads)",
            )
        )
    return rows


def calibration_line(c: Mapping[str, Any]) -> str:
    if c.get("ece_before") is not None and c.get("ece_after_crossfitted") is not None:
        return f"temperature {c['temperature']:.2f}; ECE {c['ece_before']:.3f} → {c['ece_after_crossfitted']:.3f}"
    return f"temperature {c['temperature']:.2f}" if c.get("temperature") else ""


def info_rows(manifest: Manifest) -> list[tuple[str, str]]:
    """`finlocal info`'s lines: (title, text), only for what the manifest holds."""
    rows = [
        ("labels", ", ".join(manifest.labels)),
        ("heads", ", ".join(manifest.heads)),
        ("max length", f"{manifest.max_length} tokens"),
    ]
    if manifest.hint != "none":
        rows.append(("input", f"the sentence and the metric-change reader's findings (hint {manifest.hint})"))
    rows.append(("temperature", f"{manifest.temperature:g}"))
    if manifest.has_evidence:
        rows.append(("evidence threshold", f"{manifest.evidence_threshold:g}"))
    for title, line in (
        ("quantization", quantization_line(manifest.quantization) if manifest.quantization else ""),
        ("base model", base_model_line(manifest.base_model) if manifest.base_model else ""),
        ("training data", training_line(manifest.training_data) if manifest.training_data else ""),
    ):
        if line:
            rows.append((title, line))
    for teacher in manifest.teachers:
        rows.append(("teacher", " — ".join(str(v) for v in (teacher.get("id"), teacher.get("role")) if _present(v))))
    rows.extend(metric_rows(manifest.metrics))
    if manifest.calibration and calibration_line(manifest.calibration):
        rows.append(("calibration", calibration_line(manifest.calibration)))
    if manifest.created:
        rows.append(("created", manifest.created))
    if manifest.finlocal_version:
        rows.append(("finlocal version", manifest.finlocal_version))
    return rows
