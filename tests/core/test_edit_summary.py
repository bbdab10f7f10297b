"""The status line after a gesture names what changed and every other mention it touched."""

from __future__ import annotations

from annotator.core.annotating import Gestures
from annotator.core.edit_summary import other_mentions, quoted, status_line
from annotator.core.model import Document, Span, SpanState

TEXT = "Zebak is in Badakhshan. Zebak lies high. Zebak, again, and Zebak."


def zebaks(state: SpanState = SpanState.SUGGESTED) -> tuple[Span, ...]:
    starts = [i for i in range(len(TEXT)) if TEXT.startswith("Zebak", i)]
    return tuple(Span(s, s + 5, "GPE", state, "model") for s in starts)


def test_a_relabel_that_spreads_counts_the_other_mentions() -> None:
    spans = zebaks()
    document = Document(1, 1, TEXT, spans)
    edit = Gestures(document).relabel(spans[0], "DATE")
    assert other_mentions(edit, spans[0].start, spans[0].end) == 3
    unlabelled = Document(1, 1, TEXT, spans[:1])  # the other mentions have no span yet
    edit = Gestures(unlabelled).relabel(spans[0], "DATE")
    assert other_mentions(edit, spans[0].start, spans[0].end) == 3
    line = status_line(f"{quoted(TEXT, 0, 5)} → DATE", 3)
    assert line == "“Zebak” → DATE, and 3 more mentions: Ctrl+Z undoes all"


def test_a_change_of_one_span_says_only_what_it_did() -> None:
    text = "Zebak is in Badakhshan."
    spans = (Span(0, 5, "GPE", SpanState.SUGGESTED, "model"),)
    document = Document(1, 1, text, spans)
    edit = Gestures(document).relabel(spans[0], "DATE")
    assert other_mentions(edit, 0, 5) == 0
    assert status_line("“Zebak” → DATE", 0) == "“Zebak” → DATE"
    assert status_line("x", 1).endswith("and 1 more mention: Ctrl+Z undoes all")


def test_quoting_keeps_a_line_short() -> None:
    assert quoted("a   long\nname", 0, 14) == "“a long name”"
    assert quoted("x" * 100, 0, 100, limit=10) == "“" + "x" * 9 + "…”"
