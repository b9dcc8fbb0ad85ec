"""The local-LLM explainer: configuration, prompt, and streaming through a fake llama_cpp."""

from __future__ import annotations

import logging
import sys
import types
from pathlib import Path

import pytest

from finlocal.errors import MissingExtraError
from finlocal.llm_explainer import (
    ExplainerUnavailable,
    ExplainRequest,
    LlamaExplainer,
    build_messages,
    load_explainer,
    resolve_gguf,
)

REQUEST = ExplainRequest(
    "Sales fell 12 %.", "negative", {"negative": 0.9, "neutral": 0.05, "positive": 0.05}, ("fell 12 %",)
)


class FakeLlama:
    """``llama_cpp.Llama`` as the explainer uses it: it loads a GGUF file and refuses anything
    else (as llama.cpp does), reports its loading on stderr unless ``verbose=False``, exposes
    ``n_threads`` and ``n_ctx()``, and streams a chat completion."""

    instances: list[FakeLlama] = []
    system_info = b"CPU : SSE3 = 1 | AVX = 1 | AVX2 = 1 | F16C = 1 | FMA = 1 | "  # llama_print_system_info

    def __init__(
        self, model_path: str, *, n_ctx: int = 512, n_threads: int | None = None, verbose: bool = True
    ) -> None:
        path = Path(model_path)
        if not path.is_file() or not path.read_bytes().startswith(b"GGUF"):
            raise ValueError(f"Failed to load model from file: {model_path}")
        if verbose:
            print(f"llama_model_loader: loaded meta data from {model_path}", file=sys.stderr)
        self.n_threads = n_threads or 8
        self._n_ctx = n_ctx
        self.calls: list[dict] = []
        self.closed = False
        FakeLlama.instances.append(self)

    def n_ctx(self) -> int:
        return self._n_ctx

    def create_chat_completion(self, **kwargs):
        self.calls.append(kwargs)
        llama = self

        def chunks():
            try:
                yield {"choices": [{"delta": {"role": "assistant"}}]}
                for piece in ("It ", "fell."):
                    yield {"choices": [{"delta": {"content": piece}}]}
            finally:
                llama.closed = True

        return chunks()


@pytest.fixture
def fake_llama_cpp(monkeypatch: pytest.MonkeyPatch) -> type[FakeLlama]:
    FakeLlama.instances = []
    module = types.SimpleNamespace(Llama=FakeLlama, llama_print_system_info=lambda: FakeLlama.system_info)
    monkeypatch.setitem(sys.modules, "llama_cpp", module)
    return FakeLlama


def test_option_beats_environment(tmp_path: Path) -> None:
    env = {"FINLOCAL_EXPLAIN_GGUF": "/models/env.gguf"}
    assert resolve_gguf(tmp_path / "cli.gguf", env) == tmp_path / "cli.gguf"
    assert resolve_gguf(None, env) == Path("/models/env.gguf")
    assert resolve_gguf(None, {"FINLOCAL_EXPLAIN_GGUF": "  "}) is None


def test_unconfigured_or_missing_gguf_says_how_to_enable(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setattr("finlocal.llm_explainer._installed", lambda module: True)
    with pytest.raises(ExplainerUnavailable, match="--explain-gguf PATH"):
        load_explainer(None)
    with pytest.raises(ExplainerUnavailable, match="does not exist"):
        load_explainer(tmp_path / "nope.gguf")


def test_without_llama_cpp_names_the_extra(tmp_path: Path, monkeypatch) -> None:
    gguf = tmp_path / "m.gguf"
    gguf.write_bytes(b"GGUF")
    monkeypatch.setitem(sys.modules, "llama_cpp", None)  # import fails
    with pytest.raises(MissingExtraError, match=r"pip install 'finlocal\[train\]'"):
        load_explainer(gguf)


def test_without_llama_cpp_or_a_gguf_names_the_package_first(monkeypatch) -> None:
    # `x` without llama-cpp-python used to say only that a GGUF is needed
    monkeypatch.setitem(sys.modules, "llama_cpp", None)
    monkeypatch.setattr("finlocal.llm_explainer._installed", lambda module: False)
    with pytest.raises(ExplainerUnavailable) as raised:
        load_explainer(None)
    message = str(raised.value)
    assert "'llama-cpp-python' package, which is not installed" in message
    assert "pip install 'finlocal[train]'" in message and "--explain-gguf PATH" in message


def test_prompt_names_sentence_verdict_and_evidence() -> None:
    system, user = build_messages(REQUEST)
    assert system["role"] == "system" and user["role"] == "user"
    assert "Sentence: Sales fell 12 %." in user["content"]
    assert "negative (negative 0.90, neutral 0.05, positive 0.05)" in user["content"]
    assert '"fell 12 %"' in user["content"]


def test_streams_content_pieces_and_loads_once(tmp_path: Path, fake_llama_cpp, capsys) -> None:
    gguf = tmp_path / "m.gguf"
    gguf.write_bytes(b"GGUF")
    explainer = load_explainer(gguf, threads=2)
    assert isinstance(explainer, LlamaExplainer) and not fake_llama_cpp.instances  # lazy
    assert "".join(explainer.stream(REQUEST)) == "It fell."
    assert "".join(explainer.stream(REQUEST)) == "It fell."
    (llama,) = fake_llama_cpp.instances
    assert llama.n_threads == 2 and llama.n_ctx() == 2048
    assert capsys.readouterr().err == ""  # llama.cpp's loading chatter stays off the app's terminal
    assert llama.calls[0]["stream"] is True and llama.calls[0]["messages"][1]["role"] == "user"


def test_a_build_with_amx_kernels_is_warned_about_before_loading(
    tmp_path: Path, fake_llama_cpp, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    gguf = tmp_path / "m.gguf"
    gguf.write_bytes(b"GGUF")
    monkeypatch.setattr(fake_llama_cpp, "system_info", b"CPU : AVX2 = 1 | AVX512 = 1 | AMX_INT8 = 1 | ")
    with caplog.at_level(logging.WARNING, logger="finlocal.llama_build"):
        assert "".join(LlamaExplainer(gguf).stream(REQUEST)) == "It fell."
    assert [r.levelno for r in caplog.records] == [logging.WARNING]
    assert "GGML_NATIVE=OFF" in caplog.records[0].getMessage()


def test_a_file_that_is_not_a_gguf_model_is_explained(tmp_path: Path, fake_llama_cpp) -> None:
    not_gguf = tmp_path / "m.gguf"
    not_gguf.write_bytes(b"<html>a download page</html>")
    with pytest.raises(ExplainerUnavailable, match="complete GGUF chat model"):
        "".join(LlamaExplainer(not_gguf).stream(REQUEST))


def test_stopping_early_closes_the_stream(tmp_path: Path, fake_llama_cpp) -> None:
    gguf = tmp_path / "m.gguf"
    gguf.write_bytes(b"GGUF")
    explainer = LlamaExplainer(gguf)
    stream = explainer.stream(REQUEST)
    assert next(stream) == "It "
    stream.close()
    assert fake_llama_cpp.instances[0].closed


def test_checking_the_extra_does_not_import_llama_cpp(tmp_path: Path, monkeypatch) -> None:
    """The check runs on the UI thread when `x` is pressed; the import waits for the worker."""
    import importlib.util

    gguf = tmp_path / "m.gguf"
    gguf.write_bytes(b"GGUF")
    monkeypatch.delitem(sys.modules, "llama_cpp", raising=False)
    monkeypatch.setattr(importlib.util, "find_spec", lambda name, *a: object())
    assert isinstance(load_explainer(gguf), LlamaExplainer)
    assert "llama_cpp" not in sys.modules
