"""The Prodigy writer's fast line is the same text as encoding its record with `json`."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from annotator.core.model import Document, Span, SpanState, Status
from annotator.core.token_json import token_json_bytes
from annotator.core.tokens import Tokens
from annotator.formats.writers import prodigy

# Quotes, backslashes, control characters, a line separator, astral and lone surrogates.
ALPHABET = st.sampled_from([*'ab "\\\n\t\x00\x1f\u2028é👍', "\ud800"])


@st.composite
def documents(draw: st.DrawFn) -> tuple[Document, Tokens]:
    text = draw(st.text(alphabet=ALPHABET, min_size=1, max_size=30))
    cuts = sorted(draw(st.sets(st.integers(0, len(text)), max_size=12)))
    tokens = Tokens.from_pairs([(a, b) for a, b in zip(cuts[::2], cuts[1::2], strict=False)])
    spans = {
        (start, start + draw(st.integers(1, len(text) - start)))
        for start in draw(st.lists(st.integers(0, len(text) - 1), max_size=4))
    }
    document = Document(
        id=1,
        dataset_id=1,
        text=text,
        spans=tuple(
            Span(
                a,
                b,
                draw(st.sampled_from(["ORG", 'Q"X'])),
                draw(st.sampled_from(SpanState)),
                draw(st.none() | st.text(ALPHABET, max_size=3)),
                draw(st.none() | st.floats() | st.sampled_from([0.1, 1e-7, 1e300, 2.0])),
            )
            for a, b in sorted(spans)
        ),
        status=draw(st.sampled_from(Status)),
        meta=draw(st.dictionaries(st.sampled_from(["tokens", "a\\b", "x"]), st.text(ALPHABET))),
        extra=draw(st.dictionaries(st.sampled_from(["score", "spans", "z"]), st.integers())),
        annotator=draw(st.none() | st.text(ALPHABET, max_size=3)),
        reviewed=draw(st.booleans()),
        updated_at=1_700_000_000.5,
    )
    return document, tokens


@settings(max_examples=300, deadline=None)
@given(documents())
def test_line_is_the_record_encoded_by_json(item: tuple[Document, Tokens]) -> None:
    document, tokens = item
    expected, left_out = prodigy.record(document, tokens, document.spans)
    assert prodigy.line(document, tokens, document.spans) == (prodigy.dumps(expected), left_out)


@settings(max_examples=300, deadline=None)
@given(documents())
def test_line_around_stored_token_json_is_the_same_line(item: tuple[Document, Tokens]) -> None:
    document, tokens = item
    stored = token_json_bytes(document.text, tokens)
    expected, left_out = prodigy.line(document, tokens, document.spans)
    got = prodigy.line_bytes(document, tokens, document.spans, stored)
    assert got == (expected.encode("utf-8"), left_out)
