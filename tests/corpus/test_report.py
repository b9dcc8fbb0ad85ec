"""The corpus report: what it computes, that the page is self-contained, and — in headless
Chromium — that its screenshot shows the charts."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import numpy as np
import pytest

from finlocal.corpus.charts import BAND_COLOR, TONE_COLOR
from finlocal.corpus.report import ReportOptions, build_report
from finlocal.corpus.report_html import render_html, write_report
from finlocal.corpus.store import CorpusDataset
from finlocal.errors import InputError
from tests.corpus.datasets import quarterly_corpus

CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--hide-scrollbars",
]


@pytest.fixture
def dataset(tmp_path: Path) -> CorpusDataset:
    return CorpusDataset.open(quarterly_corpus(tmp_path / "ds"))


def test_companies_periods_and_extremes(dataset: CorpusDataset) -> None:
    report = build_report(dataset, ReportOptions(companies=2))
    assert report.group_field == "ticker" and report.period_fields == ("year", "quarter")
    assert [c.name for c in report.companies] == ["ACME", "BOLT", "CORE"]
    assert report.detailed == ("ACME", "BOLT")  # the two with the most documents
    acme = report.companies[0]
    assert [d.period.label for d in acme.documents] == ["2020 Q3", "2020 Q4", "2021 Q1", "2021 Q2", "2021 Q10"]
    tones = [d.tone for d in acme.documents]
    assert tones == sorted(tones) and acme.change > 0.5  # ACME improves quarter after quarter
    assert report.companies[1].change < -0.5  # BOLT worsens
    assert report.errors == (("/corpus/DEAD_q1_2021.pdf", "DEAD_q1_2021.pdf: the PDF has no text layer"),)
    [negative] = acme.documents[0].most_negative[:1]
    assert negative.text[slice(*negative.evidence[0])] == "fell"  # evidence relative to the sentence
    chosen = build_report(dataset, ReportOptions(chosen=("CORE",)))
    assert chosen.detailed == ("CORE",)
    with pytest.raises(InputError, match="--company NOPE: not in the dataset"):
        build_report(dataset, ReportOptions(chosen=("NOPE",)))


def test_the_page_is_self_contained_and_escaped(dataset: CorpusDataset) -> None:
    page = render_html(build_report(dataset))
    assert page.count("<svg") >= 3 + 2 * 3  # overview charts + two per detailed company
    # nothing to fetch: no script, no external stylesheet, image, font or link
    assert "<script" not in page.replace("&lt;script&gt;", "")
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:|//)""", page)
    assert "@import" not in page and "<link" not in page
    assert not re.search(r"url\((?!#)", page)  # only references to the page's own SVG clip paths
    assert "Sales &lt;b&gt;<mark>grew</mark>&lt;/b&gt; &amp; costs were &lt;script&gt;cut&lt;/script&gt;." in page
    assert "<mark>fell</mark>" in page and "2021 Q10" in page
    assert "Not scored (1)" in page
    # what moved, read from the figures: net debt down from 52 to 40 million is good news
    core = next(c for c in build_report(dataset).companies if c.name == "CORE")
    assert [(m.change.metric, m.now, m.before, m.moved, m.change.verdict.value) for m in core.documents[0].moved] == [
        ("Net debt", "€40 million", "€52 million", "down 23.1 %", "good")
    ]
    assert "<td>Net debt</td><td class=num>€40 million</td><td class=num>€52 million</td>" in page


def test_the_page_shows_guidance_revisions_as_such(tmp_path: Path) -> None:
    from tests.corpus.datasets import scored, write

    text = "The company raised its full-year EPS guidance to $4.10–$4.20 from $3.90–$4.05."
    root = write(tmp_path / "ds", [scored("GUIDE", 3, 2026, [(text, "positive", "raised")])])
    report = build_report(CorpusDataset.open(root))
    [moved] = report.companies[0].documents[0].moved
    assert (moved.change.kind.value, moved.change.verdict.value) == ("guidance", "good")
    assert moved.moved.startswith("guidance raised")
    assert "guidance raised" in render_html(report)


def test_the_same_dataset_gives_the_same_page(dataset: CorpusDataset, tmp_path: Path) -> None:
    a, b = tmp_path / "a.html", tmp_path / "b.html"
    write_report(dataset.root, a)
    write_report(dataset.root, b)
    assert a.read_bytes() == b.read_bytes()


def _chromium() -> str:
    for name in ("chromium", "chromium-browser", "google-chrome"):
        found = shutil.which(name)
        if found:
            return found
    pytest.skip("no chromium binary installed (Debian: apt-get install -y chromium)")


def _screenshot(page: Path, png: Path, profile: Path) -> np.ndarray:
    from PIL import Image

    subprocess.run(
        [
            _chromium(),
            *CHROMIUM_FLAGS,
            f"--user-data-dir={profile}",
            "--window-size=1280,1400",
            f"--screenshot={png}",
            page.as_uri(),
        ],
        check=True,
        capture_output=True,
        timeout=120,
    )
    return np.asarray(Image.open(png).convert("RGB")).astype(int)


def _pixels_near(image: np.ndarray, color: str, tolerance: int = 12) -> int:
    rgb = np.array([int(color[i : i + 2], 16) for i in (1, 3, 5)])
    return int((np.abs(image - rgb).max(axis=2) <= tolerance).sum())


def test_the_screenshot_in_headless_chromium_shows_the_charts(dataset: CorpusDataset, tmp_path: Path) -> None:
    page = tmp_path / "report.html"
    write_report(dataset.root, page)
    image = _screenshot(page, tmp_path / "report.png", tmp_path / "profile")
    assert image.shape[1] == 1280
    # the tone lines and the interquartile band are drawn only in the charts
    assert _pixels_near(image, TONE_COLOR) > 300
    assert _pixels_near(image, BAND_COLOR) > 2000
    # and without its charts, the same page shows none of them: the check can fail
    bare = tmp_path / "bare.html"
    bare.write_text(re.sub(r"<svg.*?</svg>", "", page.read_text(), flags=re.S))
    control = _screenshot(bare, tmp_path / "bare.png", tmp_path / "profile2")
    assert _pixels_near(control, TONE_COLOR) < 20 and _pixels_near(control, BAND_COLOR) < 20


def test_without_metadata_documents_are_one_group_in_name_order(tmp_path: Path) -> None:
    from tests.corpus.datasets import plain_corpus

    report = build_report(CorpusDataset.open(plain_corpus(tmp_path / "ds", 55)))
    assert report.group_field is None and report.period_fields == ()
    [group] = report.companies
    assert group.name == "all documents" and len(group.documents) == 55
    assert [d.period.label for d in group.documents[:2]] == ["report-000", "report-001"]
    page = render_html(report)
    assert "all documents: tone by period (last 40 of 55)" in page


def test_the_page_shows_control_characters_as_escapes(tmp_path: Path) -> None:
    from tests.corpus.datasets import scored, write

    hostile = ("Sales \x1b]2;pwned\x07 rose \x1b[31mfast\x1b[0m \u202eyes.", "positive", "rose")
    root = write(tmp_path / "ds", [scored("EVIL", 1, 2021, [hostile, hostile])])
    page = render_html(build_report(CorpusDataset.open(root)))
    assert not any(char in page for char in ("\x1b", "\x07", "\u202e"))
    assert "Sales \\x1b]2;pwned\\x07 <mark>rose</mark> \\x1b[31mfast\\x1b[0m \\u202eyes." in page


def test_rows_that_are_not_sentences_are_kept_with_their_kind_and_shown_apart(tmp_path: Path) -> None:
    from dataclasses import replace

    from tests.corpus.datasets import scored, write

    doc = scored(
        "ACME",
        1,
        2021,
        [
            ("Results of Operations", "neutral", None),
            ("Net sales | 41.7 | 38.2", "positive", None),
            ("Revenue rose strongly in the quarter.", "positive", "rose"),
        ],
    )
    kinds = ["heading", "table_row", "sentence"]
    rows = tuple({**row, "kind": kind} for row, kind in zip(doc.sentences, kinds, strict=True))
    dataset = CorpusDataset.open(write(tmp_path / "ds", [replace(doc, sentences=rows)]))
    assert dataset.read("sentences", columns=["kind"])["kind"].to_pylist() == kinds
    report = build_report(dataset)
    assert report.companies[0].documents[0].other_rows == {"heading": 1, "table_row": 1}
    assert "(apart, not in the tone: headings 1, table rows 1)" in render_html(report)
