"""The fp32 prefixes a manifest records name only layers the model has."""

from __future__ import annotations

import pytest

from finlocal.export.quantize import ATTN_OUT, FFN_OUT, HEADS, QuantSettings, Scheme, kept_in_model


@pytest.mark.parametrize(
    ("layers", "expected"),
    [
        (4, [*HEADS, *FFN_OUT[:4], *ATTN_OUT[:4]]),
        (1, [*HEADS, FFN_OUT[0], ATTN_OUT[0]]),
        (12, [*HEADS, *FFN_OUT, *ATTN_OUT]),
    ],
)
def test_kept_in_model_drops_layers_the_model_lacks(layers: int, expected: list[str]) -> None:
    assert kept_in_model(HEADS + FFN_OUT + ATTN_OUT, layers) == expected


def test_the_setting_name_still_spells_the_groups() -> None:
    # the manifest's keep_fp32 is cut to the model; the setting (and its name) keeps the groups
    assert QuantSettings(Scheme.PER_ROW, 7, HEADS + FFN_OUT + ATTN_OUT).name == (
        "per-row-w7-fp32:classifier+evidence+ffn-out+attn-out"
    )
