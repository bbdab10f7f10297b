"""check_record: every refusal says where (file:line), which span, and why."""

from __future__ import annotations

import re

import pytest

from annotator.core.errors import InputError
from annotator.core.model import SpanState
from annotator.core.records import RawSpan, Record
from annotator.core.tokens import Tokens
from annotator.core.validation import CheckedRecord, check_record

TEXT = "Zaha Hadid opened the Riverside Museum in Glasgow.  It cost £74m."
PATH = "news/articles.jsonl"
LINE = 17


def tokens_of(text: str) -> Tokens:
    """Whitespace-and-punctuation tokens, enough for these texts (spaCy-like offsets)."""
    return Tokens.from_pairs([m.span() for m in re.finditer(r"\w+|[^\w\s]| (?= )", text)])


def record(*spans: RawSpan, text: str = TEXT, line: int | None = LINE) -> Record:
    return Record(path=PATH, line=line, text=text, spans=spans)


def check(
    *spans: RawSpan,
    text: str = TEXT,
    tokens: Tokens | None = None,
    allow_overlap: bool = False,
    labels: set[str] | None = None,
) -> CheckedRecord:
    return check_record(
        record(*spans, text=text), tokens=tokens, allow_overlap=allow_overlap, labels=labels
    )


def raw(start: int, end: int, label: str = "ORG", **extra: object) -> RawSpan:
    return RawSpan(start, end, label, **extra)  # type: ignore[arg-type]


def refusal(*spans: RawSpan, **options: object) -> str:
    with pytest.raises(InputError) as caught:
        check(*spans, **options)  # type: ignore[arg-type]
    error = caught.value
    assert (error.path, error.line) == (PATH, LINE)
    message = str(error)
    assert message.startswith(f"{PATH}:{LINE}: ")
    return message


def test_valid_spans_come_back_sorted_and_typed() -> None:
    checked = check(
        raw(42, 49, "GPE", state=SpanState.SUGGESTED, score=0.5, source="model"),
        raw(0, 10, "PERSON", text="Zaha Hadid"),
        raw(22, 38, "FAC"),
        tokens=tokens_of(TEXT),
        labels={"GPE", "PERSON", "FAC"},
    )
    assert [(s.start, s.end, s.label) for s in checked.spans] == [
        (0, 10, "PERSON"),
        (22, 38, "FAC"),
        (42, 49, "GPE"),
    ]
    assert checked.spans[2].state is SpanState.SUGGESTED
    assert (checked.spans[2].score, checked.spans[2].source) == (0.5, "model")
    assert checked.duplicate_spans == 0


@pytest.mark.parametrize(
    ("span", "reason"),
    [
        (raw(-1, 4), "offsets cannot be negative"),
        (raw(2, -4), "offsets cannot be negative"),
        (raw(10, 4), "the end comes before the start"),
        (raw(5, 5), "the span is empty"),
        (raw(60, 99), "ends after the text, which has 65 characters"),
        (raw(50, 52), "covers only whitespace"),
        (
            raw(0, 10, text="Zaha Hadi"),
            "says it covers 'Zaha Hadi' but the text there is 'Zaha Hadid'",
        ),
        (raw(0, 4, "PER SON"), "contains a space"),
        (raw(0, 4, "PER\x07"), "contains the character U\\+0007"),
        (raw(0, 4, "PER\tX"), "contains the character U\\+0009"),
        (raw(0, 4, "\u200fPER"), "contains the character U\\+200F"),
        (raw(0, 4, "PER\u202e"), "contains the character U\\+202E"),
        (raw(0, 4, "PE\u200bR"), "contains the character U\\+200B"),  # shows as "PER"
        (raw(0, 4, ""), "a label cannot be empty"),
        (raw(0, 4, "X" * 101), "longer than 100 characters"),
    ],
)
def test_each_refusal_names_the_place_the_span_and_the_reason(span: RawSpan, reason: str) -> None:
    message = refusal(span)
    assert f"span {span.start}-{span.end} {span.label!r}" in message
    assert re.search(reason, message), message


def test_unknown_label_lists_the_closed_set() -> None:
    message = refusal(raw(0, 10, "PER"), labels={"PERSON", "ORG"})
    assert "span 0-10 'PER': unknown label 'PER' (the dataset's labels: ORG, PERSON)" in message
    assert "--add-labels" in message


def test_an_empty_closed_set_says_none() -> None:
    assert "(the dataset's labels: none)" in refusal(raw(0, 10, "PER"), labels=set())


def test_open_label_set_accepts_any_valid_label() -> None:
    assert len(check(raw(0, 10, "ANYTHING_GOES-1")).spans) == 1


@pytest.mark.parametrize("text", ["", "   ", "\n\t\n"])
def test_empty_text_is_refused(text: str) -> None:
    with pytest.raises(InputError, match=rf"^{PATH}:{LINE}: the text is empty$"):
        check(text=text)


def test_a_file_level_record_names_only_the_file() -> None:
    with pytest.raises(InputError) as caught:
        check_record(record(raw(-1, 3), line=None), tokens=None, allow_overlap=False, labels=None)
    assert str(caught.value).startswith(f"{PATH}: span -1-3 'ORG'")


def test_overlapping_gold_spans_are_refused_naming_both() -> None:
    message = refusal(raw(0, 10, "PERSON"), raw(22, 38, "FAC"), raw(32, 49, "GPE"))
    assert "span 32-49 'GPE' overlaps span 22-38 'FAC'" in message
    assert "--allow-overlap" in message


def test_overlap_behind_a_long_span_is_found() -> None:
    message = refusal(raw(0, 38, "EVENT"), raw(5, 10, "PERSON"), raw(22, 30, "FAC"))
    assert "span 5-10 'PERSON' overlaps span 0-38 'EVENT'" in message


def test_overlap_is_allowed_when_the_dataset_allows_it() -> None:
    checked = check(raw(22, 38, "FAC"), raw(32, 38, "ORG"), allow_overlap=True)
    assert len(checked.spans) == 2


@pytest.mark.parametrize("state", [SpanState.SUGGESTED, SpanState.REJECTED])
def test_suggestions_may_overlap_gold(state: SpanState) -> None:
    checked = check(raw(22, 38, "FAC"), raw(32, 38, "ORG", state=state))
    assert len(checked.spans) == 2


def test_touching_spans_do_not_overlap() -> None:
    assert len(check(raw(0, 4), raw(4, 10)).spans) == 2


def test_duplicates_are_counted_not_refused() -> None:
    checked = check(raw(0, 10, "PERSON"), raw(0, 10, "PERSON"), raw(0, 10, "PERSON"), raw(42, 49))
    assert checked.duplicate_spans == 2
    assert [s.key for s in checked.spans] == [(0, 10, "PERSON"), (42, 49, "ORG")]


def test_misaligned_span_names_the_nearest_tokens() -> None:
    message = refusal(raw(1, 8, "PERSON"), tokens=tokens_of(TEXT))
    assert (
        "span 1-8 'PERSON' 'aha Had': does not start and end on token boundaries"
        " (the nearest tokens cover 0-10 'Zaha Hadid')"
    ) in message


def test_span_ending_inside_a_token_is_misaligned() -> None:
    message = refusal(raw(42, 48, "GPE"), tokens=tokens_of(TEXT))
    assert "(the nearest tokens cover 42-49 'Glasgow')" in message


def test_span_on_token_boundaries_passes_and_tokens_are_optional() -> None:
    tokens = tokens_of(TEXT)
    assert check(raw(42, 50, "GPE"), tokens=tokens).spans[0].end == 50  # "Glasgow."
    assert check(raw(1, 8, "PERSON")).spans[0].start == 1  # no tokens: nothing to check


def test_offsets_are_code_points() -> None:
    text = "😀 Zaha Hadid 👩‍👩‍👧 in Glasgow"
    start = text.index("Glasgow")
    checked = check(raw(start, start + 7, "GPE", text="Glasgow"), text=text, tokens=tokens_of(text))
    assert checked.spans[0].start == start


@pytest.mark.parametrize("state", [SpanState.SUGGESTED, SpanState.REJECTED])
def test_only_gold_spans_must_sit_on_token_boundaries(state: SpanState) -> None:
    """A model may have proposed a span on other tokens; it is kept, not training data."""
    inside = raw(0, 3, "PERSON", state=state)  # "Zah", inside the token "Zaha"
    checked = check(inside, tokens=tokens_of(TEXT))
    assert [(s.start, s.end, s.state) for s in checked.spans] == [(0, 3, state)]
    message = refusal(raw(0, 3, "PERSON", state=SpanState.ACCEPTED), tokens=tokens_of(TEXT))
    assert "does not start and end on token boundaries" in message


def nested(depth: int) -> dict[str, object]:
    value: dict[str, object] = {}
    for _ in range(depth - 1):
        value = {"a": value}
    return value


def test_meta_nested_deeper_than_the_limit_is_refused_with_its_line() -> None:
    from annotator.core.validation import MAX_NESTING

    for meta_depth in (MAX_NESTING + 1, 970):  # 970: read by import, then failed in suggest
        deep = Record(path=PATH, line=LINE, text=TEXT, meta=nested(meta_depth))
        with pytest.raises(InputError) as refused:
            check_record(deep, tokens=None, allow_overlap=False, labels=None)
        assert str(refused.value) == (
            f"{PATH}:{LINE}: meta is nested more than {MAX_NESTING} levels deep "
            "(objects or lists inside one another); flatten it"
        )
    fine = Record(path=PATH, line=LINE, text=TEXT, meta=nested(MAX_NESTING), extra={"l": [[1]]})
    check_record(fine, tokens=None, allow_overlap=False, labels=None)


def test_other_fields_nested_too_deeply_are_refused() -> None:
    deep = Record(path=PATH, line=LINE, text=TEXT, extra={"x": [nested(200)]})
    with pytest.raises(InputError, match="a field besides text and meta is nested"):
        check_record(deep, tokens=None, allow_overlap=False, labels=None)
