"""Corpus datasets written directly through the store, with chosen tones and sentences."""

from __future__ import annotations

from pathlib import Path

from finlocal.changes import read_changes
from finlocal.changes.describe import moved_rows
from finlocal.corpus.documents import CorpusDocument, document_id
from finlocal.corpus.metadata import FieldKind, MetadataField
from finlocal.corpus.rows import ScoredDocument
from finlocal.corpus.store import RunSettings, open_for_writing
from finlocal.corpus.tables import Layout, batch_table, split_batch

LABELS = ("negative", "neutral", "positive")
FIELDS = (MetadataField("ticker"), MetadataField("quarter", FieldKind.INT), MetadataField("year", FieldKind.INT))
LAYOUT = Layout(LABELS, FIELDS)


def scored(ticker: str, quarter: int, year: int, sentences: list[tuple[str, str, str | None]]) -> ScoredDocument:
    """A scored document of (text, label, evidence word or None) sentences, joined by spaces."""
    path = Path("/corpus") / f"{ticker}_q{quarter}_{year}.txt"
    doc = CorpusDocument(document_id(path), path, str(path), {"ticker": ticker, "quarter": quarter, "year": year})
    rows, offset = [], 0
    counts = dict.fromkeys(LABELS, 0)
    tone = 0.0
    tops: dict[str, list[dict]] = {"positive": [], "negative": []}
    for index, (text, label, evidence) in enumerate(sentences):
        scores = {name: 0.8 if name == label else 0.1 for name in LABELS}
        spans = []
        if evidence is not None:
            at = text.index(evidence)
            spans.append({"start": offset + at, "end": offset + at + len(evidence), "text": evidence})
        rows.append(
            {
                "source": str(path),
                "index": index,
                "start": offset,
                "end": offset + len(text),
                "text": text,
                "label": label,
                "scores": scores,
                "evidence": spans,
                "changes": [c.shifted(offset).to_dict() for c in read_changes(text)],
                "ms": {"tokenize": 0.1, "inference": 0.2},
            }
        )
        counts[label] += 1
        tone += scores["positive"] - scores["negative"]
        if label in tops:
            tops[label].append(
                {"index": index, "start": offset, "end": offset + len(text), "text": text, "label": label, "score": 0.8}
            )
        offset += len(text) + 1
    summary = {
        "source": str(path),
        "sentences": len(rows),
        "label": max(LABELS, key=lambda n: counts[n]),
        "counts": counts,
        "tone": tone / len(rows),
        "top_positive": tops["positive"][:3],
        "top_negative": tops["negative"][:3],
        "ms": {"total": 1.0, "tokenize": 0.5, "inference": 0.4},
        "changes": [
            {**m.change.to_dict(), "index": m.sentence_index, "sentence": m.sentence}
            for m in moved_rows((r["index"], r["text"], read_changes(r["text"])) for r in rows)
        ],
        "sentences_per_s": 100.0,
    }
    return ScoredDocument(doc, "ab" * 32, tuple(rows), summary)


def failed(name: str, error: str) -> ScoredDocument:
    path = Path("/corpus") / name
    doc = CorpusDocument(document_id(path), path, str(path), dict.fromkeys(["ticker", "quarter", "year"]))
    return ScoredDocument(doc, None, (), None, error)


def write(root: Path, documents: list[ScoredDocument]) -> Path:
    with open_for_writing(root, RunSettings("fake-model", "0" * 64, LAYOUT, top_k=3)) as writer:
        writer.commit(split_batch(batch_table(documents, LAYOUT), LAYOUT))
    return root


def quarterly_corpus(root: Path) -> Path:
    """Three companies over several quarters (ACME improving, BOLT worsening, one-off CORE), one
    document that failed, and sentences with HTML-like text."""
    good = ("Revenue rose strongly in the quarter.", "positive", "rose")
    bad = ("Margins fell sharply on weak demand.", "negative", "fell")
    flat = ("The company is based in Espoo.", "neutral", None)
    docs = []
    for i, (quarter, year) in enumerate([(3, 2020), (4, 2020), (1, 2021), (2, 2021), (10, 2021)]):
        docs.append(scored("ACME", quarter, year, [bad] * (4 - min(i, 4)) + [good] * (i + 1) + [flat]))
        docs.append(scored("BOLT", quarter, year, [good] * (4 - min(i, 4)) + [bad] * (i + 1) + [flat, flat]))
    docs.append(
        scored(
            "CORE",
            1,
            2021,
            [
                ("Sales <b>grew</b> & costs were <script>cut</script>.", "positive", "grew"),
                flat,
                ("Net debt fell to EUR 40 mn from EUR 52 mn.", "positive", "fell"),
            ],
        )
    )
    docs.append(failed("DEAD_q1_2021.pdf", "DEAD_q1_2021.pdf: the PDF has no text layer"))
    return write(root, docs)


def plain_corpus(root: Path, n: int) -> Path:
    """``n`` documents without metadata fields (no pattern, no sidecar)."""
    docs = []
    for i in range(n):
        doc = scored(
            "X",
            1,
            2021,
            [("Revenue rose strongly in the quarter.", "positive", "rose")] * (1 + i % 3)
            + [("Margins fell sharply on weak demand.", "negative", "fell")],
        )
        path = Path("/corpus") / f"report-{i:03d}.txt"
        plain = CorpusDocument(document_id(path), path, str(path), {})
        rows = tuple({**row, "source": str(path)} for row in doc.sentences)
        docs.append(ScoredDocument(plain, doc.sha256, rows, {**(doc.summary or {}), "source": str(path)}))
    layout = Layout(LABELS)
    with open_for_writing(root, RunSettings("fake-model", "0" * 64, layout, top_k=3)) as writer:
        writer.commit(split_batch(batch_table(docs, layout), layout))
    return root
