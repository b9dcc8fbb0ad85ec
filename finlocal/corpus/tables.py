"""The Arrow schemas of a corpus dataset and the conversions from rows to tables.

Three tables (see the README, "Scoring a corpus"):

- ``sentences``: ``doc_id``, the JSONL row fields of ``finlocal score`` (``source``, ``index``,
  ``kind``, ``start``, ``end``, ``text``, ``label``, ``scores``, ``evidence``, ``changes``, ``ms``),
  then the metadata; ``kind`` says what the row is (``sentence``, ``heading``, ``table_row``:
  `finlocal.structure.RowKind`);
- ``documents``: ``doc_id``, ``path``, ``sha256``, the ``--per document`` row fields, the metadata;
- ``errors``: ``doc_id``, ``path``, ``source``, ``error``, the metadata.

``scores`` and ``counts`` are structs with one field per label, in the model's order. Engines
first build a *batch*, one row per document with its sentences nested (`batch_table`), because
that is what a Ray Data block can carry; `split_batch` turns a batch into the three tables. Both
engines go through the same two functions, so they write the same rows.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from finlocal.corpus.metadata import FieldKind, MetadataField
from finlocal.corpus.rows import ScoredDocument
from finlocal.errors import require

if TYPE_CHECKING:
    import pyarrow as pa

TABLE_NAMES = ("sentences", "documents", "errors")
#: Columns that hold timings: they differ from run to run (engine parity ignores them).
TIMING_COLUMNS = frozenset({"ms", "sentences_per_s"})


def arrow():  # noqa: ANN201 - returns the pyarrow module
    return require("pyarrow", "corpus", "Writing and reading corpus datasets (Parquet)")


@dataclass(frozen=True)
class Layout:
    """What fixes a dataset's schemas: the model's labels and the metadata fields."""

    labels: tuple[str, ...]
    fields: tuple[MetadataField, ...] = ()

    # ------------------------------------------------------------------ types

    def _metadata(self) -> list[pa.Field]:
        pa = arrow()
        return [pa.field(f.name, pa.int64() if f.kind is FieldKind.INT else pa.string()) for f in self.fields]

    def _change(self, *extra: pa.Field) -> pa.DataType:
        """A ``changes`` element (`finlocal.changes.Change.to_dict`), plus ``extra`` fields."""
        pa = arrow()
        text, number = pa.string(), pa.float64()
        return pa.struct(
            [
                ("metric", text),
                ("now", number),
                ("before", number),
                ("unit", text),
                ("currency", text),
                ("change", number),
                ("change_unit", text),
                ("direction", text),
                ("polarity", text),
                ("verdict", text),
                ("basis", text),
                ("note", text),
                ("kind", text),
                ("role", text),
                ("start", pa.int64()),
                ("end", pa.int64()),
                *extra,
            ]
        )

    def sentence_fields(self) -> list[pa.Field]:
        pa = arrow()
        span = pa.struct([("start", pa.int64()), ("end", pa.int64()), ("text", pa.string())])
        return [
            pa.field("source", pa.string()),
            pa.field("index", pa.int64()),
            pa.field("kind", pa.string()),
            pa.field("start", pa.int64()),
            pa.field("end", pa.int64()),
            pa.field("text", pa.string()),
            pa.field("label", pa.string()),
            pa.field("scores", pa.struct([(name, pa.float64()) for name in self.labels])),
            pa.field("evidence", pa.list_(span)),
            pa.field("changes", pa.list_(self._change())),
            pa.field("ms", pa.struct([("tokenize", pa.float64()), ("inference", pa.float64())])),
        ]

    def document_fields(self) -> list[pa.Field]:
        pa = arrow()
        brief = pa.struct(
            [
                ("index", pa.int64()),
                ("start", pa.int64()),
                ("end", pa.int64()),
                ("text", pa.string()),
                ("label", pa.string()),
                ("score", pa.float64()),
            ]
        )
        return [
            pa.field("source", pa.string()),
            pa.field("sentences", pa.int64()),
            pa.field("label", pa.string()),
            pa.field("counts", pa.struct([(name, pa.int64()) for name in self.labels])),
            pa.field("tone", pa.float64()),
            pa.field("top_positive", pa.list_(brief)),
            pa.field("top_negative", pa.list_(brief)),
            pa.field(
                "ms", pa.struct([("total", pa.float64()), ("tokenize", pa.float64()), ("inference", pa.float64())])
            ),
            pa.field("sentences_per_s", pa.float64()),
            pa.field(
                "changes",
                pa.list_(self._change(pa.field("index", pa.int64()), pa.field("sentence", pa.string()))),
            ),
        ]

    def batch_schema(self) -> pa.Schema:
        pa = arrow()
        return pa.schema(
            [
                pa.field("doc_id", pa.string()),
                pa.field("path", pa.string()),
                pa.field("sha256", pa.string()),
                pa.field("source", pa.string()),
                pa.field("error", pa.string()),
                pa.field("document", pa.struct(self.document_fields())),
                pa.field("sentences", pa.list_(pa.struct(self.sentence_fields()))),
                *self._metadata(),
            ]
        )

    def schema(self, table: str) -> pa.Schema:
        pa = arrow()
        ident = [pa.field("doc_id", pa.string())]
        if table == "sentences":
            return pa.schema(ident + self.sentence_fields() + self._metadata())
        if table == "documents":
            return pa.schema(
                ident
                + [pa.field("path", pa.string()), pa.field("sha256", pa.string())]
                + self.document_fields()
                + self._metadata()
            )
        if table == "errors":
            return pa.schema(
                ident
                + [pa.field("path", pa.string()), pa.field("source", pa.string()), pa.field("error", pa.string())]
                + self._metadata()
            )
        raise ValueError(f"unknown table {table!r}; expected one of {TABLE_NAMES}")

    def empty(self, table: str) -> pa.Table:
        return self.schema(table).empty_table()


@dataclass(frozen=True)
class CorpusTables:
    """The rows of some documents, as the three tables."""

    sentences: pa.Table
    documents: pa.Table
    errors: pa.Table

    def table(self, name: str) -> pa.Table:
        return {"sentences": self.sentences, "documents": self.documents, "errors": self.errors}[name]

    @property
    def doc_ids(self) -> tuple[str, ...]:
        return tuple(self.documents["doc_id"].to_pylist() + self.errors["doc_id"].to_pylist())


def _batch_row(scored: ScoredDocument) -> dict[str, Any]:
    doc = scored.document
    return {
        "doc_id": doc.doc_id,
        "path": str(doc.path),
        "sha256": scored.sha256,
        "source": doc.source,
        "error": scored.error,
        "document": scored.summary,
        "sentences": list(scored.sentences),
        **doc.metadata,
    }


def batch_table(scored: Sequence[ScoredDocument], layout: Layout) -> pa.Table:
    """One row per document, its sentences nested: what an engine's scoring step returns."""
    pa = arrow()
    return pa.Table.from_pylist([_batch_row(s) for s in scored], schema=layout.batch_schema())


def split_batch(batch: pa.Table, layout: Layout) -> CorpusTables:
    """The three tables of a batch (`batch_table`'s rows, possibly concatenated)."""
    pa = arrow()
    import pyarrow.compute as pc

    batch = batch.select(layout.batch_schema().names).cast(layout.batch_schema())
    meta = [f.name for f in layout.fields]
    failed = pc.is_valid(batch["error"])
    ok = batch.filter(pc.invert(failed))
    documents = ok.select(["doc_id", "path", "sha256"])
    for f, column in zip(layout.document_fields(), _struct_columns(ok["document"]), strict=True):
        documents = documents.append_column(f.name, column)
    for name in meta:
        documents = documents.append_column(name, ok[name])

    errors = batch.filter(failed).select(["doc_id", "path", "source", "error", *meta])

    nested = ok["sentences"].combine_chunks() if ok.num_rows else pa.array([], ok.schema.field("sentences").type)
    flat = pc.list_flatten(nested)
    parents = pc.list_parent_indices(nested)
    columns: dict[str, Any] = {"doc_id": ok["doc_id"].take(parents)}
    for f, column in zip(layout.sentence_fields(), _struct_columns(flat), strict=True):
        columns[f.name] = column
    for name in meta:
        columns[name] = ok[name].take(parents)
    sentences = pa.Table.from_pydict(columns, schema=layout.schema("sentences"))
    return CorpusTables(
        sentences=sentences,
        documents=documents.cast(layout.schema("documents")),
        errors=errors.cast(layout.schema("errors")),
    )


def _struct_columns(column: Any) -> list[Any]:
    """The child arrays of a struct column (chunked or not), null parents kept as nulls."""
    import pyarrow.compute as pc

    struct_type = column.type
    return [pc.struct_field(column, [i]) for i in range(struct_type.num_fields)]


def concat(tables: Sequence[CorpusTables], layout: Layout) -> CorpusTables:
    pa = arrow()
    return CorpusTables(
        *(pa.concat_tables([t.table(name) for t in tables] or [layout.empty(name)]) for name in TABLE_NAMES)
    )


def sort_table(table: pa.Table, name: str) -> pa.Table:
    """A table in a canonical order (doc_id, then sentence index), for comparing runs."""
    keys = [("doc_id", "ascending")] + ([("index", "ascending")] if name == "sentences" else [])
    return table.sort_by(keys)
