"""The app's one validated settings object, and how the model it scores with gets loaded."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from finlocal.output import human_size
from finlocal.predictions import REVIEW_THRESHOLD, Classifier
from finlocal.reading import InputFormat
from finlocal.structure import SplitMode


@dataclass(frozen=True)
class TuiConfig:
    """Everything `finlocal tui` can be told; the CLI builds it, tests build it directly."""

    model_dir: Path | None = None
    threads: int | None = None
    explain_gguf: Path | None = None
    review_threshold: float = REVIEW_THRESHOLD
    batch_size: int = 32
    chunk_size: int = 64
    """Sentences scored between two table updates (rows arrive in batches of this size or more)."""
    split: SplitMode = SplitMode.SENTENCES
    """What one scored item is at start (the open dialog changes it)."""
    input_format: InputFormat | None = None
    """The format of the file given at start (None: by its suffix, else by its content)."""

    def __post_init__(self) -> None:
        if not 0.0 <= self.review_threshold <= 1.0:
            raise ValueError(f"review_threshold must be between 0 and 1, got {self.review_threshold}")
        if self.threads is not None and self.threads < 1:
            raise ValueError(f"threads must be at least 1, got {self.threads}")
        if self.batch_size < 1 or self.chunk_size < 1:
            raise ValueError("batch_size and chunk_size must be at least 1")


@dataclass(frozen=True)
class ModelInfo:
    """What the summary panel says about the model."""

    name: str
    size_bytes: int
    quantization: str

    def describe(self) -> str:
        return f"{self.name} · {human_size(self.size_bytes)} · {self.quantization}"


@dataclass(frozen=True)
class LoadedModel:
    classifier: Classifier
    info: ModelInfo


ModelLoader = Callable[[], LoadedModel]
"""Loads the model (called once, in a worker thread). Raises `ModelError` when there is none."""


def onnx_loader(config: TuiConfig) -> ModelLoader:
    """The default loader: `--model DIR`, else FINLOCAL_MODEL, else the bundled model."""

    def load() -> LoadedModel:
        from finlocal.model import OnnxClassifier, resolve_model_dir

        model_dir = resolve_model_dir(config.model_dir)
        classifier = OnnxClassifier.load(model_dir, threads=config.threads)
        manifest = classifier.manifest
        info = ModelInfo(
            name=manifest.name,
            size_bytes=classifier.size_bytes,
            quantization=describe_quantization(manifest.quantization),
        )
        return LoadedModel(classifier, info)

    return load


def describe_quantization(quantization: Mapping[str, Any]) -> str:
    """The manifest's quantization record in two words, e.g. "int8 (per-row)"; "fp32" if none."""
    if not quantization:
        return "fp32"
    if quantization.get("scheme"):
        return f"int8 ({quantization['scheme']})"
    weight = str(quantization.get("weight_type", "")).lower().removeprefix("q") or "quantized"
    method = str(quantization.get("method", ""))
    return f"{weight} (dynamic)" if "dynamic" in method else weight
