"""Fixtures for the teacher tests: tiny random-weight llama GGUFs (a few hundred KB) written once
per session with the `gguf` package.

SentencePiece-style vocabulary: control tokens, the ASCII byte-fallback tokens, printable ASCII,
the ChatML markers as control tokens, and the label words with every prefix (so llama.cpp's
SPM merges can reach them). Two layers, hidden 32, two heads; float32 weights from a seeded RNG.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest

CHATML = (
    "{% for message in messages %}<|im_start|>{{ message['role'] }}\n"
    "{{ message['content'] }}<|im_end|>\n{% endfor %}"
    "{% if add_generation_prompt %}<|im_start|>assistant\n{% endif %}"
)

N_EMBD, N_HEAD, N_FF, N_LAYER, N_CTX = 32, 2, 64, 2, 4096


def _vocab() -> tuple[list[str], list[float], list[int]]:
    from gguf import TokenType

    tokens: list[str] = ["<unk>", "<s>", "</s>", "<|im_start|>", "<|im_end|>"]
    types = [TokenType.UNKNOWN, TokenType.CONTROL, TokenType.CONTROL, TokenType.CONTROL, TokenType.CONTROL]
    # ASCII byte-fallback tokens only: a random model could otherwise emit byte sequences that
    # are not UTF-8, which the teacher (rightly) rejects; the test inputs are ASCII.
    tokens += [f"<0x{b:02X}>" for b in range(128)]
    types += [TokenType.BYTE] * 128
    pieces: list[str] = []
    for c in range(0x21, 0x7F):
        pieces.append(chr(c))
    pieces.append("\u2581")
    for word in ("negative", "neutral", "positive", "label", "rationale", "evidence", "Sentence"):
        for w in (word, "\u2581" + word):
            for i in range(2, len(w) + 1):
                pieces.append(w[:i])
    seen: set[str] = set(tokens)
    for piece in pieces:
        if piece not in seen:
            seen.add(piece)
            tokens.append(piece)
            types.append(TokenType.NORMAL)
    scores = [0.0 if t != TokenType.NORMAL else float(len(tok)) for tok, t in zip(tokens, types, strict=True)]
    return tokens, scores, [int(t) for t in types]


def _byte_level_vocab() -> list[str]:
    """GPT-2's byte-to-unicode table: one BPE token per byte."""
    printable = [*range(ord("!"), ord("~") + 1), *range(0xA1, 0xAD), *range(0xAE, 0x100)]
    out, extra = {}, 0
    for b in range(256):
        if b in printable:
            out[b] = chr(b)
        else:
            out[b] = chr(256 + extra)
            extra += 1
    return [out[b] for b in range(256)]


def write_tiny_llama(
    path: Path,
    *,
    chat_template: str | None = CHATML,
    seed: int = 0,
    bpe_pre: str | None = None,
    bpe: bool = False,
) -> Path:
    """Write the model to ``path`` and return it. ``bpe``: a byte-level BPE ("gpt2") tokenizer
    like Llama 3's, with ``tokenizer.ggml.pre`` set to ``bpe_pre`` (absent when None)."""
    import gguf

    if bpe:
        from gguf import TokenType

        tokens = [*_byte_level_vocab(), "<|begin_of_text|>", "<|eot_id|>"]
        types = [int(TokenType.NORMAL)] * 256 + [int(TokenType.CONTROL)] * 2
        scores = [0.0] * len(tokens)
    else:
        tokens, scores, types = _vocab()
    n_vocab = len(tokens)
    rng = np.random.default_rng(seed)

    def w(*shape: int, scale: float = 0.2) -> np.ndarray:
        return (rng.standard_normal(shape) * scale).astype(np.float32)

    writer = gguf.GGUFWriter(str(path), "llama")
    writer.add_name("finlocal-tiny-llama")
    writer.add_context_length(N_CTX)
    writer.add_embedding_length(N_EMBD)
    writer.add_block_count(N_LAYER)
    writer.add_feed_forward_length(N_FF)
    writer.add_head_count(N_HEAD)
    writer.add_head_count_kv(N_HEAD)
    writer.add_rope_dimension_count(N_EMBD // N_HEAD)
    writer.add_layer_norm_rms_eps(1e-5)
    writer.add_file_type(gguf.LlamaFileType.ALL_F32)
    if bpe:
        writer.add_tokenizer_model("gpt2")
        if bpe_pre:
            writer.add_tokenizer_pre(bpe_pre)
        writer.add_token_list(tokens)
        writer.add_token_types(types)
        writer.add_token_merges(["\u0120 t"])
        writer.add_bos_token_id(256)
        writer.add_eos_token_id(257)
    else:
        writer.add_tokenizer_model("llama")
        writer.add_token_list(tokens)
        writer.add_token_scores(scores)
        writer.add_token_types(types)
        writer.add_unk_token_id(0)
        writer.add_bos_token_id(1)
        writer.add_eos_token_id(4 if chat_template else 2)
        writer.add_add_bos_token(True)
    if chat_template:
        writer.add_chat_template(chat_template)

    writer.add_tensor("token_embd.weight", w(n_vocab, N_EMBD, scale=1.0))
    writer.add_tensor("output_norm.weight", np.ones(N_EMBD, dtype=np.float32))
    writer.add_tensor("output.weight", w(n_vocab, N_EMBD))
    for i in range(N_LAYER):
        writer.add_tensor(f"blk.{i}.attn_norm.weight", np.ones(N_EMBD, dtype=np.float32))
        for name in ("attn_q", "attn_k", "attn_v", "attn_output"):
            writer.add_tensor(f"blk.{i}.{name}.weight", w(N_EMBD, N_EMBD))
        writer.add_tensor(f"blk.{i}.ffn_norm.weight", np.ones(N_EMBD, dtype=np.float32))
        writer.add_tensor(f"blk.{i}.ffn_gate.weight", w(N_FF, N_EMBD))
        writer.add_tensor(f"blk.{i}.ffn_up.weight", w(N_FF, N_EMBD))
        writer.add_tensor(f"blk.{i}.ffn_down.weight", w(N_EMBD, N_FF))
    writer.write_header_to_file()
    writer.write_kv_data_to_file()
    writer.write_tensors_to_file()
    writer.close()
    return path


@pytest.fixture(scope="session")
def tiny_gguf(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A tiny llama GGUF with a ChatML chat template."""
    pytest.importorskip("gguf")
    return write_tiny_llama(tmp_path_factory.mktemp("gguf") / "tiny-chat.gguf")


@pytest.fixture(scope="session")
def tiny_gguf_base(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The same architecture without a chat template (like Gemma 3 270M base)."""
    pytest.importorskip("gguf")
    path = tmp_path_factory.mktemp("gguf") / "tiny-base.gguf"
    return write_tiny_llama(path, chat_template=None, seed=1)


@pytest.fixture
def write_gguf() -> Callable[..., Path]:
    """`write_tiny_llama`, for tests that need a model of their own."""
    pytest.importorskip("gguf")
    return write_tiny_llama


@pytest.fixture(scope="session")
def tiny_gguf_bpe_without_pre(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A byte-level BPE GGUF without ``tokenizer.ggml.pre`` (like an old Llama 3 conversion)."""
    pytest.importorskip("gguf")
    path = tmp_path_factory.mktemp("gguf") / "tiny-bpe-nopre.gguf"
    return write_tiny_llama(path, chat_template=None, bpe=True)


@pytest.fixture(scope="session")
def tiny_gguf_bpe(tmp_path_factory: pytest.TempPathFactory) -> Path:
    pytest.importorskip("gguf")
    path = tmp_path_factory.mktemp("gguf") / "tiny-bpe.gguf"
    return write_tiny_llama(path, chat_template=None, bpe=True, bpe_pre="llama-bpe")


@pytest.fixture
def sentences() -> tuple[str, ...]:
    return (
        "Operating profit rose to EUR 13.1 mn from EUR 8.7 mn in the corresponding period.",
        "The company said it would lay off 45 employees at the Oulu site.",
        "The board proposes a dividend of EUR 0.40 per share.",
        'Sales "increased" by 4 % \\ year on year.',
    )
