"""Shared fixtures: the committed tiny int8 ONNX model and the keyword fake (`tests.fakes`)."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

# tests/ and bench/ are packages of the checkout, not of the install. The checkout's root goes at
# the END of sys.path: prepended, its finlocal/ (without train/ and export/, which the install maps
# in as finlocal.train and finlocal.export) would hide the installed package after `pip install .`,
# and CI's run against the built wheel would test the checkout instead. pytest's `pythonpath`
# setting prepends, so it cannot stand in for these lines.
ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.append(str(ROOT))

from tests.fakes import KeywordClassifier  # noqa: E402 - needs the root on sys.path

# No network and no thread oversubscription in tests (set before onnxruntime/torch start).
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
os.environ.setdefault("RAYON_NUM_THREADS", "1")

FIXTURES = ROOT / "tests" / "fixtures"


def pytest_report_header() -> str:
    import finlocal

    return f"finlocal {finlocal.__version__} from {Path(finlocal.__file__).parent}"


def pytest_sessionstart(session: pytest.Session) -> None:
    """``FINLOCAL_TEST_INSTALLED=1`` (CI's run against the built wheel): refuse to test the
    checkout's code by mistake."""
    import finlocal

    checkout = Path(finlocal.__file__).resolve().parent == ROOT / "finlocal"
    if os.environ.get("FINLOCAL_TEST_INSTALLED") == "1" and checkout:
        raise pytest.UsageError(f"FINLOCAL_TEST_INSTALLED=1 but finlocal comes from the checkout ({finlocal.__file__})")


TINY_MODEL_DIR = FIXTURES / "tiny-model"


@pytest.fixture(scope="session")
def tiny_model_dir() -> Path:
    """The committed tiny model (2 layers, hidden 32, label + evidence heads, int8, max_length 32).

    Made by ``tests/fixtures/make_tiny_model.py``; read-only — copy it to ``tmp_path`` before
    changing anything. Its labels follow keywords: "rose/increased/grew" -> positive,
    "fell/decreased/dropped" -> negative, other sentences mostly neutral.
    """
    if not (TINY_MODEL_DIR / "finlocal.json").is_file():
        pytest.fail(f"{TINY_MODEL_DIR} is missing; run tests/fixtures/make_tiny_model.py")
    return TINY_MODEL_DIR


@pytest.fixture(scope="session")
def tiny_classifier(tiny_model_dir: Path):
    """The tiny model loaded with onnxruntime, one thread."""
    from finlocal.model import OnnxClassifier

    return OnnxClassifier.load(tiny_model_dir, threads=1)


@pytest.fixture
def fake_classifier() -> KeywordClassifier:
    """The keyword fake (`tests.fakes.KeywordClassifier`), fresh for each test."""
    return KeywordClassifier()


@pytest.fixture(scope="session")
def tiny_setup(tmp_path_factory: pytest.TempPathFactory) -> dict:
    """A tiny random BERT backbone and templated rows: training and export end to end in seconds.

    Tests that use it train: mark them ``@pytest.mark.train``."""
    pytest.importorskip("torch")
    pytest.importorskip("transformers")
    from finlocal.jsonl import write_jsonl
    from finlocal.train.tiny import tiny_backbone, tiny_examples

    root = tmp_path_factory.mktemp("tiny-train")
    rows = tiny_examples()
    data = root / "train.jsonl"
    write_jsonl(data, rows)
    backbone = tiny_backbone(root / "backbone", [r["text"] for r in rows])
    return {"root": root, "data": data, "backbone": backbone, "rows": rows}
