"""The int8 ONNX student at run time: finding the model directory and running it.

`OnnxClassifier` implements the `Classifier` protocol with onnxruntime and a Hugging Face
``tokenizers`` file only (no torch). Texts are tokenized once without special tokens; a text
longer than the model's ``max_length`` becomes several overlapping windows. All windows of a call
are sorted by length and run in batches padded to the longest window of the batch (dynamic
padding). A text's probabilities are the mean over its windows; a token's evidence probability is
the mean over the windows that contain it, and evidence tokens are merged into word spans mapped
back to character offsets with the tokenizer's offsets.
"""

from __future__ import annotations

import logging
import os
import time
from collections.abc import Sequence
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from finlocal.changes.hint import HintKind, hint_text
from finlocal.errors import ModelError
from finlocal.manifest import MANIFEST_NAME, Manifest, read_manifest
from finlocal.metrics import softmax
from finlocal.predictions import Prediction, Span
from finlocal.spans import WORD_JOINERS, merge_spans

if TYPE_CHECKING:
    from onnxruntime import InferenceSession
    from tokenizers import Encoding, Tokenizer

log = logging.getLogger(__name__)

ENV_MODEL = "FINLOCAL_MODEL"
#: Share of a window that overlaps the previous one when a text is longer than max_length.
WINDOW_OVERLAP = 0.25


def bundled_model_dir() -> Path:
    """Where the model shipped with the package lives (it may be absent)."""
    return Path(str(resources.files("finlocal") / "models" / "default"))


def resolve_model_dir(model: Path | None = None) -> Path:
    """The model directory to use: ``--model``, else ``$FINLOCAL_MODEL``, else the bundled one."""
    if model is not None:
        return Path(model)
    env = os.environ.get(ENV_MODEL)
    if env:
        return Path(env)
    bundled = bundled_model_dir()
    if not (bundled / MANIFEST_NAME).is_file():
        raise ModelError(
            "no default model is installed (finlocal/models/default/ has no finlocal.json); "
            f"pass --model DIR or set {ENV_MODEL}=DIR to use a finlocal model directory"
        )
    return bundled


def default_threads() -> int:
    """The cores this process may run on (its CPU affinity), else the machine's core count."""
    try:
        return len(os.sched_getaffinity(0)) or 1
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def limit_tokenizer_threads(threads: int | None) -> None:
    """Make the tokenizer (Rust, rayon) use at most ``threads`` threads too.

    Rayon reads ``RAYON_NUM_THREADS`` once, when its pool starts, so call this before the first
    tokenization. Only the CLI calls it: changing the environment is the application's choice.
    """
    if threads:
        os.environ.setdefault("RAYON_NUM_THREADS", str(threads))


@dataclass(frozen=True)
class _Window:
    text: int  # index of the text in the call
    first: int  # index of the first content token
    ids: np.ndarray  # token ids with special tokens (and the hint, for a hint model)
    n_content: int  # how many of them are the text's own tokens


def _sigmoid(x: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-np.clip(x, -50, 50)))


class OnnxClassifier:
    """A finlocal model directory loaded with onnxruntime; see the module docstring."""

    def __init__(self, model_dir: Path, manifest: Manifest, session: InferenceSession, tokenizer: Tokenizer) -> None:
        self.model_dir = Path(model_dir)
        self.manifest = manifest
        self._session = session
        self._tokenizer = tokenizer
        inputs = {i.name for i in session.get_inputs()}
        outputs = {o.name for o in session.get_outputs()}
        missing = {"input_ids", "attention_mask"} - inputs
        if missing or "logits" not in outputs:
            raise ModelError(
                f"{self.model_dir / manifest.model_file}: expected inputs input_ids, attention_mask "
                f"and output logits; found inputs {sorted(inputs)}, outputs {sorted(outputs)}"
            )
        if manifest.has_evidence and "evidence_logits" not in outputs:
            raise ModelError(
                f"{self.model_dir}: the manifest lists an evidence head but the ONNX graph has no "
                "'evidence_logits' output; re-export the model"
            )
        width = next(o.shape for o in session.get_outputs() if o.name == "logits")[-1]
        if isinstance(width, int) and width != len(manifest.labels):
            raise ModelError(
                f"{self.model_dir}: the ONNX graph gives {width} logits but the manifest lists "
                f"{len(manifest.labels)} labels {list(manifest.labels)}; re-export the model"
            )
        self._uses_token_types = "token_type_ids" in inputs
        self._output_names = ["logits"] + (["evidence_logits"] if manifest.has_evidence else [])
        # special tokens around a single sequence, read from the tokenizer's post-processor
        empty = tokenizer.encode("", add_special_tokens=True)
        lead = _count_leading(empty.special_tokens_mask)
        self._prefix = np.array(empty.ids[:lead], np.int64)
        self._suffix = np.array(empty.ids[lead:], np.int64)
        self._content_len = manifest.max_length - len(self._prefix) - len(self._suffix)
        # a hint model reads the tokenizer's own pair template: what stands between the sentence
        # and the hint ("[SEP]", "</s></s>") and after the hint, read from encoding a pair
        self._pair_middle, self._pair_tail = _pair_specials(tokenizer, self._suffix)
        if self._content_len < 4:
            raise ModelError(f"{self.model_dir}: max_length {manifest.max_length} is too small")
        self._pad_id = _pad_id(tokenizer)

    # ---------------------------------------------------------------- loading

    @classmethod
    def load(cls, model_dir: Path, threads: int | None = None) -> OnnxClassifier:
        """Read and verify the manifest, then open the ONNX session and the tokenizer."""
        import onnxruntime as ort
        from tokenizers import Tokenizer

        model_dir = Path(model_dir)
        manifest = read_manifest(model_dir, verify=True)
        options = ort.SessionOptions()
        options.intra_op_num_threads = threads or default_threads()
        options.inter_op_num_threads = 1
        options.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
        options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
        options.log_severity_level = 3
        model_path = model_dir / manifest.model_file
        try:
            session = ort.InferenceSession(str(model_path), sess_options=options, providers=["CPUExecutionProvider"])
        except Exception as exc:  # onnxruntime raises its own pybind exception types
            raise ModelError(f"{model_path}: onnxruntime cannot load it ({exc})") from exc
        tokenizer_path = model_dir / manifest.tokenizer_file
        try:
            tokenizer = Tokenizer.from_file(str(tokenizer_path))
        except Exception as exc:  # tokenizers raises a plain Exception
            raise ModelError(f"{tokenizer_path}: not a valid tokenizers file ({exc})") from exc
        tokenizer.no_truncation()
        tokenizer.no_padding()
        log.debug("loaded %s (%s) with %d threads", manifest.name, model_dir, options.intra_op_num_threads)
        return cls(model_dir, manifest, session, tokenizer)

    # ---------------------------------------------------------------- protocol

    @property
    def labels(self) -> tuple[str, ...]:
        return self.manifest.labels

    @property
    def max_length(self) -> int:
        return self.manifest.max_length

    @property
    def has_evidence(self) -> bool:
        return self.manifest.has_evidence

    @property
    def name(self) -> str:
        return self.manifest.name

    @property
    def size_bytes(self) -> int:
        """Bytes on disk of the files the manifest lists (model, tokenizer, card)."""
        return sum(
            (self.model_dir / name).stat().st_size for name in self.manifest.files if (self.model_dir / name).is_file()
        )

    @property
    def mask_token(self) -> str | None:
        """The tokenizer's mask token (for occlusion), else its unknown token, else None."""
        for token in ("[MASK]", "<mask>", "[UNK]", "<unk>"):
            if self._tokenizer.token_to_id(token) is not None:
                return token
        return None

    def predict(self, texts: Sequence[str], *, batch_size: int = 32) -> list[Prediction]:
        """Predict every text, in input order; see the module docstring for long texts."""
        run = self._run(texts, batch_size)
        predictions = []
        for i, text in enumerate(texts):
            probs = run.probs[i]
            label = self.labels[int(np.argmax(probs))]
            evidence = self._evidence(text, run, i) if self.has_evidence else ()
            predictions.append(
                Prediction(
                    label=label,
                    scores={name: float(p) for name, p in zip(self.labels, probs, strict=True)},
                    evidence=evidence,
                    tokenize_ms=run.tokenize_ms[i],
                    inference_ms=run.inference_ms[i],
                )
            )
        return predictions

    def probabilities(self, texts: Sequence[str], *, batch_size: int = 32) -> np.ndarray:
        """Calibrated probabilities [n, n_labels] in label order."""
        return self._run(texts, batch_size).probs

    # ---------------------------------------------------------------- internals

    def _run(self, texts: Sequence[str], batch_size: int) -> _Run:
        batch_size = max(1, int(batch_size))
        n = len(texts)
        t0 = time.perf_counter()
        encodings = self._tokenizer.encode_batch(list(texts), add_special_tokens=False) if n else []
        hints = self._hints(texts)
        tokenize_total = (time.perf_counter() - t0) * 1000
        windows: list[_Window] = []
        for i, enc in enumerate(encodings):
            ids = np.asarray(enc.ids, dtype=np.int64)
            # a hint model reads "[CLS] sentence [SEP] hint [SEP]" (the pair encoding it learnt on)
            hint = hints[i]
            tail = self._suffix if hint is None else np.concatenate([self._pair_middle, hint, self._pair_tail])
            size = max(4, self._content_len - (len(tail) - len(self._suffix)))
            for first in _window_starts(len(ids), size):
                content = ids[first : first + size]
                windows.append(_Window(i, first, np.concatenate([self._prefix, content, tail]), len(content)))
        n_labels = len(self.labels)
        probs_sum = np.zeros((n, n_labels), np.float64)
        n_windows = np.zeros(n, np.int64)
        evidence_sum = [np.zeros(len(enc.ids), np.float64) for enc in encodings]
        evidence_n = [np.zeros(len(enc.ids), np.int64) for enc in encodings]
        inference_ms = np.zeros(n, np.float64)
        order = sorted(range(len(windows)), key=lambda w: len(windows[w].ids))
        for b in range(0, len(order), batch_size):
            batch = [windows[w] for w in order[b : b + batch_size]]
            width = max(len(w.ids) for w in batch)
            input_ids = np.full((len(batch), width), self._pad_id, np.int64)
            attention = np.zeros((len(batch), width), np.int64)
            for r, w in enumerate(batch):
                input_ids[r, : len(w.ids)] = w.ids
                attention[r, : len(w.ids)] = 1
            feeds = {"input_ids": input_ids, "attention_mask": attention}
            if self._uses_token_types:
                feeds["token_type_ids"] = np.zeros_like(input_ids)
            t1 = time.perf_counter()
            outputs = self._session.run(self._output_names, feeds)
            share = (time.perf_counter() - t1) * 1000 / len(batch)
            logits = outputs[0].astype(np.float64)
            probs = softmax(logits, self.manifest.temperature)
            token_probs = _sigmoid(outputs[1].astype(np.float64)) if self.has_evidence else None
            lead = len(self._prefix)
            for r, w in enumerate(batch):
                probs_sum[w.text] += probs[r]
                n_windows[w.text] += 1
                inference_ms[w.text] += share
                if token_probs is not None:
                    k = w.n_content
                    evidence_sum[w.text][w.first : w.first + k] += token_probs[r, lead : lead + k]
                    evidence_n[w.text][w.first : w.first + k] += 1
        denom = np.maximum(n_windows, 1)[:, None]
        evidence = [s / np.maximum(c, 1) for s, c in zip(evidence_sum, evidence_n, strict=True)]
        per_text_tokenize = [tokenize_total / n] * n if n else []
        return _Run(
            probs=probs_sum / denom,
            encodings=encodings,
            evidence=evidence,
            tokenize_ms=per_text_tokenize,
            inference_ms=inference_ms.tolist(),
        )

    def _hints(self, texts: Sequence[str]) -> list[np.ndarray | None]:
        """Each text's hint tokens (`finlocal.changes.hint`), or None (no hint, or no hint model)."""
        kind = HintKind(self.manifest.hint)
        if kind is HintKind.NONE:
            return [None] * len(texts)
        out: list[np.ndarray | None] = []
        for text in texts:
            hint = hint_text(text, kind)
            ids = None if hint is None else self._tokenizer.encode(hint, add_special_tokens=False).ids
            out.append(None if not ids else np.asarray(ids[: self._content_len // 2], np.int64))
        return out

    def _evidence(self, text: str, run: _Run, i: int) -> tuple[Span, ...]:
        probs = run.evidence[i]
        threshold = self.manifest.evidence_threshold
        if not len(probs) or probs.max() < threshold:
            return ()
        enc = run.encodings[i]
        # a word is evidence when the mean probability of its tokens passes the threshold
        words = np.array([-1 if w is None else w for w in enc.word_ids], np.int64)
        words = np.where(words < 0, words.max(initial=0) + 1 + np.arange(len(words)), words)
        n_words = int(words.max()) + 1
        mean = np.bincount(words, probs, n_words) / np.maximum(np.bincount(words, None, n_words), 1)
        offsets = np.asarray(enc.offsets, np.int64).reshape(-1, 2)
        starts = np.full(n_words, len(text), np.int64)
        ends = np.zeros(n_words, np.int64)
        np.minimum.at(starts, words, offsets[:, 0])
        np.maximum.at(ends, words, offsets[:, 1])
        chosen = sorted(
            _whole_word(text, int(starts[w]), int(ends[w]))
            for w in np.flatnonzero(mean >= threshold)
            if ends[w] > starts[w]
        )
        return tuple(Span(s, e, text[s:e]) for s, e in merge_spans(text, chosen, joiners=WORD_JOINERS))


@dataclass(frozen=True)
class _Run:
    probs: np.ndarray
    encodings: list[Encoding]
    evidence: list[np.ndarray]
    tokenize_ms: list[float]
    inference_ms: list[float]


_OPENERS = "([{\"'“‘"
_CLOSERS = ")]}\"'”’.,;:!?"


def _whole_word(text: str, start: int, end: int) -> tuple[int, int]:
    """Widen a span to whole whitespace-separated words ("7" of "7.5" -> "7.5"), without the
    punctuation around them ("profit," -> "profit"). A span of punctuation only stays as it is."""
    if not any(c.isalnum() for c in text[start:end]):
        return start, end
    first, last = start, end
    while start > 0 and not text[start - 1].isspace():
        start -= 1
    while end < len(text) and not text[end].isspace():
        end += 1
    while start < first and text[start] in _OPENERS:
        start += 1
    while end > last and text[end - 1] in _CLOSERS:
        end -= 1
    return start, end


def _pair_specials(tokenizer: Tokenizer, suffix: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The special tokens a pair encoding puts between its two texts and after the second
    ("[SEP]" and "[SEP]" for BERT, "</s></s>" and "</s>" for RoBERTa); the single-text suffix
    for both when the tokenizer has no pair template."""
    try:
        pair = tokenizer.encode("a", "b", add_special_tokens=True)
    except Exception:  # noqa: BLE001 - tokenizers raises a plain Exception without a pair template
        return suffix, suffix
    seq = pair.sequence_ids
    first = [i for i, s in enumerate(seq) if s == 0]
    second = [i for i, s in enumerate(seq) if s == 1]
    if not first or not second:
        return suffix, suffix
    ids = np.asarray(pair.ids, np.int64)
    return ids[first[-1] + 1 : second[0]], ids[second[-1] + 1 :]


def _window_starts(n_tokens: int, size: int) -> list[int]:
    """Start indices of overlapping windows of ``size`` tokens covering ``n_tokens``."""
    if n_tokens <= size:
        return [0]
    step = max(1, int(size * (1 - WINDOW_OVERLAP)))
    starts = list(range(0, n_tokens - size, step))
    starts.append(n_tokens - size)
    return starts


def _count_leading(mask: Sequence[int]) -> int:
    """How many special tokens come before the content in an encoding of the empty string.

    For BERT ([CLS] [SEP]) and RoBERTa (<s> </s>) the post-processor puts exactly one token on
    each side; an encoding of "" cannot tell where the content goes, so split evenly.
    """
    return (len(mask) + 1) // 2


def _pad_id(tokenizer: Tokenizer) -> int:
    padding = tokenizer.padding
    if padding and padding.get("pad_id") is not None:
        return int(padding["pad_id"])
    for token in ("[PAD]", "<pad>"):
        tid = tokenizer.token_to_id(token)
        if tid is not None:
            return int(tid)
    return 0
