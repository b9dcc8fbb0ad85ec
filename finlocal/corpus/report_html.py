"""The corpus report as one self-contained HTML page: inline CSS and SVG charts, no script, no
network. The page is a Jinja2 template (``templates/report.html.j2``, autoescaped: every value
from the dataset is escaped, its control characters shown as visible escapes) with its
stylesheet beside it (``templates/report.css``); this module draws the charts and hands the
template a `CorpusReport` (`finlocal.corpus.report`)."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from finlocal.corpus import charts
from finlocal.corpus.report import CompanyView, CorpusReport, Extreme, ReportOptions, build_report
from finlocal.corpus.store import CorpusDataset
from finlocal.errors import InputError, require
from finlocal.shown_text import visible

#: Companies at each end of the overview's ranking when there are too many to chart them all.
RANKED_COMPANIES = 12
MAX_ERRORS_SHOWN = 500
#: Documents per company chart (the most recent ones); a company's document list has them all.
MAX_CHART_DOCUMENTS = 40
#: "What moved" rows shown per document (the dataset keeps up to `MOVED_LIMIT`).
MOVED_SHOWN = 8


@dataclass(frozen=True)
class _Section:
    company: CompanyView
    charts: tuple[Any, ...]  # Markup


def anchor(kind: str, name: str) -> str:
    """An id for a company's section: readable, unique, and valid whatever the name holds."""
    slug = re.sub(r"[^A-Za-z0-9_-]+", "_", name)[:40]
    return f"{kind}-{slug}-{hashlib.sha256(name.encode()).hexdigest()[:6]}"


def segments(extreme: Extreme) -> Iterator[tuple[str, bool]]:
    """The sentence in pieces, each with whether it is evidence (shown in <mark>)."""
    text, cursor = extreme.text, 0
    for start, end in sorted(extreme.evidence):
        start, end = max(start, cursor), min(end, len(text))
        if end <= start:
            continue
        yield text[cursor:start], False
        yield text[start:end], True
        cursor = end
    yield text[cursor:], False


def _overview_charts(report: CorpusReport) -> list[str]:
    out = []
    dated = report.dated_periods()
    if len(dated) >= 2:
        names = [s.period.label for s in dated]
        out.append(
            charts.tone_distribution(
                names,
                [s.median for s in dated],
                [s.lower for s in dated],
                [s.upper for s in dated],
                [s.documents for s in dated],
                "Document tone by period, all companies",
            )
        )
        out.append(
            charts.label_mix(names, [s.counts for s in dated], report.labels, "Label mix by period, all companies")
        )
    ranked = report.ranked()
    if len(ranked) > 1:
        if len(ranked) > 2 * RANKED_COMPANIES:
            shown = ranked[:RANKED_COMPANIES] + ranked[-RANKED_COMPANIES:]
            title = f"Highest and lowest mean tone ({RANKED_COMPANIES} each)"
        else:
            shown, title = ranked, "Mean tone by company"
        out.append(charts.ranked_tone([c.name for c in shown], [c.mean_tone for c in shown], title))
    return out


def _company_charts(company: CompanyView, labels: tuple[str, ...]) -> list[str]:
    docs, name = company.documents, company.name
    shown = docs[-MAX_CHART_DOCUMENTS:]
    suffix = f" (last {len(shown)} of {len(docs)})" if len(shown) < len(docs) else ""
    periods = [d.period.label for d in shown]
    return [
        charts.tone_line(periods, [d.tone for d in shown], f"{name}: tone by period{suffix}"),
        charts.label_mix(periods, [d.counts for d in shown], labels, f"{name}: label mix per document{suffix}"),
    ]


@cache
def _template() -> Any:
    jinja2 = require("jinja2", "corpus", "The corpus report's page")
    markup = require("markupsafe", "corpus", "The corpus report's page").Markup

    def shown(value: Any) -> Any:
        """Every text the page prints, control characters made visible (markup built by the page
        itself, its CSS and charts, is left as it is)."""
        return visible(value) if isinstance(value, str) and not isinstance(value, markup) else value

    env = jinja2.Environment(
        loader=jinja2.PackageLoader("finlocal.corpus", "templates"),
        autoescape=True,
        finalize=shown,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.globals.update(anchor=anchor, segments=segments, label_color=charts.label_color)
    return env.get_template("report.html.j2")


def render_html(report: CorpusReport) -> str:
    """The page: inline CSS, inline SVG charts; nothing is loaded from anywhere."""
    template = _template()
    markup = require("markupsafe", "corpus", "The corpus report's page").Markup
    css = (Path(template.filename).parent / "report.css").read_text(encoding="utf-8")
    return template.render(
        report=report,
        css=markup(css),
        overview_charts=[markup(svg) for svg in _overview_charts(report)],
        ranked=report.ranked(),
        sections=[
            _Section(c, tuple(markup(svg) for svg in _company_charts(c, report.labels)))
            for c in report.detailed_companies()
        ],
        moved_shown=MOVED_SHOWN,
        max_errors_shown=MAX_ERRORS_SHOWN,
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
