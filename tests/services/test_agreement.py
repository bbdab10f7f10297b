"""Measuring a dataset's agreement from the annotators' finished versions.

The source stands in for the store's `versions_for_agreement`; the figures are worked by
hand below, on tokens from spaCy's English tokenizer.
"""

from __future__ import annotations

from collections.abc import Collection, Iterator

import pytest
import spacy

from annotator.core.errors import NotFoundError
from annotator.core.model import Dataset, Span, SpanState
from annotator.core.tokens import Tokens
from annotator.services.agreement import (
    FinishedDocument,
    TooFewAnnotators,
    measure,
)

TEXT = "Anna Berg met Omar in Lyon ."
OTHER = "Kyiv hosted the talks ."
NEWS = Dataset(id=7, name="news", lang="en")


def span(text: str, phrase: str, label: str, state: SpanState = SpanState.MANUAL) -> Span:
    start = text.index(phrase)
    return Span(start, start + len(phrase), label, state)


def spacy_tokens(text: str) -> Tokens:
    doc = spacy.blank("en")(text)
    return Tokens.from_pairs([(t.idx, t.idx + len(t)) for t in doc])


ANN = (
    span(TEXT, "Anna Berg", "PER"),
    span(TEXT, "Omar", "PER", SpanState.ACCEPTED),
    span(TEXT, "Lyon", "LOC"),
)
BOB = (span(TEXT, "Anna Berg", "PER"), span(TEXT, "Lyon", "ORG"))


class Source:
    """Documents as the store gives them, and the datasets it was asked for."""

    def __init__(self, documents: list[FinishedDocument]) -> None:
        self.documents = documents
        self.asked: list[int] = []

    def versions_for_agreement(
        self, dataset_id: int, annotators: Collection[str] | None = None
    ) -> Iterator[FinishedDocument]:
        self.asked.append(dataset_id)
        for text, tokens, spans in self.documents:
            kept = {n: s for n, s in spans.items() if annotators is None or n in annotators}
            if kept:
                yield text, tokens, kept


def refuse_to_tokenize(text: str) -> Tokens:
    raise AssertionError(f"stored tokens were not used for {text!r}")


def test_two_annotators_on_one_document_by_hand() -> None:
    source = Source(
        [
            (TEXT, spacy_tokens(TEXT), {"ann": ANN, "bob": BOB}),
            (OTHER, spacy_tokens(OTHER), {"ann": (span(OTHER, "Kyiv", "LOC"),)}),  # ann alone
        ]
    )
    result = measure(source, NEWS, tokenize=refuse_to_tokenize)
    assert source.asked == [7]
    assert result.annotators == ("ann", "bob")
    pair = result.pair("ann", "bob")
    assert (pair.documents, pair.tokens, result.spans_compared) == (1, 7, 5)
    # Spans: A = 3, B = 2, one matched (Anna Berg PER): P = 1/2, R = 1/3, F1 = 2/5.
    assert (pair.spans.precision, pair.spans.f1) == (pytest.approx(1 / 2), pytest.approx(2 / 5))
    assert pair.spans.recall == pytest.approx(1 / 3)
    # Tokens  Anna Berg met Omar in Lyon .
    #   ann   PER  PER  O   PER  O  LOC  O
    #   bob   PER  PER  O   O    O  ORG  O
    # p_o = 5/7; p_e = (3*2 [PER] + 3*4 [O]) / 49 = 18/49; kappa = (35 - 18) / (49 - 18).
    assert pair.kappa == pytest.approx(17 / 31)
    # Alpha: n = 14 values; PER 5, O 7, LOC 1, ORG 1; 2 units disagree, each giving 2
    # ordered mismatched pairs: D_o/D_e = 13 * 4 / (196 - 76) = 52/120, alpha = 68/120.
    assert pair.alpha == pytest.approx(68 / 120)
    assert result.alpha == pytest.approx(68 / 120)
    assert pair.label("PER").recall == pytest.approx(1 / 2)
    assert pair.label("LOC").precision is None


def test_a_document_never_tokenized_gets_the_tokens_of_the_datasets_language() -> None:
    source = Source([(TEXT, None, {"ann": ANN, "bob": BOB})])
    result = measure(source, NEWS)  # spaCy's own tokenizer for "en"
    assert result.pair("ann", "bob").tokens == 7
    assert result.pair("ann", "bob").kappa == pytest.approx(17 / 31)


def test_the_order_of_annotators_picks_the_reference_and_leaves_out_the_others() -> None:
    cy = (span(TEXT, "Omar", "PER"),)
    source = Source([(TEXT, spacy_tokens(TEXT), {"ann": ANN, "bob": BOB, "cy": cy})])
    result = measure(source, NEWS, annotators=["bob", "ann"])
    assert result.annotators == ("bob", "ann")
    pair = result.pair("bob", "ann")
    assert (pair.spans.precision, pair.spans.recall) == (
        pytest.approx(1 / 3),
        pytest.approx(1 / 2),
    )
    assert result.spans_compared == 5  # cy's span is not compared


def test_an_unknown_annotator_is_named_with_those_who_marked_documents_done() -> None:
    source = Source([(TEXT, spacy_tokens(TEXT), {"ann": ANN, "bob": BOB})])
    with pytest.raises(NotFoundError) as raised:
        measure(source, NEWS, annotators=["ann", "carol"])
    assert str(raised.value) == (
        "annotator 'carol' marked no document of dataset 'news' done; those who did: ann, bob"
    )


@pytest.mark.parametrize(
    ("documents", "found"),
    [
        ([], "nobody has marked a document done"),
        ([(TEXT, None, {"ann": ANN})], "ann (1 done)"),
        (
            [(TEXT, None, {"ann": ANN}), (OTHER, None, {"bob": ()}), (OTHER, None, {"bob": ()})],
            "ann (1 done), bob (2 done), no document done by two of them",
        ),
    ],
)
def test_fewer_than_two_annotators_on_the_same_documents_is_one_clear_message(
    documents: list[FinishedDocument], found: str
) -> None:
    with pytest.raises(TooFewAnnotators) as raised:
        measure(Source(documents), NEWS, tokenize=refuse_to_tokenize)
    assert str(raised.value) == (
        "agreement needs two annotators who marked the same documents done; found: " + found
    )
