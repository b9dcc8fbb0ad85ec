"""The documents of a corpus run: found from PATHs, each with a stable id and its metadata."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from finlocal.corpus.metadata import MetadataSource, MetadataValue
from finlocal.errors import InputError
from finlocal.reading import STDIN_SOURCE, iter_inputs


def document_id(path: Path) -> str:
    """A document's id: the first 16 hex digits of the sha256 of its absolute, resolved path.

    The same file gets the same id in every run, whatever the working directory, which is what
    lets a re-run skip it; a copy of the corpus at another place is another set of documents.
    """
    return hashlib.sha256(str(Path(path).resolve()).encode("utf-8")).hexdigest()[:16]


@dataclass(frozen=True)
class CorpusDocument:
    """One file to score. ``source`` is the path as found (the JSONL ``source``), ``path`` resolved."""

    doc_id: str
    path: Path
    source: str
    metadata: dict[str, MetadataValue]


@dataclass(frozen=True)
class Discovery:
    """What PATHs gave: the documents, in sorted order without repeats, and how many had no
    metadata although a name pattern or sidecar was given."""

    documents: tuple[CorpusDocument, ...]
    without_metadata: tuple[str, ...]


def find_documents(paths: Sequence[str | Path], metadata: MetadataSource, glob: str | None = None) -> Discovery:
    """Expand PATHs (files and directories, scanned recursively) into corpus documents.

    Raises `InputError` for a PATH that does not exist, a directory without documents, or stdin:
    a corpus run reads files, and a typo should stop it before it starts.
    """
    if not paths:
        raise InputError("give at least one PATH (a file or a directory of documents)")
    seen: set[str] = set()
    documents: list[CorpusDocument] = []
    missing: list[str] = []
    for item in iter_inputs(paths, glob):
        if item.source == STDIN_SOURCE:
            raise InputError("corpus score reads files, not standard input; use 'finlocal score -' for stdin")
        if item.error is not None:
            raise InputError(item.error)
        assert item.path is not None
        doc_id = document_id(item.path)
        if doc_id in seen:
            continue
        seen.add(doc_id)
        values = metadata.for_path(item.path)
        if metadata.fields and all(v is None for v in values.values()):
            missing.append(item.source)
        documents.append(CorpusDocument(doc_id, item.path.resolve(), item.source, values))
    return Discovery(tuple(documents), tuple(missing))


def pending(documents: Iterable[CorpusDocument], finished: set[str]) -> list[CorpusDocument]:
    """The documents whose id is not among ``finished``, in their order."""
    return [d for d in documents if d.doc_id not in finished]
