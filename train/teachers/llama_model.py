"""A GGUF model through llama-cpp-python, behind one small class.

The local teacher needs more than llama-cpp-python's public API gives: the KV cache kept between
sentences (its ``_input_ids``, ``n_tokens``), the logits of any row of the last decode
(``llama_get_logits_ith`` on its context), decoding a few tokens ahead and dropping them from
the cache again (its ``_batch``, ``_ctx``, ``kv_cache_seq_rm``, ``_requires_eval``), token texts
(``_model``) and the end-of-generation check on the vocabulary. Every one of those accesses is
here, so an upgrade of llama-cpp-python that moves them breaks this module only.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from finlocal.errors import InputError, require
from finlocal.llama_build import warn_if_amx

#: The sampler settings of `LlamaModel.generate` (at temperature 0, greedy; they shape the
#: retry at the retry temperature).
SAMPLING: dict[str, float] = {"top_k": 40, "top_p": 0.95, "min_p": 0.05, "repeat_penalty": 1.0}


class LlamaModel:
    """One GGUF loaded with llama.cpp. Not thread-safe: one per thread."""

    def __init__(self, path: Path, *, n_ctx: int, n_batch: int, n_threads: int, n_gpu_layers: int, seed: int) -> None:
        llama_cpp = require("llama_cpp", "train", "The llama.cpp teacher")
        path = Path(path)
        if not path.is_file():
            raise InputError(
                f"{path}: no such GGUF file. Pass a local .gguf path, e.g. a Llama-3-8B-Instruct "
                "Q4_K_M download, or 'smollm2' / 'gemma3' for the PyPI-shipped models."
            )
        self._llama_cpp = llama_cpp
        warn_if_amx(llama_cpp)
        try:
            self.llm: Any = llama_cpp.Llama(
                model_path=str(path),
                n_ctx=n_ctx,
                n_batch=n_batch,
                n_threads=n_threads,
                n_threads_batch=n_threads,
                n_gpu_layers=n_gpu_layers,
                seed=seed,
                logits_all=False,
                verbose=False,
            )
        except ValueError as exc:  # llama-cpp-python's "Failed to load model from file"
            raise InputError(f"{path}: llama.cpp cannot load this GGUF ({exc})") from exc
        self._vocab = llama_cpp.llama_model_get_vocab(self.llm.model)

    # -- the model and its vocabulary ------------------------------------------------------------

    @property
    def metadata(self) -> dict[str, str]:
        """The GGUF's key/value metadata (chat template, architecture, tokenizer)."""
        return dict(self.llm.metadata)

    @property
    def n_ctx(self) -> int:
        return int(self.llm.n_ctx())

    def token_text(self, token: int) -> str:
        """A token's text as the vocabulary writes it ("" for no token, id < 0)."""
        return str(self.llm._model.token_get_text(token)) if token >= 0 else ""

    @property
    def bos_text(self) -> str:
        return self.token_text(self.llm.token_bos())

    @property
    def eos_text(self) -> str:
        return self.token_text(self.llm.token_eos())

    def tokenize(self, text: str, *, add_bos: bool = False, special: bool = True) -> list[int]:
        """``special=True`` makes template markers control tokens; ``special=False`` keeps a
        marker inside input text as text."""
        return list(self.llm.tokenize(text.encode("utf-8"), add_bos=add_bos, special=special))

    def is_special(self, token: int) -> bool:
        """Whether llama.cpp's tokenizer cuts ``token`` out of the text before the rest is
        tokenized (control, user-defined and unknown tokens): text on either side of it is
        tokenized as a fragment of its own."""
        lc = self._llama_cpp
        cut = lc.LLAMA_TOKEN_ATTR_CONTROL | lc.LLAMA_TOKEN_ATTR_USER_DEFINED | lc.LLAMA_TOKEN_ATTR_UNKNOWN
        return bool(int(lc.llama_vocab_get_attr(self._vocab, token)) & cut)

    def detokenize(self, tokens: Sequence[int]) -> bytes:
        return bytes(self.llm.detokenize(list(tokens)))

    def is_end(self, token: int) -> bool:
        """Does ``token`` end a generation (end of turn, end of text)?"""
        return bool(self._llama_cpp.llama_vocab_is_eog(self._vocab, token))

    def set_seed(self, seed: int) -> None:
        self.llm.set_seed(seed)

    def close(self) -> None:
        self.llm.close()

    # -- evaluation ----------------------------------------------------------------------------

    def eval_cached(self, tokens: list[int], *, reuse: bool) -> int:
        """Make the KV cache hold exactly ``tokens``, evaluating only what it does not hold yet
        (all of them when not ``reuse``); returns how many tokens were evaluated."""
        llm = self.llm
        keep = 0
        if reuse and llm.n_tokens > 0:
            keep = min(llm.longest_token_prefix(llm._input_ids, tokens), len(tokens) - 1)
        if keep == 0:
            llm.reset()
        llm.n_tokens = keep  # Llama.eval drops the cache from n_tokens on before decoding
        llm.eval(tokens[keep:])
        return len(tokens) - keep

    def logprobs(self, row: int) -> np.ndarray:
        """Log-softmax of the logits of output row ``row`` of the last decode (-1: last row)."""
        ptr = self._llama_cpp.llama_get_logits_ith(self.llm.ctx, row)
        logits = np.ctypeslib.as_array(ptr, shape=(self.llm.n_vocab(),)).astype(np.float64)
        top = logits.max()
        return logits - (top + math.log(np.exp(logits - top).sum()))

    def lookahead_logprobs(self, tokens: list[int], n_past: int) -> list[np.ndarray]:
        """Decode ``tokens`` after the first ``n_past`` cached ones, give the log-probs after
        each of them, then drop them from the cache again."""
        llm = self.llm
        llm._batch.set_batch(batch=tokens, n_past=n_past, logits_all=True)
        llm._ctx.decode(llm._batch)
        rows = [self.logprobs(i) for i in range(len(tokens))]
        llm._ctx.kv_cache_seq_rm(-1, n_past, -1)
        # The context's logits are now the lookahead's, not the cached prompt's: a generate
        # call on exactly the cached tokens must re-evaluate instead of sampling from them.
        llm._requires_eval = True
        return rows

    def generate(
        self, tokens: list[int], *, grammar: str | None, temperature: float, limit: int, fresh: bool
    ) -> tuple[list[int], bool]:
        """Up to ``limit`` tokens after ``tokens``, constrained by the GBNF ``grammar`` unless it is
        None; ``fresh`` empties the cache first. Returns the tokens and whether the model ended
        the reply itself (the end token is not included)."""
        llm = self.llm
        constraint = self._llama_cpp.LlamaGrammar.from_string(grammar, verbose=False) if grammar is not None else None
        if fresh:
            llm.reset()
        out: list[int] = []
        for token in llm.generate(
            tokens,
            temp=temperature,
            top_k=int(SAMPLING["top_k"]),
            top_p=SAMPLING["top_p"],
            min_p=SAMPLING["min_p"],
            repeat_penalty=SAMPLING["repeat_penalty"],
            grammar=constraint,
            reset=True,
        ):
            if self.is_end(token):
                return out, True
            out.append(token)
            if len(out) >= limit:
                break
        return out, False
