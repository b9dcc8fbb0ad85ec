"""LlamaCppTeacher on tiny random-weight GGUFs: valid JSON always, distributions that sum to 1,
the KV cache reused for the fixed prefix, prompt formats for models without a chat template."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

pytest.importorskip("llama_cpp")

from finlocal.train.judgement import LABELS
from finlocal.train.teachers.llama import (
    LlamaConfig,
    LlamaCppTeacher,
    LlamaMode,
    PromptFormat,
)
from finlocal.train.validation import locate

from finlocal.errors import InputError


def _teacher(path: Path, **kw: object) -> LlamaCppTeacher:
    kw = {"n_threads": 1, "n_ctx": 4096, **kw}
    return LlamaCppTeacher(LlamaConfig(model_path=path, **kw))  # type: ignore[arg-type]


def test_constrained_generation_always_parses(tiny_gguf: Path, sentences: tuple[str, ...]) -> None:
    teacher = _teacher(tiny_gguf, mode=LlamaMode.GENERATE)
    try:
        judgements = teacher.judge(list(sentences))
    finally:
        teacher.close()
    assert teacher.teacher_id == "llama:tiny-chat:template:generate"
    for sentence, j in zip(sentences, judgements):
        # Random weights, yet the grammar makes every reply a valid, schema-shaped JSON object.
        reply = json.loads(j.raw)
        assert set(reply) == {"label", "rationale", "evidence"}
        assert j.ok, (j.reject_reason, j.reject_detail, j.raw)
        assert j.label.value == max(j.probs, key=j.probs.get)  # the label the log-probs chose
        assert all(locate(sentence, phrase) is not None for phrase in j.evidence)
        assert j.output_tokens > 0 and j.input_tokens > 0 and j.cost_usd == 0


def test_logprob_mode_gives_distributions(tiny_gguf: Path, sentences: tuple[str, ...]) -> None:
    teacher = _teacher(tiny_gguf, mode=LlamaMode.LOGPROB)
    try:
        judgements = teacher.judge(list(sentences))
    finally:
        teacher.close()
    for j in judgements:
        assert j.ok and j.rationale is None and j.raw is None
        assert set(j.probs) == set(LABELS)
        assert all(0.0 <= p <= 1.0 for p in j.probs.values())
        assert sum(j.probs.values()) == pytest.approx(1.0, abs=1e-9)
        assert j.label.value == max(j.probs, key=j.probs.get)
    # Different sentences, different distributions: the sentence tokens are really evaluated.
    assert len({round(j.probs["positive"], 6) for j in judgements}) > 1


def test_prefix_reuse_evaluates_less_and_changes_nothing(
    tiny_gguf: Path, sentences: tuple[str, ...]
) -> None:
    reuse = _teacher(tiny_gguf, mode=LlamaMode.LOGPROB)
    fresh = _teacher(tiny_gguf, mode=LlamaMode.LOGPROB, reuse_prefix=False)
    try:
        with_reuse = [reuse.label_probs(s) for s in sentences]
        without = [fresh.label_probs(s) for s in sentences]
        prefix = len(reuse._prefix_tokens)
        assert fresh.stats["evaluated_tokens"] == fresh.stats["prompt_tokens"]
        # After the first sentence only the sentence-specific suffix is evaluated.
        saved = reuse.stats["prompt_tokens"] - reuse.stats["evaluated_tokens"]
        assert saved >= prefix * (len(sentences) - 1)
        # Going back to an earlier sentence reuses the prefix again and gives the same answer.
        again = reuse.label_probs(sentences[0])
    finally:
        reuse.close()
        fresh.close()
    for a, b in zip(with_reuse, without):
        for lab in LABELS:
            assert a[lab] == pytest.approx(b[lab], abs=1e-4)
    for lab in LABELS:
        assert again[lab] == pytest.approx(with_reuse[0][lab], abs=1e-4)


def test_model_without_chat_template(tiny_gguf_base: Path, sentences: tuple[str, ...]) -> None:
    plain = _teacher(tiny_gguf_base, mode=LlamaMode.GENERATE)
    gemma = _teacher(tiny_gguf_base, mode=LlamaMode.LOGPROB, prompt_format=PromptFormat.GEMMA,
                     few_shot=False)
    try:
        assert plain.prompt_format is PromptFormat.PLAIN  # auto: no template, not a Gemma model
        assert plain.prompt_text(sentences[0]).endswith(f"Sentence: {sentences[0]}\nReply: ")
        (j,) = plain.judge(sentences[:1])
        json.loads(j.raw)
        text = gemma.prompt_text(sentences[0])
        assert "system" not in text and text.startswith("<start_of_turn>user\n")
        assert text.endswith("<end_of_turn>\n<start_of_turn>model\n")
        assert gemma.prompt_version != plain.prompt_version  # zero-shot vs few-shot
        (g,) = gemma.judge(sentences[:1])
        assert sum(g.probs.values()) == pytest.approx(1.0)
    finally:
        plain.close()
        gemma.close()
    with pytest.raises(InputError, match="no chat template"):
        _teacher(tiny_gguf_base, prompt_format=PromptFormat.TEMPLATE)


def test_missing_or_broken_model_file_is_an_input_error(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="no such GGUF"):
        LlamaCppTeacher(LlamaConfig(model_path=tmp_path / "nope.gguf"))
    broken = tmp_path / "broken.gguf"
    broken.write_bytes(b"GGUF but not really")
    with pytest.raises(InputError, match="cannot load"):
        LlamaCppTeacher(LlamaConfig(model_path=broken))
