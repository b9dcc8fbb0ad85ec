"""Tiny random backbone + templated data: training end to end in seconds."""

from __future__ import annotations

import pytest

pytest.importorskip("torch")
pytest.importorskip("transformers")


@pytest.fixture(scope="session")
def tiny_setup(tmp_path_factory: pytest.TempPathFactory) -> dict:
    from finlocal.train.tiny import tiny_backbone, tiny_examples, write_jsonl

    root = tmp_path_factory.mktemp("tiny-train")
    rows = tiny_examples()
    data = write_jsonl(rows, root / "train.jsonl")
    backbone = tiny_backbone(root / "backbone", [r["text"] for r in rows])
    return {"root": root, "data": data, "backbone": backbone, "rows": rows}


@pytest.fixture(autouse=True)
def _offline(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.setenv("TRANSFORMERS_OFFLINE", "1")
