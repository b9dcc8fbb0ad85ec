"""`finlocal info`'s short lines: grouped fp32 prefixes, only the fields a manifest holds."""

from __future__ import annotations

import pytest

from finlocal.manifest import Manifest
from finlocal.model_facts import fp32_groups, info_rows

LAYER = "/encoder/encoder/layer.{}/output/dense"
ATTN = "/encoder/encoder/layer.{}/attention/output/dense"


@pytest.mark.parametrize(
    ("prefixes", "expected"),
    [
        (["/classifier", "/evidence"], ["classifier", "evidence"]),
        (
            ["/classifier", *(LAYER.format(i) for i in range(4)), *(ATTN.format(i) for i in range(4))],
            ["classifier", "feed-forward output (layers 0–3)", "attention output (layers 0–3)"],
        ),
        ([LAYER.format(0), LAYER.format(2), LAYER.format(3)], ["feed-forward output (layers 0, 2–3)"]),
        (["/label_head"], ["label_head"]),
        ([], []),
    ],
)
def test_fp32_groups(prefixes: list[str], expected: list[str]) -> None:
    assert fp32_groups(prefixes) == expected


def test_info_rows_show_only_what_the_manifest_holds() -> None:
    bare = Manifest(name="m", labels=("negative", "neutral", "positive"), max_length=32)
    titles = [title for title, _ in info_rows(bare)]
    assert titles == ["labels", "heads", "max length", "temperature"]
    full = Manifest(
        name="m",
        labels=("negative", "neutral", "positive"),
        max_length=32,
        quantization={"scheme": "per-row", "weight_bits": 7, "keep_fp32": ["/classifier"]},
        metrics={"comparison": {"n": 10, "accuracy": 0.9}, "direction": {"challenge": {"n": 5, "accuracy": 0.8}}},
    )
    rows = dict(info_rows(full))
    assert rows["quantization"] == "per-row int8, 7-bit weights; kept in fp32: classifier"
    assert rows["comparison set"] == "0.900 (10 sentences)"
    assert rows["direction sets"] == "challenge 0.800 (5)"
