"""CoNLL keeps the same spans as the plain longest-first rule, whatever the overlaps."""

from __future__ import annotations

import random

from hypothesis import given, settings
from hypothesis import strategies as st

from annotator.core.model import Document, Span, SpanState
from annotator.core.tokens import Tokens
from annotator.formats.writers import conll


def reference(spans: list[Span]) -> list[Span]:
    """The rule stated plainly: longest first, then earliest, then by label; keep a span
    if it overlaps none kept so far (the quadratic way)."""
    kept: list[Span] = []
    for span in sorted(spans, key=lambda s: (-(s.end - s.start), s.start, s.label)):
        if not any(span.start < other.end and other.start < span.end for other in kept):
            kept.append(span)
    return sorted(kept, key=lambda s: s.key)


@st.composite
def overlapping_spans(draw: st.DrawFn) -> list[Span]:
    count = draw(st.integers(0, 40))
    found = {}
    for _ in range(count):
        start = draw(st.integers(0, 30))
        end = start + draw(st.integers(1, 8))
        label = draw(st.sampled_from("ABC"))
        found[(start, end, label)] = Span(start, end, label)
    return list(found.values())


@settings(max_examples=400, deadline=None)
@given(overlapping_spans())
def test_kept_spans_are_the_reference_choice(spans: list[Span]) -> None:
    assert conll.non_overlapping(spans) == reference(spans)


def test_a_document_with_many_overlapping_spans_exports_as_the_rule_says() -> None:
    """3,000 spans of one to four words over 1,000 words, every one overlapping others."""
    rng = random.Random(7)
    words = [f"w{n}" for n in range(1000)]
    text = " ".join(words)
    starts = [text.index(f"w{n} ") if n < 999 else text.rindex("w999") for n in range(1000)]
    ends = [start + len(word) for start, word in zip(starts, words, strict=True)]
    tokens = Tokens(tuple(starts), tuple(ends))
    spans = {}
    for _ in range(3000):
        first = rng.randrange(1000)
        last = min(999, first + rng.randrange(4))
        label = rng.choice(["PER", "ORG", "LOC"])
        spans[(first, last, label)] = Span(starts[first], ends[last], label, SpanState.MANUAL)
    document = Document(id=1, dataset_id=1, text=text, spans=tuple(spans.values()))
    block, left_out = conll.block(document, tokens, document.spans)
    kept = reference(list(spans.values()))
    assert left_out == len(spans) - len(kept)
    expected = ["O"] * 1000
    for span in kept:
        first, last = tokens.token_span(span.start, span.end)  # type: ignore[misc]
        expected[first : last + 1] = [f"B-{span.label}"] + [f"I-{span.label}"] * (last - first)
    lines = block.splitlines()[2:-1]
    assert lines == [f"{word}\t{tag}" for word, tag in zip(words, expected, strict=True)]
