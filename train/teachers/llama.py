"""A local teacher: any chat GGUF through llama-cpp-python.

Two modes:

- ``logprob``: label probabilities from the log-probabilities of the label tokens after the
  reply's lead-in ``{"label": "``, in one forward pass over the sentence (a fast labelling mode
  with no rationale);
- ``generate``: the same pass picks the label, then a grammar derived from the reply schema
  (label pinned, strings bounded, evidence restricted to verbatim runs of the sentence's words)
  makes the model write the rationale and evidence, so every reply parses.

The fixed instruction/few-shot prefix is evaluated once: each prompt starts with the same
tokens, and the KV cache keeps them between sentences (``reuse_prefix=False`` re-evaluates the
whole prompt, for measuring what the reuse saves).

The sentence is tokenized as plain text (``special=False``) and spliced between the template's
tokens, so a ``<|eot_id|>`` or ``<|im_end|>`` inside a report cannot end the user turn. A
sentence whose prompt does not fit ``n_ctx``, or whose reply would overflow it, is stored as
rejected (``truncated``); the run goes on.

The teacher id names the GGUF by its file stem and the first hex digits of its sha256, so two
quantizations (or an updated download) of one model never share stored judgements.

Prompt formats: the GGUF's own chat template (``template``), Gemma turns without a system role
(``gemma``, for Gemma 3 270M, a base model whose GGUF has no template) and plain completion text
(``plain``). Recommended large teacher: Llama-3-8B-Instruct at Q4_K_M (about 4.9 GB; Q5_K_M if
memory allows) with the GGUF's template, few-shot, ``generate`` mode; see docs/teachers.md.
"""

from __future__ import annotations

import hashlib
import logging
import math
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from enum import Enum
from pathlib import Path
from typing import Any

import numpy as np

from finlocal.errors import InputError
from finlocal.predictions import LABELS
from finlocal.train.judgement import Judgement, Label, RejectReason, Usage
from finlocal.train.prompt import LABEL_LEAD_IN, PROBE_SENTENCE, Prompt, digest
from finlocal.train.teachers.grammar import reply_grammar
from finlocal.train.teachers.llama_model import SAMPLING, LlamaModel
from finlocal.train.teachers.llama_prompt import PromptFormat, render, resolve_format
from finlocal.train.validation import Invalid, validate_raw

__all__ = [
    "CONTENT_FREE",
    "LlamaConfig",
    "LlamaCppTeacher",
    "LlamaMode",
    "PromptFormat",
    "calibrate",
    "gguf_fingerprint",
    "pretokenizer_warning",
]

log = logging.getLogger(__name__)


class LlamaMode(str, Enum):
    LOGPROB = "logprob"
    GENERATE = "generate"


@dataclass(frozen=True)
class LlamaConfig:
    """One llama.cpp teacher. ``n_threads`` threads for prompt and generation;
    ``n_gpu_layers`` layers offloaded when llama-cpp-python was built with a GPU backend
    (-1: all)."""

    model_path: Path
    mode: LlamaMode = LlamaMode.GENERATE
    prompt_format: PromptFormat = PromptFormat.AUTO
    few_shot: bool = True
    n_threads: int = 2
    n_ctx: int = 2048
    n_batch: int = 512
    n_gpu_layers: int = 0
    reuse_prefix: bool = True
    calibrate: bool = False
    max_new_tokens: int = 768
    max_evidence_words: int = 8
    retry_temperature: float = 0.7
    seed: int = 0
    chunk_size: int = 1
    name: str | None = None

    def __post_init__(self) -> None:
        if self.n_threads < 1 or self.n_ctx < 256 or self.max_new_tokens < 16:
            raise ValueError(
                "n_threads must be >= 1, n_ctx >= 256 and max_new_tokens >= 16; got "
                f"{self.n_threads}, {self.n_ctx}, {self.max_new_tokens}"
            )


class ContextOverflow(Exception):
    """A sentence's prompt (or prompt and reply) does not fit the context."""


@dataclass
class _Timing:
    """Per-sentence counters, for latency and token accounting."""

    start: float = field(default_factory=time.perf_counter)
    prompt_tokens: int = 0
    evaluated_tokens: int = 0
    output_tokens: int = 0

    def usage(self) -> Usage:
        return Usage(
            latency_ms=(time.perf_counter() - self.start) * 1000,
            input_tokens=self.prompt_tokens,
            output_tokens=self.output_tokens,
        )


#: Content-free inputs for contextual calibration (Zhao et al., 2021, "Calibrate before use").
CONTENT_FREE = ("N/A", "", "[MASK]")

#: How log-prob mode turns the scored label tokens (`LlamaCppTeacher.label_branches`, part of
#: the version by the tokens themselves) into probabilities. Part of the prompt version: say
#: here when it changes.
LABEL_SCORING = "sum of the scored tokens' log-probabilities per label; softmax over the three labels"

_PRIOR_PROBE = {"negative": 0.6, "neutral": 0.1, "positive": 0.3}


class LlamaCppTeacher:
    """A `Teacher` on a GGUF model. Not thread-safe: one teacher per thread."""

    def __init__(self, config: LlamaConfig, prompt: Prompt | None = None) -> None:
        path = Path(config.model_path)
        self.config = config
        self.prompt = prompt or Prompt(few_shot=config.few_shot)
        self.model = LlamaModel(
            path,
            n_ctx=config.n_ctx,
            n_batch=config.n_batch,
            n_threads=config.n_threads,
            n_gpu_layers=config.n_gpu_layers,
            seed=config.seed,
        )
        metadata = self.model.metadata
        warning = pretokenizer_warning(metadata)
        if warning:
            log.warning("%s: %s", path, warning)
        self.prompt_format = resolve_format(config.prompt_format, metadata)
        self._rendered = render(
            self.prompt,
            self.prompt_format,
            template=metadata.get("tokenizer.chat_template"),
            bos_token=self.model.bos_text,
            eos_token=self.model.eos_text,
            where=str(config.model_path),
        )
        bos_text = self.model.bos_text
        prefix = self._rendered.prefix
        self._add_bos = not (bos_text and prefix.startswith(bos_text))
        # The prefix is tokenized up to the end of its last special token; the template text
        # after it joins the sentence's fragment (`_suffix_tokens`), as in the whole prompt.
        cut = self._special_cut(prefix, last=True)
        self._prefix_tokens = self._tokenize(prefix[:cut], add_bos=self._add_bos)
        self._head = prefix[cut:]
        self.n_ctx = self.model.n_ctx
        n_fixed = len(self._tokenize(prefix, add_bos=self._add_bos))
        if n_fixed + 64 > self.n_ctx:
            raise InputError(
                f"{path}: the fixed prompt is {n_fixed} tokens, which leaves no "
                f"room for a sentence in n_ctx={self.n_ctx}; raise --n-ctx (e.g. to 4096)"
            )
        self.stats = {"evaluated_tokens": 0, "prompt_tokens": 0}
        self._content_free: dict[str, float] | None = None
        self._fingerprint = gguf_fingerprint(path)
        self._prompt_version = f"{self.prompt.version}+llama-{digest(self.version_payload())}"

    # -- identity ------------------------------------------------------------------------------

    @property
    def teacher_id(self) -> str:
        name = self.config.name or Path(self.config.model_path).stem
        cal = ":cal" if self.config.calibrate else ""
        mode = self.config.mode.value
        return f"llama:{name}@{self._fingerprint}:{self.prompt_format.value}:{mode}{cal}"

    @property
    def prompt_version(self) -> str:
        """The prompt's version plus a digest of `version_payload`."""
        return self._prompt_version

    def version_payload(self) -> dict[str, Any]:
        """What reaches this model and decides its judgement, beyond the prompt itself: the
        rendered template (prefix and tail), the exact tokens of a probe sentence's prompt and
        of the log-prob pass (`label_branches`: shared tokens with the reply lead-in, each
        label's branch and how much of it is scored), the evidence grammar written for the
        probe, how scores become probabilities, the calibration (content-free inputs and what the
        formula gives) and the sampler. Not ``n_ctx`` or ``max_new_tokens``: they decide only
        whether an overflow is rejected, and ``--retry-rejected`` asks those again."""
        probe = PROBE_SENTENCE
        return {
            "format": self.prompt_format.value,
            "rendered": [self._rendered.prefix, self._rendered.tail],
            "tokens": self.prompt_tokens(probe),
            "label_branches": self.label_branches(probe),
            "grammar": reply_grammar(
                label=LABELS[-1], sentence=probe, max_evidence_words=self.config.max_evidence_words
            ),
            "scoring": LABEL_SCORING,
            "calibration": {
                "content_free": list(CONTENT_FREE),
                "probe": calibrate({"negative": 0.5, "neutral": 0.3, "positive": 0.2}, _PRIOR_PROBE),
            },
            "sampling": {**SAMPLING, "retry_temperature": self.config.retry_temperature, "seed": self.config.seed},
        }

    @property
    def chunk_size(self) -> int:
        return self.config.chunk_size

    def close(self) -> None:
        self.model.close()

    # -- prompt --------------------------------------------------------------------------------

    def _tokenize(self, text: str, *, add_bos: bool = False, special: bool = True) -> list[int]:
        """Template text is tokenized with ``special=True`` (its markers become control
        tokens); text from the input with ``special=False`` (a marker in it stays text)."""
        return self.model.tokenize(text, add_bos=add_bos, special=special)

    def _special_cut(self, text: str, *, last: bool) -> int:
        """Where ``text``'s last special token ends (``last``), or where its first one starts;
        0 or ``len(text)`` when it has none."""
        specials = [t for t in self._tokenize(text) if self.model.is_special(t)]
        if not specials:
            return 0 if last else len(text)
        marker = self.model.token_text(specials[-1] if last else specials[0])
        at = text.rfind(marker) if last else text.find(marker)
        if not marker or at < 0:
            raise InputError(f"{self.config.model_path}: cannot find the special token {marker!r} in the prompt text")
        return at + len(marker) if last else at

    def _suffix_tokens(self, sentence: str, lead_in: str = "") -> list[int]:
        """Everything after `_prefix_tokens`: the fragment of plain text around the sentence
        (the template text after the prefix's last special token, the user turn's content, the
        tail's text up to its first special token) tokenized in one piece with
        ``special=False``, then the rest of the tail (and ``lead_in``) as template text.

        llama.cpp tokenizes the text between two special tokens as one fragment, and a
        SentencePiece vocabulary with ``add_space_prefix`` puts "▁" in front of each fragment;
        tokenizing the sentence on its own would give it a stray leading space ("▁Sentence"
        where the examples and the whole prompt have "Sentence"). Tokenizing the same fragment
        as the whole prompt does gives exactly the whole prompt's tokens, and a marker inside
        the sentence still stays text."""
        tail = self._rendered.tail + lead_in
        cut = self._special_cut(tail, last=False)
        fragment = self._head + self.prompt.user(sentence) + tail[:cut]
        return self._tokenize(fragment, special=False) + self._tokenize(tail[cut:])

    def prompt_tokens(self, sentence: str) -> list[int]:
        """The whole prompt for ``sentence``, up to where the reply starts."""
        return self._prefix_tokens + self._suffix_tokens(sentence)

    def prompt_text(self, sentence: str) -> str:
        return self._rendered.prefix + self._rendered.suffix(self.prompt.user(sentence))

    # -- low-level evaluation -------------------------------------------------------------------

    def _eval_shared(self, tokens: list[int], timing: _Timing) -> None:
        """Make the KV cache hold exactly ``tokens``, evaluating only what it does not hold."""
        evaluated = self.model.eval_cached(tokens, reuse=self.config.reuse_prefix)
        timing.evaluated_tokens += evaluated
        self.stats["evaluated_tokens"] += evaluated
        self.stats["prompt_tokens"] += len(tokens)

    def _branch_logprob(self, first: np.ndarray, n_shared: int, branch: list[int], n_scored: int) -> float:
        """log P(branch[:n_scored] | shared), ``first`` being the log-probs after the shared
        tokens; the tokens after the first are scored by decoding ahead of the cache."""
        total = float(first[branch[0]])
        if n_scored > 1:
            rows = self.model.lookahead_logprobs(branch[: n_scored - 1], n_shared)
            for row, token in zip(rows, branch[1:n_scored], strict=True):
                total += float(row[token])
        return total

    def content_free_probs(self) -> dict[str, float]:
        """The mean label distribution for content-free sentences: the model's prior."""
        if self._content_free is None:
            rows = [self.raw_label_probs(s) for s in CONTENT_FREE]
            self._content_free = {lab: sum(r[lab] for r in rows) / len(rows) for lab in LABELS}
        return self._content_free

    def label_probs(self, sentence: str, timing: _Timing | None = None) -> dict[str, float]:
        """The label distribution, divided by the content-free prior when ``calibrate``."""
        probs = self.raw_label_probs(sentence, timing)
        if not self.config.calibrate:
            return probs
        return calibrate(probs, self.content_free_probs())

    def _extra(self, probs: dict[str, float]) -> dict[str, Any]:
        if not self.config.calibrate:
            return {}
        return {"calibrated_with_prior": self.content_free_probs()}

    def label_branches(self, sentence: str) -> tuple[list[int], dict[str, tuple[list[int], int]]]:
        """The tokens the three labels share (prompt, lead-in and any common start), and per
        label its remaining tokens with how many of them are scored: up to the first one no
        other label shares, closing quote included. Part of the prompt version (for a probe
        sentence), so a change in what is scored changes it."""
        full = {lab: self._prefix_tokens + self._suffix_tokens(sentence, f'{LABEL_LEAD_IN}{lab}"') for lab in LABELS}
        seqs = list(full.values())
        n_shared = min(
            min(_common_prefix(seqs[0], other) for other in seqs[1:]),
            min(len(seq) for seq in seqs) - 1,
        )
        tails = {lab: full[lab][n_shared:] for lab in LABELS}
        branches = {}
        for lab, branch in tails.items():
            common = max((_common_prefix(branch, other) for o, other in tails.items() if o != lab), default=0)
            branches[lab] = (branch, min(len(branch), common + 1))
        return full[LABELS[0]][:n_shared], branches

    def raw_label_probs(self, sentence: str, timing: _Timing | None = None) -> dict[str, float]:
        """P(label) from the label tokens' log-probabilities after the reply's lead-in.

        Each label is scored on its tokens up to the first one no other label shares (with the
        closing quote, so ``neutral`` cannot win by being a prefix); when the labels differ at
        their first token, as with most tokenizers, that is a single forward pass.
        """
        timing = timing or _Timing()
        shared, branches = self.label_branches(sentence)
        longest = len(shared) + max(len(branch) for branch, _ in branches.values())
        if longest > self.n_ctx:
            raise ContextOverflow(f"the prompt is {longest} tokens; n_ctx={self.n_ctx}")
        self._eval_shared(shared, timing)
        timing.prompt_tokens = len(shared)
        first = self.model.logprobs(-1)
        scores = {
            lab: self._branch_logprob(first, len(shared), branch, n_scored)
            for lab, (branch, n_scored) in branches.items()
        }
        top = max(scores.values())
        weights = {lab: math.exp(s - top) for lab, s in scores.items()}
        norm = sum(weights.values())
        return {lab: w / norm for lab, w in weights.items()}

    def _generate(
        self, tokens: list[int], grammar_text: str | None, temperature: float, timing: _Timing
    ) -> tuple[bytes, bool]:
        """Generation from ``tokens``, constrained by ``grammar_text`` unless it is None (the
        benchmark's unconstrained baseline); returns (reply bytes, finished). Stops, unfinished,
        at ``max_new_tokens`` or where the context is full."""
        limit = min(self.config.max_new_tokens, self.n_ctx - len(tokens))
        if limit <= 0:
            return b"", False
        out, finished = self.model.generate(
            tokens, grammar=grammar_text, temperature=temperature, limit=limit, fresh=not self.config.reuse_prefix
        )
        timing.output_tokens += len(out)
        return self.model.detokenize(out), finished

    # -- the Teacher interface -----------------------------------------------------------------

    def _judge_one(self, sentence: str) -> Judgement:
        timing = _Timing()
        common: dict[str, Any] = {"teacher_id": self.teacher_id, "prompt_version": self.prompt_version}
        try:
            probs = self.label_probs(sentence, timing)
        except ContextOverflow as exc:
            return Judgement.rejected(
                sentence,
                reason=RejectReason.TRUNCATED,
                detail=str(exc),
                usage=timing.usage(),
                **common,
            )
        label = Label(max(LABELS, key=lambda lab: probs[lab]))
        if self.config.mode is LlamaMode.LOGPROB:
            return Judgement.accepted(
                sentence,
                label=label,
                probs=probs,
                usage=timing.usage(),
                extra=self._extra(probs),
                **common,
            )

        grammar = reply_grammar(label=label.value, sentence=sentence, max_evidence_words=self.config.max_evidence_words)
        tokens = self.prompt_tokens(sentence)
        room = self.n_ctx - len(tokens)
        failure: Invalid | None = None
        raw = ""
        for attempt, temperature in enumerate((0.0, self.config.retry_temperature)):
            if attempt:
                self.model.set_seed(self.config.seed + attempt)
            reply, finished = self._generate(tokens, grammar, temperature, timing)
            raw = reply.decode("utf-8", errors="replace")
            if not finished:
                if room < self.config.max_new_tokens:  # the context is full: no retry helps
                    failure = Invalid(
                        RejectReason.TRUNCATED,
                        f"the reply overflows the context ({len(tokens)} prompt tokens, n_ctx={self.n_ctx})",
                    )
                    break
                failure = Invalid(RejectReason.TRUNCATED, f"no end after {self.config.max_new_tokens} tokens")
                continue
            try:
                reply.decode("utf-8")
            except UnicodeDecodeError as exc:
                failure = Invalid(RejectReason.INVALID_JSON, f"the reply is not UTF-8 ({exc.reason})")
                continue
            verdict = validate_raw(sentence, raw)
            if isinstance(verdict, Invalid):
                failure = verdict
                continue
            return Judgement.accepted(
                sentence,
                label=verdict.label,
                probs=probs,
                rationale=verdict.rationale,
                evidence=verdict.evidence,
                raw=raw,
                usage=timing.usage(),
                extra=self._extra(probs),
                **common,
            )
        assert failure is not None
        return Judgement.rejected(
            sentence,
            reason=failure.reason,
            detail=failure.detail,
            raw=raw,
            usage=timing.usage(),
            **common,
        )

    def judge(self, sentences: Sequence[str]) -> list[Judgement]:
        return [self._judge_one(s) for s in sentences]


def gguf_fingerprint(path: Path) -> str:
    """The first 8 hex digits of the file's sha256 (read once per teacher; a 4.9 GB GGUF takes
    a few seconds)."""
    h = hashlib.sha256()
    with Path(path).open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 23), b""):
            h.update(block)
    return h.hexdigest()[:8]


def pretokenizer_warning(metadata: dict[str, str]) -> str | None:
    """A warning for a BPE GGUF without ``tokenizer.ggml.pre``: llama.cpp then uses its default
    pre-tokenizer, which splits Llama 3 text differently from the model's training (numbers and
    contractions), so its prompts and label scores are off."""
    if metadata.get("tokenizer.ggml.model") != "gpt2" or metadata.get("tokenizer.ggml.pre"):
        return None
    return (
        "this BPE GGUF has no tokenizer.ggml.pre, so llama.cpp falls back to its default "
        "pre-tokenizer and tokenizes text differently from the model (old Llama 3 GGUFs, "
        "converted before llama.cpp b3000, have this bug). Download a newer conversion or "
        "re-convert it with llama.cpp's convert_hf_to_gguf.py."
    )


def calibrate(probs: dict[str, float], prior: dict[str, float]) -> dict[str, float]:
    """Contextual calibration: p(label) / prior(label), renormalised."""
    scaled = {lab: probs[lab] / max(prior[lab], 1e-12) for lab in LABELS}
    norm = sum(scaled.values())
    return {lab: v / norm for lab, v in scaled.items()}


def _common_prefix(a: Sequence[int], b: Sequence[int]) -> int:
    n = 0
    for x, y in zip(a, b, strict=False):
        if x != y:
            break
        n += 1
    return n
