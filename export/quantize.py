"""int8 dynamic quantization, with the settings chosen by measurement.

`candidates` lists the settings tried (graph fusion on/off × per-channel × reduce-range × which
op types); `measure` quantizes the fp32 graph with each, scores the validation portion and times
it; `choose` keeps the settings that pass the parity gate against PyTorch and, among those whose
label agreement is within `AGREEMENT_SLACK` of the best, takes the fastest at batch 32.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import numpy as np

from finlocal.export.parity import MAX_F1_DROP, MIN_AGREEMENT, Batch, ParityReport, by_length, compare, onnx_logits

log = logging.getLogger(__name__)

AGREEMENT_SLACK = 0.005


@dataclass(frozen=True)
class QuantSettings:
    fuse: bool  # onnxruntime.transformers graph fusion (attention, LayerNorm, GELU) first
    per_channel: bool
    reduce_range: bool
    op_types: tuple[str, ...]  # ONNX op types to quantize
    keep_fp32: tuple[str, ...] = ()  # node-name prefixes left in fp32 (e.g. "/classifier")

    @property
    def name(self) -> str:
        parts = [
            "fused" if self.fuse else "plain",
            "perchannel" if self.per_channel else "pertensor",
            "reduced" if self.reduce_range else "fullrange",
            "+".join(self.op_types),
        ]
        if self.keep_fp32:
            parts.append("fp32:" + "+".join(p.strip("/").replace("/", ".") for p in self.keep_fp32))
        return "-".join(parts)


@dataclass(frozen=True)
class Trial:
    settings: QuantSettings
    size_bytes: int
    parity: ParityReport
    p50_ms_batch1: float | None  # timed only when the parity gate passes
    sentences_per_s_batch32: float | None

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.settings.name,
            "settings": asdict(self.settings),
            "size_bytes": self.size_bytes,
            "parity": self.parity.to_dict(),
            "p50_ms_batch1": self.p50_ms_batch1,
            "sentences_per_s_batch32": self.sentences_per_s_batch32,
        }


def candidates() -> list[QuantSettings]:
    """Every combination of fusion, per-channel and reduce-range with MatMul + Gather (embedding)
    quantization, plus one that keeps the embeddings in fp32 (MatMul only) and one that keeps
    the label and evidence heads in fp32.

    Which setting wins depends on the model and the CPU, hence measuring. For MiniLM-L6 on an
    AVX2 machine (bench/results/quantization.json) only per-channel, full-range weights on the
    plain graph kept ≥ 99 % label agreement; reduce-range (7-bit weights) and per-tensor scales
    lost 1–5 points of agreement, and the fused graph keeps its embeddings in fp32
    (EmbedLayerNormalization is not a Gather), tripling the size.
    """
    out = [
        QuantSettings(fuse, per_channel, reduce_range, ("MatMul", "Gather"))
        for fuse in (False, True)
        for per_channel in (False, True)
        for reduce_range in (False, True)
    ]
    out.append(QuantSettings(True, True, True, ("MatMul",)))
    # The heads feed the logits directly and cost nothing to keep in fp32.
    out.append(QuantSettings(False, True, False, ("MatMul", "Gather"), ("/classifier", "/evidence")))
    return out


def fuse_graph(fp32: Path, out: Path, *, num_heads: int, hidden_size: int) -> Path:
    """Offline BERT fusions from onnxruntime.transformers (Attention, SkipLayerNorm, Gelu...)."""
    from onnxruntime.transformers.optimizer import optimize_model

    optimized = optimize_model(str(fp32), model_type="bert", num_heads=num_heads,
                               hidden_size=hidden_size, opt_level=1)
    optimized.save_model_to_file(str(out))
    return out


def quantize(fp32: Path, out: Path, settings: QuantSettings) -> Path:
    from onnx import TensorProto
    from onnxruntime.quantization import QuantType, quantize_dynamic

    exclude = None
    if settings.keep_fp32:
        import onnx

        graph = onnx.load(str(fp32), load_external_data=False).graph
        exclude = [n.name for n in graph.node if n.name.startswith(settings.keep_fp32)]
    with _quiet_root_logger():
        quantize_dynamic(
            str(fp32), str(out),
            op_types_to_quantize=list(settings.op_types),
            per_channel=settings.per_channel,
            reduce_range=settings.reduce_range,
            weight_type=QuantType.QInt8,
            nodes_to_exclude=exclude,
            # Only weight MatMuls (activation × activation attention products stay fp32); fused
            # contrib ops defeat ONNX shape inference, so name the default float type explicitly.
            extra_options={"MatMulConstBOnly": True, "DefaultTensorType": TensorProto.FLOAT},
        )
    return out


@contextmanager
def _quiet_root_logger() -> Iterator[None]:
    """onnxruntime.quantization logs advice ("consider pre-processing") and per-tensor notes on
    the root logger; keep them out of the user's terminal unless --debug."""
    root = logging.getLogger()
    level = root.level
    if level > logging.DEBUG:
        root.setLevel(logging.ERROR)
    try:
        yield
    finally:
        root.setLevel(level)


def session(path: Path, threads: int) -> Any:
    import onnxruntime as ort

    opts = ort.SessionOptions()
    opts.intra_op_num_threads = threads
    opts.inter_op_num_threads = 1
    opts.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
    # No busy-waiting between ops: on shared cores spinning threads starve each other.
    opts.add_session_config_entry("session.intra_op.allow_spinning", "0")
    return ort.InferenceSession(str(path), opts, providers=["CPUExecutionProvider"])


def timings(sess: Any, batch: Batch, *, n_single: int = 50, repeats: int = 2) -> tuple[float, float]:
    """(p50 ms at batch 1 over the first ``n_single`` rows, sentences/s at batch 32 with rows
    sorted by length as the runtime batches them)."""
    single = []
    for i in range(min(n_single, len(batch.input_ids))):
        one = Batch(batch.input_ids[i : i + 1], batch.attention_mask[i : i + 1])
        t0 = time.perf_counter()
        onnx_logits(sess, one, batch_size=1)
        single.append(time.perf_counter() - t0)
    batch = by_length(batch)
    onnx_logits(sess, Batch(batch.input_ids[:32], batch.attention_mask[:32]), batch_size=32)  # warm-up
    best = float("inf")
    for _ in range(repeats):
        t0 = time.perf_counter()
        onnx_logits(sess, batch, batch_size=32)
        best = min(best, time.perf_counter() - t0)
    return float(np.median(single) * 1000.0), float(len(batch.input_ids) / best)


def measure(
    fp32: Path, work: Path, batch: Batch, reference: np.ndarray, gold: np.ndarray, *,
    num_heads: int, hidden_size: int, threads: int, settings: Sequence[QuantSettings] | None = None,
    min_agreement: float = MIN_AGREEMENT, max_f1_drop: float = MAX_F1_DROP,
) -> list[Trial]:
    """Quantize with each setting and measure parity, size and speed on ``batch``."""
    work.mkdir(parents=True, exist_ok=True)
    fused = None
    trials = []
    for s in settings or candidates():
        source = fp32
        if s.fuse:
            if fused is None:
                fused = fuse_graph(fp32, work / "fused.onnx", num_heads=num_heads, hidden_size=hidden_size)
            source = fused
        out = quantize(source, work / f"{s.name}.onnx", s)
        sess = session(out, threads)
        report = compare(reference, onnx_logits(sess, batch), gold, min_agreement=min_agreement,
                         max_f1_drop=max_f1_drop)
        p50, sps = timings(sess, batch) if report.passed else (None, None)
        trial = Trial(s, out.stat().st_size, report, p50, sps)
        log.info("%s: %.1f MB, agreement %.4f, F1 %.4f, p50 %s ms, %s sent/s", s.name,
                 trial.size_bytes / 1e6, report.label_agreement, report.f1_candidate, p50, sps)
        trials.append(trial)
    return trials


def choose(trials: Sequence[Trial], max_bytes: int | None = None) -> Trial | None:
    """Passing trials (parity gate, size ≤ ``max_bytes``) within AGREEMENT_SLACK of the best
    agreement; the fastest at batch 32."""
    passing = [t for t in trials if t.parity.passed and (max_bytes is None or t.size_bytes <= max_bytes)]
    if not passing:
        return None
    best_agreement = max(t.parity.label_agreement for t in passing)
    close = [t for t in passing if t.parity.label_agreement >= best_agreement - AGREEMENT_SLACK]
    return max(close, key=lambda t: (t.sentences_per_s_batch32 or 0.0, -t.size_bytes))


def quantized_path(work: Path, settings: QuantSettings) -> Path:
    return work / f"{settings.name}.onnx"
