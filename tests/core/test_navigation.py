"""Span lookups by bisection give what walking every span gives."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from annotator.core.model import Span, SpanState
from annotator.core.navigation import gold_at, next_open, step, successor


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
        assert next_open(spans, probe) == step(spans, probe, open_only=True)
    assert gold_at(spans, start, start + length) == walked_gold_at(spans, start, start + length)
