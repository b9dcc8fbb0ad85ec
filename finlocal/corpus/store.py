"""A corpus dataset on disk, and the commit protocol that makes a killed run resumable.

Layout of ``DIR``::

    corpus.json                   what the rows were made with (model, labels, metadata fields)
    sentences/part-ID.parquet     the three tables, one file per committed part
    documents/part-ID.parquet
    errors/part-ID.parquet
    _commits/ID.json              one marker per committed part: its document ids and counts
    _staging/ID/                  a part being written (only while it is written)

Committing a part (`PartWriter.commit`): its tables are written to ``_staging/ID/``, then the
marker ``_commits/ID.json`` is written under a temporary name and renamed (the commit point),
then the files are renamed into the table folders. A part without a marker never existed: a
run killed before the rename leaves only a staging folder, which the next run deletes. A part
with a marker whose files are still in staging is finished (rolled forward) by the next run.
Readers read only files whose part has a marker.

The part id is a hash of the part's document ids, so a Ray write task that is retried after it
committed finds its marker and does not write the rows twice.

A document is finished when a marker lists it (among the scored documents or the errors); a
re-run skips finished documents. Only one run may write a DIR at a time (a lock file).
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import os
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from finlocal.corpus.metadata import FieldKind, MetadataField
from finlocal.corpus.tables import TABLE_NAMES, CorpusTables, Layout, arrow
from finlocal.errors import InputError

if TYPE_CHECKING:
    import pyarrow as pa

log = logging.getLogger(__name__)

SETTINGS_FILE = "corpus.json"
COMMITS = "_commits"
STAGING = "_staging"
LOCK_FILE = ".lock"
FORMAT_VERSION = 2  # 2: the sentences table has a kind column


@dataclass(frozen=True)
class RunSettings:
    """What the rows of a dataset were made with; a resumed run must use the same."""

    model_name: str
    model_sha256: str
    layout: Layout
    top_k: int
    format_version: int = FORMAT_VERSION

    def to_dict(self) -> dict[str, Any]:
        return {
            "format_version": self.format_version,
            "model": {"name": self.model_name, "sha256": self.model_sha256},
            "labels": list(self.layout.labels),
            "metadata_fields": [{"name": f.name, "type": f.kind.value} for f in self.layout.fields],
            "top_k": self.top_k,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any], source: Path) -> RunSettings:
        try:
            fields = tuple(MetadataField(f["name"], FieldKind(f["type"])) for f in data["metadata_fields"])
            return cls(
                model_name=str(data["model"]["name"]),
                model_sha256=str(data["model"]["sha256"]),
                layout=Layout(tuple(data["labels"]), fields),
                top_k=int(data["top_k"]),
                format_version=int(data["format_version"]),
            )
        except (KeyError, TypeError, ValueError) as exc:
            raise InputError(f"{source}: not a finlocal corpus settings file ({exc!r})") from exc

    def mismatch(self, other: RunSettings) -> str | None:
        """How ``other`` differs from these settings, in words, or None."""
        if self.format_version != other.format_version:
            return f"dataset format {self.format_version} vs {other.format_version}"
        if (self.model_name, self.model_sha256) != (other.model_name, other.model_sha256):
            return (
                f"model {self.model_name} ({self.model_sha256[:12]}…) vs "
                f"{other.model_name} ({other.model_sha256[:12]}…)"
            )
        if self.layout.labels != other.layout.labels:
            return f"labels {list(self.layout.labels)} vs {list(other.layout.labels)}"
        if self.layout.fields != other.layout.fields:

            def show(fields: tuple[MetadataField, ...]) -> str:
                return ", ".join(f"{f.name}:{f.kind.value}" for f in fields) or "none"

            return f"metadata fields {show(self.layout.fields)} vs {show(other.layout.fields)}"
        if self.top_k != other.top_k:
            return f"--top-k {self.top_k} vs {other.top_k}"
        return None


@dataclass(frozen=True)
class CommitRecord:
    """A committed part: its id, the ids of its documents and errors, and its sentence count."""

    part: str
    documents: tuple[str, ...]
    errors: tuple[str, ...]
    sentences: int

    def to_dict(self) -> dict[str, Any]:
        return {
            "part": self.part,
            "documents": list(self.documents),
            "errors": list(self.errors),
            "sentences": self.sentences,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> CommitRecord:
        return cls(str(data["part"]), tuple(data["documents"]), tuple(data["errors"]), int(data["sentences"]))


def part_id(doc_ids: tuple[str, ...]) -> str:
    return hashlib.sha256("\n".join(sorted(doc_ids)).encode()).hexdigest()[:20]


def _write_atomic(path: Path, text: str) -> None:
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)


@dataclass(frozen=True)
class PartWriter:
    """Commits parts into a dataset directory; picklable, so Ray write tasks can use it."""

    root: Path

    def marker(self, part: str) -> Path:
        return self.root / COMMITS / f"{part}.json"

    def commit(self, tables: CorpusTables) -> CommitRecord:
        """Write the tables as one part, atomically; a part already committed is left alone."""
        import pyarrow.parquet as pq

        documents = tuple(tables.documents["doc_id"].to_pylist())
        errors = tuple(tables.errors["doc_id"].to_pylist())
        record = CommitRecord(part_id(documents + errors), documents, errors, tables.sentences.num_rows)
        marker = self.marker(record.part)
        if marker.exists():
            log.debug("part %s is already committed", record.part)
            return record
        staging = self.root / STAGING / record.part
        staging.mkdir(parents=True, exist_ok=True)
        names = [name for name in TABLE_NAMES if tables.table(name).num_rows]
        for name in names:
            tmp = staging / f"{name}.parquet.tmp"
            pq.write_table(tables.table(name), tmp, compression="zstd")
            os.replace(tmp, staging / f"{name}.parquet")
        marker.parent.mkdir(parents=True, exist_ok=True)
        _write_atomic(marker, json.dumps(record.to_dict()))
        _publish(self.root, record.part)
        return record


def _publish(root: Path, part: str) -> None:
    """Move a committed part's files from staging into the table folders."""
    staging = root / STAGING / part
    for name in TABLE_NAMES:
        source = staging / f"{name}.parquet"
        if source.exists():
            (root / name).mkdir(exist_ok=True)
            os.replace(source, root / name / f"part-{part}.parquet")
    shutil.rmtree(staging, ignore_errors=True)


def read_settings(root: Path) -> RunSettings:
    path = Path(root) / SETTINGS_FILE
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise InputError(
            f"{root}: not a corpus dataset (no {SETTINGS_FILE}); "
            "make one with 'finlocal corpus score PATH... --out DIR'"
        ) from exc
    except (OSError, json.JSONDecodeError) as exc:
        raise InputError(f"{path}: cannot read ({exc})") from exc
    return RunSettings.from_dict(data, path)


def commit_records(root: Path) -> list[CommitRecord]:
    """Every committed part of the dataset, in part-id order."""
    records = []
    for marker in sorted((Path(root) / COMMITS).glob("*.json")):
        try:
            records.append(CommitRecord.from_dict(json.loads(marker.read_text(encoding="utf-8"))))
        except (OSError, json.JSONDecodeError, KeyError, TypeError, ValueError) as exc:
            raise InputError(
                f"{marker}: corrupt commit marker ({exc}); delete it and re-run to score its documents again"
            ) from exc
    return records


def recover(root: Path) -> tuple[int, int]:
    """Finish what a killed run left: roll committed parts forward, drop uncommitted ones.

    Returns (parts rolled forward, parts dropped).
    """
    root = Path(root)
    forward = dropped = 0
    for tmp in (root / COMMITS).glob("*.tmp"):
        tmp.unlink(missing_ok=True)
    staging = root / STAGING
    for part_dir in sorted(staging.iterdir()) if staging.is_dir() else []:
        if (root / COMMITS / f"{part_dir.name}.json").exists():
            _publish(root, part_dir.name)
            forward += 1
        else:
            shutil.rmtree(part_dir, ignore_errors=True)
            dropped += 1
    if forward or dropped:
        log.info("%s: recovered %d committed part(s), dropped %d unfinished", root, forward, dropped)
    return forward, dropped


@contextlib.contextmanager
def _locked(root: Path) -> Iterator[None]:
    import fcntl

    fh = (root / LOCK_FILE).open("a+")
    try:
        try:
            fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError as exc:
            raise InputError(
                f"{root} is being written by another 'finlocal corpus score' run; "
                "wait for it to finish or choose another --out"
            ) from exc
        yield
    finally:
        fh.close()


@contextlib.contextmanager
def open_for_writing(root: Path, settings: RunSettings) -> Iterator[PartWriter]:
    """Lock ``root``, check (or write) its settings and recover it; yields its `PartWriter`.

    Raises `InputError` when ``root`` holds rows made with other settings (another model,
    labels, metadata fields or top-k): mixing them would make one dataset of two runs.
    """
    root = Path(root)
    if root.exists() and not root.is_dir():
        raise InputError(f"--out {root}: exists and is not a directory")
    if root.is_dir() and any(root.iterdir()) and not (root / SETTINGS_FILE).exists():
        raise InputError(
            f"--out {root}: the directory is not empty and is not a corpus dataset; choose a new or empty directory"
        )
    root.mkdir(parents=True, exist_ok=True)
    with _locked(root):
        if (root / SETTINGS_FILE).exists():
            existing = read_settings(root)
            difference = existing.mismatch(settings)
            if difference is not None:
                raise InputError(
                    f"--out {root}: holds rows scored with other settings ({difference}); "
                    "score into a new --out directory, or run with the settings it was made with"
                )
        else:
            _write_atomic(root / SETTINGS_FILE, json.dumps(settings.to_dict(), indent=2) + "\n")
        recover(root)
        yield PartWriter(root)


def finished_ids(root: Path) -> set[str]:
    """The ids of every document a committed part holds (scored or failed)."""
    done: set[str] = set()
    for record in commit_records(root):
        done.update(record.documents)
        done.update(record.errors)
    return done


@dataclass(frozen=True)
class CorpusDataset:
    """A corpus dataset opened for reading: its settings and its committed tables."""

    root: Path
    settings: RunSettings

    @classmethod
    def open(cls, root: Path) -> CorpusDataset:
        return cls(Path(root), read_settings(root))

    @property
    def layout(self) -> Layout:
        return self.settings.layout

    def read(self, table: str, columns: list[str] | None = None) -> pa.Table:
        """One table: the files of committed parts only, in part order."""
        pa = arrow()
        import pyarrow.parquet as pq

        committed = {r.part for r in commit_records(self.root)}
        files = [
            p for p in sorted((self.root / table).glob("part-*.parquet")) if p.stem.removeprefix("part-") in committed
        ]
        schema = self.layout.schema(table)
        if columns is not None:
            schema = pa.schema([schema.field(c) for c in columns])
        if not files:
            return schema.empty_table()
        return pa.concat_tables([pq.read_table(f, columns=columns, schema=schema) for f in files])
