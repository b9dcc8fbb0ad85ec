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
from finlocal.predictions import LABELS
from finlocal.train.judgement import Judgement, Label, RejectReason, Usage
from finlocal.train.prompt import LABEL_LEAD_IN, Prompt, code_digest
from finlocal.train.teachers import grammar as _grammar
from finlocal.train.teachers.grammar import reply_grammar
from finlocal.train.validation import Invalid, validate_raw

from finlocal.errors import InputError, require

log = logging.getLogger(__name__)

_SENTINEL = "\u0001FINLOCAL-SENTENCE\u0001"


class LlamaMode(str, Enum):
    LOGPROB = "logprob"
    GENERATE = "generate"


class PromptFormat(str, Enum):
    """How the prompt's turns become text (``auto``: the GGUF's template when it has one,
    Gemma turns for a Gemma model without one, plain text otherwise)."""

    AUTO = "auto"
    TEMPLATE = "template"
    GEMMA = "gemma"
    PLAIN = "plain"


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


@dataclass(frozen=True)
class _Rendered:
    """A prompt format applied to the prompt: fixed prefix text, the user turn's content, then
    the template's closing text (``tail``: end of the user turn, start of the reply)."""

    prefix: str
    tail: str

    def suffix(self, user_text: str) -> str:
        return user_text + self.tail


class ContextOverflow(Exception):
    """A sentence's prompt (or prompt and reply) does not fit the context."""


def _messages(prompt: Prompt, user_text: str) -> list[dict[str, str]]:
    messages = [{"role": "system", "content": prompt.instructions}]
    for ex in prompt.examples:
        messages.append({"role": "user", "content": prompt.user(ex.sentence)})
        messages.append({"role": "assistant", "content": ex.reply()})
    messages.append({"role": "user", "content": user_text})
    return messages


def _fold_system(messages: list[dict[str, str]]) -> list[dict[str, str]]:
    """Merge the system message into the first user turn (for formats without a system role)."""
    system, first, *rest = messages
    merged = {"role": "user", "content": f"{system['content']}\n\n{first['content']}"}
    return [merged, *rest]


def _render_gemma(messages: list[dict[str, str]]) -> str:
    roles = {"user": "user", "assistant": "model"}
    turns = [
        f"<start_of_turn>{roles[m['role']]}\n{m['content']}<end_of_turn>\n"
        for m in _fold_system(messages)
    ]
    return "".join(turns) + "<start_of_turn>model\n"


def _render_plain(messages: list[dict[str, str]]) -> str:
    parts = [messages[0]["content"], ""]
    for m in messages[1:]:
        if m["role"] == "user":
            parts.append(m["content"])
        else:
            parts.append(f"Reply: {m['content']}\n")
    return "\n".join(parts) + "\nReply: "


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


class LlamaCppTeacher:
    """A `Teacher` on a GGUF model. Not thread-safe: one teacher per thread."""

    def __init__(self, config: LlamaConfig, prompt: Prompt | None = None) -> None:
        llama_cpp = require("llama_cpp", "train", "The llama.cpp teacher")
        path = Path(config.model_path)
        if not path.is_file():
            raise InputError(
                f"{path}: no such GGUF file. Pass a local .gguf path, e.g. a Llama-3-8B-Instruct "
                "Q4_K_M download, or 'smollm2' / 'gemma3' for the PyPI-shipped models."
            )
        self.config = config
        self.prompt = prompt or Prompt(few_shot=config.few_shot)
        self._llama_cpp = llama_cpp
        try:
            self.llm = llama_cpp.Llama(
                model_path=str(path),
                n_ctx=config.n_ctx,
                n_batch=config.n_batch,
                n_threads=config.n_threads,
                n_threads_batch=config.n_threads,
                n_gpu_layers=config.n_gpu_layers,
                seed=config.seed,
                logits_all=False,
                verbose=False,
            )
        except ValueError as exc:  # llama-cpp-python's "Failed to load model from file"
            raise InputError(f"{path}: llama.cpp cannot load this GGUF ({exc})") from exc
        self._vocab = llama_cpp.llama_model_get_vocab(self.llm.model)
        warning = pretokenizer_warning(self.llm.metadata)
        if warning:
            log.warning("%s: %s", path, warning)
        self.prompt_format = self._resolve_format(config.prompt_format)
        self._rendered = self._render()
        bos_id = self.llm.token_bos()
        bos_text = self.llm._model.token_get_text(bos_id) if bos_id >= 0 else ""
        add_bos = not (bos_text and self._rendered.prefix.startswith(bos_text))
        self._prefix_tokens = self._tokenize(self._rendered.prefix, add_bos=add_bos)
        self.n_ctx = self.llm.n_ctx()
        if len(self._prefix_tokens) + 64 > self.n_ctx:
            raise InputError(
                f"{path}: the fixed prompt is {len(self._prefix_tokens)} tokens, which leaves no "
                f"room for a sentence in n_ctx={self.n_ctx}; raise --n-ctx (e.g. to 4096)"
            )
        self.stats = {"evaluated_tokens": 0, "prompt_tokens": 0}
        self._content_free: dict[str, float] | None = None
        self._fingerprint = gguf_fingerprint(path)
        self._prompt_version = (
            f"{self.prompt.version}+llama-{layout_digest(config.max_evidence_words)}"
        )

    # -- identity ------------------------------------------------------------------------------

    @property
    def teacher_id(self) -> str:
        name = self.config.name or Path(self.config.model_path).stem
        cal = ":cal" if self.config.calibrate else ""
        mode = self.config.mode.value
        return f"llama:{name}@{self._fingerprint}:{self.prompt_format.value}:{mode}{cal}"

    @property
    def prompt_version(self) -> str:
        """The prompt's version plus a digest of the chat layout and evidence grammar code."""
        return self._prompt_version

    @property
    def chunk_size(self) -> int:
        return self.config.chunk_size

    def close(self) -> None:
        self.llm.close()

    # -- prompt --------------------------------------------------------------------------------

    def _resolve_format(self, fmt: PromptFormat) -> PromptFormat:
        if fmt is not PromptFormat.AUTO:
            return fmt
        if self.llm.metadata.get("tokenizer.chat_template"):
            return PromptFormat.TEMPLATE
        if self.llm.metadata.get("general.architecture", "").startswith("gemma"):
            return PromptFormat.GEMMA
        return PromptFormat.PLAIN

    def _render_text(self, messages: list[dict[str, str]]) -> str:
        if self.prompt_format is PromptFormat.GEMMA:
            return _render_gemma(messages)
        if self.prompt_format is PromptFormat.PLAIN:
            return _render_plain(messages)
        template = self.llm.metadata.get("tokenizer.chat_template")
        if not template:
            raise InputError(
                f"{self.config.model_path}: the GGUF has no chat template; "
                "choose --prompt-format gemma or plain"
            )
        from jinja2 import TemplateError
        from llama_cpp.llama_chat_format import Jinja2ChatFormatter

        bos, eos = self.llm.token_bos(), self.llm.token_eos()
        formatter = Jinja2ChatFormatter(
            template=template,
            bos_token=self.llm._model.token_get_text(bos) if bos >= 0 else "",
            eos_token=self.llm._model.token_get_text(eos) if eos >= 0 else "",
        )
        try:
            return formatter(messages=messages).prompt
        except (TemplateError, ValueError) as exc:  # e.g. raise_exception("no system role")
            log.info("chat template refused a system turn (%s); folding it into the user turn", exc)
            return formatter(messages=_fold_system(messages)).prompt

    def _render(self) -> _Rendered:
        text = self._render_text(_messages(self.prompt, _SENTINEL))
        at = text.find(_SENTINEL)
        if at < 0 or text.count(_SENTINEL) != 1:
            raise InputError("the prompt format lost the sentence placeholder; try another format")
        return _Rendered(prefix=text[:at], tail=text[at + len(_SENTINEL) :])

    def _tokenize(self, text: str, *, add_bos: bool = False, special: bool = True) -> list[int]:
        """Template text is tokenized with ``special=True`` (its markers become control
        tokens); text from the input with ``special=False`` (a marker in it stays text)."""
        return self.llm.tokenize(text.encode("utf-8"), add_bos=add_bos, special=special)

    def _suffix_tokens(self, sentence: str, lead_in: str = "") -> list[int]:
        """The user turn's content as plain text, then the template's tail (and ``lead_in``)."""
        user = self._tokenize(self.prompt.user(sentence), special=False)
        return user + self._tokenize(self._rendered.tail + lead_in)

    def prompt_tokens(self, sentence: str) -> list[int]:
        """The whole prompt for ``sentence``, up to where the reply starts."""
        return self._prefix_tokens + self._suffix_tokens(sentence)

    def prompt_text(self, sentence: str) -> str:
        return self._rendered.prefix + self._rendered.suffix(self.prompt.user(sentence))

    # -- low-level evaluation -------------------------------------------------------------------

    def _eval_shared(self, tokens: list[int], timing: _Timing) -> None:
        """Make the KV cache hold exactly ``tokens``, evaluating only what it does not hold."""
        llm = self.llm
        keep = 0
        if self.config.reuse_prefix and llm.n_tokens > 0:
            keep = min(llm.longest_token_prefix(llm._input_ids, tokens), len(tokens) - 1)
        if keep == 0:
            llm.reset()
        llm.n_tokens = keep  # Llama.eval drops the cache from n_tokens on before decoding
        llm.eval(tokens[keep:])
        timing.evaluated_tokens += len(tokens) - keep
        self.stats["evaluated_tokens"] += len(tokens) - keep
        self.stats["prompt_tokens"] += len(tokens)

    def _logprobs_at(self, i: int) -> np.ndarray:
        """Log-softmax of the logits of output row ``i`` of the last decode (-1: last row)."""
        ptr = self._llama_cpp.llama_get_logits_ith(self.llm.ctx, i)
        logits = np.ctypeslib.as_array(ptr, shape=(self.llm.n_vocab(),)).astype(np.float64)
        top = logits.max()
        return logits - (top + math.log(np.exp(logits - top).sum()))

    def _branch_logprob(
        self, first: np.ndarray, n_shared: int, branch: list[int], n_scored: int
    ) -> float:
        """log P(branch[:n_scored] | shared), ``first`` being the log-probs after the shared
        tokens; decodes branch[:n_scored-1] beyond the cache, reads the logits of each of its
        positions (``llama_get_logits_ith``), then drops them from the cache."""
        total = float(first[branch[0]])
        if n_scored > 1:
            llm = self.llm
            ahead = branch[: n_scored - 1]
            llm._batch.set_batch(batch=ahead, n_past=n_shared, logits_all=True)
            llm._ctx.decode(llm._batch)
            for i, token in enumerate(branch[1:n_scored]):
                total += float(self._logprobs_at(i)[token])
            llm._ctx.kv_cache_seq_rm(-1, n_shared, -1)
            # The context's logits are now the branch's, not the shared prompt's: a generate
            # call on exactly the shared tokens must re-evaluate instead of sampling from them.
            llm._requires_eval = True
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

    def raw_label_probs(self, sentence: str, timing: _Timing | None = None) -> dict[str, float]:
        """P(label) from the label tokens' log-probabilities after the reply's lead-in.

        Each label is scored on its tokens up to the first one no other label shares (with the
        closing quote, so ``neutral`` cannot win by being a prefix); when the labels differ at
        their first token, as with most tokenizers, that is a single forward pass.
        """
        timing = timing or _Timing()
        user = self._prefix_tokens + self._tokenize(self.prompt.user(sentence), special=False)
        tail = self._rendered.tail + LABEL_LEAD_IN
        full = {lab: user + self._tokenize(f'{tail}{lab}"') for lab in LABELS}
        seqs = list(full.values())
        n_shared = min(
            min(_common_prefix(seqs[0], other) for other in seqs[1:]),
            min(len(seq) for seq in seqs) - 1,
        )
        longest = max(len(seq) for seq in seqs)
        if longest > self.n_ctx:
            raise ContextOverflow(f"the prompt is {longest} tokens; n_ctx={self.n_ctx}")
        shared = full[LABELS[0]][:n_shared]
        self._eval_shared(shared, timing)
        timing.prompt_tokens = len(shared)
        first = self._logprobs_at(-1)
        branches = {lab: full[lab][n_shared:] for lab in LABELS}
        scores = {}
        for lab, branch in branches.items():
            common = max(
                (_common_prefix(branch, other) for o, other in branches.items() if o != lab),
                default=0,
            )
            scores[lab] = self._branch_logprob(first, n_shared, branch, min(len(branch), common + 1))
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
        llm = self.llm
        limit = min(self.config.max_new_tokens, self.n_ctx - len(tokens))
        if limit <= 0:
            return b"", False
        grammar = (
            self._llama_cpp.LlamaGrammar.from_string(grammar_text, verbose=False)
            if grammar_text is not None else None
        )
        if not self.config.reuse_prefix:
            llm.reset()
        out: list[int] = []
        finished = False
        for token in llm.generate(
            tokens, temp=temperature, top_k=40, top_p=0.95, min_p=0.05,
            repeat_penalty=1.0, grammar=grammar, reset=True,
        ):
            if self._llama_cpp.llama_vocab_is_eog(self._vocab, token):
                finished = True
                break
            out.append(token)
            if len(out) >= limit:
                break
        timing.output_tokens += len(out)
        return llm.detokenize(out), finished

    # -- the Teacher interface -----------------------------------------------------------------

    def _judge_one(self, sentence: str) -> Judgement:
        timing = _Timing()
        common: dict[str, Any] = {"teacher_id": self.teacher_id, "prompt_version": self.prompt_version}
        try:
            probs = self.label_probs(sentence, timing)
        except ContextOverflow as exc:
            return Judgement.rejected(
                sentence, reason=RejectReason.TRUNCATED, detail=str(exc), usage=timing.usage(),
                **common,
            )
        label = Label(max(LABELS, key=lambda lab: probs[lab]))
        if self.config.mode is LlamaMode.LOGPROB:
            return Judgement.accepted(
                sentence, label=label, probs=probs, usage=timing.usage(),
                extra=self._extra(probs), **common,
            )

        grammar = reply_grammar(
            label=label.value, sentence=sentence, max_evidence_words=self.config.max_evidence_words
        )
        tokens = self.prompt_tokens(sentence)
        room = self.n_ctx - len(tokens)
        failure: Invalid | None = None
        raw = ""
        for attempt, temperature in enumerate((0.0, self.config.retry_temperature)):
            if attempt:
                self.llm.set_seed(self.config.seed + attempt)
            reply, finished = self._generate(tokens, grammar, temperature, timing)
            raw = reply.decode("utf-8", errors="replace")
            if not finished:
                if room < self.config.max_new_tokens:  # the context is full: no retry helps
                    failure = Invalid(
                        RejectReason.TRUNCATED,
                        f"the reply overflows the context ({len(tokens)} prompt tokens, "
                        f"n_ctx={self.n_ctx})",
                    )
                    break
                failure = Invalid(
                    RejectReason.TRUNCATED, f"no end after {self.config.max_new_tokens} tokens"
                )
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
                sentence, label=verdict.label, probs=probs, rationale=verdict.rationale,
                evidence=verdict.evidence, raw=raw, usage=timing.usage(),
                extra=self._extra(probs), **common,
            )
        assert failure is not None
        return Judgement.rejected(
            sentence, reason=failure.reason, detail=failure.detail, raw=raw,
            usage=timing.usage(), **common,
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


def layout_digest(max_evidence_words: int = 8) -> str:
    """A digest of the code that lays out a local teacher's prompt and constrains its reply: the
    chat formats and the evidence grammar. Part of `LlamaCppTeacher.prompt_version`."""
    return code_digest(
        f"max_evidence_words={max_evidence_words}",
        _messages, _fold_system, _render_gemma, _render_plain, _Rendered,
        LlamaCppTeacher._render, LlamaCppTeacher._render_text, LlamaCppTeacher._suffix_tokens,
        _grammar.reply_grammar, _grammar.evidence_rules, _grammar.schema_gbnf,
        _grammar._WORD.pattern, _grammar.JSON_CHAR_RULE,
    )


def calibrate(probs: dict[str, float], prior: dict[str, float]) -> dict[str, float]:
    """Contextual calibration: p(label) / prior(label), renormalised."""
    scaled = {lab: probs[lab] / max(prior[lab], 1e-12) for lab in LABELS}
    norm = sum(scaled.values())
    return {lab: v / norm for lab, v in scaled.items()}


def _common_prefix(a: Sequence[int], b: Sequence[int]) -> int:
    n = 0
    for x, y in zip(a, b):
        if x != y:
            break
        n += 1
    return n

