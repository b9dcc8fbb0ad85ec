"""A tiny random BERT backbone and a tiny labelled data set: end-to-end smoke runs in seconds.

Used by the test suite (training → export → runtime) and handy for checking an install:
``finlocal train fit configs/default.toml backbone=DIR fpb_path=FILE epochs=2``.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

COMPANIES = ("Nokia", "Stora Enso", "Kone", "Fiskars", "Elisa", "Wartsila", "Orion", "Outotec")
POSITIVE = (
    "{c} said its operating profit rose to EUR {n} mn from EUR {m} mn .",
    "Net sales of {c} increased by {n} % in the third quarter .",
    "{c} won a contract worth EUR {n} million , boosting its order book .",
    "Shares in {c} jumped {n} % after strong quarterly earnings .",
)
NEGATIVE = (
    "{c} said its operating profit fell to EUR {m} mn from EUR {n} mn .",
    "Net sales of {c} decreased by {n} % in the third quarter .",
    "{c} will cut {n} jobs as demand weakens .",
    "Shares in {c} dropped {n} % after a profit warning .",
)
NEUTRAL = (
    "{c} is headquartered in Helsinki and employs {n} people .",
    "The annual general meeting of {c} will be held on {n} March .",
    "{c} publishes its interim report in week {n} .",
    "The {c} board has {n} members .",
)


def tiny_examples(n_per_label: int = 32) -> list[dict[str, str]]:
    """Templated FPB-style rows ``{"id", "text", "label", "agreement"}``, labels interleaved."""
    rows: list[dict[str, str]] = []
    for i in range(n_per_label):
        for label, templates in (("positive", POSITIVE), ("negative", NEGATIVE), ("neutral", NEUTRAL)):
            n, m = 3 + 7 * i, 2 + 5 * i  # unique per row: no text repeats
            text = templates[i % len(templates)].format(c=COMPANIES[i % len(COMPANIES)], n=n, m=m)
            rows.append({"id": f"tiny-{len(rows):04d}", "text": text, "label": label, "agreement": "100"})
    return rows


def tiny_backbone(directory: Path, texts: Sequence[str], *, hidden: int = 32, layers: int = 2, seed: int = 0) -> Path:
    """Write a random BERT (``layers`` × ``hidden``) with a WordPiece tokenizer trained on
    ``texts`` into ``directory``, as a Hugging Face model directory."""
    import torch
    from tokenizers import BertWordPieceTokenizer
    from transformers import BertConfig, BertModel, BertTokenizerFast

    directory.mkdir(parents=True, exist_ok=True)
    wordpiece = BertWordPieceTokenizer(lowercase=True)
    wordpiece.train_from_iterator(list(texts), vocab_size=400, min_frequency=1)
    tokenizer = BertTokenizerFast(tokenizer_object=wordpiece._tokenizer, model_max_length=128)
    tokenizer.save_pretrained(directory)
    torch.manual_seed(seed)
    config = BertConfig(
        vocab_size=tokenizer.vocab_size,
        hidden_size=hidden,
        num_hidden_layers=layers,
        num_attention_heads=2,
        intermediate_size=hidden * 2,
        max_position_embeddings=128,
    )
    BertModel(config).save_pretrained(directory, safe_serialization=True)
    return directory
