"""Span lookups by bisection give what walking every span gives."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from annotator.core.model import Span, SpanState
from annotator.core.navigation import gold_at, next_open, step, successor, visible


def walked_successor(spans: tuple[Span, ...], span: Span) -> Span | None:
    same = [s for s in spans if (s.start, s.end) == (span.start, span.end)]
    if same:
        return next((s for s in same if s.label == span.label), same[0])
    return step(spans, None, offset=span.start)


def walked_gold_at(spans: tuple[Span, ...], start: int, end: int) -> Span | None:
    return next((s for s in spans if (s.start, s.end) == (start, end) and s.state.is_gold), None)


spans_strategy = st.lists(
    st.builds(
        lambda start, length, label, state: Span(start, start + length, label, state),
        st.integers(0, 30),
        st.integers(1, 4),
        st.sampled_from(["A", "B", "C"]),
        st.sampled_from(list(SpanState)),
    ),
    max_size=20,
    unique_by=lambda span: span.key,
).map(lambda spans: tuple(sorted(spans, key=lambda span: span.key)))


@settings(max_examples=300, deadline=None)
@given(spans=spans_strategy, start=st.integers(0, 30), length=st.integers(1, 4))
def test_bisecting_lookups_agree_with_walking_every_span(
    spans: tuple[Span, ...], start: int, length: int
) -> None:
    for label in ("A", "B", "Z"):
        probe = Span(start, start + length, label, SpanState.SUGGESTED)
        assert successor(spans, probe) == walked_successor(spans, probe)
        shown = tuple(visible(spans, show_rejected=False))
        hidden_ok = successor(spans, probe, show_rejected=False)
        assert hidden_ok == walked_successor(shown, probe)  # as if rejected ones were gone
        assert next_open(spans, probe) == step(spans, probe, open_only=True)
    assert gold_at(spans, start, start + length) == walked_gold_at(spans, start, start + length)


TEXT = "Angela Merkel met Emmanuel Macron in Paris on Monday. Later Scholz flew home."


def at(needle: str, label: str, state: SpanState = SpanState.SUGGESTED) -> Span:
    start = TEXT.index(needle)
    return Span(start, start + len(needle), label, state, source="en_rules")


MERKEL = at("Angela Merkel", "PERSON")
MACRON = at("Emmanuel Macron", "ORG")
PARIS = at("Paris", "GPE")
SCHOLZ = at("Scholz", "PERSON", SpanState.MANUAL)


def test_the_current_span_after_an_edit_is_the_one_the_window_outlines() -> None:
    """The window's rule, as an annotator meets it in the article, the list and the keys."""
    spans = (MERKEL, MACRON, PARIS)
    accepted = MACRON.with_state(SpanState.ACCEPTED)
    assert successor((MERKEL, accepted, PARIS), MACRON) == accepted  # same key, new state
    relabelled = Span(MACRON.start, MACRON.end, "PERSON", SpanState.ACCEPTED)
    assert successor((MERKEL, relabelled, PARIS), MACRON) == relabelled  # relabel
    assert successor(spans, relabelled) == MACRON  # its undo
    # Undo of a drawn span: the next span from its start on, wrapping around.
    assert successor(spans, Span(MERKEL.end + 1, MERKEL.end + 4, "X")) == MACRON
    assert successor(spans, SCHOLZ) == MERKEL
    assert successor((), SCHOLZ) is None
    # A rejection the article hides is never current: the next span shown is.
    rejected = PARIS.with_state(SpanState.REJECTED)
    with_rejection = (MERKEL, MACRON, rejected, SCHOLZ)
    shown = visible(with_rejection, show_rejected=False)
    assert successor(shown, PARIS) == SCHOLZ
    assert successor(visible(with_rejection, show_rejected=True), PARIS) == rejected
