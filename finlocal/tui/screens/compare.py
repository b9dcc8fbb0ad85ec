"""The compare screen: two versions of a report side by side, the changes marked.

Opened with ``finlocal compare A B --app``. Each row is one aligned line (`finlocal.compare`):
``=`` matched, ``~`` changed, ``+`` added (only in B), ``-`` removed (only in A), with both
sides' labels and the tone change; ``!`` marks a new negative statement. Below the table the
selected pair is shown in full, the deleted words struck through in A and the inserted words in
bold in B. ``f`` cycles the filter (every line, changes only, label changes, new negatives).
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from pathlib import Path

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.message import Message
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Header, Static

from finlocal.compare import DEFAULT_THRESHOLD, AlignedPair, Comparison, Piece, Status, compare_texts, word_diff
from finlocal.errors import FinlocalError
from finlocal.reading import read_path
from finlocal.scoring import SentenceResult
from finlocal.tui.config import ModelLoader
from finlocal.tui.palette import NEGATIVE, POSITIVE, WARNING
from finlocal.tui.view import display_text, label_text, one_line, tone_marker

STATUS_MARKS = {
    Status.MATCHED: ("=", ""),
    Status.CHANGED: ("~", WARNING),
    Status.ADDED: ("+", POSITIVE),
    Status.REMOVED: ("-", NEGATIVE),
}
NEW_NEGATIVE_MARK = "!"
NEW_NEGATIVE_STYLE = f"bold {NEGATIVE}"
DELETED_STYLE = f"strike {NEGATIVE}"
INSERTED_STYLE = f"bold {POSITIVE}"
# (key, header, width); the two sentence columns share what is left of the width
FIXED_COLUMNS = (
    ("status", "", 1),
    ("new", NEW_NEGATIVE_MARK, 1),
    ("a_index", "A#", 4),
    ("a_label", "A", 3),
    ("b_index", "B#", 4),
    ("b_label", "B", 3),
    ("tone", "ΔTone", 7),
)
MIN_TEXT_WIDTH = 12


@dataclass(frozen=True)
class CompareRequest:
    """Two files to compare, A the earlier version."""

    a: Path
    b: Path
    threshold: float = DEFAULT_THRESHOLD


class CompareFilter(enum.Enum):
    ALL = "every line"
    CHANGES = "changes only"
    LABEL_CHANGES = "label changes"
    NEW_NEGATIVE = "new negatives"

    def accepts(self, pair: AlignedPair) -> bool:
        if self is CompareFilter.CHANGES:
            return pair.status is not Status.MATCHED
        if self is CompareFilter.LABEL_CHANGES:
            return pair.label_changed
        if self is CompareFilter.NEW_NEGATIVE:
            return pair.new_negative
        return True


@dataclass
class CompareReady(Message):
    comparison: Comparison


@dataclass
class CompareFailed(Message):
    error: str


def summary_text(c: Comparison) -> Text:
    """Two lines: the documents with their tone, then the counts of the alignment."""
    change = c.tone_change
    line = Text.assemble(
        ("A ", "bold"),
        f"{display_text(c.a.source)}: {c.a.n_sentences} sentences, tone {c.a.tone:+.3f}   ",
        ("B ", "bold"),
        f"{display_text(c.b.source)}: {c.b.n_sentences} sentences, tone {c.b.tone:+.3f}   ",
        ("tone change ", "bold"),
        tone_marker(change),
    )
    line.append("\n")
    for status in Status:
        mark, style = STATUS_MARKS[status]
        line.append(f"{mark} {c.count(status)} {status.value}", style=style)
        line.append("  ")
    line.append(f"· {len(c.label_changes)} label changes  ")
    line.append(f"{NEW_NEGATIVE_MARK} {len(c.new_negative)} new negatives", style=NEW_NEGATIVE_STYLE)
    return line


def diff_texts(pair: AlignedPair) -> tuple[Text, Text]:
    """The A and B sentences, with deleted words struck in A and inserted words bold in B
    (control characters shown as escapes, `finlocal.tui.view.display_text`)."""
    a_text, b_text = Text(), Text()
    if pair.a is not None and pair.b is not None and pair.status is Status.CHANGED:
        for piece, text in word_diff(pair.a.text, pair.b.text):
            if piece is not Piece.INSERTED:
                a_text.append(display_text(text), style=DELETED_STYLE if piece is Piece.DELETED else "")
            if piece is not Piece.DELETED:
                b_text.append(display_text(text), style=INSERTED_STYLE if piece is Piece.INSERTED else "")
        return a_text, b_text
    if pair.a is not None:
        a_text.append(display_text(pair.a.text), style=DELETED_STYLE if pair.status is Status.REMOVED else "")
    if pair.b is not None:
        b_text.append(display_text(pair.b.text), style=INSERTED_STYLE if pair.status is Status.ADDED else "")
    return a_text, b_text


def _side_heading(name: str, result: SentenceResult | None) -> Text:
    if result is None:
        return Text.assemble((f"{name} ", "bold"), ("(absent)", "dim"))
    return Text.assemble(
        (f"{name} #{result.index + 1} ", "bold"),
        label_text(result.label),
        f" {result.prediction.confidence:.2f}  tone {result.tone:+.2f}",
    )


class CompareTable(DataTable):
    """One row per aligned line, keyed by its position in the comparison."""

    def __init__(self, *, id: str | None = None) -> None:  # noqa: A002 - Textual's name
        super().__init__(id=id, cursor_type="row", zebra_stripes=True)
        self.pairs: tuple[AlignedPair, ...] = ()
        self.filter = CompareFilter.ALL
        self._text_width = 0

    def on_mount(self) -> None:
        self._build_columns()

    def _wanted_text_width(self) -> int:
        fixed = sum(width + 2 * self.cell_padding for _, _, width in FIXED_COLUMNS)
        available = self.size.width - fixed - 4 * self.cell_padding - 2
        return max(MIN_TEXT_WIDTH, available // 2)

    def _build_columns(self) -> None:
        self._text_width = self._wanted_text_width()
        columns = {key: (header, width) for key, header, width in FIXED_COLUMNS}
        for key in ("status", "new", "a_index", "a_label"):
            self.add_column(Text(columns[key][0]), width=columns[key][1], key=key)
        self.add_column(Text("Sentence in A"), width=self._text_width, key="a_text")
        for key in ("b_index", "b_label"):
            self.add_column(Text(columns[key][0]), width=columns[key][1], key=key)
        self.add_column(Text("Sentence in B"), width=self._text_width, key="b_text")
        self.add_column(Text(columns["tone"][0]), width=columns["tone"][1], key="tone")

    def on_resize(self) -> None:
        if self.columns and self._wanted_text_width() != self._text_width:
            self.clear(columns=True)
            self._build_columns()
            self.rebuild()

    def show(self, pairs: tuple[AlignedPair, ...]) -> None:
        self.pairs = pairs
        self.rebuild()

    def rebuild(self) -> None:
        self.clear()
        for position, pair in enumerate(self.pairs):
            if self.filter.accepts(pair):
                self.add_row(*self._cells(pair), key=str(position))

    @staticmethod
    def _cells(pair: AlignedPair) -> tuple[Text, ...]:
        mark, style = STATUS_MARKS[pair.status]

        def side(result: SentenceResult | None) -> tuple[Text, Text, Text]:
            if result is None:
                return Text(""), Text(""), Text("")
            return (
                Text(str(result.index + 1)),
                label_text(result.label),
                Text(display_text(one_line(result.text, 400)), no_wrap=True, overflow="ellipsis"),
            )

        a_index, a_label, a_text = side(pair.a)
        b_index, b_label, b_text = side(pair.b)
        change = pair.tone_change
        return (
            Text(mark, style=style),
            Text(NEW_NEGATIVE_MARK if pair.new_negative else "", style=NEW_NEGATIVE_STYLE),
            a_index,
            a_label,
            a_text,
            b_index,
            b_label,
            b_text,
            tone_marker(change) if change is not None else Text(""),
        )

    @property
    def selected(self) -> AlignedPair | None:
        if not self.row_count:
            return None
        row_key, _ = self.coordinate_to_cell_key(self.cursor_coordinate)
        return self.pairs[int(row_key.value or 0)]


class CompareScreen(Screen[None]):
    DEFAULT_CSS = """
    CompareScreen { layout: vertical; }
    #compare-summary { height: 3; padding: 0 1; background: $boost; }
    #compare-table { height: 1fr; border-top: solid $primary-muted; border-title-align: right;
                     border-title-color: $text-muted; }
    #compare-table:focus { border-top: solid $accent; }
    #compare-detail { height: 9; border-top: solid $primary-muted; padding: 0 1; }
    """
    BINDINGS = [
        Binding("f", "cycle_filter", "Filter"),
        Binding("escape,q", "close", "Close"),
    ]

    def __init__(self, request: CompareRequest, load_model: ModelLoader) -> None:
        super().__init__()
        self.request = request
        self._load_model = load_model
        self.comparison: Comparison | None = None
        self.error: str | None = None

    def compose(self) -> ComposeResult:
        yield Header(show_clock=False, icon="¶")
        yield Static(Text(f"Scoring {self.request.a} and {self.request.b}…"), id="compare-summary")
        yield CompareTable(id="compare-table")
        with VerticalScroll(id="compare-detail"):
            yield Static(Text(""), id="compare-a")
            yield Static(Text(""), id="compare-b")
        yield Footer()

    @property
    def table(self) -> CompareTable:
        return self.query_one(CompareTable)

    def on_mount(self) -> None:
        self.sub_title = f"{self.request.a.name} → {self.request.b.name}"
        self._update_title()
        self._compare()

    @work(thread=True, exclusive=True, group="compare", exit_on_error=False)
    def _compare(self) -> None:
        try:
            a, b = read_path(self.request.a), read_path(self.request.b)
            model = self._load_model()
            comparison = compare_texts(
                a.text,
                b.text,
                model.classifier,
                a_source=str(self.request.a),
                b_source=str(self.request.b),
                threshold=self.request.threshold,
            )
        except FinlocalError as exc:
            self.post_message(CompareFailed(str(exc)))
            return
        self.post_message(CompareReady(comparison))

    def on_compare_ready(self, message: CompareReady) -> None:
        self.comparison = message.comparison
        self.query_one("#compare-summary", Static).update(summary_text(message.comparison))
        self.table.show(message.comparison.pairs)
        self.table.focus()
        self._show_selected()

    def on_compare_failed(self, message: CompareFailed) -> None:
        self.error = message.error
        self.query_one("#compare-summary", Static).update(Text(display_text(message.error), style=NEGATIVE))
        self.notify(message.error, title="Cannot compare", severity="error", timeout=15, markup=False)

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        event.stop()
        self._show_selected()

    def _show_selected(self) -> None:
        pair = self.table.selected
        a_static, b_static = self.query_one("#compare-a", Static), self.query_one("#compare-b", Static)
        if pair is None:
            a_static.update(Text(""))
            b_static.update(Text("Nothing to show with this filter.", style="dim"))
            return
        a_text, b_text = diff_texts(pair)
        similarity = f"   similarity {pair.similarity:.2f}" if pair.status is Status.CHANGED else ""
        a_static.update(Text.assemble(_side_heading("A", pair.a), f"   {pair.status.value}{similarity}\n", a_text))
        b_static.update(Text.assemble(_side_heading("B", pair.b), "\n", b_text))

    def _update_title(self) -> None:
        self.table.border_title = self.table.filter.value

    def action_cycle_filter(self) -> None:
        members = list(CompareFilter)
        self.table.filter = members[(members.index(self.table.filter) + 1) % len(members)]
        self._update_title()
        self.table.rebuild()
        self._show_selected()

    def action_close(self) -> None:
        self.dismiss()
