"""Agreement between annotators: span F1, Cohen's kappa and Krippendorff's alpha.

The small examples are worked by hand in the comments; random codings are checked
against independent implementations: the `krippendorff` package for alpha and NLTK's
`AnnotationTask` for kappa (both test dependencies only).
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import krippendorff
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from nltk.metrics.agreement import AnnotationTask

from annotator.core.agreement import (
    Agreement,
    DocumentVersions,
    SpanScores,
    agreement,
    token_categories,
)
from annotator.core.model import Span, SpanState
from annotator.core.tokens import Tokens

TEXT = "Anna Berg met Omar in Lyon and Geneva on Monday ."
#       0    5    10   14   19 22   27  31     38 41     48


def words(text: str) -> Tokens:
    pairs, start = [], 0
    for word in text.split(" "):
        pairs.append((start, start + len(word)))
        start += len(word) + 1
    return Tokens.from_pairs(pairs)


def span(text: str, phrase: str, label: str, state: SpanState = SpanState.MANUAL) -> Span:
    start = text.index(phrase)
    return Span(start, start + len(phrase), label, state)


# -- span F1 ----------------------------------------------------------------------------


def test_exact_span_scores_by_hand() -> None:
    ann = [
        span(TEXT, "Anna Berg", "PER"),
        span(TEXT, "Omar", "PER"),
        span(TEXT, "Lyon", "LOC"),
    ]
    bob = [
        span(TEXT, "Anna Berg", "PER"),  # the same: a match
        span(TEXT, "Lyon", "ORG"),  # same range, other label: no match
    ]
    result = agreement([DocumentVersions(words(TEXT), {"ann": ann, "bob": bob})])
    pair = result.pair("ann", "bob")
    # |A| = 3, |B| = 2, |A∩B| = 1: P = 1/2, R = 1/3, F1 = 2*1/(3+2) = 0.4
    assert (pair.spans.matched, pair.spans.reference, pair.spans.other) == (1, 3, 2)
    assert pair.spans.precision == pytest.approx(1 / 2)
    assert pair.spans.recall == pytest.approx(1 / 3)
    assert pair.spans.f1 == pytest.approx(0.4)
    # Per label. PER: A {Anna Berg, Omar}, B {Anna Berg}: P = 1/1, R = 1/2, F1 = 2/3.
    assert pair.label("PER") == SpanScores(1, 2, 1)
    assert pair.label("PER").f1 == pytest.approx(2 / 3)
    # LOC: only A has one: P undefined, R = 0/1, F1 = 0/(1+0) = 0.
    assert pair.label("LOC").precision is None
    assert pair.label("LOC").recall == 0
    assert pair.label("LOC").f1 == 0
    # ORG: only B has one: P = 0/1, R undefined, F1 = 0.
    assert (pair.label("ORG").precision, pair.label("ORG").recall) == (0, None)
    assert [label for label, _ in pair.per_label] == ["LOC", "ORG", "PER"]
    assert (pair.documents, result.documents, result.spans_compared) == (1, 1, 5)


def test_swapping_the_reference_swaps_precision_and_recall_and_keeps_f1() -> None:
    ann = [span(TEXT, "Anna Berg", "PER"), span(TEXT, "Omar", "PER")]
    bob = [span(TEXT, "Anna", "PER"), span(TEXT, "Omar", "PER"), span(TEXT, "Lyon", "LOC")]
    documents = [DocumentVersions(words(TEXT), {"ann": ann, "bob": bob})]
    forward = agreement(documents, ["ann", "bob"]).pair("ann", "bob").spans
    backward = agreement(documents, ["bob", "ann"]).pair("bob", "ann").spans
    # |A| = 2, |B| = 3, one match ("Omar"): P = 1/3, R = 1/2, F1 = 2/5 either way.
    assert (forward.precision, forward.recall) == (backward.recall, backward.precision)
    assert forward.f1 == backward.f1 == pytest.approx(0.4)


def test_only_gold_spans_and_documents_both_finished_are_compared() -> None:
    first = DocumentVersions(
        words(TEXT),
        {
            "ann": [
                span(TEXT, "Omar", "PER", SpanState.ACCEPTED),
                span(TEXT, "Lyon", "LOC", SpanState.SUGGESTED),  # not gold: ignored
                span(TEXT, "Geneva", "LOC", SpanState.REJECTED),  # not gold: ignored
            ],
            "bob": [span(TEXT, "Omar", "PER")],
            "cem": [span(TEXT, "Lyon", "LOC")],
        },
    )
    # Only ann finished this one: nobody to compare her with.
    second = DocumentVersions(words(TEXT), {"ann": [span(TEXT, "Monday", "DATE")]})
    result = agreement([first, second])
    assert result.annotators == ("ann", "bob", "cem")
    assert [(p.reference, p.other) for p in result.pairs] == [
        ("ann", "bob"),
        ("ann", "cem"),
        ("bob", "cem"),
    ]
    assert result.pair("ann", "bob").spans == SpanScores(1, 1, 1)
    assert result.pair("ann", "cem").spans == SpanScores(0, 1, 1)
    assert result.documents == 1
    assert result.spans_compared == 3
    # Pooled over the pairs: matched 1+0+0, reference 1+1+1, other 1+1+1.
    assert result.spans == SpanScores(1, 3, 3)
    assert result.label("DATE") == SpanScores(0, 0, 0)


def test_a_pair_without_a_common_document_has_no_figures() -> None:
    documents = [
        DocumentVersions(words(TEXT), {"ann": [], "bob": [span(TEXT, "Omar", "PER")]}),
        DocumentVersions(words(TEXT), {"bob": [], "cem": []}),
    ]
    pair = agreement(documents).pair("ann", "cem")
    assert (pair.documents, pair.tokens) == (0, 0)
    assert (pair.spans.precision, pair.spans.recall, pair.spans.f1) == (None, None, None)
    assert (pair.kappa, pair.alpha) == (None, None)


def test_annotators_chosen_and_their_order() -> None:
    versions = {"ann": [], "bob": [span(TEXT, "Omar", "PER")], "cem": []}
    result = agreement([DocumentVersions(words(TEXT), versions)], ["cem", "ann", "cem"])
    assert result.annotators == ("cem", "ann")
    assert [(p.reference, p.other) for p in result.pairs] == [("cem", "ann")]
    assert result.spans_compared == 0


# -- token categories --------------------------------------------------------------------


def test_a_token_takes_the_label_of_the_span_holding_its_first_character() -> None:
    tokens = Tokens.from_pairs([(0, 4), (5, 9), (10, 13)])  # "Anna", "Berg", "met"
    assert token_categories(tokens, [Span(0, 7, "PER")]) == ["PER", "PER", None]
    # Starting inside "Anna" does not give "Anna" the label.
    assert token_categories(tokens, [Span(2, 9, "PER")]) == [None, "PER", None]
    assert token_categories(tokens, [Span(4, 5, "PER")]) == [None, None, None]
    assert token_categories(Tokens((), ()), [Span(0, 4, "PER")]) == []


def test_overlapping_spans_of_one_annotator_give_the_set_of_their_labels() -> None:
    tokens = words("Bank of England said")
    spans = [Span(0, 15, "ORG"), Span(8, 15, "GPE"), Span(8, 15, "ORG", SpanState.ACCEPTED)]
    # "England" sits in the ORG span and in both GPE and ORG spans over itself.
    assert token_categories(tokens, spans) == ["ORG", "ORG", ("GPE", "ORG"), None]


# -- kappa and alpha -----------------------------------------------------------------------


def coded(categories: Sequence[str | None]) -> list[Span]:
    """One-character tokens at 0, 2, 4...: a span over each coded token."""
    return [Span(2 * i, 2 * i + 1, c) for i, c in enumerate(categories) if c is not None]


def one_character_tokens(count: int) -> Tokens:
    return Tokens.from_pairs([(2 * i, 2 * i + 1) for i in range(count)])


def test_kappa_and_alpha_of_two_annotators_by_hand() -> None:
    ann = ["PER", "PER", "LOC", None, None, None, None, None, None, "ORG"]
    bob = ["PER", "LOC", "LOC", None, None, None, None, None, "PER", None]
    document = DocumentVersions(one_character_tokens(10), {"ann": coded(ann), "bob": coded(bob)})
    pair = agreement([document]).pair("ann", "bob")
    # N = 10 tokens, agreed on 7 (PER, LOC and five O): p_o = 0.7.
    # ann: PER 2, LOC 1, O 6, ORG 1; bob: PER 2, LOC 2, O 6.
    # p_e = (2*2 + 1*2 + 6*6 + 1*0) / 100 = 0.42; kappa = (0.7 - 0.42) / 0.58 = 28/58.
    assert pair.tokens == 10
    assert pair.kappa == pytest.approx(28 / 58)
    # Alpha: 20 values; n_PER = 4, n_LOC = 3, n_O = 12, n_ORG = 1.
    # Disagreeing coincidences sum_{c!=k} o_ck = 2 * 3 units = 6 (each unit of two
    # different values gives two ordered pairs, divided by m_u - 1 = 1).
    # sum_{c!=k} n_c n_k = 20^2 - (16 + 9 + 144 + 1) = 230.
    # alpha = 1 - (20 - 1) * 6 / 230 = 1 - 114/230 = 116/230.
    assert pair.alpha == pytest.approx(116 / 230)
    assert agreement([document]).alpha == pair.alpha


def test_alpha_of_three_annotators_with_a_missing_one_by_hand() -> None:
    # Two documents of two tokens. Document 1: ann, bob, cem; document 2: ann, bob only.
    first = DocumentVersions(
        one_character_tokens(2),
        {"ann": coded(["PER", None]), "bob": coded(["PER", None]), "cem": coded(["LOC", None])},
    )
    second = DocumentVersions(
        one_character_tokens(2), {"ann": coded(["PER", "PER"]), "bob": coded([None, "PER"])}
    )
    result = agreement([first, second])
    # Units: (PER, PER, LOC), (O, O, O), (PER, O), (PER, PER): 3 + 3 + 2 + 2 = 10 values.
    # n_PER = 2 + 1 + 2 = 5, n_LOC = 1, n_O = 3 + 1 = 4.
    # Disagreeing ordered pairs / (m_u - 1): unit 1: 3^2 - (2^2 + 1^2) = 4, / 2 = 2;
    # unit 2: 0; unit 3: 2^2 - (1 + 1) = 2, / 1 = 2; unit 4: 0. Sum 4.
    # sum_{c!=k} n_c n_k = 10^2 - (25 + 1 + 16) = 58. alpha = 1 - 9 * 4 / 58 = 22/58.
    assert result.tokens == 4
    assert result.documents == 2
    assert result.alpha == pytest.approx(22 / 58)
    # The pair ann-cem shares document 1 only: tokens (PER, LOC), (O, O).
    # p_o = 1/2; ann: PER 1, O 1; cem: LOC 1, O 1; p_e = 1/4; kappa = (1/2-1/4)/(3/4) = 1/3.
    assert result.pair("ann", "cem").kappa == pytest.approx(1 / 3)
    assert result.pair("ann", "cem").tokens == 2


def test_undefined_figures_are_none() -> None:
    empty = DocumentVersions(Tokens((), ()), {"ann": [], "bob": []})
    result = agreement([empty])
    assert (result.alpha, result.pair("ann", "bob").kappa) == (None, None)
    assert result.documents == 1 and result.tokens == 0
    # Everyone always says "no entity": chance agreement is certain.
    silent = DocumentVersions(words(TEXT), {"ann": [], "bob": [], "cem": []})
    result = agreement([silent])
    assert result.alpha is None
    assert all(p.kappa is None and p.alpha is None for p in result.pairs)
    assert result.spans.f1 is None
    # Nothing at all, or one annotator.
    assert agreement([]) == Agreement((), (), 0, 0, 0, SpanScores(0, 0, 0), (), None)
    alone = agreement([DocumentVersions(words(TEXT), {"ann": [span(TEXT, "Omar", "PER")]})])
    assert (alone.pairs, alone.documents, alone.alpha) == ((), 0, None)


def test_perfect_agreement_beyond_no_entity_is_one() -> None:
    versions = {name: [span(TEXT, "Omar", "PER")] for name in ("ann", "bob", "cem")}
    result = agreement([DocumentVersions(words(TEXT), versions)])
    assert result.alpha == 1
    assert all(p.kappa == 1 and p.spans.f1 == 1 for p in result.pairs)


# -- against independent implementations ---------------------------------------------------

LABELS = ("PER", "ORG", "LOC")
NAMES = ("ann", "bob", "cem", "dan")


@st.composite
def documents(draw: st.DrawFn) -> list[DocumentVersions]:
    """Random documents of up to 12 tokens, with random (possibly overlapping) spans for a
    random subset of 2 to 4 annotators; offsets may fall inside tokens or between them."""
    result = []
    for _ in range(draw(st.integers(1, 4))):
        count = draw(st.integers(0, 12))
        tokens = Tokens.from_pairs([(3 * i, 3 * i + 2) for i in range(count)])
        names = draw(st.lists(st.sampled_from(NAMES), min_size=1, max_size=4, unique=True))
        versions = {}
        for name in names:
            spans = []
            for _ in range(draw(st.integers(0, 5))):
                start = draw(st.integers(0, 3 * count + 1))
                end = draw(st.integers(start + 1, 3 * count + 2))
                state = draw(st.sampled_from(list(SpanState)))
                spans.append(Span(start, end, draw(st.sampled_from(LABELS)), state))
            versions[name] = spans
        result.append(DocumentVersions(tokens, versions))
    return result


def naive_category(spans: Sequence[Span], start: int) -> object:
    labels = sorted({s.label for s in spans if s.state.is_gold and s.start <= start < s.end})
    return None if not labels else labels[0] if len(labels) == 1 else tuple(labels)


def reliability_matrix(docs: list[DocumentVersions], coders: Sequence[str]) -> list[list[object]]:
    """coders x units (every token of every document), None where a coder is missing."""
    rows: list[list[object]] = [[] for _ in coders]
    for document in docs:
        for start in document.tokens.starts:
            for row, coder in zip(rows, coders, strict=True):
                missing = coder not in document.spans
                row.append("missing" if missing else naive_category(document.spans[coder], start))
    return rows


@settings(max_examples=200, deadline=None)
@given(documents())
def test_alpha_agrees_with_the_krippendorff_package(docs: list[DocumentVersions]) -> None:
    result = agreement(docs)
    coders = sorted({name for document in docs for name in document.spans})
    rows = reliability_matrix(docs, coders)
    units = [[row[u] for row in rows if row[u] != "missing"] for u in range(len(rows[0]))]
    pairable = [unit for unit in units if len(unit) >= 2]
    assert result.tokens == len(pairable)
    if len({value for unit in pairable for value in unit}) < 2:
        assert result.alpha is None
        return
    codes = {value: i for i, value in enumerate({v for unit in units for v in unit})}
    matrix = np.array(
        [[np.nan if v == "missing" else codes[v] for v in row] for row in rows], dtype=float
    )
    expected = krippendorff.alpha(reliability_data=matrix, level_of_measurement="nominal")
    assert result.alpha is not None
    assert math.isclose(result.alpha, expected, rel_tol=1e-9, abs_tol=1e-9)


@settings(max_examples=200, deadline=None)
@given(documents())
def test_kappa_agrees_with_nltk(docs: list[DocumentVersions]) -> None:
    result = agreement(docs)
    for pair in result.pairs:
        items = []
        for d, document in enumerate(docs):
            if pair.reference in document.spans and pair.other in document.spans:
                for t, start in enumerate(document.tokens.starts):
                    for coder in (pair.reference, pair.other):
                        value = naive_category(document.spans[coder], start)
                        items.append((coder, f"{d}.{t}", repr(value)))
        assert pair.tokens == len(items) // 2
        if not items:
            assert pair.kappa is None
            continue
        task = AnnotationTask(data=items)
        chance = task.Ae_kappa(pair.reference, pair.other)
        if math.isclose(chance, 1.0):
            assert pair.kappa is None
            continue
        expected = task.kappa_pairwise(pair.reference, pair.other)
        assert pair.kappa is not None
        assert math.isclose(pair.kappa, expected, rel_tol=1e-9, abs_tol=1e-9)


@settings(max_examples=200, deadline=None)
@given(documents())
def test_span_scores_agree_with_set_arithmetic(docs: list[DocumentVersions]) -> None:
    """|A∩B| etc. over (document, start, end, label) sets, each pair and each label."""
    result = agreement(docs)

    def gold(d: int, coder: str, label: str | None) -> set[tuple[int, int, int, str]]:
        spans = docs[d].spans[coder]
        return {
            (d, s.start, s.end, s.label)
            for s in spans
            if s.state.is_gold and label in (None, s.label)
        }

    for pair in result.pairs:
        shared = [
            d
            for d, document in enumerate(docs)
            if pair.reference in document.spans and pair.other in document.spans
        ]
        assert pair.documents == len(shared)
        for label in (None, *LABELS):
            a: set[tuple[int, int, int, str]] = set()
            b: set[tuple[int, int, int, str]] = set()
            for d in shared:
                a |= gold(d, pair.reference, label)
                b |= gold(d, pair.other, label)
            scores = pair.spans if label is None else pair.label(label)
            assert scores == SpanScores(len(a & b), len(a), len(b))
            if a or b:
                assert scores.f1 == pytest.approx(2 * len(a & b) / (len(a) + len(b)))
