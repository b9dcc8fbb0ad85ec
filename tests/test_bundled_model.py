"""The bundled default model: loads offline, verifies, and gets plain sentences right."""

from __future__ import annotations

import pytest

from finlocal.manifest import read_manifest
from finlocal.model import OnnxClassifier, bundled_model_dir

# The model the installed package carries: the checkout's in an editable install, the wheel's
# own in CI's runtime-only install of the built wheel.
DEFAULT = bundled_model_dir()

pytestmark = pytest.mark.skipif(not (DEFAULT / "finlocal.json").is_file(), reason="no bundled model yet")

# Written for this test (not from Financial PhraseBank), one clear case per line.
SENTENCES = [
    ("Operating profit rose to EUR 42.1 million from EUR 30.5 million a year earlier.", "positive"),
    ("The company's net sales increased by 18 % to EUR 210 million in the first quarter.", "positive"),
    ("The group won a five-year supply contract worth USD 90 million.", "positive"),
    ("Net profit fell to EUR 5.2 million from EUR 9.8 million.", "negative"),
    ("Net sales decreased by 22 % as demand for paper products weakened.", "negative"),
    ("The company will cut 450 jobs and close its plant in Tampere.", "negative"),
    ("The company is headquartered in Espoo, Finland.", "neutral"),
    ("The annual general meeting will be held on 14 April in Helsinki.", "neutral"),
    ("The shares will be listed on the Nasdaq Helsinki exchange.", "neutral"),
]


def test_bundled_manifest_verifies_and_fits_the_size_budget() -> None:
    manifest = read_manifest(DEFAULT, verify=True)
    assert manifest.labels == ("negative", "neutral", "positive")
    total = sum(p.stat().st_size for p in DEFAULT.iterdir() if p.is_file())
    assert total <= 60 * 1024 * 1024
    cv = manifest.metrics["cross-validation"]  # figures from cross-validation, never a validation portion
    assert cv["protocol"].startswith("5-fold cross-validation")


def test_bundled_model_labels_hand_written_sentences() -> None:
    classifier = OnnxClassifier.load(DEFAULT, threads=1)
    preds = classifier.predict([text for text, _ in SENTENCES])
    got = [p.label for p in preds]
    expected = [label for _, label in SENTENCES]
    assert got == expected, list(zip(got, expected, [t for t, _ in SENTENCES], strict=True))
    for p in preds:
        assert abs(sum(p.scores.values()) - 1.0) < 1e-4


# The issue's own examples of reading direction words instead of meaning (the previous bundled
# model got every one wrong), written down before this model was trained.
DIRECTION = [
    ("Net debt decreased to EUR 310 million from EUR 420 million.", "positive"),
    ("Credit impairment charges rose sharply in the third quarter.", "negative"),
    ("Net loss widened to EUR 12.4 million from EUR 3.1 million.", "negative"),
    ("Customer churn fell to 1.1 % from 1.6 % a year earlier.", "positive"),
    ("Sales did not decline in the quarter.", "positive"),
    ("Pre-tax loss widened to EUR 12.4 million from EUR 3.1 million.", "negative"),
]


# Negation is still the weakest category (0.73 on the direction hold-out set); the 3-layer model
# read "did not decline" as a decline, the 4-layer one reads it right.
@pytest.mark.parametrize(("text", "label"), DIRECTION)
def test_bundled_model_reads_which_way_is_good_news(text: str, label: str) -> None:
    classifier = OnnxClassifier.load(DEFAULT, threads=1)
    (pred,) = classifier.predict([text])
    assert pred.label == label, pred.scores


def test_bundled_model_scores_do_not_depend_on_the_batch() -> None:
    texts = [text for text, _ in SENTENCES + DIRECTION]
    classifier = OnnxClassifier.load(DEFAULT, threads=2)
    alone = [classifier.predict([t])[0].scores for t in texts]
    long_neighbour = "The board proposes a dividend of EUR 0.45 per share " * 6
    together = classifier.predict([long_neighbour, *texts])[1:]
    for a, b in zip(alone, together, strict=True):
        assert max(abs(a[k] - b.scores[k]) for k in a) <= 1e-6


# The sentences the last user test found read wrong (issues 17 and 18), written down before this
# model was trained: a comparison stated by numbers alone, and direction in ordinary wording.
READS_THE_NUMBERS = [
    ("Earnings per share was $1.21 compared to $0.46 in the second quarter of 2020.", "positive"),
    ("Net income per diluted share on an adjusted non-GAAP basis was $0.86 compared to $0.76 last year.", "positive"),
    (
        "Net charge-offs in the first quarter totaled $1.2 million compared to net charge-offs of $2.3 million "
        "in the prior quarter.",
        "positive",
    ),
    ("Operating income was $32.7 million versus $61.3 million a year ago.", "negative"),
    ("Adjusted EBITDA margin narrowed to 11.4 % from 13.9 % a year earlier.", "negative"),
    ("Earnings per share fell to NOK 1.12 (NOK 2.05).", "negative"),
    ("Operating profit was EUR 3.2 mn ( 2.9 mn ) .", "positive"),
    ("Order backlog declined 9 % to NOK 14.2 billion.", "negative"),
    ("We recognised an impairment charge of NOK 640 million on the offshore fleet.", "negative"),
    ("Margins did not improve despite the cost programme.", "negative"),
    (
        "Management believes that demand may stabilise in the second half, although there can be no assurance "
        "that it will.",
        "neutral",
    ),
]


@pytest.mark.parametrize(("text", "label"), READS_THE_NUMBERS)
def test_bundled_model_reads_the_numbers(text: str, label: str) -> None:
    classifier = OnnxClassifier.load(DEFAULT, threads=1)
    (pred,) = classifier.predict([text])
    assert pred.label == label, pred.scores


def test_bundled_manifest_names_only_layers_the_model_has() -> None:
    import re

    manifest = read_manifest(DEFAULT, verify=True)
    layers = manifest.base_model["layers"]
    named = {int(m.group(1)) for p in manifest.quantization["keep_fp32"] if (m := re.search(r"/layer\.(\d+)/", p))}
    assert named == set(range(layers))
