"""An `Agreement` as the rows the command line and the window show, and as JSON data.

One place decides what each row and cell says, so the table `annotator agreement` prints
and the one the window shows cannot disagree. A figure the data leaves undefined (None)
is shown as "-" and is null in JSON, never 0.
"""

from __future__ import annotations

from typing import Any

from annotator.core.agreement import Agreement, PairAgreement, SpanScores

UNDEFINED = "-"
ALL = "all"

PAIR_HEADER = (
    "annotators",
    "documents",
    "tokens",
    "spans",
    "precision",
    "recall",
    "F1",
    "kappa",
    "alpha",
)
LABEL_HEADER = ("label", "annotators", "matched", "first", "second", "precision", "recall", "F1")

Row = tuple[str, ...]


def figure(value: float | None) -> str:
    """A measure with three decimals, or "-" when it is undefined."""
    return UNDEFINED if value is None else f"{value:.3f}"


def pair_name(pair: PairAgreement) -> str:
    """The pair as "first / second"; the first is the reference (recall is over their spans)."""
    return f"{pair.reference} / {pair.other}"


def pair_rows(result: Agreement) -> list[Row]:
    """One row per pair, then all annotators together (kappa is for pairs only: blank)."""
    rows = [
        (
            pair_name(pair),
            str(pair.documents),
            str(pair.tokens),
            str(pair.spans.reference + pair.spans.other),
            *_scores(pair.spans),
            figure(pair.kappa),
            figure(pair.alpha),
        )
        for pair in result.pairs
    ]
    rows.append(
        (
            ALL,
            str(result.documents),
            str(result.tokens),
            str(result.spans_compared),
            *_scores(result.spans),
            "",
            figure(result.alpha),
        )
    )
    return rows


def label_rows(result: Agreement) -> list[Row]:
    """Per label (by name): each pair, then all of them (the pairs' counts added up)."""
    rows: list[Row] = []
    for label, total in result.per_label:
        for pair in result.pairs:
            rows.append((label, pair_name(pair), *_counts(pair.label(label))))
        rows.append((label, ALL, *_counts(total)))
    return rows


def _scores(scores: SpanScores) -> Row:
    return figure(scores.precision), figure(scores.recall), figure(scores.f1)


def _counts(scores: SpanScores) -> Row:
    return (str(scores.matched), str(scores.reference), str(scores.other), *_scores(scores))


def as_data(result: Agreement) -> dict[str, Any]:
    """The same figures as plain JSON data (None stays None, for null)."""
    return {
        "annotators": list(result.annotators),
        "pairs": [
            {
                "reference": pair.reference,
                "other": pair.other,
                "documents": pair.documents,
                "tokens": pair.tokens,
                "spans": _span_data(pair.spans),
                "kappa": pair.kappa,
                "alpha": pair.alpha,
                "labels": {label: _span_data(scores) for label, scores in pair.per_label},
            }
            for pair in result.pairs
        ],
        "overall": {
            "documents": result.documents,
            "tokens": result.tokens,
            "spans_compared": result.spans_compared,
            "spans": _span_data(result.spans),
            "alpha": result.alpha,
            "labels": {label: _span_data(scores) for label, scores in result.per_label},
        },
    }


def _span_data(scores: SpanScores) -> dict[str, Any]:
    return {
        "matched": scores.matched,
        "reference": scores.reference,
        "other": scores.other,
        "precision": scores.precision,
        "recall": scores.recall,
        "f1": scores.f1,
    }
