"""Deterministic stand-ins for the model and the LLM, so TUI tests and snapshots are stable."""

from __future__ import annotations

import re
import threading
from collections.abc import Iterator, Sequence

from finlocal.predictions import Prediction, Span
from finlocal.tui.config import LoadedModel, ModelInfo
from finlocal.explainer import ExplainRequest
from finlocal.predictions import LABELS

POSITIVE_WORDS = ("rose", "increased", "improved", "best", "grow", "strong", "record", "exceed")
NEGATIVE_WORDS = ("fell", "declined", "weak", "lay-offs", "postponed", "loss", "warning")


class KeywordClassifier:
    """Positive/negative by keyword; both kinds of keyword make an unsure (review) sentence."""

    labels = LABELS
    max_length = 128
    has_evidence = True
    mask_token = None

    def __init__(self) -> None:
        self.calls = 0

    def predict(self, texts: Sequence[str], *, batch_size: int = 32) -> list[Prediction]:
        self.calls += 1
        return [self._one(text) for text in texts]

    @staticmethod
    def _hits(text: str, words: Sequence[str]) -> list[Span]:
        spans = []
        for word in words:
            for m in re.finditer(re.escape(word), text, flags=re.IGNORECASE):
                spans.append(Span(m.start(), m.end(), m.group()))
        return spans

    def _one(self, text: str) -> Prediction:
        pos, neg = self._hits(text, POSITIVE_WORDS), self._hits(text, NEGATIVE_WORDS)
        if pos and neg:
            scores = {"negative": 0.45, "neutral": 0.1, "positive": 0.45}
            label = "negative" if len(neg) >= len(pos) else "positive"
            scores[label] += 0.01
            scores["neutral"] -= 0.01
        elif pos:
            label, scores = "positive", {"negative": 0.03, "neutral": 0.1, "positive": 0.87}
        elif neg:
            label, scores = "negative", {"negative": 0.91, "neutral": 0.06, "positive": 0.03}
        else:
            label, scores = "neutral", {"negative": 0.1, "neutral": 0.8, "positive": 0.1}
        evidence = tuple(sorted(pos + neg, key=lambda s: s.start))
        return Prediction(label, scores, evidence, tokenize_ms=0.25, inference_ms=1.5)


class GatedClassifier(KeywordClassifier):
    """Blocks every predict call until `gate` is set (to hold a run in progress)."""

    def __init__(self) -> None:
        super().__init__()
        self.gate = threading.Event()
        self.entered = threading.Event()

    def predict(self, texts: Sequence[str], *, batch_size: int = 32) -> list[Prediction]:
        self.entered.set()
        self.gate.wait(10)
        return super().predict(texts, batch_size=batch_size)


class StepClassifier(KeywordClassifier):
    """Scores its first ``free`` predict calls at once, then waits for `gate` before each one.

    `blocked` is set when a call starts waiting, so a test knows exactly how many chunks were
    scored before it presses a key.
    """

    def __init__(self, free: int) -> None:
        super().__init__()
        self.free = free
        self.gate = threading.Event()
        self.blocked = threading.Event()

    def predict(self, texts: Sequence[str], *, batch_size: int = 32) -> list[Prediction]:
        if self.calls >= self.free:
            self.blocked.set()
            self.gate.wait(10)
        return super().predict(texts, batch_size=batch_size)


INFO = ModelInfo(name="keyword-fake", size_bytes=1_234_567, quantization="int8")


def loader(classifier: KeywordClassifier | None = None):  # noqa: ANN201
    model = LoadedModel(classifier or KeywordClassifier(), INFO)
    return lambda: model


class FakeExplainer:
    """Streams a fixed explanation in pieces; `stop_after` pieces then waits to be cancelled."""

    def __init__(self, pieces: Sequence[str] = ("Sales ", "rose ", "12 %, ", "so it is ",
                                                "positive.")) -> None:
        self.pieces = tuple(pieces)
        self.requests: list[ExplainRequest] = []

    def stream(self, request: ExplainRequest) -> Iterator[str]:
        self.requests.append(request)
        yield from self.pieces


def status(app) -> str:  # noqa: ANN001 - a running textual App
    """The status line under the input, as shown."""
    return str(app.main.query_one("#input-hint").content)


def screen_text(app) -> str:  # noqa: ANN001 - a running textual App
    """The screen as plain text, as a terminal would show it (for asserting what the user sees)."""
    import io

    from rich.console import Console

    width, height = app.size
    console = Console(width=width, height=height, file=io.StringIO(), force_terminal=True,
                      color_system="truecolor", record=True, legacy_windows=False, safe_box=False)
    console.print(app.screen._compositor.render_update(full=True))
    return console.export_text()


def write_pdf(path, pages: Sequence[str | None]) -> None:  # noqa: ANN001 - a Path
    """A PDF with one page per item: its text on one line, or a blank page for None."""
    from pypdf import PdfWriter
    from pypdf.generic import DecodedStreamObject, DictionaryObject, NameObject

    writer = PdfWriter()
    font = writer._add_object(DictionaryObject({
        NameObject("/Type"): NameObject("/Font"), NameObject("/Subtype"): NameObject("/Type1"),
        NameObject("/BaseFont"): NameObject("/Helvetica"),
    }))
    for text in pages:
        page = writer.add_blank_page(width=600, height=200)
        if text is None:
            continue
        page[NameObject("/Resources")] = DictionaryObject({
            NameObject("/Font"): DictionaryObject({NameObject("/F1"): font})
        })
        stream = DecodedStreamObject()
        stream.set_data(f"BT /F1 10 Tf 20 100 Td ({text}) Tj ET".encode("latin-1"))
        page[NameObject("/Contents")] = writer._add_object(stream)
    with open(path, "wb") as fh:
        writer.write(fh)
