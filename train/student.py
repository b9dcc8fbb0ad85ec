"""The student: a Hugging Face encoder with a sentence-label head and a token evidence head.

`Student` is a `transformers.PreTrainedModel`, so a checkpoint is the usual ``config.json`` +
``model.safetensors`` pair and Optimum can export it. Its config (`StudentConfig`) carries the
backbone's own config, so a checkpoint rebuilds without the pretrained weights it started from.

``forward`` returns ``logits`` [batch, n_labels] and ``evidence_logits`` [batch, seq]: the
output names of the runtime's ONNX contract.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import torch
from torch import nn
from transformers import AutoConfig, AutoModel, PretrainedConfig, PreTrainedModel
from transformers.models.auto.configuration_auto import CONFIG_MAPPING
from transformers.utils import ModelOutput

from finlocal.predictions import LABELS
from finlocal.train.config import ConfigError, Pooling
from finlocal.train.weights import Backbone, backbone_path

log = logging.getLogger(__name__)


class StudentConfig(PretrainedConfig):
    """The student's config: the backbone config (``encoder``), labels, pooling and dropout."""

    model_type = "finlocal-student"

    def __init__(
        self,
        encoder: dict[str, Any] | None = None,
        labels: tuple[str, ...] | list[str] = LABELS,
        pooling: str = Pooling.MEAN.value,
        dropout: float = 0.1,
        hint: str = "none",
        **kwargs: Any,
    ) -> None:
        self.encoder = dict(encoder or {})
        self.hint = hint  # the second segment it reads (finlocal.changes.hint.HintKind value)
        self.labels = list(labels)
        self.pooling = Pooling(pooling).value
        self.dropout = dropout
        kwargs.setdefault("id2label", dict(enumerate(self.labels)))
        kwargs.setdefault("label2id", {label: i for i, label in enumerate(self.labels)})
        super().__init__(**kwargs)
        # Mirror the backbone's sizes at the top level: exporters read them to make dummy inputs.
        for key in (
            "vocab_size",
            "hidden_size",
            "num_attention_heads",
            "num_hidden_layers",
            "type_vocab_size",
            "max_position_embeddings",
            "pad_token_id",
        ):
            if key in self.encoder:
                setattr(self, key, self.encoder[key])

    def encoder_config(self) -> PretrainedConfig:
        data = dict(self.encoder)
        return CONFIG_MAPPING[data.pop("model_type")].from_dict(data)


@dataclass
class StudentOutput(ModelOutput):
    logits: torch.Tensor | None = None
    evidence_logits: torch.Tensor | None = None


class Student(PreTrainedModel):
    """Encoder + label head (pooled) + evidence head (per token)."""

    config_class = StudentConfig
    base_model_prefix = "student"
    main_input_name = "input_ids"

    def __init__(self, config: StudentConfig, encoder: PreTrainedModel | None = None) -> None:
        super().__init__(config)
        self.encoder = encoder if encoder is not None else AutoModel.from_config(config.encoder_config())
        hidden = self.encoder.config.hidden_size
        self.dropout = nn.Dropout(config.dropout)
        self.classifier = nn.Linear(hidden, len(config.labels))
        self.evidence = nn.Linear(hidden, 1)
        self._uses_token_types = "token_type_ids" in _forward_params(self.encoder)
        self.post_init()

    def _init_weights(self, module: nn.Module) -> None:
        # Only the heads: the encoder keeps its pretrained (or loaded) weights.
        if module is self.classifier or module is self.evidence:
            nn.init.normal_(module.weight, std=0.02)
            nn.init.zeros_(module.bias)

    def forward(
        self,
        input_ids: torch.Tensor,
        attention_mask: torch.Tensor,
        token_type_ids: torch.Tensor | None = None,
    ) -> StudentOutput:
        kwargs: dict[str, torch.Tensor] = {"input_ids": input_ids, "attention_mask": attention_mask}
        if token_type_ids is not None and self._uses_token_types:
            kwargs["token_type_ids"] = token_type_ids
        hidden = self.encoder(**kwargs).last_hidden_state
        pooled = pool(hidden, attention_mask, Pooling(self.config.pooling))
        logits = self.classifier(self.dropout(pooled))
        evidence_logits = self.evidence(self.dropout(hidden)).squeeze(-1)
        return StudentOutput(logits=logits, evidence_logits=evidence_logits)


def pool(hidden: torch.Tensor, attention_mask: torch.Tensor, pooling: Pooling) -> torch.Tensor:
    """[batch, seq, hidden] → [batch, hidden]."""
    if pooling is Pooling.CLS:
        return hidden[:, 0]
    mask = attention_mask.to(hidden.dtype).unsqueeze(-1)
    if pooling is Pooling.MEAN:
        return (hidden * mask).sum(1) / mask.sum(1).clamp(min=1.0)
    last = attention_mask.long().sum(1).clamp(min=1) - 1  # right padding
    return hidden[torch.arange(hidden.size(0), device=hidden.device), last]


def _forward_params(module: nn.Module) -> set[str]:
    import inspect

    return set(inspect.signature(module.forward).parameters)


def resolve_backbone(backbone: str) -> tuple[Path, str | None]:
    """``(directory, gguf_file or None)`` for a Backbone name, a HF directory or a .gguf file."""
    try:
        path = backbone_path(Backbone(backbone))
    except ValueError:
        path = Path(backbone)
    if path.suffix == ".gguf":
        return path.parent, path.name
    if not (path / "config.json").is_file():
        raise ConfigError(
            f"backbone {backbone!r}: expected one of {[b.value for b in Backbone]}, a Hugging Face "
            "model directory with config.json, or a .gguf file"
        )
    return path, None


def keep_first_layers(encoder: PreTrainedModel, n: int) -> None:
    """Drop all but the first ``n`` transformer layers of ``encoder`` in place (BERT-style
    ``encoder.layer`` or decoder-style ``layers``), and record the new depth in its config."""
    holder = getattr(encoder, "encoder", encoder)
    name = "layer" if isinstance(getattr(holder, "layer", None), nn.ModuleList) else "layers"
    layers = getattr(holder, name, None)
    if not isinstance(layers, nn.ModuleList):
        raise ConfigError(f"encoder_layers: cannot find the layer list of {type(encoder).__name__}")
    if not 1 <= n <= len(layers):
        raise ConfigError(f"encoder_layers = {n}: the backbone has {len(layers)} layers; use 1..{len(layers)}")
    setattr(holder, name, nn.ModuleList(list(layers)[:n]))
    encoder.config.num_hidden_layers = n
    if getattr(encoder.config, "layer_types", None):  # decoders with per-layer attention types
        encoder.config.layer_types = encoder.config.layer_types[:n]


def new_student(
    backbone: str,
    *,
    pooling: Pooling,
    dropout: float,
    labels: tuple[str, ...] = LABELS,
    encoder_layers: int = 0,
    hint: str = "none",
) -> tuple[Student, Any]:
    """A student on pretrained backbone weights (its first ``encoder_layers`` layers when > 0),
    and its (fast) tokenizer."""
    from transformers import AutoTokenizer

    directory, gguf_file = resolve_backbone(backbone)
    extra = {"gguf_file": gguf_file} if gguf_file else {}
    tokenizer = AutoTokenizer.from_pretrained(directory, **extra)
    encoder = AutoModel.from_pretrained(directory, dtype=torch.float32, **extra)
    if tokenizer.pad_token is None:  # decoders: pad with EOS, right padding for LAST pooling
        tokenizer.pad_token = tokenizer.eos_token
        tokenizer.padding_side = "right"
    if encoder_layers:
        keep_first_layers(encoder, encoder_layers)
    encoder_dict = encoder.config.to_dict()
    encoder_dict["pad_token_id"] = tokenizer.pad_token_id
    config = StudentConfig(
        encoder=encoder_dict,
        labels=labels,
        pooling=pooling.value,
        dropout=dropout,
        hint=hint,
        name_or_path=str(backbone),
    )
    return Student(config, encoder=encoder), tokenizer


def layer_depth(name: str, n_layers: int) -> int:
    """0 for embeddings, i + 1 for transformer layer i, n_layers + 1 for everything above."""
    match = re.search(r"\.layers?\.(\d+)\.", name)
    if match:
        return int(match.group(1)) + 1
    if "embed" in name:
        return 0
    return n_layers + 1


def parameter_groups(
    model: Student, *, lr: float, head_lr: float, layer_lr_decay: float, weight_decay: float
) -> list[dict[str, Any]]:
    """AdamW groups: layer-wise decayed lr for the encoder, ``head_lr`` for the heads;
    no weight decay on biases and norms."""
    n_layers = int(model.encoder.config.num_hidden_layers)
    groups: dict[tuple[float, float], list[nn.Parameter]] = {}
    for name, param in model.named_parameters():
        if not param.requires_grad:
            continue
        if name.startswith(("classifier.", "evidence.")):
            group_lr = head_lr
        else:
            depth = layer_depth(name, n_layers)
            group_lr = lr * layer_lr_decay ** max(0, n_layers + 1 - depth)
        decay = 0.0 if (param.ndim < 2 or "norm" in name.lower()) else weight_decay
        groups.setdefault((group_lr, decay), []).append(param)
    return [{"params": p, "lr": g_lr, "weight_decay": wd} for (g_lr, wd), p in groups.items()]


# Make AutoConfig aware of the student's model type (no side effect beyond this registry).
AutoConfig.register(StudentConfig.model_type, StudentConfig, exist_ok=True)
