"""OnnxClassifier on the committed tiny model: loading, batching, windows, evidence, errors."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from finlocal.errors import ModelError
from finlocal.model import (
    OnnxClassifier,
    _window_starts,
    resolve_model_dir,
)
from finlocal.predictions import Classifier

SENTENCES = [
    "Net sales rose by 2.4 % in the third quarter .",
    "Operating profit fell to EUR 5 mn .",
    "The company is headquartered in Helsinki , Finland .",
    "Revenue increased .",
]


def test_implements_the_protocol(tiny_classifier) -> None:
    assert isinstance(tiny_classifier, Classifier)
    assert tiny_classifier.labels == ("negative", "neutral", "positive")
    assert tiny_classifier.max_length == 32 and tiny_classifier.has_evidence
    assert tiny_classifier.size_bytes > 0 and tiny_classifier.mask_token == "[MASK]"


def test_predictions_follow_the_keywords(tiny_classifier) -> None:
    labels = [p.label for p in tiny_classifier.predict(SENTENCES)]
    assert labels == ["positive", "negative", "neutral", "positive"]


def test_scores_are_probabilities_and_timings_are_set(tiny_classifier) -> None:
    for p in tiny_classifier.predict(SENTENCES):
        assert set(p.scores) == set(tiny_classifier.labels)
        assert sum(p.scores.values()) == pytest.approx(1, abs=1e-5)
        assert p.label == max(p.scores, key=p.scores.get)
        assert p.tokenize_ms >= 0 and p.inference_ms > 0


def test_batching_and_order_do_not_change_results(tiny_classifier) -> None:
    one = tiny_classifier.probabilities(SENTENCES, batch_size=1)
    many = tiny_classifier.probabilities(SENTENCES, batch_size=32)
    reversed_ = tiny_classifier.probabilities(SENTENCES[::-1], batch_size=3)[::-1]
    # per-row int8: a sentence's activations are quantized on their own, so neither its
    # neighbours nor their padding move its score
    np.testing.assert_allclose(one, many, atol=1e-6)
    np.testing.assert_allclose(many, reversed_, atol=1e-6)


WORDS = (
    "Net sales rose fell by 5 % EUR 3.4 mn the company said costs profit loss narrowed Nokia "
    "Kone quarter , . year earlier operating margin cut jobs record weak strong"
).split()


@settings(max_examples=30, deadline=None)
@given(data=st.data())
def test_a_sentence_scores_the_same_in_any_batch_with_any_threads(tiny_model_dir, data) -> None:
    from finlocal.model import OnnxClassifier

    sentences = data.draw(
        st.lists(st.lists(st.sampled_from(WORDS), min_size=1, max_size=60).map(" ".join), min_size=1, max_size=10)
    )
    order = data.draw(st.permutations(range(len(sentences))))
    batch_size = data.draw(st.integers(1, 8))
    threads = data.draw(st.sampled_from([1, 2]))
    classifier = OnnxClassifier.load(tiny_model_dir, threads=threads)
    alone = np.array([classifier.probabilities([s], batch_size=1)[0] for s in sentences])
    shuffled = classifier.probabilities([sentences[i] for i in order], batch_size=batch_size)
    together = np.empty_like(alone)
    together[list(order)] = shuffled
    np.testing.assert_allclose(alone, together, atol=1e-6)
    evidence_alone = [tuple(p.evidence) for s in sentences for p in classifier.predict([s], batch_size=1)]
    evidence_together = {
        i: tuple(p.evidence)
        for i, p in zip(order, classifier.predict([sentences[i] for i in order], batch_size=batch_size), strict=True)
    }
    assert evidence_alone == [evidence_together[i] for i in range(len(sentences))]


def test_evidence_spans_point_into_the_text(tiny_classifier) -> None:
    predictions = tiny_classifier.predict(SENTENCES)
    assert any(p.evidence for p in predictions)
    for text, p in zip(SENTENCES, predictions, strict=True):
        for span in p.evidence:
            assert text[span.start : span.end] == span.text and span.text.strip() == span.text
    rose = predictions[0].evidence
    assert any("rose" in s.text for s in rose)


def test_long_text_is_scored_in_overlapping_windows(tiny_classifier) -> None:
    filler = "the company is headquartered in helsinki , finland and"
    long = f"Net sales rose by 2.4 % {filler} {filler} {filler} {filler} {filler} {filler} and profit increased ."
    n_tokens = len(tiny_classifier._tokenizer.encode(long, add_special_tokens=False).ids)
    assert n_tokens > 2 * tiny_classifier.max_length
    [p] = tiny_classifier.predict([long])
    assert sum(p.scores.values()) == pytest.approx(1, abs=1e-5)
    for span in p.evidence:
        assert long[span.start : span.end] == span.text
    ends = [s.text for s in p.evidence]
    assert any("increased" in s for s in ends)  # evidence from the last window maps back


def test_window_starts_cover_everything() -> None:
    assert _window_starts(10, 30) == [0]
    starts = _window_starts(100, 30)
    assert starts[0] == 0 and starts[-1] == 70
    assert all(b - a <= 30 for a, b in zip(starts, starts[1:], strict=False))


def test_empty_input_list(tiny_classifier) -> None:
    assert tiny_classifier.predict([]) == []


def test_resolve_model_dir(monkeypatch, tmp_path: Path) -> None:
    monkeypatch.setenv("FINLOCAL_MODEL", str(tmp_path / "env"))
    assert resolve_model_dir(tmp_path / "flag") == tmp_path / "flag"
    assert resolve_model_dir(None) == tmp_path / "env"


def _copy(tiny_model_dir: Path, tmp_path: Path) -> Path:
    target = tmp_path / "model"
    shutil.copytree(tiny_model_dir, target)
    return target


def test_load_errors(tiny_model_dir: Path, tmp_path: Path) -> None:
    with pytest.raises(ModelError, match="does not exist"):
        OnnxClassifier.load(tmp_path / "nothing")
    model = _copy(tiny_model_dir, tmp_path)
    (model / "tokenizer.json").write_text("{}")
    with pytest.raises(ModelError, match="sha256 mismatch"):
        OnnxClassifier.load(model)
    model2 = _copy(tiny_model_dir, tmp_path / "2")
    (model2 / "model.onnx").unlink()
    with pytest.raises(ModelError, match="missing"):
        OnnxClassifier.load(model2)


def test_manifest_heads_must_match_the_graph(tiny_model_dir: Path, tmp_path: Path) -> None:
    from finlocal.manifest import Manifest, read_manifest, write_manifest

    model = _copy(tiny_model_dir, tmp_path)
    manifest = read_manifest(model)
    data = manifest.to_dict()
    data["labels"] = ["a", "b", "c"]
    data["heads"] = ["label"]
    write_manifest(model, Manifest.from_dict(data))
    loaded = OnnxClassifier.load(model, threads=1)
    assert not loaded.has_evidence and loaded.predict(["Sales rose ."])[0].evidence == ()
    assert json.loads((model / "finlocal.json").read_text())["labels"] == ["a", "b", "c"]


def test_whole_word() -> None:
    from finlocal.model import _whole_word

    text = "margin 7.5 % (profit, EUR131m.)"
    assert text[slice(*_whole_word(text, 7, 8))] == "7.5"
    assert text[slice(*_whole_word(text, 14, 20))] == "profit"
    assert text[slice(*_whole_word(text, 22, 25))] == "EUR131m"
    assert text[slice(*_whole_word(text, 29, 30))] == "."  # punctuation alone stays itself


def test_labels_must_match_the_logits(tiny_model_dir: Path, tmp_path: Path) -> None:
    from finlocal.manifest import Manifest, read_manifest, write_manifest

    model = _copy(tiny_model_dir, tmp_path)
    data = read_manifest(model).to_dict()
    data["labels"] = ["down", "up"]
    write_manifest(model, Manifest.from_dict(data))
    with pytest.raises(ModelError, match="3 logits but the manifest lists 2 labels"):
        OnnxClassifier.load(model, threads=1)


def test_a_hint_window_follows_the_tokenizers_pair_template() -> None:
    """BERT reads "[CLS] a [SEP] b [SEP]", RoBERTa/MPNet "<s> a </s></s> b </s>": the runtime
    builds a hint model's window from the tokenizer's own pair template."""
    from tokenizers import Tokenizer, models, pre_tokenizers, processors

    from finlocal.model import _pair_specials

    vocab = {"<s>": 0, "</s>": 1, "a": 2, "b": 3, "[UNK]": 4}
    tok = Tokenizer(models.WordLevel(vocab, unk_token="[UNK]"))
    tok.pre_tokenizer = pre_tokenizers.Whitespace()
    tok.post_processor = processors.TemplateProcessing(
        single="<s> $A </s>", pair="<s> $A </s> </s> $B </s>", special_tokens=[("<s>", 0), ("</s>", 1)]
    )
    middle, tail = _pair_specials(tok, np.array([1]))
    assert middle.tolist() == [1, 1] and tail.tolist() == [1]
    tok.post_processor = processors.TemplateProcessing(
        single="<s> $A </s>", pair="<s> $A </s> $B:1 </s>:1", special_tokens=[("<s>", 0), ("</s>", 1)]
    )
    middle, tail = _pair_specials(tok, np.array([1]))
    assert middle.tolist() == [1] and tail.tolist() == [1]
