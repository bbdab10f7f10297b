"""One overlap rule for gold spans: what a bisection finds is what a scan finds."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from annotator.core.gold_ranges import GoldRanges
from annotator.core.model import Span, SpanState, sort_key

GOLD = (SpanState.ACCEPTED, SpanState.MANUAL)

ranges = st.lists(st.tuples(st.integers(0, 60), st.integers(1, 8)), max_size=15)


def disjoint_gold(pairs: list[tuple[int, int]], states: list[SpanState]) -> list[Span]:
    kept: list[Span] = []
    for number, (start, length) in enumerate(pairs):
        candidate = Span(start, start + length, "ORG", states[number % len(states)])
        if not any(candidate.overlaps(other) for other in kept):
            kept.append(candidate)
    return kept


def scanned(spans: list[Span], start: int, end: int) -> list[Span]:
    return [s for s in spans if s.state.is_gold and s.start < end and start < s.end]


@settings(max_examples=300, deadline=None)
@given(
    gold=ranges,
    others=ranges,
    probe=st.tuples(st.integers(0, 60), st.integers(1, 12)),
    gold_states=st.lists(st.sampled_from(GOLD), min_size=1, max_size=3),
)
def test_a_lookup_among_a_documents_spans_agrees_with_a_scan(
    gold: list[tuple[int, int]],
    others: list[tuple[int, int]],
    probe: tuple[int, int],
    gold_states: list[SpanState],
) -> None:
    spans = disjoint_gold(gold, gold_states)
    for number, (start, length) in enumerate(others):  # suggestions and rejections between
        state = SpanState.SUGGESTED if number % 2 else SpanState.REJECTED
        spans.append(Span(start, start + length, "PERSON", state))
    document_spans = tuple(sorted(set(spans), key=sort_key))
    start, end = probe[0], probe[0] + probe[1]
    clashes = scanned(list(document_spans), start, end)
    found = GoldRanges(document_spans).clash(start, end)
    assert (found is None) == (not clashes)
    assert found is None or found in clashes


@settings(max_examples=300, deadline=None)
@given(claims=ranges, probe=st.tuples(st.integers(0, 60), st.integers(1, 12)))
def test_ranges_claimed_one_by_one_agree_with_a_scan(
    claims: list[tuple[int, int]], probe: tuple[int, int]
) -> None:
    taken = GoldRanges()
    claimed: list[Span] = []
    for start, length in claims:  # in any order, as accept-all and propagation claim
        span = Span(start, start + length, "ORG")
        if taken.overlaps(start, start + length):
            assert scanned(claimed, start, start + length)
            continue
        assert not scanned(claimed, start, start + length)
        taken.add(span)
        claimed.append(span)
    start, end = probe[0], probe[0] + probe[1]
    assert taken.overlaps(start, end) == bool(scanned(claimed, start, end))


def test_of_keeps_only_gold_spans_and_a_claim_must_be_gold() -> None:
    taken = GoldRanges.of(
        [Span(10, 20, "ORG", SpanState.SUGGESTED), Span(30, 40, "ORG", SpanState.ACCEPTED)]
    )
    assert not taken.overlaps(12, 14)
    assert taken.clash(35, 50) == Span(30, 40, "ORG", SpanState.ACCEPTED)
    with pytest.raises(ValueError, match="suggested spans take no range"):
        taken.add(Span(0, 5, "ORG", SpanState.SUGGESTED))
