"""Patterns as values: one line of a patterns.jsonl file, the export's lines, their rank."""

from __future__ import annotations

import pytest

from annotator.core.memory import PhraseMemory
from annotator.core.merge import merge_suggestions
from annotator.core.model import Document, Span, SpanState
from annotator.core.patterns import exported, pattern_from_json


def test_the_same_pattern_written_two_ways_is_one_pattern() -> None:
    one = pattern_from_json({"label": "GPE", "pattern": [{"LOWER": "a", "OP": "?"}]})
    two = pattern_from_json({"pattern": [{"OP": "?", "LOWER": "a"}], "label": "GPE"})
    assert one == two
    assert one.tokens == [{"LOWER": "a", "OP": "?"}] and one.phrase is None
    phrase = pattern_from_json({"label": "ORG", "pattern": "Café Müller", "id": 3})
    assert (phrase.phrase, phrase.id) == ("Café Müller", 3)
    assert phrase.as_json("PLACE") == {"label": "PLACE", "pattern": "Café Müller", "id": 3}


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        ({"label": "ORG", "pattern": "x", "id": True}, '"id" is a string or a number'),
        ({"label": "ORG", "pattern": ["x"]}, "token 1 of the pattern is a string"),
        ({"label": 3, "pattern": "x"}, "a label must be a string"),
    ],
)
def test_a_bad_line_says_why(value: object, reason: str) -> None:
    with pytest.raises(ValueError, match=reason):
        pattern_from_json(value)


def test_the_export_gives_the_memory_then_the_patterns_under_the_datasets_labels() -> None:
    memory = PhraseMemory({"Reuters": "ORG", "Berlin": "GPE"})
    patterns = [
        pattern_from_json({"label": "ORGANIZATION", "pattern": "Reuters"}),  # the memory's
        pattern_from_json({"label": "MISC", "pattern": "x"}),  # dropped by the mapping
        pattern_from_json({"label": "ORGANIZATION", "pattern": "AP", "id": "ap"}),
    ]
    labels = {"ORGANIZATION": "ORG", "MISC": None}
    lines, dropped = exported(patterns, memory, labels)
    assert lines == [
        {"label": "GPE", "pattern": "Berlin"},
        {"label": "ORG", "pattern": "Reuters"},
        {"label": "ORG", "pattern": "AP", "id": "ap"},
    ]
    assert dropped == 1


def test_a_pattern_suggestion_ranks_above_the_models_as_the_memorys_does() -> None:
    text = "Apple Inc. rose."
    model = Span(0, 5, "ORG", SpanState.SUGGESTED, "en_core_web_sm")
    document = Document(1, 1, text, spans=(model,))
    pattern = Span(0, 10, "ORG", SpanState.SUGGESTED, "patterns")
    shorter = Span(0, 5, "GPE", SpanState.SUGGESTED, "patterns")
    edit = merge_suggestions(document, [pattern], replace=False)
    assert edit.apply(document).spans == (pattern,)
    # Same key as the model's: the source becomes the patterns'.
    same = Span(0, 5, "ORG", SpanState.SUGGESTED, "patterns")
    assert merge_suggestions(document, [same], replace=False).apply(document).spans == (same,)
    assert merge_suggestions(document, [shorter], replace=False).apply(document).spans == (shorter,)
