from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

pytest.importorskip("optimum.exporters.onnx")
onnx = pytest.importorskip("onnx")
pytestmark = pytest.mark.train

from finlocal.errors import ModelError  # noqa: E402
from finlocal.export import quantize as quantize_module  # noqa: E402
from finlocal.export.build import export_checkpoint  # noqa: E402
from finlocal.export.parity import (  # noqa: E402
    ParityError,
    batch_dependence,
    compare,
    enforce,
    onnx_logits,
    tokenize,
    torch_logits,
)
from finlocal.export.quantize import QuantSettings, Scheme, quantize, session  # noqa: E402
from finlocal.manifest import read_manifest  # noqa: E402
from finlocal.predictions import LABELS  # noqa: E402
from tests.training import tiny_fit_config  # noqa: E402

# The 2-layer, 32-wide random model has near-ties that int8 can flip (and its WordPiece vocab is
# not identical across processes), so its exports use a looser agreement gate; the broken-model
# tests below use the real one.
TINY_GATE = 0.75
PER_ROW = [QuantSettings(Scheme.PER_ROW, 7)]


@pytest.fixture(scope="session")
def parity_data(tiny_setup: dict) -> Path:
    path = tiny_setup["root"] / "parity.jsonl"
    path.write_text("".join(json.dumps({"text": r["text"]}) + "\n" for r in tiny_setup["rows"]))
    return path


@pytest.fixture(scope="session")
def cv_run(tiny_setup: dict) -> Path:
    from finlocal.train.cv import run

    out = tiny_setup["root"] / "cv"
    run(tiny_fit_config(tiny_setup, out), folds=2, repeats=1, out=out, final=True, progress=False)
    return out


@pytest.fixture(scope="session")
def checkpoint(cv_run: Path) -> Path:
    return cv_run / "all" / "final"


@pytest.fixture(scope="session")
def exported(checkpoint: Path, cv_run: Path, parity_data: Path, tiny_setup: dict) -> Path:
    out = tiny_setup["root"] / "model"
    direction = tiny_setup["root"] / "direction.jsonl"
    direction.write_text(
        json.dumps({"text": "Net sales rose by 5 % .", "label": "positive", "category": "good_up"})
        + "\n"
        + json.dumps({"text": "Costs rose by 5 % .", "label": "negative", "category": "bad_up"})
        + "\n"
    )
    blind = tiny_setup["root"] / "mixed.jsonl"
    blind.write_text(
        json.dumps({"text": "Sales rose 4 %, but EBIT fell 9 % .", "label": "negative", "category": "main_last_bad"})
        + "\n"
    )
    export_checkpoint(
        checkpoint,
        out,
        parity_data=parity_data,
        cv_dir=cv_run,
        direction_data=(direction,),
        blind_data=(blind,),
        threads=1,
        settings=PER_ROW,
        min_agreement=TINY_GATE,
        report_file=tiny_setup["root"] / "quantization.json",
    )
    return out


def test_model_directory_reports_cross_validated_figures_and_sha256s_match(exported: Path, cv_run: Path) -> None:
    manifest = read_manifest(exported, verify=True)
    assert set(manifest.files) == {"model.onnx", "tokenizer.json", "README.md"}
    assert manifest.labels == LABELS
    assert manifest.heads == ("label",)
    report = json.loads((cv_run / "cv.json").read_text())
    cv = manifest.metrics["cross-validation"]
    assert cv["overall"]["f1_weighted"]["mean"] == report["overall"]["f1_weighted"]["mean"]
    assert manifest.temperature == pytest.approx(report["calibration"]["temperature"])
    assert set(manifest.metrics["direction"]["direction"]["by_category"]) == {"good_up", "bad_up"}
    assert set(manifest.metrics["blind"]["mixed"]["by_category"]) == {"main_last_bad"}
    assert manifest.metrics["parity"]["batch_dependence"] <= 1e-6
    assert manifest.quantization["scheme"] == "per-row"
    card = (exported / "README.md").read_text()
    assert "CC BY-NC-SA 3.0" in card and "Cross-validated weighted F1" in card
    assert "Blind set `mixed` (1 sentences" in card
    assert "validation portion" not in card
    (exported / "tokenizer.json").write_text((exported / "tokenizer.json").read_text() + " ")
    with pytest.raises(ModelError, match="sha256 mismatch"):
        read_manifest(exported, verify=True)


def test_cv_of_another_recipe_is_refused(checkpoint: Path, parity_data: Path, tiny_setup: dict, tmp_path: Path) -> None:
    from finlocal.errors import InputError
    from finlocal.train.cv import run

    other = tmp_path / "other"
    run(tiny_fit_config(tiny_setup, other, epochs=1), folds=2, repeats=1, out=other, progress=False)
    with pytest.raises(InputError, match=r"another recipe .*'epochs'"):
        export_checkpoint(
            checkpoint,
            tmp_path / "m",
            parity_data=parity_data,
            cv_dir=other,
            threads=1,
            settings=PER_ROW,
            min_agreement=TINY_GATE,
        )
    # a difference the manifest states is allowed when named, and recorded
    result = export_checkpoint(
        checkpoint,
        tmp_path / "m",
        parity_data=parity_data,
        cv_dir=other,
        cv_allow=("epochs",),
        threads=1,
        settings=PER_ROW,
        min_agreement=TINY_GATE,
    )
    differs = result.manifest.metrics["cross-validation"]
    assert differs["recipe_differences"]["epochs"]["cv"] == 1
    assert differs["recipe_differences"]["epochs"]["model"] != 1


def test_a_fold_model_is_not_exported_with_cv_figures(cv_run: Path, parity_data: Path, tmp_path: Path) -> None:
    from finlocal.errors import InputError

    with pytest.raises(InputError, match="not the model trained on every row"):
        export_checkpoint(
            cv_run / "r0-f0" / "final",
            tmp_path / "m",
            parity_data=parity_data,
            cv_dir=cv_run,
            threads=1,
            settings=PER_ROW,
            min_agreement=TINY_GATE,
        )


@pytest.fixture()
def exported_copy(exported: Path, tmp_path: Path) -> Path:
    import shutil

    from finlocal.manifest import Manifest, write_manifest

    copy = tmp_path / "model"
    shutil.copytree(exported, copy)
    data = json.loads((copy / "finlocal.json").read_text())
    write_manifest(copy, Manifest.from_dict(data))  # re-hash (the test above edits a file)
    return copy


def test_int8_agrees_with_pytorch_on_every_row(exported_copy: Path, checkpoint: Path, tiny_setup: dict) -> None:
    from finlocal.train.student import Student

    texts = [r["text"] for r in tiny_setup["rows"]]
    batch = tokenize(exported_copy / "tokenizer.json", texts, 32)
    ref = torch_logits(Student.from_pretrained(checkpoint), batch)
    got = onnx_logits(session(exported_copy / "model.onnx", 1), batch)
    # a 2-layer, 32-wide random model has near-ties; the export's own gate covers the real model
    assert np.mean(ref.argmax(1) == got.argmax(1)) >= TINY_GATE
    assert np.abs(ref - got).max() < 0.5


@pytest.fixture(scope="session")
def schemes(tiny_setup: dict, checkpoint: Path) -> dict[str, Path]:
    """The fp32 graph quantized with onnxruntime's dynamic int8 and with finlocal's per-row int8."""
    from finlocal.export.onnx import export_fp32
    from finlocal.train.student import Student

    work = tiny_setup["root"] / "schemes"
    fp32 = export_fp32(Student.from_pretrained(checkpoint), work / "fp32.onnx", evidence=False)
    return {
        "dynamic": quantize(fp32, work / "dynamic.onnx", QuantSettings(Scheme.DYNAMIC, 7, ())),
        "per-row": quantize(fp32, work / "per-row.onnx", QuantSettings(Scheme.PER_ROW, 7)),
    }


def test_dynamic_int8_depends_on_the_batch_and_per_row_int8_does_not(
    schemes: dict[str, Path], tiny_setup: dict, checkpoint: Path
) -> None:
    texts = [r["text"] for r in tiny_setup["rows"]]
    batch = tokenize(checkpoint / "tokenizer.json", texts, 32)
    assert batch_dependence(session(schemes["dynamic"], 1), batch) > 1e-4
    assert batch_dependence(session(schemes["per-row"], 1), batch) <= 1e-6


def test_batch_dependence_compares_intra_op_thread_counts(
    schemes: dict[str, Path], tiny_setup: dict, checkpoint: Path
) -> None:
    texts = [r["text"] for r in tiny_setup["rows"]]
    batch = tokenize(checkpoint / "tokenizer.json", texts, 32)
    one = session(schemes["per-row"], 1)
    assert batch_dependence(one, batch, thread_sessions=[session(schemes["per-row"], 2)]) <= 1e-6

    class OtherWithTwoThreads:  # a graph whose scores change with the thread count
        def __init__(self, inner: object) -> None:
            self.inner = inner

        def __getattr__(self, name: str) -> object:
            return getattr(self.inner, name)

        def run(self, outputs: list[str], feed: dict) -> list[np.ndarray]:
            res = self.inner.run(outputs, feed)
            res[0] = res[0] + np.array([0.05, 0.0, 0.0], dtype=res[0].dtype)
            return res

    shifted = OtherWithTwoThreads(session(schemes["per-row"], 2))
    assert batch_dependence(one, batch) <= 1e-6
    assert batch_dependence(one, batch, thread_sessions=[shifted]) > 1e-3


@settings(max_examples=25, deadline=None)
@given(data=st.data())
def test_per_row_scores_are_the_same_in_any_batch_and_with_any_threads(
    schemes: dict[str, Path], checkpoint: Path, data: st.DataObject
) -> None:
    words = st.sampled_from(
        "Net sales rose fell by 5 % EUR mn the company said costs profit loss narrowed "
        "Nokia Kone quarter , . year earlier operating margin cut jobs".split()
    )
    sentences = data.draw(st.lists(st.lists(words, min_size=1, max_size=40).map(" ".join), min_size=2, max_size=12))
    batch = tokenize(checkpoint / "tokenizer.json", sentences, 32)
    threads = data.draw(st.sampled_from([1, 2]))
    sess = session(schemes["per-row"], threads)
    alone = np.concatenate([onnx_logits(sess, batch.rows([i]), batch_size=1) for i in range(len(sentences))])
    order = np.array(data.draw(st.permutations(range(len(sentences)))))
    size = data.draw(st.integers(1, len(sentences)))
    together = np.empty_like(alone)
    for k in range(0, len(order), size):
        index = order[k : k + size]
        res = sess.run(
            ["logits"],
            {
                "input_ids": batch.rows(index).input_ids,
                "attention_mask": batch.rows(index).attention_mask,
                "token_type_ids": np.zeros_like(batch.rows(index).input_ids),
            },
        )[0]
        together[index] = res
    from finlocal.metrics import softmax

    assert np.abs(softmax(alone) - softmax(together)).max() <= 1e-6


def test_exported_directory_loads_in_the_runtime(exported_copy: Path, tiny_setup: dict) -> None:
    model_module = pytest.importorskip("finlocal.model")
    classifier = model_module.OnnxClassifier.load(exported_copy)
    preds = classifier.predict([r["text"] for r in tiny_setup["rows"][:6]])
    assert [p.label for p in preds] == [classifier.predict([r["text"]])[0].label for r in tiny_setup["rows"][:6]]
    assert all(abs(sum(p.scores.values()) - 1) < 1e-4 for p in preds)


def _negate_logits(path: Path) -> None:
    model = onnx.load(str(path))
    for node in model.graph.node:
        for i, name in enumerate(node.output):
            if name == "logits":
                node.output[i] = "logits_before_negation"
    model.graph.node.append(onnx.helper.make_node("Neg", ["logits_before_negation"], ["logits"]))
    onnx.save(model, str(path))


def test_parity_gate_fails_on_a_broken_model(exported_copy: Path, checkpoint: Path, tiny_setup: dict) -> None:
    from finlocal.train.student import Student

    _negate_logits(exported_copy / "model.onnx")
    texts = [r["text"] for r in tiny_setup["rows"]]
    gold = np.array([LABELS.index(r["label"]) for r in tiny_setup["rows"]])
    batch = tokenize(exported_copy / "tokenizer.json", texts, 32)
    ref = torch_logits(Student.from_pretrained(checkpoint), batch)
    report = compare(ref, onnx_logits(session(exported_copy / "model.onnx", 1), batch), gold)
    assert not report.passed
    with pytest.raises(ParityError, match="parity gate failed"):
        enforce(report)


def test_the_gate_rejects_a_batch_dependent_model() -> None:
    ref = np.array([[0.0, 1.0, 0.0]] * 4)
    assert compare(ref, ref, dependence=0.0).passed
    assert not compare(ref, ref, dependence=0.02).passed


def test_export_cli_fails_and_writes_nothing_when_int8_is_broken(
    checkpoint: Path, parity_data: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from finlocal.cli import cli

    real = quantize_module.quantize

    def broken(fp32: Path, out: Path, settings: QuantSettings, calibration: object = None) -> Path:
        real(fp32, out, settings)
        _negate_logits(out)
        return out

    monkeypatch.setattr(quantize_module, "quantize", broken)
    monkeypatch.setattr(quantize_module, "candidates", lambda: PER_ROW)
    out = tmp_path / "model"
    result = CliRunner().invoke(
        cli, ["export", str(checkpoint), "--out", str(out), "--threads", "1", "--parity-data", str(parity_data)]
    )
    assert result.exit_code == 1, result.output
    assert "passed the parity gate" in result.output
    assert not out.exists()


def test_evidence_head_is_exported_and_used_by_the_runtime(tiny_setup: dict, parity_data: Path, tmp_path: Path) -> None:
    from finlocal.train.fit import fit

    evidence = tmp_path / "evidence.jsonl"
    with evidence.open("w") as fh:
        for r in tiny_setup["rows"]:
            spans = []
            for word in ("rose", "fell", "jumped", "dropped", "cut", "won", "increased", "decreased"):
                at = r["text"].find(word)
                if at >= 0:
                    spans.append({"start": at, "end": at + len(word), "text": word})
            fh.write(json.dumps({"text": r["text"], "evidence": spans, "source": "saliency:test"}) + "\n")
    config = tiny_fit_config(
        tiny_setup, tmp_path / "run", evidence="file", evidence_file=str(evidence), evidence_weight=1.0
    )
    checkpoint = fit(config, progress=False).model_dir
    out = tmp_path / "model"
    # The gate is not what this test is about (test_parity_gate_fails_on_a_broken_model is): with
    # evidence_weight 1 the tiny model's label probabilities sit near-uniform, and int8 rounding
    # can flip near-ties.
    result = export_checkpoint(
        checkpoint, out, parity_data=parity_data, threads=1, settings=PER_ROW, min_agreement=0.0, max_f1_drop=1.0
    )
    assert result.manifest.heads == ("label", "evidence")
    assert any("saliency" in t["role"] for t in result.manifest.teachers)
    assert result.parity.batch_dependence is not None and result.parity.batch_dependence <= 1e-6
    outputs = {o.name for o in session(out / "model.onnx", 1).get_outputs()}
    assert outputs == {"logits", "evidence_logits"}
    model_module = pytest.importorskip("finlocal.model")
    classifier = model_module.OnnxClassifier.load(out, threads=1)
    assert classifier.has_evidence
    preds = classifier.predict([r["text"] for r in tiny_setup["rows"][:9]])
    for text, pred in zip([r["text"] for r in tiny_setup["rows"][:9]], preds, strict=True):
        for span in pred.evidence:
            assert text[span.start : span.end] == span.text


def test_shipping_candidates_are_per_row_with_7_bit_weights() -> None:
    names = [s.name for s in quantize_module.candidates()]
    assert names == [
        "per-row-w7-fp32:classifier+evidence",
        "per-row-w7",
        "per-row-w7-fp32:classifier+evidence+ffn-out",
        "per-row-w7-fp32:classifier+evidence+ffn-out+attn-out",
    ]


def _one_matmul(path: Path, name: str, *, weight_initializer: bool) -> None:
    from onnx import TensorProto, helper, numpy_helper

    x = helper.make_tensor_value_info("x", TensorProto.FLOAT, [2, 4])
    y = helper.make_tensor_value_info("y", TensorProto.FLOAT, [2, 3])
    inputs = [x]
    inits = []
    if weight_initializer:
        inits.append(numpy_helper.from_array(np.ones((4, 3), dtype=np.float32), "w"))
    else:
        inputs.append(helper.make_tensor_value_info("w", TensorProto.FLOAT, [4, 3]))
    graph = helper.make_graph([helper.make_node("MatMul", ["x", "w"], ["y"], name=name)], "g", inputs, [y], inits)
    onnx.save(helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)]), str(path))


@pytest.mark.parametrize(
    ("name", "weight_initializer", "keep"),
    [
        ("/encoder/matmul", False, ()),  # no weight initializer
        ("/classifier/matmul", True, ("/classifier",)),  # every MatMul kept in fp32
    ],
)
def test_a_per_row_rewrite_that_changes_nothing_fails(
    tmp_path: Path, name: str, weight_initializer: bool, keep: tuple[str, ...]
) -> None:
    from finlocal.export.perrow import rewrite

    _one_matmul(tmp_path / "m.onnx", name, weight_initializer=weight_initializer)
    with pytest.raises(ModelError, match="no MatMul"):
        rewrite(tmp_path / "m.onnx", tmp_path / "q.onnx", keep_fp32=keep)
    assert not (tmp_path / "q.onnx").exists()
    _one_matmul(tmp_path / "ok.onnx", "/encoder/matmul", weight_initializer=True)
    assert rewrite(tmp_path / "ok.onnx", tmp_path / "ok-q.onnx") == 1


def test_a_hint_model_exports_and_reads_its_hint_at_run_time(
    tiny_setup: dict, parity_data: Path, tmp_path: Path
) -> None:
    """A student trained with the reader's hint: the export's parity tokenisation, the manifest and
    the runtime's windows all carry the hint, so the int8 graph agrees with PyTorch on sentences
    that state a change — and a different hint changes the runtime's answer."""
    import dataclasses

    import torch

    from finlocal.changes.hint import HintKind
    from finlocal.model import OnnxClassifier
    from finlocal.train.fit import fit
    from finlocal.train.student import Student

    run_dir = tmp_path / "hint"
    fit(tiny_fit_config(tiny_setup, run_dir, hint="changes-v1"), progress=False)
    checkpoint = run_dir / "final"
    sentences = ["Sales rose 5 % .", "Costs fell to 3 from 4 .", "Net loss widened ."]
    data = tmp_path / "parity.jsonl"
    data.write_text(parity_data.read_text() + "".join(json.dumps({"text": s}) + "\n" for s in sentences))
    result = export_checkpoint(
        checkpoint, tmp_path / "m", parity_data=data, threads=1, settings=PER_ROW, min_agreement=TINY_GATE
    )
    assert result.manifest.hint == HintKind.CHANGES.value
    model = Student.from_pretrained(checkpoint).eval()
    batch = tokenize(checkpoint / "tokenizer.json", sentences, 32, HintKind.CHANGES.value)
    torch_p = torch.softmax(torch.from_numpy(torch_logits(model, batch)), -1).numpy()
    runtime = OnnxClassifier.load(tmp_path / "m", threads=1)
    onnx_p = runtime.probabilities(sentences)
    assert np.abs(onnx_p - torch_p).max() < 0.05  # int8 against fp32 on the tiny model
    # the same graph read without its hint answers differently: the hint reaches the model
    plain = OnnxClassifier(
        tmp_path / "m", dataclasses.replace(runtime.manifest, hint="none"), runtime._session, runtime._tokenizer
    )
    assert np.abs(plain.probabilities(sentences) - onnx_p).max() > 1e-4
