"""A hint model reads the same tokens at training time and at run time.

The student learns on Hugging Face pair encodings ("[CLS] sentence [SEP] hint [SEP]",
`finlocal.train.batches.encode`); the runtime builds its windows by hand
(`finlocal.model.OnnxClassifier`). They must agree token for token, or a hint model would read at
run time what it never saw in training.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

import numpy as np
import pytest

from finlocal.changes.hint import HintKind, hint_text
from finlocal.manifest import read_manifest
from finlocal.model import OnnxClassifier

pytestmark = pytest.mark.train

SENTENCES = [
    "Earnings per share fell to NOK 1.12 (NOK 2.05).",
    "The company is based in Espoo.",
    "Net debt fell to 12 from 20.",
    "Adjusted EBITDA margin narrowed to 11.4 % from 13.9 % a year earlier.",
]


class RecordingSession:
    """An onnxruntime session stand-in that records what it is fed."""

    def __init__(self, real) -> None:
        self.real = real
        self.fed: list[np.ndarray] = []

    def get_inputs(self):
        return self.real.get_inputs()

    def get_outputs(self):
        return self.real.get_outputs()

    def run(self, names, feeds):
        ids, mask = feeds["input_ids"], feeds["attention_mask"]
        self.fed += [row[: int(m.sum())] for row, m in zip(ids, mask, strict=True)]
        return self.real.run(names, feeds)


def test_hint_text_names_each_change() -> None:
    assert hint_text(SENTENCES[0]) == "earnings per share down bad"
    assert hint_text(SENTENCES[1]) is None
    assert hint_text(SENTENCES[2]) == "net debt down good"
    two = "Net charge-offs totaled $1.2 million compared to $2.3 million, and net sales rose 5 % to EUR 131 mn."
    assert hint_text(two) == "net charge-offs down good ; net sales up good"
    assert hint_text(SENTENCES[0], HintKind.NONE) is None


def test_runtime_windows_match_training_pairs(tiny_model_dir: Path) -> None:
    import onnxruntime as ort
    from tokenizers import Tokenizer
    from transformers import PreTrainedTokenizerFast

    from finlocal.train.batches import encode

    manifest = dataclasses.replace(read_manifest(tiny_model_dir), hint=HintKind.CHANGES.value)
    session = RecordingSession(ort.InferenceSession(str(tiny_model_dir / manifest.model_file)))
    classifier = OnnxClassifier(
        tiny_model_dir, manifest, session, Tokenizer.from_file(str(tiny_model_dir / "tokenizer.json"))
    )
    for text in ("Sales rose 5 %.", "Net debt fell to 12 from 20.", "The company is in Espoo."):
        # one at a time and short enough for one window of the tiny model: the session sees it whole
        session.fed.clear()
        classifier.predict([text])
        hf = PreTrainedTokenizerFast(
            tokenizer_file=str(tiny_model_dir / "tokenizer.json"),
            cls_token="[CLS]",
            sep_token="[SEP]",
            pad_token="[PAD]",
        )
        expected = encode(hf, [text], manifest.max_length, HintKind.CHANGES.value).input_ids[0]
        (fed,) = session.fed
        assert fed.tolist() == expected, text


def test_hint_tokens_are_never_evidence_targets(tiny_model_dir: Path) -> None:
    from transformers import PreTrainedTokenizerFast

    from finlocal.train.batches import encode

    hf = PreTrainedTokenizerFast(
        tokenizer_file=str(tiny_model_dir / "tokenizer.json"), cls_token="[CLS]", sep_token="[SEP]", pad_token="[PAD]"
    )
    enc = encode(hf, SENTENCES[:2], 96, HintKind.CHANGES.value)
    plain = encode(hf, SENTENCES[:2], 96)
    # the hinted sentence is longer by its hint; the sentence without a change is unchanged
    assert len(enc.input_ids[0]) > len(plain.input_ids[0])
    assert enc.input_ids[1] == plain.input_ids[1]
    first_sep = plain.input_ids[0].index(hf.sep_token_id)
    assert all(enc.special[0][first_sep:]), "hint tokens must be masked out of evidence targets"
    assert enc.special[0][1:first_sep] == plain.special[0][1:first_sep]


def test_hint_dropout_drops_the_same_share_of_rows_every_time() -> None:
    from finlocal.train.config import FitConfig
    from finlocal.train.fit import hint_dropped

    texts = [f"Net sales rose {i} % ." for i in range(2000)]
    config = FitConfig.from_dict({"hint": "changes-v1", "hint_dropout": 0.3, "seed": 13})
    dropped = hint_dropped(texts, config)
    assert 0.27 < sum(dropped) / len(dropped) < 0.33
    assert hint_dropped(texts, config) == dropped  # a resumed run drops the same rows
    assert hint_dropped(texts, FitConfig.from_dict({"hint": "changes-v1", "seed": 13})) == [False] * len(texts)
    other_seed = hint_dropped(texts, FitConfig.from_dict({"hint": "changes-v1", "hint_dropout": 0.3, "seed": 14}))
    assert other_seed != dropped


def test_a_dropped_row_is_encoded_without_its_hint(tiny_model_dir: Path) -> None:
    from transformers import PreTrainedTokenizerFast

    from finlocal.train.batches import encode

    hf = PreTrainedTokenizerFast(
        tokenizer_file=str(tiny_model_dir / "tokenizer.json"), cls_token="[CLS]", sep_token="[SEP]", pad_token="[PAD]"
    )
    texts = ["Sales rose 5 %.", "Sales rose 5 %."]
    enc = encode(hf, texts, 96, HintKind.CHANGES.value, [False, True])
    assert enc.input_ids[1] == encode(hf, texts[:1], 96).input_ids[0]
    assert len(enc.input_ids[0]) > len(enc.input_ids[1])
