"""The one validated configuration of a student training run.

A run is described by a TOML file of flat ``key = value`` pairs (the field names of `FitConfig`)
plus ``KEY=VALUE`` overrides from the command line. Both go through the same checks: unknown keys,
wrong types and out-of-range values raise `ConfigError` naming the key, what was expected and
what was found. The config round-trips through `FitConfig.to_dict` / `FitConfig.from_dict`, and a
run directory keeps the resolved config as ``fit_config.json``.

Why not pydantic (measured 2026-12-08, pydantic 2.14.4, on 2 shared cores of an "AMD EPYC", the
name lscpu gives; the train extra already installs it, through anthropic): validating
`FitConfig` with ``pydantic.TypeAdapter`` (which runs ``__post_init__``'s range and consistency
checks too) agrees with `_coerce` on 12 of 18 table cases (tests/train/test_config.py's and six
more) and differs on six, each a behaviour these configs rely on: it accepts an unknown key
(``epoch = 3``) silently, reads ``1`` and ``"true"`` as true and ``"3"`` as 3 where a typo should
fail, rejects the one-path override ``extra_files=a.jsonl`` that the command line allows, and
turns ``evidence_file=`` into ``Path('.')`` instead of None. Strict mode and ``extra="forbid"``
would fix two of these and break the TOML string → Path and enum conversions. It adds 0.6 s to a
process that imports this module (0.91 → 1.50 s, medians of 5), and validates in 0.08 ms
against 1.4 ms here — once per run either way. So the 60 lines of `_coerce` stay.
"""

from __future__ import annotations

import dataclasses
import sys
import types
import typing
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from enum import Enum
from pathlib import Path
from typing import Any

if sys.version_info >= (3, 11):
    import tomllib
else:  # the same parser, before it joined the standard library
    import tomli as tomllib

from finlocal.changes.hint import HintKind
from finlocal.errors import FinlocalError
from finlocal.train.data import default_fpb_path
from finlocal.train.folds import FOLD_SEED
from finlocal.train.weights import Backbone


class ConfigError(FinlocalError):
    """A training config key is unknown, has the wrong type or an out-of-range value."""


class Pooling(str, Enum):
    """How the label head reads the encoder's token states."""

    MEAN = "mean"  # mean over non-padding tokens
    CLS = "cls"  # the first token
    LAST = "last"  # the last non-padding token (decoder backbones)


class Device(str, Enum):
    """Where training runs."""

    AUTO = "auto"  # CUDA when torch sees a GPU, else CPU
    CPU = "cpu"
    CUDA = "cuda"


class EvidenceSource(str, Enum):
    """Where the evidence-tagging targets come from (recorded in the manifest and model card)."""

    NONE = "none"  # label-only training: no evidence head is shipped
    TEACHERS = "teachers"  # teachers' verbatim evidence phrases from their teacher files
    FILE = "file"  # a JSONL of {"text", "evidence": [{"start", "end", "text"}]} (e.g. saliency)


#: Keys added to FitConfig after runs were made, with the value that trains what came before: a
#: run's config written without one is the same recipe as a config with the key at this value.
KEY_DEFAULTS: dict[str, Any] = {"fold_files": []}


@dataclass(frozen=True)
class FitConfig:
    """Everything a training run depends on. Defaults are the shipped model's recipe."""

    output_dir: Path = Path("runs/student")
    # A known backbone (Backbone value, e.g. "minilm-l6") or a local Hugging Face directory.
    backbone: str = Backbone.MINILM_L6.value
    pooling: Pooling = Pooling.MEAN
    # 0: all of the backbone's layers; N: keep its first N (a smaller, faster student).
    encoder_layers: int = 0
    max_length: int = 96
    dropout: float = 0.1
    # A second segment after each sentence: "none", or what the metric-change reader found
    # (finlocal.changes.hint): "changes-v1" every line item, "changes-v2" those of the clauses the
    # sentence stands on; the exported model's manifest records it.
    hint: HintKind = HintKind.NONE
    # Share of training rows shown without their hint (fixed per sentence and seed), so the student
    # also learns to read direction words itself instead of leaning on the hint alone.
    hint_dropout: float = 0.0

    fpb_path: Path = field(default_factory=default_fpb_path)
    # Gold rows beyond FPB (generated direction statements, counterfactual edits, other labelled
    # sets): JSONL with "text" and "label", optionally "evidence", "weight" and "source_id" (the
    # FPB id an edit was made from: it follows that row's fold). extra_weights: one per file.
    extra_files: tuple[Path, ...] = ()
    extra_weights: tuple[float, ...] = ()
    # Extra files that are labelled sets of their own (tweets, headlines), not edits of FPB: in
    # cross-validation their rows are dealt into the same K folds (stratified by label, duplicates
    # together), a fold run trains on the other folds' rows and scores its own into
    # OUTPUT/heldout-extra.jsonl, and `finlocal train cv` reports weighted F1 by source beside
    # FPB's. Each must also be in extra_files (which gives its weight).
    fold_files: tuple[Path, ...] = ()
    # Teachers' soft labels (from 'finlocal train teach' or 'finlocal train label'): a sentence
    # that is a gold row gets them beside its label; any other sentence becomes a transfer row
    # taught by the teachers alone. Several files are averaged per sentence.
    teacher_files: tuple[Path, ...] = ()
    evidence: EvidenceSource = EvidenceSource.NONE
    evidence_file: Path | None = None
    limit_train: int = 0  # 0: all gold rows; >0: the first N (smoke tests)
    # Cross-validation (finlocal.train.folds): with folds = K >= 2 the gold rows are dealt into K
    # folds (seed fold_seed + repeat), fold `fold` is held out and scored after the last epoch
    # (OUTPUT/heldout.jsonl). folds = 0 trains on every row: the model that ships.
    folds: int = 0
    fold: int = 0
    repeat: int = 0
    fold_seed: int = FOLD_SEED

    epochs: int = 6
    batch_size: int = 32
    eval_batch_size: int = 64
    lr: float = 8e-5
    head_lr: float = 1e-3
    layer_lr_decay: float = 0.9  # lr of layer l = lr * decay ** (n_layers - l); 1.0 disables
    warmup_ratio: float = 0.1
    weight_decay: float = 0.01
    max_grad_norm: float = 1.0
    seed: int = 13

    gold_weight: float = 1.0  # cross-entropy on gold labels
    teacher_weight: float = 0.0  # KL(teacher || student) on rows with teacher probabilities
    kl_temperature: float = 2.0
    evidence_weight: float = 0.0  # BCE on evidence tokens, rows without evidence masked
    label_smoothing: float = 0.0
    agreement_weighting: bool = False  # weight gold CE by FPB annotator agreement

    threads: int = 2
    device: Device = Device.AUTO

    def __post_init__(self) -> None:
        checks: list[tuple[bool, str, str]] = [
            (8 <= self.max_length <= 512, "max_length", "an integer in [8, 512]"),
            (0.0 <= self.dropout < 1.0, "dropout", "a number in [0, 1)"),
            (0.0 <= self.hint_dropout < 1.0, "hint_dropout", "a number in [0, 1)"),
            (self.limit_train >= 0, "limit_train", "an integer >= 0"),
            (self.encoder_layers >= 0, "encoder_layers", "an integer >= 0 (0: all layers)"),
            (self.folds == 0 or self.folds >= 2, "folds", "0 (no cross-fitting) or an integer >= 2"),
            (
                0 <= self.fold < max(1, self.folds),
                "fold",
                f"an integer in [0, {self.folds})" if self.folds else "0 unless folds >= 2 (cross-validation)",
            ),
            (self.repeat >= 0, "repeat", "an integer >= 0"),
            (
                not self.extra_weights or len(self.extra_weights) == len(self.extra_files),
                "extra_weights",
                f"empty or one weight per extra file ({len(self.extra_files)})",
            ),
            (all(w > 0 for w in self.extra_weights), "extra_weights", "positive numbers"),
            (
                set(self.fold_files) <= set(self.extra_files),
                "fold_files",
                f"files also listed in extra_files ({[str(p) for p in self.extra_files]})",
            ),
            (self.epochs >= 1, "epochs", "an integer >= 1"),
            (self.batch_size >= 1, "batch_size", "an integer >= 1"),
            (self.eval_batch_size >= 1, "eval_batch_size", "an integer >= 1"),
            (0.0 < self.lr < 1.0, "lr", "a number in (0, 1)"),
            (0.0 < self.head_lr < 1.0, "head_lr", "a number in (0, 1)"),
            (0.0 < self.layer_lr_decay <= 1.0, "layer_lr_decay", "a number in (0, 1]"),
            (0.0 <= self.warmup_ratio < 1.0, "warmup_ratio", "a number in [0, 1)"),
            (self.weight_decay >= 0.0, "weight_decay", "a number >= 0"),
            (self.max_grad_norm > 0.0, "max_grad_norm", "a number > 0"),
            (self.gold_weight >= 0.0, "gold_weight", "a number >= 0"),
            (self.teacher_weight >= 0.0, "teacher_weight", "a number >= 0"),
            (self.kl_temperature > 0.0, "kl_temperature", "a number > 0"),
            (self.evidence_weight >= 0.0, "evidence_weight", "a number >= 0"),
            (0.0 <= self.label_smoothing < 1.0, "label_smoothing", "a number in [0, 1)"),
            (self.threads >= 1, "threads", "an integer >= 1"),
        ]
        for ok, key, expected in checks:
            if not ok:
                raise ConfigError(f"config key {key!r} must be {expected}, found {getattr(self, key)!r}")
        if self.gold_weight == 0.0 and self.teacher_weight == 0.0:
            raise ConfigError("config: gold_weight and teacher_weight are both 0; nothing to learn from")
        if self.teacher_weight > 0.0 and not self.teacher_files:
            raise ConfigError(
                "config: teacher_weight > 0 needs teacher_files (from 'finlocal train teach' or "
                "'finlocal train label'); set teacher_files or teacher_weight = 0"
            )
        if (self.evidence is EvidenceSource.NONE) != (self.evidence_weight == 0.0):
            raise ConfigError(
                f"config: evidence = {self.evidence.value!r} with evidence_weight = "
                f'{self.evidence_weight}; set both (e.g. evidence = "teachers", '
                "evidence_weight = 0.5) or neither"
            )
        if self.evidence is EvidenceSource.FILE and self.evidence_file is None:
            raise ConfigError('config: evidence = "file" needs evidence_file')
        if self.evidence is EvidenceSource.TEACHERS and not self.teacher_files:
            raise ConfigError('config: evidence = "teachers" needs teacher_files')

    def extra_weight(self, index: int) -> float:
        return self.extra_weights[index] if self.extra_weights else 1.0

    @property
    def known_backbone(self) -> Backbone | None:
        try:
            return Backbone(self.backbone)
        except ValueError:
            return None

    # -- (de)serialisation ----------------------------------------------------------------

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON/TOML types: paths as strings, enums as their values, tuples as lists."""
        return {f.name: _plain(getattr(self, f.name)) for f in dataclasses.fields(self)}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any], *, source: str = "config") -> FitConfig:
        hints = typing.get_type_hints(cls)
        names = {f.name for f in dataclasses.fields(cls)}
        unknown = sorted(set(data) - names)
        if unknown:
            raise ConfigError(f"{source}: unknown key(s) {unknown}; known keys: {', '.join(sorted(names))}")
        kwargs = {key: _coerce(value, hints[key], key=key, source=source) for key, value in data.items()}
        return cls(**kwargs)

    @classmethod
    def load(cls, path: Path | None, overrides: Sequence[str] = ()) -> FitConfig:
        """Read a TOML file (or start from defaults when ``path`` is None), then apply overrides.

        Relative paths in the file are resolved against the current directory, as on the command
        line, so that ``finlocal train fit configs/default.toml`` works from the repository root.
        """
        data: dict[str, Any] = {}
        source = "defaults"
        if path is not None:
            path = Path(path)
            source = str(path)
            try:
                data = tomllib.loads(path.read_text(encoding="utf-8"))
            except FileNotFoundError as exc:
                raise ConfigError(f"{path}: no such config file") from exc
            except tomllib.TOMLDecodeError as exc:
                raise ConfigError(f"{path}: not valid TOML ({exc})") from exc
            nested = [k for k, v in data.items() if isinstance(v, dict)]
            if nested:
                raise ConfigError(f"{path}: tables {nested} are not supported; use flat keys")
        data.update(parse_overrides(overrides))
        return cls.from_dict(data, source=source)


def parse_overrides(overrides: Sequence[str]) -> dict[str, Any]:
    """``["lr=5e-5", "backbone=minilm-l6"]`` → ``{"lr": 5e-05, "backbone": "minilm-l6"}``.

    A value is read as a TOML value (number, boolean, quoted string, array) and otherwise taken
    as a bare string, so paths and enum names need no quotes.
    """
    parsed: dict[str, Any] = {}
    for item in overrides:
        key, sep, raw = item.partition("=")
        key = key.strip()
        if not sep or not key:
            raise ConfigError(f"override {item!r}: expected KEY=VALUE, e.g. lr=5e-5")
        try:
            value = tomllib.loads(f"v = {raw}")["v"]
        except tomllib.TOMLDecodeError:
            value = raw
        parsed[key] = value
    return parsed


def _plain(value: Any) -> Any:
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, Path):
        return str(value)
    if isinstance(value, tuple):
        return [_plain(v) for v in value]
    return value


def _type_name(tp: Any) -> str:
    return getattr(tp, "__name__", str(tp))


def _coerce(value: Any, tp: Any, *, key: str, source: str) -> Any:
    """Check ``value`` against the annotation ``tp`` and convert TOML types to field types."""

    def fail(expected: str) -> ConfigError:
        return ConfigError(f"{source}: key {key!r} expects {expected}, found {value!r} ({type(value).__name__})")

    origin = typing.get_origin(tp)
    if origin in (typing.Union, types.UnionType):
        args = [a for a in typing.get_args(tp) if a is not type(None)]
        if value is None or value == "":
            return None
        return _coerce(value, args[0], key=key, source=source)
    if origin is tuple:
        (item_type, _ellipsis) = typing.get_args(tp)
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list):
            raise fail(f"a list of {_type_name(item_type)}")
        return tuple(_coerce(v, item_type, key=key, source=source) for v in value)
    if isinstance(tp, type) and issubclass(tp, Enum):
        try:
            return tp(value)
        except ValueError:
            raise fail("one of " + ", ".join(repr(m.value) for m in tp)) from None
    if tp is bool:
        if not isinstance(value, bool):
            raise fail("true or false")
        return value
    if tp is int:
        if isinstance(value, bool) or not isinstance(value, int):
            raise fail("an integer")
        return value
    if tp is float:
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise fail("a number")
        return float(value)
    if tp is Path:
        if not isinstance(value, (str, Path)):
            raise fail("a path")
        return Path(value)
    if tp is str:
        if not isinstance(value, str):
            raise fail("a string")
        return value
    raise fail(_type_name(tp))  # pragma: no cover - a field type this function does not know
