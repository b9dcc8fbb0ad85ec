"""The corpus report's data: what the page shows, computed from a corpus dataset (no HTML here;
`finlocal.corpus.report_html` renders it as one self-contained page).

Documents are grouped into *companies* by a metadata field (``--by``; by default ``ticker`` or
``company`` when the dataset has one) and ordered in time by ``year`` and ``quarter`` (or
``year`` alone, or a ``period`` or ``date`` field, compared as text), else by source. The page has:

- an overview across companies: the median document tone by period with its interquartile band,
  the label mix by period, the companies with the highest and lowest mean tone, and a table of
  every company;
- a section per chosen company (the ``--companies N`` with the most documents, or those named
  with ``--company``): its tone by period as a line, the label mix of each document, and each
  document's most negative and most positive sentences with their evidence marked;
- every document, grouped by company in collapsed sections: tone, label mix, and its most
  negative and most positive sentence with evidence;
- the documents that could not be scored.

Each document also carries its "what moved" rows (metrics its figures say rose or fell).
"""

from __future__ import annotations

import statistics
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from finlocal.changes import Change
from finlocal.changes.describe import MovedRow
from finlocal.corpus.store import CorpusDataset
from finlocal.errors import InputError

DEFAULT_COMPANIES = 12
_GROUP_FIELDS = ("ticker", "company")
_PERIOD_FIELDS = ("period", "date")


@dataclass(frozen=True)
class ReportOptions:
    by: str | None = None
    """The metadata field that names a document's company (default: ticker or company)."""
    companies: int = DEFAULT_COMPANIES
    """How many companies get a section with charts (those with the most documents)."""
    chosen: tuple[str, ...] = ()
    """Companies to give a section, instead of the ones with the most documents."""
    title: str | None = None

    def __post_init__(self) -> None:
        if self.companies < 0:
            raise ValueError(f"companies must be at least 0, got {self.companies}")


@dataclass(frozen=True)
class Period:
    key: tuple[Any, ...]
    label: str


@dataclass(frozen=True)
class Extreme:
    """One of a document's most positive or negative sentences, evidence relative to it."""

    index: int
    text: str
    label: str
    score: float
    evidence: tuple[tuple[int, int], ...]


@dataclass(frozen=True)
class DocumentView:
    doc_id: str
    source: str
    company: str
    period: Period
    sentences: int
    counts: Mapping[str, int]
    tone: float
    most_negative: tuple[Extreme, ...]
    most_positive: tuple[Extreme, ...]
    moved: tuple[MovedRow, ...] = ()
    #: Rows that are not sentences (headings, table rows), by kind: shown apart, not in the tone.
    other_rows: Mapping[str, int] = field(default_factory=dict)


@dataclass(frozen=True)
class CompanyView:
    name: str
    documents: tuple[DocumentView, ...]

    @property
    def mean_tone(self) -> float:
        return statistics.fmean(d.tone for d in self.documents)

    @property
    def change(self) -> float:
        return self.documents[-1].tone - self.documents[0].tone

    @property
    def sentences(self) -> int:
        return sum(d.sentences for d in self.documents)

    def share(self, label: str) -> float:
        total = self.sentences
        return sum(d.counts.get(label, 0) for d in self.documents) / total if total else 0.0


@dataclass(frozen=True)
class CorpusReport:
    """Everything the page shows, computed from the dataset (no HTML here)."""

    root: Path
    title: str
    model: str
    labels: tuple[str, ...]
    group_field: str | None
    period_fields: tuple[str, ...]
    companies: tuple[CompanyView, ...]
    detailed: tuple[str, ...]
    errors: tuple[tuple[str, str], ...]

    @property
    def documents(self) -> int:
        return sum(len(c.documents) for c in self.companies)

    @property
    def sentences(self) -> int:
        return sum(c.sentences for c in self.companies)

    def periods(self) -> list[Period]:
        found = {d.period for c in self.companies for d in c.documents}
        return sorted(found, key=lambda p: p.key)

    def dated_periods(self) -> list[PeriodSummary]:
        """Each period read from metadata (not from a source name), in order: the median tone of
        its documents with the interquartile range, and its label counts."""
        tones: dict[Period, list[float]] = defaultdict(list)
        counts: dict[Period, dict[str, int]] = defaultdict(lambda: defaultdict(int))
        for c in self.companies:
            for d in c.documents:
                if d.period.key[0] == 0:
                    tones[d.period].append(d.tone)
                    for label, n in d.counts.items():
                        counts[d.period][label] += n
        out = []
        for p in sorted(tones, key=lambda p: p.key):
            values = sorted(tones[p])
            lower, _, upper = (
                statistics.quantiles(values, n=4, method="inclusive") if len(values) >= 2 else (values[0],) * 3
            )
            out.append(PeriodSummary(p, statistics.median(values), lower, upper, len(values), dict(counts[p])))
        return out

    def ranked(self) -> list[CompanyView]:
        """The companies by mean tone, highest first (ties by name)."""
        return sorted(self.companies, key=lambda c: (-c.mean_tone, c.name))

    def detailed_companies(self) -> list[CompanyView]:
        """The companies that get a section, in the order chosen."""
        by_name = {c.name: c for c in self.companies}
        return [by_name[name] for name in self.detailed if name in by_name]


@dataclass(frozen=True)
class PeriodSummary:
    period: Period
    median: float
    lower: float
    upper: float
    documents: int
    counts: Mapping[str, int]


def _sortable(value: Any) -> tuple[int, Any]:
    if isinstance(value, int):
        return (0, value)
    text = str(value)
    return (0, int(text)) if text.strip().lstrip("-").isdigit() else (1, text)


def _period_fields(names: Sequence[str]) -> tuple[str, ...]:
    if "year" in names and "quarter" in names:
        return ("year", "quarter")
    if "year" in names:
        return ("year",)
    return next(((f,) for f in _PERIOD_FIELDS if f in names), ())


def _period(row: Mapping[str, Any], fields: tuple[str, ...]) -> Period:
    if not fields or any(row.get(f) is None for f in fields):
        source = Path(str(row["source"])).stem
        return Period((1, source), source)
    values = [row[f] for f in fields]
    label = f"{values[0]} Q{values[1]}" if fields == ("year", "quarter") else str(values[0])
    return Period((0, *(_sortable(v) for v in values)), label)


def _extremes(
    items: Sequence[Mapping[str, Any]], evidence: Mapping[tuple[str, int], list[tuple[int, int]]], doc_id: str
) -> tuple[Extreme, ...]:
    return tuple(
        Extreme(
            int(i["index"]),
            str(i["text"]),
            str(i["label"]),
            float(i["score"]),
            tuple(evidence.get((doc_id, int(i["index"])), ())),
        )
        for i in items
    )


def _evidence(dataset: CorpusDataset, wanted: set[tuple[str, int]]) -> dict[tuple[str, int], list[tuple[int, int]]]:
    """Evidence spans (relative to their sentence) of the wanted (doc_id, index) sentences."""
    import pyarrow.compute as pc

    table = dataset.read("sentences", columns=["doc_id", "index", "start", "evidence"])
    if not wanted or not table.num_rows:
        return {}
    ids = sorted({doc for doc, _ in wanted})
    import pyarrow as pa

    table = table.filter(pc.is_in(table["doc_id"], value_set=pa.array(ids)))
    spans: dict[tuple[str, int], list[tuple[int, int]]] = {}
    for row in table.to_pylist():
        key = (row["doc_id"], row["index"])
        if key in wanted:
            spans[key] = [(e["start"] - row["start"], e["end"] - row["start"]) for e in row["evidence"]]
    return spans


def _other_rows(dataset: CorpusDataset) -> dict[str, dict[str, int]]:
    """Each document's rows that are not sentences, counted by kind (datasets of format 2 on)."""
    if dataset.settings.format_version < 2:
        return {}
    import pyarrow.compute as pc

    table = dataset.read("sentences", columns=["doc_id", "kind"])
    table = table.filter(pc.not_equal(table["kind"], "sentence"))
    counts: dict[str, dict[str, int]] = defaultdict(dict)
    for row in table.group_by(["doc_id", "kind"]).aggregate([("kind", "count")]).to_pylist():
        counts[row["doc_id"]][row["kind"]] = int(row["kind_count"])
    return counts


def build_report(dataset: CorpusDataset, options: ReportOptions | None = None) -> CorpusReport:
    """Read the dataset and compute what the page shows."""
    options = options or ReportOptions()
    layout = dataset.layout
    names = [f.name for f in layout.fields]
    group_field = options.by if options.by is not None else next((f for f in _GROUP_FIELDS if f in names), None)
    if group_field is not None and group_field not in names:
        raise InputError(
            f"--by {group_field}: the dataset has no such metadata field "
            f"(it has: {', '.join(names) or 'none'}); score with --name-pattern or --metadata"
        )
    period_fields = _period_fields(names)
    columns = ["doc_id", "source", "sentences", "counts", "tone", "top_positive", "top_negative", "changes", *names]
    rows = dataset.read("documents", columns=columns).to_pylist()
    errors = tuple(
        (str(r["source"]), str(r["error"]))
        for r in sorted(dataset.read("errors", columns=["source", "error"]).to_pylist(), key=lambda r: r["source"])
    )
    if not rows:
        raise InputError(
            f"{dataset.root}: no scored documents to report on"
            + (f" ({len(errors)} could not be scored)" if errors else "")
        )
    wanted = {(r["doc_id"], int(i["index"])) for r in rows for i in (*r["top_positive"], *r["top_negative"])}
    evidence = _evidence(dataset, wanted)
    other_rows = _other_rows(dataset)
    grouped: dict[str, list[DocumentView]] = defaultdict(list)
    for r in rows:
        if group_field is None:
            company = "all documents"
        else:
            company = str(r[group_field]) if r.get(group_field) is not None else f"(no {group_field})"
        grouped[company].append(
            DocumentView(
                doc_id=r["doc_id"],
                source=r["source"],
                company=company,
                period=_period(r, period_fields),
                sentences=int(r["sentences"]),
                counts=dict(r["counts"]),
                tone=float(r["tone"]),
                most_negative=_extremes(r["top_negative"], evidence, r["doc_id"]),
                most_positive=_extremes(r["top_positive"], evidence, r["doc_id"]),
                moved=tuple(
                    MovedRow(Change.from_dict(c), int(c["index"]), str(c["sentence"])) for c in r.get("changes") or ()
                ),
                other_rows=other_rows.get(r["doc_id"], {}),
            )
        )
    companies = tuple(
        CompanyView(name, tuple(sorted(docs, key=lambda d: (d.period.key, d.source))))
        for name, docs in sorted(grouped.items())
    )
    if options.chosen:
        known = {c.name for c in companies}
        unknown = [c for c in options.chosen if c not in known]
        if unknown:
            raise InputError(
                f"--company {', '.join(unknown)}: not in the dataset"
                + (f" (grouped by {group_field})" if group_field else "")
            )
        detailed = tuple(dict.fromkeys(options.chosen))
    else:
        by_size = sorted(companies, key=lambda c: (-len(c.documents), c.name))
        detailed = tuple(c.name for c in by_size[: options.companies])
    documents = sum(len(c.documents) for c in companies)
    title = options.title or f"Tone of {documents} documents"
    return CorpusReport(
        dataset.root,
        title,
        dataset.settings.model_name,
        layout.labels,
        group_field,
        period_fields,
        companies,
        detailed,
        errors,
    )
