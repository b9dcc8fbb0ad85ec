"""Financial-aware sentence splitting with character offsets.

Why a custom rule-based splitter and not pysbd (the maintained rule-based option): both were
measured with ``bench/runtime.py --splitter --fpb`` (results in ``bench/results/runtime-*.json``).

* On the first 300 Financial PhraseBank sentences joined into one text (independent gold: each
  row is a sentence, a few hold two; FPB is tokenised: ``"EUR10 .1 m"``, ``" ."``, and two
  backticks for an opening quote),
  this splitter recovered the rows with an exact-row F1 of 0.97, pysbd 0.22 — it merges most
  FPB sentences — and pysbd took 3.4 s against 0.01 s (on all 3,634 rows: 0.95 in 0.3 s against
  0.23 in 714 s; pysbd slows down more than linearly on long texts).
* On the hand-written report of ``tests/runtime/test_splitting.py`` (bullets, tables, headings,
  hard-wrapped lines; written alongside this splitter, so read it as "which cases each handles"),
  exact-sentence F1 was 1.00 against 0.80: pysbd splits after ``approx.`` before an amount and
  after ``Corp.`` before a capitalised title, and cuts hard-wrapped prose at every line break.

The splitter here works in two linear passes:

1. *Layout* (`finlocal.layout`, shared with reading): the text is cut into segments at blank
   lines, bullets, table rows and heading-like lines (a short line without terminal punctuation
   followed by a line that starts a sentence). Lines of hard-wrapped prose stay together, and
   so do a dateline and its sentence.
2. *Sentences*: inside a segment, ``.``/``!``/``?``/``…`` followed by whitespace and a sentence
   start ends a sentence, unless the token before is a decimal, an abbreviation (``Inc.``,
   ``Corp.``, ``U.S.``, ``approx.``, ``e.g.``, ``No. 5``, initials) or the next word is lower case.
   FPB-style tokenised text (``" ."``) works the same way.

Any sentence longer than `MAX_SENTENCE_CHARS` (a run without punctuation, a 1 MB "sentence") is cut
into bounded chunks at whitespace, so nothing hangs and the model sees bounded inputs.

Every span's ``text`` equals ``source[start:end]``, is stripped and non-empty, and the spans
cover every non-whitespace character of the source, in order.

`split_text` is what scoring calls: it cuts a text into the items a `SplitMode` asks for
(sentences, non-blank lines, or the whole text), inside the `Region`s a reader found (a Markdown
paragraph, heading or table row) when there are any, so that no item crosses two blocks and the
markup between a region's pieces never reaches the splitter.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from finlocal.layout import segments
from finlocal.predictions import Span
from finlocal.spans import strip_span
from finlocal.structure import Region, RowKind, SplitMode, TableRow


@dataclass(frozen=True)
class Item(Span):
    """One scored item of a document: a span, what kind of row it is, and its table row if any."""

    kind: RowKind = RowKind.SENTENCE
    table_row: TableRow | None = None


#: Longer sentences are cut into chunks of at most this many characters, at whitespace.
MAX_SENTENCE_CHARS = 1000

# Tokens (lower-cased, without the final ".") after which a period ends a sentence only when a
# common sentence start follows (`_STARTERS`): "Acme Corp. said" / "... Acme Corp. The company";
# US states as datelines write them ("SAN JOSE, Calif. Adobe today reported").
_ABBREVIATIONS = frozenset(
    """inc corp co cos ltd plc llc llp lp bros mr mrs ms messrs dr prof sr jr st mt ave blvd
    approx appr abt ca cf e.g i.e eg ie etc vs viz incl excl est esp dept div govt intl natl
    assn assoc admin mgmt jan feb mar apr jun jul aug sep sept oct nov dec mon tue wed thu fri
    sat sun u.s u.k u.s.a e.u u.n a.s s.a n.v b.v s.p.a a.g oyj abp resp ref vol
    calif mass wash conn mich minn tex fla colo ariz penn okla tenn n.y n.j d.c""".split()
)
# Tokens after which a period does not end a sentence when a number follows ("No. 5", "p. 12").
_BEFORE_NUMBER = frozenset({"no", "nos", "nr", "p", "pp", "fig", "figs", "art", "sec", "ch", "tab", "q", "vol"})

# Titles never end a sentence; nor does "v." between the parties of a case ("Huang, et al. v. Meta").
_TITLES = frozenset({"mr", "mrs", "ms", "messrs", "dr", "prof", "sr", "jr", "st", "mt", "v"})
# Words that start a sentence after an abbreviation that also ends sentences ("... Oyj. The").
_STARTERS = frozenset(
    """The It Its This These That Those In We Our He She They A An According However Net
    Operating Sales Revenue Profit Shares Earnings Meanwhile Also After Before During For""".split()
)

# (FPB writes an opening quote as ``)
_SENTENCE_START = re.compile(r"""\s*(?:["'‘“(\[]\s?|``?\s?)*[A-Z0-9€$£¥%•\-–*#]""")
_BOUNDARY = re.compile(r"""[.!?…]+["'’”)\]]*(?=\s)""")
_INITIALS = re.compile(r"(?:[A-Za-z]\.)+[A-Za-z]?")
_ENUMERATOR = re.compile(r"\(?(?:\d{1,3}|[a-zA-Z]|[ivxIVX]{1,4})")
_WORD = re.compile(r"\s*([A-Za-z]+)")
# The token before a period is looked for this far back at most (abbreviations are short).
_TOKEN_MAX_CHARS = 64


def split_text(text: str, mode: SplitMode = SplitMode.SENTENCES, regions: Sequence[Region] = ()) -> list[Item]:
    """Cut ``text`` into the items ``mode`` asks for, with offsets into ``text``.

    Without ``regions`` the whole text is split. With them, each region is split on its own (its
    pieces read as one text) and the items are mapped back to ``text``: an item runs from its
    first to its last visible character, so ``item.text == text[item.start:item.end]`` still holds
    and may contain what lay between pieces. ``SplitMode.NONE`` gives one item, from the first
    visible character of the first region to the last of the last. A region that is not running
    text (a heading, a table row) is one item of its kind in the sentence and line modes, except
    that in lines mode plain text (``hard_breaks``) is one sentence per line whatever its layout.
    """
    if not regions:
        return [Item(s.start, s.end, s.text) for s in _split_plain(text, mode)]
    spans: list[Item] = []
    for region in regions:
        inner, starts = _region_text(text, region)
        # plain text in lines mode is one item per line as written: the layout's guesses (a
        # heading, a table row) do not apply, so a list of headlines stays a list of sentences
        guessed = region.hard_breaks and mode is SplitMode.LINES
        if region.kind is not RowKind.SENTENCE and mode is not SplitMode.NONE and not guessed:
            whole = strip_span(inner, 0, len(inner))
            if whole is not None:
                start = _to_document(region, starts, whole.start)
                end = _to_document(region, starts, whole.end - 1) + 1
                spans.append(Item(start, end, text[start:end], region.kind, region.table_row))
            continue
        if mode is SplitMode.SENTENCES and region.hard_breaks:
            # plain text the reader already cut at the layout's segments: sentences only
            found = _segment_sentences(inner, 0, len(inner), [])
        elif mode is SplitMode.SENTENCES:
            # soft line breaks: no headings or bullets inside a block
            found = split_sentences(_LINE_BREAK_CHAR.sub(" ", inner))
        else:
            found = _split_plain(inner, mode)
        for span in found:
            start = _to_document(region, starts, span.start)
            end = _to_document(region, starts, span.end - 1) + 1
            spans.append(Item(start, end, text[start:end]))
    if mode is SplitMode.NONE and spans:
        start, end = spans[0].start, spans[-1].end
        return [Item(start, end, text[start:end])]
    return spans


def _split_plain(text: str, mode: SplitMode) -> list[Span]:
    if mode is SplitMode.SENTENCES:
        return split_sentences(text)
    if mode is SplitMode.LINES:
        return split_lines(text)
    whole = strip_span(text, 0, len(text))
    return [] if whole is None else [whole]


def _region_text(text: str, region: Region) -> tuple[str, list[int]]:
    """The region's text, and where each piece starts in it."""
    starts: list[int] = []
    length = 0
    for start, end in region.pieces:
        starts.append(length)
        length += end - start
    return "".join(text[start:end] for start, end in region.pieces), starts


def _to_document(region: Region, starts: list[int], pos: int) -> int:
    k = bisect.bisect_right(starts, pos) - 1
    return region.pieces[k][0] + pos - starts[k]


_LINE = re.compile(r"[^\r\n]+")
_LINE_BREAK_CHAR = re.compile(r"[\r\n]")


def split_lines(text: str) -> list[Span]:
    """Each non-blank line (``\\n``, ``\\r\\n`` or ``\\r`` ends one) as one item, stripped."""
    spans = []
    for match in _LINE.finditer(text):
        span = strip_span(text, match.start(), match.end())
        if span is not None:
            spans.append(span)
    return spans


def split_sentences(text: str) -> list[Span]:
    """Split ``text`` into sentences with offsets into ``text``."""
    spans: list[Span] = []
    for segment in segments(text):
        _segment_sentences(text, segment.start, segment.end, spans)
    return spans


def _segment_sentences(text: str, seg_start: int, seg_end: int, spans: list[Span]) -> list[Span]:
    """Append the sentences of one layout segment to ``spans`` (bounded in length)."""
    for start, end in _sentences(text, seg_start, seg_end):
        for chunk_start, chunk_end in _bounded(text, start, end):
            span = strip_span(text, chunk_start, chunk_end)
            if span is not None:
                spans.append(span)
    return spans


# --------------------------------------------------------------------------------------------
# pass 2: sentences in a segment


def _ends_sentence(text: str, punct_start: int, punct_end: int, seg_start: int, seg_end: int) -> bool:
    """Does the punctuation text[punct_start:punct_end] end a sentence?

    Look-behinds are bounded (by the segment, which starts at a line start, and by
    `_TOKEN_MAX_CHARS`), so a long line with many periods is not rescanned at each one.
    """
    nxt = punct_end
    while nxt < seg_end and text[nxt].isspace():
        nxt += 1
    # (the caller only passes punctuation followed by whitespace)
    if nxt >= seg_end:
        return True
    if text[nxt] == "[" and "\n" in text[punct_end:nxt]:
        return True  # a line opening with "[" ("[1] …", "[bold]…", "[Note] …") starts anew
    if not _SENTENCE_START.match(text, nxt):
        return False
    if text[punct_start] != ".":
        return True
    if text[punct_start:punct_end].startswith(".."):
        return True
    # the token before the period, e.g. "Inc", "U.S", "2.4", "EUR131m", "e.g"
    lo = max(seg_start, punct_start - _TOKEN_MAX_CHARS)
    line_start = max(
        lo,
        text.rfind(" ", lo, punct_start) + 1,
        text.rfind("\n", lo, punct_start) + 1,
        text.rfind("\t", lo, punct_start) + 1,
    )
    token = text[line_start:punct_start].lstrip("(\"'“‘[")
    if not token:  # " ." tokenised text
        return True
    lowered = token.lower()
    if len(token) <= 4 and _ENUMERATOR.fullmatch(token) and _at_line_start(text, line_start, seg_start):
        # "1. Revenue grew" at the start of a line is a numbered item, not a sentence
        return False
    if lowered in _TITLES:
        return False
    if lowered in _BEFORE_NUMBER and text[nxt].isdigit():
        return False
    if lowered in _ABBREVIATIONS or (_INITIALS.fullmatch(token) and "." in token):
        word = _WORD.match(text, nxt)  # "Acme Corp. The company ..." does end a sentence
        return word is not None and word.group(1) in _STARTERS
    return not (len(token) == 1 and token.isupper())  # an initial ("J. Smith") ends nothing


def _at_line_start(text: str, pos: int, seg_start: int) -> bool:
    """Only whitespace between the start of the line (or segment) and ``pos``."""
    while pos > seg_start and text[pos - 1] != "\n" and text[pos - 1].isspace():
        pos -= 1
    return pos == seg_start or text[pos - 1] == "\n"


def _sentences(text: str, seg_start: int, seg_end: int) -> Iterator[tuple[int, int]]:
    start = seg_start
    for match in _BOUNDARY.finditer(text, seg_start, seg_end):
        end = match.end()
        if end >= seg_end:
            break
        if _ends_sentence(text, match.start(), end, seg_start, seg_end):
            yield start, end
            start = end
    yield start, seg_end


def _bounded(text: str, start: int, end: int) -> Iterator[tuple[int, int]]:
    """Cut a too-long sentence into chunks of at most MAX_SENTENCE_CHARS, at whitespace."""
    while end - start > MAX_SENTENCE_CHARS:
        limit = start + MAX_SENTENCE_CHARS
        cut = max(text.rfind(" ", start, limit), text.rfind("\n", start, limit))
        if cut <= start + MAX_SENTENCE_CHARS // 4:
            cut = limit
        yield start, cut
        start = cut
    yield start, end
