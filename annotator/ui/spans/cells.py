"""What each cell of the span list shows: the columns, their texts, tooltips and order.

Plain functions of a span and the document's text, so the table model only decides which
rows there are and when they change.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from enum import IntEnum
from typing import Any

from PySide6.QtCore import Qt

from annotator.core.model import Label, Span, SpanState

SortKey = Callable[[Span], Any]


class Column(IntEnum):
    LABEL = 0
    TEXT = 1
    STATE = 2
    SOURCE = 3
    SCORE = 4


HEADERS: dict[Column, str] = {
    Column.LABEL: "Label",
    Column.TEXT: "Text",
    Column.STATE: "State",
    Column.SOURCE: "Source",
    Column.SCORE: "Score",
}

STATE_NAMES: dict[SpanState, str] = {
    SpanState.SUGGESTED: "Suggested",
    SpanState.ACCEPTED: "Accepted",
    SpanState.MANUAL: "Drawn",
    SpanState.REJECTED: "Rejected",
}
STATE_ORDER = {state: n for n, state in enumerate(STATE_NAMES)}

# The Span of a row, for delegates and tests that want the value rather than its text.
SPAN_ROLE = int(Qt.ItemDataRole.UserRole) + 1

# Characters of covered text a cell holds: more than any column shows. The view cuts what
# does not fit at the column's end, so a text is whole wherever there is room for it.
MAX_TEXT = 200
MAX_TOOLTIP = 1000
NEWLINE_MARK = "⏎"
ELLIPSIS = "…"

_LINE_BREAKS = str.maketrans(
    {"\n": NEWLINE_MARK, "\r": NEWLINE_MARK, "\u2028": NEWLINE_MARK, "\u2029": NEWLINE_MARK}
)


def one_line(text: str) -> str:
    """`text` on one line: each line break (a `\\r\\n` pair counts once) becomes ⏎, tabs spaces."""
    return text.replace("\r\n", "\n").translate(_LINE_BREAKS).replace("\t", " ")


def cell_text(text: str, start: int, end: int, limit: int = MAX_TEXT) -> str:
    """`text[start:end]` for a table cell: on one line, cut after `limit` characters.

    Only the shown start is sliced, so a span over a whole article costs no more than a
    short one.
    """
    if end - start <= limit:
        return one_line(text[start:end])
    return one_line(text[start : start + limit - 1]) + ELLIPSIS


def source_of(span: Span) -> str:
    """The suggester behind a span; blank for one a person drew."""
    return "" if span.state is SpanState.MANUAL else span.source or ""


def display(span: Span, column: int, text: str) -> str:
    """The cell's text; `text` is the document's."""
    if column == Column.LABEL:
        return span.label
    if column == Column.TEXT:
        return cell_text(text, span.start, span.end)
    if column == Column.STATE:
        return STATE_NAMES[span.state]
    if column == Column.SOURCE:
        return source_of(span)
    if column == Column.SCORE:
        return "" if span.score is None else f"{span.score:.2f}"
    return ""


def tooltip(span: Span, column: int, text: str, labels: Mapping[str, Label]) -> str | None:
    if column == Column.LABEL:
        label = labels.get(span.label)
        return label.description or None if label else f"{span.label} (not a dataset label)"
    if column == Column.TEXT:
        covered = text[span.start : span.end]
        if len(covered) > MAX_TOOLTIP:
            covered = covered[:MAX_TOOLTIP] + ELLIPSIS
        return covered
    if column == Column.SOURCE:  # a narrow column shows its start only
        return source_of(span) or None
    return None


def sort_key(column: Column, text: str) -> SortKey:
    """Each column's order; ties fall back on the position in the document."""
    if column == Column.LABEL:
        return lambda s: (s.label, s.start, s.end)
    if column == Column.TEXT:
        return lambda s: (text[s.start : s.end].casefold(), s.start, s.end, s.label)
    if column == Column.STATE:
        return lambda s: (STATE_ORDER[s.state], s.start, s.end, s.label)
    if column == Column.SOURCE:
        return lambda s: (source_of(s), s.start, s.end, s.label)
    return lambda s: (s.score or 0.0, s.start, s.end, s.label)
