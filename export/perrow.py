"""Per-row dynamic int8: activations quantized token by token, so a sentence's score never
depends on the other sentences in its batch.

onnxruntime's dynamic quantization (``quantize_dynamic``) scales each MatMul's activations by the
minimum and maximum of the whole batch tensor, padding included: the same sentence gets other
int8 codes — and a different score — when its neighbours change. This rewrite gives every row
(every token of every sentence) its own scale instead:

    scale  = max(|x_row|) / 127                       (ReduceMax over the hidden axis)
    x_q    = quantize(x_row / scale) + 128            (QuantizeLinear, one zero point of 128)
    y      = (x_q − 128) · W_q  ⊙ w_scale ⊙ scale     (MatMulIntegerToFloat, then one Mul)

Integer products are exact and every scale belongs to one row, so a row's output is the same
whatever shares its batch (up to float rounding in the unquantized attention products, ~1e-7).

Weights are int8 per output channel, symmetric, in 7 bits by default: on x86 CPUs without VNNI
onnxruntime multiplies uint8 × int8 pairs into 16-bit sums, which saturate with full 8-bit
weights (255 · 127 · 2 > 32767). Nodes whose names start with ``keep_fp32`` (the heads) stay in
fp32. Embedding tables are quantized weight-only afterwards (`quantize_gather`), which does not
depend on the batch either.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np

from finlocal.errors import ModelError

MS_DOMAIN = "com.microsoft"


def _reduce_max(helper, opset: int, x: str, out: str, axes_name: str):  # noqa: ANN001, ANN202
    if opset >= 18:  # axes became an input in opset 18
        return helper.make_node("ReduceMax", [x, axes_name], [out], keepdims=1)
    return helper.make_node("ReduceMax", [x], [out], axes=[-1], keepdims=1)


def rewrite(src: Path, dst: Path, *, weight_bits: int = 7, keep_fp32: Sequence[str] = ()) -> int:
    """Rewrite every MatMul with a 2-D weight initializer in ``src`` (except ``keep_fp32`` node
    prefixes) as a per-row dynamic int8 product; write ``dst``; return how many were rewritten.

    Raises ModelError when there is none to rewrite."""
    import onnx
    from onnx import helper, numpy_helper

    if not 2 <= weight_bits <= 8:
        raise ValueError(f"weight_bits must be in [2, 8], found {weight_bits}")
    model = onnx.load(str(src))
    graph = model.graph
    opset = next(o.version for o in model.opset_import if o.domain in ("", "ai.onnx"))
    inits = {i.name: i for i in graph.initializer}
    qmax = 2 ** (weight_bits - 1) - 1
    constants: dict[str, np.ndarray] = {
        "perrow/127": np.array(127.0, dtype=np.float32),
        "perrow/eps": np.array(1e-12, dtype=np.float32),
        "perrow/one": np.array(1.0, dtype=np.float32),
        "perrow/zero_point": np.array(128, dtype=np.uint8),
        "perrow/flat": np.array([-1], dtype=np.int64),
        "perrow/last_axis": np.array([-1], dtype=np.int64),
    }
    graph.initializer.extend(numpy_helper.from_array(v, k) for k, v in constants.items())

    quantized_inputs: dict[str, tuple[str, str]] = {}  # activation -> (uint8 codes, row scales)
    nodes = []
    rewritten = 0
    for node in graph.node:
        weight = inits.get(node.input[1]) if node.op_type == "MatMul" and len(node.input) == 2 else None
        if weight is None or len(weight.dims) != 2 or (node.name or "").startswith(tuple(keep_fp32)):
            nodes.append(node)
            continue
        x, y = node.input[0], node.output[0]
        w = numpy_helper.to_array(weight).astype(np.float32)
        if x not in quantized_inputs:  # one quantization per activation, shared by its MatMuls
            p = f"perrow/{x}"
            graph.initializer.append(
                numpy_helper.from_array(np.array([-1, w.shape[0]], dtype=np.int64), p + "/rows_shape")
            )
            nodes += [
                helper.make_node("Abs", [x], [p + "/abs"]),
                _reduce_max(helper, opset, p + "/abs", p + "/amax", "perrow/last_axis"),
                helper.make_node("Max", [p + "/amax", "perrow/eps"], [p + "/amax_safe"]),
                helper.make_node("Div", [p + "/amax_safe", "perrow/127"], [p + "/scale"]),  # [.., 1]
                helper.make_node("Reshape", [p + "/scale", "perrow/flat"], [p + "/scale_rows"]),
                helper.make_node("Shape", [p + "/scale_rows"], [p + "/n_rows"]),
                helper.make_node("Expand", ["perrow/zero_point", p + "/n_rows"], [p + "/zero_points"]),
                helper.make_node("Reshape", [x, p + "/rows_shape"], [p + "/rows"]),
                helper.make_node(
                    "QuantizeLinear", [p + "/rows", p + "/scale_rows", p + "/zero_points"], [p + "/codes_rows"], axis=0
                ),
                helper.make_node("Shape", [x], [p + "/shape"]),
                helper.make_node("Reshape", [p + "/codes_rows", p + "/shape"], [p + "/codes"]),
            ]
            quantized_inputs[x] = (p + "/codes", p + "/scale")
        codes, scale = quantized_inputs[x]
        w_scale = np.maximum(np.abs(w).max(axis=0), 1e-12) / qmax
        w_q = np.clip(np.round(w / w_scale), -qmax, qmax).astype(np.int8)
        q = f"perrow/{node.name or y}"
        graph.initializer.extend(
            [
                numpy_helper.from_array(w_q, q + "/weight"),
                numpy_helper.from_array(w_scale.astype(np.float32), q + "/weight_scale"),
            ]
        )
        nodes += [
            helper.make_node(
                "MatMulIntegerToFloat",
                [codes, q + "/weight", "perrow/one", q + "/weight_scale", "perrow/zero_point"],
                [q + "/product"],
                domain=MS_DOMAIN,
                name=(node.name or y) + "_perrow",
            ),
            helper.make_node("Mul", [q + "/product", scale], [y]),
        ]
        rewritten += 1
    if rewritten == 0:  # a rewrite that changed nothing would ship an fp32 graph as "int8"
        raise ModelError(
            f"{src}: no MatMul with a 2-D weight initializer outside {tuple(keep_fp32)} "
            "to rewrite; is this a transformer exported by finlocal.export.onnx?"
        )
    del graph.node[:]
    graph.node.extend(nodes)
    used = {name for n in graph.node for name in n.input}
    kept = [i for i in graph.initializer if i.name in used]
    del graph.initializer[:]
    graph.initializer.extend(kept)
    if not any(o.domain == MS_DOMAIN for o in model.opset_import):
        model.opset_import.append(helper.make_opsetid(MS_DOMAIN, 1))
    onnx.checker.check_model(model)
    dst.parent.mkdir(parents=True, exist_ok=True)
    onnx.save(model, str(dst))
    return rewritten


def quantize_gather(src: Path, dst: Path) -> Path:
    """Embedding tables (Gather) to int8, weight-only: looked-up rows are dequantized."""
    from onnx import TensorProto
    from onnxruntime.quantization import QuantType, quantize_dynamic

    quantize_dynamic(
        str(src),
        str(dst),
        op_types_to_quantize=["Gather"],
        per_channel=False,
        weight_type=QuantType.QInt8,
        extra_options={"DefaultTensorType": TensorProto.FLOAT},
    )
    return dst
