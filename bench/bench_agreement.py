"""`agreement`: agreement among 3 annotators over 10,000 documents, the whole computation.

The documents: synthetic articles of 600 words (`synthetic.py`), word tokens, their names
as gold spans (`name_spans`). Annotator "a" gives those spans; "b" drops about one in ten,
relabels one in ten and draws a one-word span of its own in one document of three; "c"
moves the end of about one span in eight by a token and relabels one in twenty. Every
annotator finished every document (1,000 with `--quick`).

Measured: `core.agreement.agreement` over the documents (every pair's span scores per
label, kappa and alpha, and alpha over all three), median of 3. Baseline: one Python loop
over every token of every document, once per annotator (the least a token-level measure
does), median of 3. Target: the computation under 5 s (the issue's figure); the ratio to
the baseline is reported beside it.
"""

from __future__ import annotations

import random
from bisect import bisect_left
from pathlib import Path
from typing import Any

from common import median_seconds, name_spans, result, scaled, word_tokens
from synthetic import articles

from annotator.core.agreement import DocumentVersions, agreement
from annotator.core.model import Span, SpanState
from annotator.core.tokens import Tokens

DOCUMENTS = 10_000
ANNOTATORS = ("a", "b", "c")
TARGET_SECONDS = 5.0
LABELS = ("PERSON", "GPE", "ORG", "DATE")


def run(quick: bool, workdir: Path) -> dict[str, Any]:
    documents = _documents(scaled(DOCUMENTS, quick))
    outcome = agreement(documents)  # warms up, and its figures go in the line
    seconds = median_seconds(lambda: agreement(documents))
    baseline = median_seconds(lambda: _visit_tokens(documents))
    tokens = sum(len(document.tokens) for document in documents)
    return result(
        "agreement",
        value=seconds,
        baseline=baseline,
        ratio=seconds / baseline,
        target=TARGET_SECONDS,
        unit="s",
        ok=seconds < TARGET_SECONDS,
        documents=len(documents),
        annotators=len(ANNOTATORS),
        tokens=tokens,
        spans=outcome.spans_compared,
        alpha=None if outcome.alpha is None else round(outcome.alpha, 4),
        f1=None if outcome.spans.f1 is None else round(outcome.spans.f1, 4),
    )


def _visit_tokens(documents: list[DocumentVersions]) -> int:
    visited = 0
    for document in documents:
        starts = document.tokens.starts
        for _ in document.spans:
            for _start in starts:
                visited += 1
    return visited


def _documents(count: int) -> list[DocumentVersions]:
    rng = random.Random(17)
    documents = []
    for text in articles(count):
        pairs = word_tokens(text)
        names = name_spans(text)
        gold = [Span(start, end, label, SpanState.ACCEPTED) for start, end, label in names]
        documents.append(
            DocumentVersions(
                Tokens.from_pairs(pairs),
                {"a": gold, "b": _second(gold, pairs, rng), "c": _third(gold, pairs, rng)},
            )
        )
    return documents


def _second(gold: list[Span], pairs: list[tuple[int, int]], rng: random.Random) -> list[Span]:
    spans = []
    for span in gold:
        roll = rng.random()
        if roll < 0.1:
            continue
        label = rng.choice(LABELS) if roll < 0.2 else span.label
        spans.append(Span(span.start, span.end, label, SpanState.MANUAL))
    if rng.random() < 1 / 3:
        start, end = rng.choice(pairs)
        if not any(s.start < end and start < s.end for s in spans):
            spans.append(Span(start, end, "ORG", SpanState.MANUAL))
    return spans


def _third(gold: list[Span], pairs: list[tuple[int, int]], rng: random.Random) -> list[Span]:
    starts = [start for start, _ in pairs]
    spans = []
    for index, span in enumerate(gold):
        end = span.end
        if rng.random() < 0.125:
            following = bisect_left(starts, span.end)
            limit = gold[index + 1].start if index + 1 < len(gold) else None
            if following < len(pairs) and (limit is None or pairs[following][1] <= limit):
                end = pairs[following][1]
        label = rng.choice(LABELS) if rng.random() < 0.05 else span.label
        spans.append(Span(span.start, end, label, SpanState.MANUAL))
    return spans
