"""The model directory format and its manifest, ``finlocal.json``.

A model directory holds::

    model.onnx        int8 ONNX graph (inputs: input_ids, attention_mask[, token_type_ids];
                      outputs: logits [batch, n_labels][, evidence_logits [batch, seq]])
    tokenizer.json    a Hugging Face `tokenizers` file
    finlocal.json     this manifest
    README.md         the model card (optional for loading, listed in ``files`` when present)

The manifest describes everything needed to use and to trust the model: labels in output order,
max length, heads, quantization, calibration, base model, data, teachers, metrics and the sha256
of every other file in the directory.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass, field
from enum import Enum
from pathlib import Path
from typing import Any

from finlocal.errors import ModelError

MANIFEST_NAME = "finlocal.json"
FORMAT_VERSION = 1
KNOWN_HEADS = frozenset({"label", "evidence"})


class HintKind(str, Enum):
    """What second segment a model reads (`finlocal.changes.hint` makes it); defined here, so
    reading a manifest does not load the metric-change reader."""

    NONE = "none"
    CHANGES = "changes-v1"  # the line items the reader found, in the sentence's order
    MAIN_CHANGES = "changes-v2"  # … in the clauses the sentence stands on: conceded ones left out


@dataclass(frozen=True)
class Manifest:
    """The parsed ``finlocal.json`` of a model directory."""

    name: str
    labels: tuple[str, ...]
    max_length: int
    heads: tuple[str, ...] = ("label",)
    files: dict[str, str] = field(default_factory=dict)  # file name -> sha256 hex
    format_version: int = FORMAT_VERSION
    model_file: str = "model.onnx"
    tokenizer_file: str = "tokenizer.json"
    # Probabilities are softmax(logits / temperature); fitted on the validation portion.
    temperature: float = 1.0
    # A token is evidence when sigmoid(evidence_logit) >= evidence_threshold.
    evidence_threshold: float = 0.5
    quantization: dict[str, Any] = field(default_factory=dict)
    base_model: dict[str, Any] = field(default_factory=dict)
    training_data: dict[str, Any] = field(default_factory=dict)
    teachers: list[dict[str, Any]] = field(default_factory=list)
    metrics: dict[str, Any] = field(default_factory=dict)
    calibration: dict[str, Any] = field(default_factory=dict)
    created: str = ""
    finlocal_version: str = ""
    # The second segment the model reads after each sentence (`finlocal.changes.hint`): "none", or
    # "changes-v1" / "changes-v2" for the metric-change reader's findings.
    hint: str = "none"

    def __post_init__(self) -> None:
        if self.format_version != FORMAT_VERSION:
            raise ModelError(
                f"manifest format_version {self.format_version} is not supported "
                f"(this finlocal reads version {FORMAT_VERSION}); re-export the model "
                "with this finlocal version"
            )
        if len(self.labels) < 2 or len(set(self.labels)) != len(self.labels):
            raise ModelError(f"manifest labels must be 2+ distinct names, found {list(self.labels)}")
        if self.max_length < 8:
            raise ModelError(f"manifest max_length must be >= 8, found {self.max_length}")
        unknown = set(self.heads) - KNOWN_HEADS
        if "label" not in self.heads or unknown:
            raise ModelError(
                f"manifest heads must include 'label' and only {sorted(KNOWN_HEADS)}, found {list(self.heads)}"
            )
        hints = [k.value for k in HintKind]
        if self.hint not in hints:
            raise ModelError(
                f"manifest hint {self.hint!r} is not one this finlocal knows ({', '.join(hints)}); "
                "upgrade finlocal or re-export the model"
            )
        if not self.temperature > 0:
            raise ModelError(f"manifest temperature must be > 0, found {self.temperature}")

    @property
    def has_evidence(self) -> bool:
        return "evidence" in self.heads

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["labels"] = list(self.labels)
        data["heads"] = list(self.heads)
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any], *, source: str = MANIFEST_NAME) -> Manifest:
        if not isinstance(data, dict):
            raise ModelError(f"{source}: expected a JSON object, found {type(data).__name__}")
        missing = [k for k in ("name", "labels", "max_length") if k not in data]
        if missing:
            raise ModelError(f"{source}: missing required field(s) {missing}")
        known = {f for f in cls.__dataclass_fields__}  # noqa: C416
        unknown = sorted(set(data) - known)
        if unknown:
            raise ModelError(f"{source}: unknown field(s) {unknown}; was it written by a newer finlocal?")
        kwargs = dict(data)
        kwargs["labels"] = tuple(kwargs["labels"])
        kwargs["heads"] = tuple(kwargs.get("heads", ("label",)))
        try:
            return cls(**kwargs)
        except TypeError as exc:
            raise ModelError(f"{source}: {exc}") from exc


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def write_manifest(directory: Path, manifest: Manifest) -> Manifest:
    """Write ``finlocal.json``, filling ``files`` with the sha256 of every other file."""
    directory = Path(directory)
    files = {p.name: sha256_file(p) for p in sorted(directory.iterdir()) if p.is_file() and p.name != MANIFEST_NAME}
    data = manifest.to_dict()
    data["files"] = files
    final = Manifest.from_dict(data)
    (directory / MANIFEST_NAME).write_text(json.dumps(final.to_dict(), indent=2) + "\n")
    return final


def read_manifest(directory: Path, *, verify: bool = True) -> Manifest:
    """Read and validate a model directory's manifest; with ``verify``, check every sha256."""
    directory = Path(directory)
    if not directory.is_dir():
        raise ModelError(f"model directory {directory} does not exist or is not a directory")
    path = directory / MANIFEST_NAME
    if not path.is_file():
        raise ModelError(
            f"{directory} is not a finlocal model directory: {MANIFEST_NAME} is missing "
            "(create one with 'finlocal export')"
        )
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ModelError(f"{path}: not valid JSON ({exc})") from exc
    manifest = Manifest.from_dict(data, source=str(path))
    for required in (manifest.model_file, manifest.tokenizer_file):
        if required not in manifest.files:
            raise ModelError(f"{path}: 'files' does not list {required}")
    if verify:
        for name, expected in manifest.files.items():
            file = directory / name
            if not file.is_file():
                raise ModelError(f"{directory}: {name} is listed in the manifest but missing")
            actual = sha256_file(file)
            if actual != expected:
                raise ModelError(
                    f"{file}: sha256 mismatch (manifest {expected[:12]}…, file {actual[:12]}…); "
                    "the file is corrupt or was changed after export — re-export the model"
                )
    return manifest
