"""The corpus report: one self-contained HTML page (inline CSS and SVG charts, no script, no
network) from a corpus dataset.

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
"""

from __future__ import annotations

import hashlib
import html
import re
import statistics
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from finlocal.changes import Change
from finlocal.changes.describe import MovedRow
from finlocal.corpus import charts
from finlocal.corpus.store import CorpusDataset
from finlocal.errors import InputError

DEFAULT_COMPANIES = 12
RANKED_COMPANIES = 12
MAX_ERRORS_SHOWN = 500
#: Documents per company chart (the most recent ones); a company's document list has them all.
MAX_CHART_DOCUMENTS = 40
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


# ---------------------------------------------------------------------------------------------
# from the dataset


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


# ---------------------------------------------------------------------------------------------
# to HTML

_CSS = """
:root { --neg: #c0392b; --neu: #a6acaf; --pos: #1e8449; --ink: #1c2833; --muted: #5d6d7e; }
* { box-sizing: border-box; }
body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", "DejaVu Sans", sans-serif; color: var(--ink);
       margin: 0 auto; max-width: 1180px; padding: 24px; background: #fff; }
h1 { font-size: 24px; margin: 0 0 4px; }
h2 { font-size: 19px; border-bottom: 2px solid #d5d8dc; padding-bottom: 4px; margin-top: 36px; }
h3 { font-size: 16px; margin: 22px 0 6px; }
.meta { color: var(--muted); margin: 0 0 12px; }
.cards { display: flex; gap: 12px; flex-wrap: wrap; margin: 12px 0; }
.card { border: 1px solid #d5d8dc; border-radius: 6px; padding: 8px 14px; min-width: 120px; }
.card b { display: block; font-size: 20px; }
.charts { display: flex; flex-wrap: wrap; gap: 12px; align-items: flex-start; }
.charts > figure { margin: 0; }
svg.chart { max-width: 100%; height: auto; }
table { border-collapse: collapse; margin: 8px 0; font-size: 13px; }
th, td { border-bottom: 1px solid #e5e7e9; padding: 3px 8px; text-align: left; vertical-align: top; }
th { background: #f4f6f7; }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
.neg { color: var(--neg); } .pos { color: var(--pos); }
mark { background: #fcf3cf; border-bottom: 2px solid #d4ac0d; padding: 0 1px; }
.mix { display: inline-flex; width: 120px; height: 10px; border-radius: 2px; overflow: hidden; vertical-align: middle; }
.mix span { display: block; height: 100%; }
.doc { margin: 10px 0 16px; }
.doc h4 { margin: 0 0 4px; font-size: 14px; }
.doc ul { margin: 2px 0; padding-left: 20px; }
.doc li { margin: 2px 0; }
details { margin: 4px 0; }
summary { cursor: pointer; }
.note { color: var(--muted); font-size: 12px; }
"""


def _e(text: object) -> str:
    return html.escape(str(text), quote=True)


def _anchor(kind: str, name: str) -> str:
    """An id for a company's section: readable, unique, and valid whatever the name holds."""
    slug = re.sub(r"[^A-Za-z0-9_-]+", "_", name)[:40]
    return f"{kind}-{slug}-{hashlib.sha256(name.encode()).hexdigest()[:6]}"


def _tone(value: float) -> str:
    css = "pos" if value >= 0.05 else "neg" if value <= -0.05 else ""
    return f'<span class="{css}">{value:+.3f}</span>'


def _marked(extreme: Extreme) -> str:
    """The sentence with its evidence spans in <mark>, everything escaped."""
    text, out, cursor = extreme.text, [], 0
    for start, end in sorted(extreme.evidence):
        start, end = max(start, cursor), min(end, len(text))
        if end <= start:
            continue
        out.append(_e(text[cursor:start]))
        out.append(f"<mark>{_e(text[start:end])}</mark>")
        cursor = end
    out.append(_e(text[cursor:]))
    return "".join(out)


def _mix_bar(counts: Mapping[str, int], labels: Sequence[str]) -> str:
    total = sum(counts.values()) or 1
    parts = "".join(
        f'<span style="width:{100 * counts.get(label, 0) / total:.1f}%;background:{charts.label_color(label, i)}" '
        f'title="{_e(label)} {counts.get(label, 0)}"></span>'
        for i, label in enumerate(labels)
    )
    text = " / ".join(f"{counts.get(label, 0)} {label[:3]}" for label in labels)
    return f'<span class="mix" aria-hidden="true">{parts}</span> <span class="note">{_e(text)}</span>'


def _extreme_items(extremes: Iterable[Extreme], css: str, label: str) -> str:
    return "".join(
        f'<li><span class="{css}">{_e(label)} {x.score:.2f}</span> #{x.index + 1}: {_marked(x)}</li>' for x in extremes
    )


#: "What moved" rows shown per document (the dataset keeps up to `MOVED_LIMIT`).
MOVED_SHOWN = 8


def _moved_table(rows: Sequence[MovedRow]) -> str:
    """A document's "what moved" table: metric, now, before, change, good/bad, the sentence."""
    if not rows:
        return ""
    css = {"good": "pos", "bad": "neg"}
    body = "".join(
        f"<tr><td>{_e(m.change.metric)}</td><td class=num>{_e(m.now)}</td><td class=num>{_e(m.before)}</td>"
        f"<td>{_e(m.moved)}</td><td class={css.get(m.change.verdict.value, 'note')}>{_e(m.change.verdict.value)}</td>"
        f"<td>#{m.sentence_index + 1}: {_e(m.sentence)}</td></tr>"
        for m in rows[:MOVED_SHOWN]
    )
    more = f'<p class="note">and {len(rows) - MOVED_SHOWN} more</p>' if len(rows) > MOVED_SHOWN else ""
    return (
        '<details class="moved" open><summary>What moved '
        f'<span class="note">({len(rows)}; read from the figures, not by the model)</span></summary>'
        "<table><tr><th>metric</th><th>now</th><th>before</th><th>change</th><th>good/bad</th><th>sentence</th></tr>"
        f"{body}</table>{more}</details>"
    )


def _document_block(doc: DocumentView, labels: Sequence[str], limit: int | None) -> str:
    negative = doc.most_negative[:limit] if limit else doc.most_negative
    positive = doc.most_positive[:limit] if limit else doc.most_positive
    items = _extreme_items(negative, "neg", "most negative") + _extreme_items(positive, "pos", "most positive")
    return (
        f'<div class="doc"><h4>{_e(doc.period.label)} · <span class="note">{_e(doc.source)}</span></h4>'
        f"<div>tone {_tone(doc.tone)} · {doc.sentences} sentences · {_mix_bar(doc.counts, labels)}</div>"
        f"<ul>{items or '<li class=note>no sentence predicted negative or positive</li>'}</ul>"
        f"{_moved_table(doc.moved)}</div>"
    )


def _overview(report: CorpusReport) -> str:
    parts = ['<h2 id="overview">Overview across companies</h2>', '<div class="charts">']
    periods = report.periods()
    dated = [p for p in periods if p.key[0] == 0]
    if len(dated) >= 2:
        tones: dict[Period, list[float]] = defaultdict(list)
        counts: dict[Period, dict[str, int]] = defaultdict(lambda: defaultdict(int))
        for c in report.companies:
            for d in c.documents:
                if d.period.key[0] == 0:
                    tones[d.period].append(d.tone)
                    for label, n in d.counts.items():
                        counts[d.period][label] += n
        medians, lower, upper, sizes = [], [], [], []
        for p in dated:
            values = sorted(tones[p])
            medians.append(statistics.median(values))
            if len(values) >= 2:
                q = statistics.quantiles(values, n=4, method="inclusive")
                lower.append(q[0])
                upper.append(q[2])
            else:
                lower.append(values[0])
                upper.append(values[0])
            sizes.append(len(values))
        parts.append(
            "<figure>"
            + charts.tone_distribution(
                [p.label for p in dated], medians, lower, upper, sizes, "Document tone by period, all companies"
            )
            + "</figure>"
        )
        parts.append(
            "<figure>"
            + charts.label_mix(
                [p.label for p in dated],
                [counts[p] for p in dated],
                report.labels,
                "Label mix by period, all companies",
            )
            + "</figure>"
        )
    ranked = sorted(report.companies, key=lambda c: (-c.mean_tone, c.name))
    if len(ranked) > 1:
        if len(ranked) > 2 * RANKED_COMPANIES:
            shown = ranked[:RANKED_COMPANIES] + ranked[-RANKED_COMPANIES:]
            title = f"Highest and lowest mean tone ({RANKED_COMPANIES} each)"
        else:
            shown, title = ranked, "Mean tone by company"
        parts.append(
            "<figure>" + charts.ranked_tone([c.name for c in shown], [c.mean_tone for c in shown], title) + "</figure>"
        )
    parts.append("</div>")
    if report.group_field is not None:
        rows = "".join(
            f'<tr><td><a href="#{_anchor("doc", c.name)}">{_e(c.name)}</a></td><td class="num">{len(c.documents)}</td>'
            f'<td class="num">{c.sentences}</td><td class="num">{_tone(c.mean_tone)}</td>'
            f"<td>{_e(c.documents[0].period.label)} → {_e(c.documents[-1].period.label)}</td>"
            f'<td class="num">{_tone(c.change)}</td>'
            + "".join(f'<td class="num">{100 * c.share(label):.1f} %</td>' for label in report.labels)
            + "</tr>"
            for c in ranked
        )
        header = "".join(f"<th>{_e(label)}</th>" for label in report.labels)
        parts.append(
            f"<details><summary>Every company ({len(ranked)}), by mean tone</summary>"
            f"<table><thead><tr><th>{_e(report.group_field)}</th><th>documents</th><th>sentences</th>"
            f"<th>mean tone</th><th>periods</th><th>change first → last</th>{header}</tr></thead>"
            f"<tbody>{rows}</tbody></table></details>"
        )
    return "".join(parts)


def _company_section(company: CompanyView, labels: Sequence[str]) -> str:
    docs = company.documents
    name = company.name
    parts = [
        f'<h3 id="{_anchor("company", name)}">{_e(name)}</h3>',
        f'<p class="meta">{len(docs)} documents · mean tone {_tone(company.mean_tone)} · '
        f"change first → last {_tone(company.change)}</p>",
        '<div class="charts">',
    ]
    shown = docs[-MAX_CHART_DOCUMENTS:]
    suffix = f" (last {len(shown)} of {len(docs)})" if len(shown) < len(docs) else ""
    parts.append(
        "<figure>"
        + charts.tone_line([d.period.label for d in shown], [d.tone for d in shown], f"{name}: tone by period{suffix}")
        + "</figure>"
    )
    parts.append(
        "<figure>"
        + charts.label_mix(
            [d.period.label for d in shown],
            [d.counts for d in shown],
            labels,
            f"{name}: label mix per document{suffix}",
        )
        + "</figure>"
    )
    parts.append("</div>")
    parts.extend(_document_block(d, labels, None) for d in docs)
    return "".join(parts)


def render_html(report: CorpusReport) -> str:
    """The page: inline CSS, inline SVG charts; nothing is loaded from anywhere."""
    detailed = [c for c in report.companies if c.name in set(report.detailed)]
    detailed.sort(key=lambda c: report.detailed.index(c.name))
    group = report.group_field or "group"
    periods = " and ".join(report.period_fields) or "source name"
    body = [
        f"<h1>{_e(report.title)}</h1>",
        f'<p class="meta">Dataset {_e(report.root)} · model {_e(report.model)} · '
        f"companies by <b>{_e(group)}</b>, time by <b>{_e(periods)}</b></p>",
        '<div class="cards">'
        f'<div class="card"><b>{len(report.companies)}</b>companies</div>'
        f'<div class="card"><b>{report.documents}</b>documents</div>'
        f'<div class="card"><b>{report.sentences}</b>sentences</div>'
        f'<div class="card"><b>{len(report.errors)}</b>not scored</div></div>',
        '<p class="note">Tone index: the mean over a document\'s sentences of P(positive) − P(negative), '
        "from −1 to +1. Evidence words, the words the model's evidence head marks, are "
        "<mark>highlighted</mark>.</p>",
        _overview(report),
    ]
    if detailed:
        body.append(f'<h2 id="companies">{len(detailed)} companies in detail</h2>')
        body.extend(_company_section(c, report.labels) for c in detailed)
    body.append(
        '<h2 id="documents">Every document</h2>'
        '<p class="note">Tone, label mix, and the most negative and most positive sentence.</p>'
    )
    for c in report.companies:
        blocks = "".join(_document_block(d, report.labels, 1) for d in c.documents)
        body.append(
            f'<details id="{_anchor("doc", c.name)}"><summary>{_e(c.name)} · {len(c.documents)} documents · '
            f"mean tone {_tone(c.mean_tone)}</summary>{blocks}</details>"
        )
    if report.errors:
        shown = report.errors[:MAX_ERRORS_SHOWN]
        rows = "".join(f"<tr><td>{_e(s)}</td><td>{_e(e)}</td></tr>" for s, e in shown)
        more = (
            f'<p class="note">… and {len(report.errors) - len(shown)} more in the errors table.</p>'
            if len(report.errors) > len(shown)
            else ""
        )
        body.append(
            f'<h2 id="errors">Not scored ({len(report.errors)})</h2>'
            f"<table><thead><tr><th>source</th><th>error</th></tr></thead><tbody>{rows}</tbody></table>{more}"
        )
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{_e(report.title)}</title><style>{_CSS}</style></head>\n<body>\n"
        + "\n".join(body)
        + "\n</body></html>\n"
    )


def write_report(root: Path, out: Path, options: ReportOptions | None = None) -> CorpusReport:
    """Build the report of the dataset in ``root`` and write the page to ``out``."""
    report = build_report(CorpusDataset.open(root), options)
    page = render_html(report)
    try:
        Path(out).write_text(page, encoding="utf-8")
    except OSError as exc:
        raise InputError(f"{out}: cannot write the report ({exc.strerror or exc})") from exc
    return report
