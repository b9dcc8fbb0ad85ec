"""Engine parity: Ray Data and the local process pool write the same rows (timings aside).

Starts a local Ray cluster with one actor for a few seconds; deselect with ``-m 'not ray'``.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from finlocal.corpus.engine import EngineKind, OnnxModel
from finlocal.corpus.metadata import MetadataSource, NamePattern
from finlocal.corpus.run import CorpusRunConfig, run_corpus
from finlocal.corpus.store import CorpusDataset
from finlocal.corpus.tables import TABLE_NAMES, TIMING_COLUMNS, sort_table
from tests.corpus.conftest import GOOD, PATTERN

pytestmark = pytest.mark.ray


@pytest.fixture
def ray_shut_down() -> Iterator[None]:
    import ray

    yield
    if ray.is_initialized():
        ray.shutdown()
    assert not ray.is_initialized()


def _tables(out: Path) -> dict[str, list[dict]]:
    dataset = CorpusDataset.open(out)
    tables = {}
    for name in TABLE_NAMES:
        data = dataset.read(name)
        data = data.drop_columns([c for c in data.column_names if c in TIMING_COLUMNS])
        tables[name] = sort_table(data, name).to_pylist()
    return tables


def test_ray_and_local_engines_write_the_same_rows(tiny_model_dir: Path, tmp_path: Path, ray_shut_down: None) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for name in ("AAA_q1_2021.txt", "AAA_q2_2021.txt", "BBB_q1_2021.txt"):
        (corpus / name).write_text(GOOD[name])
    (corpus / "CCC_q1_2021.txt").write_bytes(b"\x00 binary \x00" * 20)

    def config(engine: EngineKind, out: Path) -> CorpusRunConfig:
        return CorpusRunConfig(
            (corpus,),
            out,
            OnnxModel(tiny_model_dir),
            engine=engine,
            workers=1,
            metadata=MetadataSource(NamePattern.parse(PATTERN)),
            documents_per_batch=2,
        )

    local = run_corpus(config(EngineKind.LOCAL, tmp_path / "local"))
    ray_run = run_corpus(config(EngineKind.RAY, tmp_path / "ray"))
    assert (ray_run.engine, ray_run.documents, ray_run.errors) == (EngineKind.RAY, 3, 1)
    assert (local.documents, local.errors, local.sentences) == (ray_run.documents, ray_run.errors, ray_run.sentences)
    local_rows, ray_rows = _tables(tmp_path / "local"), _tables(tmp_path / "ray")
    assert len(ray_rows["sentences"]) == local.sentences > 0
    for name in TABLE_NAMES:
        assert ray_rows[name] == local_rows[name], name

    # resume works the same way: a re-run with Ray finds everything done and starts no work
    again = run_corpus(config(EngineKind.RAY, tmp_path / "ray"))
    assert (again.skipped, again.documents, again.errors) == (4, 0, 0)
