"""fp32 ONNX export of a student checkpoint with Optimum.

The student is a custom architecture for Optimum (``model_type = "finlocal-student"``), so the
export passes a custom `OnnxConfig`: the backbone's text inputs and the runtime contract's
outputs, ``logits`` [batch, n_labels] and — when the model has an evidence head —
``evidence_logits`` [batch, sequence]. Optimum traces the model, fixes the dynamic axes, and
validates the graph's outputs against PyTorch on dummy inputs.

Why `optimum.exporters.onnx.export` + `validate_model_outputs` rather than
`onnx_export_from_model`: the latter infers the model's library from the class's module name
(``transformers.*``, ``diffusers.*``...) and rejects a `PreTrainedModel` subclass defined
elsewhere (optimum-onnx 0.1.0, ``TasksManager._infer_library_from_model_or_model_class``); the
lower-level pair is the same exporter without that lookup.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)

ONNX_OPSET = 17


def student_onnx_config(model: Any, *, evidence: bool) -> Any:
    """An Optimum `OnnxConfig` for `finlocal.train.student.Student`."""
    from optimum.exporters.onnx.config import TextEncoderOnnxConfig
    from optimum.utils import NormalizedTextConfig

    with_token_types = bool(model._uses_token_types)

    class StudentOnnxConfig(TextEncoderOnnxConfig):
        NORMALIZED_CONFIG_CLASS = NormalizedTextConfig
        DEFAULT_ONNX_OPSET = ONNX_OPSET
        ATOL_FOR_VALIDATION = 1e-4

        @property
        def inputs(self) -> dict[str, dict[int, str]]:
            axes = {0: "batch_size", 1: "sequence_length"}
            names = ["input_ids", "attention_mask"] + (["token_type_ids"] if with_token_types else [])
            return {name: dict(axes) for name in names}

        @property
        def outputs(self) -> dict[str, dict[int, str]]:
            out = {"logits": {0: "batch_size"}}
            if evidence:
                out["evidence_logits"] = {0: "batch_size", 1: "sequence_length"}
            return out

    return StudentOnnxConfig(model.config, task="text-classification")


def export_fp32(model: Any, out_file: Path, *, evidence: bool) -> Path:
    """Export ``model`` (a loaded `Student`) to ``out_file`` (fp32 ONNX), validated by Optimum."""
    from optimum.exporters.onnx import export, validate_model_outputs

    model.eval()
    config = student_onnx_config(model, evidence=evidence)
    out_file.parent.mkdir(parents=True, exist_ok=True)
    _, outputs = export(model, config, out_file, opset=ONNX_OPSET)
    validate_model_outputs(config, model, out_file, outputs, use_subprocess=False)
    return out_file
