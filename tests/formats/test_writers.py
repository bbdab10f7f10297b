"""The Prodigy, doccano and CoNLL writers on hand-made documents, tokenized by spaCy."""

from __future__ import annotations

import json
from dataclasses import replace

import pytest
import spacy
from hypothesis import given, settings
from hypothesis import strategies as st
from spacy.util import filter_spans

from annotator.core.hashing import prodigy_input_hash
from annotator.core.model import Document, Span, SpanState, Status
from annotator.core.tokens import Tokens
from annotator.formats.writers import conll, doccano, prodigy
from annotator.nlp import Tokenizer

TOKENIZER = Tokenizer("en")
VOCAB = spacy.blank("en").vocab


def doc(text: str, *spans: Span, **fields: object) -> Document:
    return Document(id=1, dataset_id=1, text=text, spans=spans, **fields)


def span_at(text: str, covered: str, label: str, **fields: object) -> Span:
    start = text.index(covered)
    return Span(start, start + len(covered), label, **fields)


# -- Prodigy --------------------------------------------------------------------------


def test_prodigy_record_has_prodigys_keys_in_order() -> None:
    text = "Apple hired Tim Cook in Cupertino."
    document = doc(
        text,
        span_at(text, "Cupertino", "GPE"),
        span_at(text, "Apple", "ORG"),
        status=Status.DONE,
        meta={"source": "wire"},
        annotator="ann-1",
        updated_at=1700000000.9,
    )
    task, left_out = prodigy.record(document, TOKENIZER.tokens(text), document.spans)
    assert left_out == 0
    assert list(task) == [
        "text", "meta", "_input_hash", "_task_hash", "tokens", "spans",
        "answer", "_view_id", "_annotator_id", "_session_id", "_timestamp",
    ]  # fmt: skip
    assert task["meta"] == {"source": "wire"}
    assert task["_input_hash"] == prodigy_input_hash(text)
    assert task["answer"] == "accept"
    assert task["_view_id"] == "ner_manual"
    assert task["_annotator_id"] == task["_session_id"] == "ann-1"  # as Prodigy's database
    assert task["_timestamp"] == 1700000000
    assert task["spans"] == [
        {"start": 0, "end": 5, "token_start": 0, "token_end": 0, "label": "ORG"},
        {"start": 24, "end": 33, "token_start": 5, "token_end": 5, "label": "GPE"},
    ]


@pytest.mark.parametrize(
    ("status", "answer"),
    [
        (Status.DONE, "accept"),
        (Status.REJECTED, "reject"),
        (Status.SKIPPED, "ignore"),
        (Status.NEW, None),
        (Status.IN_PROGRESS, None),
    ],
)
def test_prodigy_answer_follows_the_status(status: Status, answer: str | None) -> None:
    task, _ = prodigy.record(doc("Some text.", status=status), TOKENIZER.tokens("Some text."), ())
    assert task.get("answer") == answer
    assert "_annotator_id" not in task


def test_prodigy_a_reviewer_s_version_is_a_review_task_naming_them() -> None:
    text = "Apple hired Tim Cook."
    document = doc(text, span_at(text, "Apple", "ORG"), status=Status.DONE, annotator="rita")
    tokens = TOKENIZER.tokens(text)
    settled = replace(document, reviewed=True)
    assert prodigy.record(document, tokens, document.spans)[0]["_view_id"] == "ner_manual"
    task, _ = prodigy.record(settled, tokens, settled.spans)
    assert (task["_view_id"], task["_annotator_id"], task["_session_id"]) == ("review",) + (
        "rita",
    ) * 2


def test_prodigy_spans_carry_state_source_and_score() -> None:
    text = "Ms Ada Lovelace met Babbage in London."
    spans = [
        span_at(text, "Ada Lovelace", "PERSON", state=SpanState.ACCEPTED, source="sm", score=0.9),
        span_at(text, "Babbage", "PERSON", state=SpanState.MANUAL),
        span_at(text, "London", "ORG", state=SpanState.REJECTED, source="sm", score=0.4),
        span_at(text, "London", "GPE", state=SpanState.SUGGESTED, source="sm", score=0.8),
    ]
    task, _ = prodigy.record(doc(text, *spans), TOKENIZER.tokens(text), spans)
    assert task["spans"] == [
        {"start": 3, "end": 15, "token_start": 1, "token_end": 2, "label": "PERSON",
         "source": "sm", "score": 0.9, "answer": "accept"},
        {"start": 20, "end": 27, "token_start": 4, "token_end": 4, "label": "PERSON"},
        {"start": 31, "end": 37, "token_start": 6, "token_end": 6, "label": "GPE",
         "source": "sm", "score": 0.8},
        {"start": 31, "end": 37, "token_start": 6, "token_end": 6, "label": "ORG",
         "source": "sm", "score": 0.4, "answer": "reject"},
    ]  # fmt: skip


def test_prodigy_keeps_imported_hash_and_extra_fields_without_overriding() -> None:
    text = "Hello world"
    document = doc(
        text,
        prodigy_input_hash=-12345,
        extra={"_session_id": "s-1", "answer": "reject", "text": "other", "_is_binary": False},
        status=Status.DONE,
    )
    task, _ = prodigy.record(document, TOKENIZER.tokens(text), ())
    assert task["_input_hash"] == -12345
    assert task["text"] == text
    assert task["answer"] == "accept"
    assert list(task)[-2:] == ["_session_id", "_is_binary"]


def test_prodigy_task_hash_changes_with_the_spans() -> None:
    text = "Paris is in France."
    tokens = TOKENIZER.tokens(text)
    paris = span_at(text, "Paris", "GPE")
    plain, _ = prodigy.record(doc(text), tokens, ())
    labelled, _ = prodigy.record(doc(text, paris), tokens, [paris])
    relabelled, _ = prodigy.record(doc(text), tokens, [span_at(text, "Paris", "PERSON")])
    assert plain["_input_hash"] == labelled["_input_hash"]
    assert len({plain["_task_hash"], labelled["_task_hash"], relabelled["_task_hash"]}) == 3


@pytest.mark.parametrize(
    "text",
    [
        "Emoji 👍🏽 before Zoë Kravitz.",  # astral code points and a skin-tone modifier
        "First line\r\nZoë Kravitz said.",  # CRLF kept in the text
        "Cafe\u0301 owner Zoë Kravitz\u0308 left.",  # combining marks
        "Tab\tand  double space, then Zoë Kravitz\n\nend",
    ],
)
def test_prodigy_offsets_are_code_points_and_tokens_match_the_text(text: str) -> None:
    name = span_at(text, "Zoë Kravitz", "PERSON")
    tokens = TOKENIZER.tokens(text)
    task, left_out = prodigy.record(doc(text, name), tokens, [name])
    assert left_out == (0 if "Kravitz\u0308" not in text else 1)
    for token in task["tokens"]:
        assert token["text"] == text[token["start"] : token["end"]]
    rebuilt = "".join(t["text"] + (" " if t["ws"] else "") for t in task["tokens"])
    assert rebuilt.replace(" ", "") == text.replace(" ", "")
    for item in task["spans"]:
        first, last = task["tokens"][item["token_start"]], task["tokens"][item["token_end"]]
        assert (first["start"], last["end"]) == (item["start"], item["end"])
        assert text[item["start"] : item["end"]] == "Zoë Kravitz"


def test_prodigy_ws_is_spacys_trailing_whitespace() -> None:
    text = "One  two\nthree four "
    tokens = TOKENIZER.tokens(text)
    task, _ = prodigy.record(doc(text), tokens, ())
    nlp_doc = spacy.blank("en").make_doc(text)
    assert [(t["text"], t["ws"]) for t in task["tokens"]] == [
        (t.text, bool(t.whitespace_)) for t in nlp_doc
    ]


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.sampled_from("a b\n"), min_size=1, max_size=20), st.data())
def test_prodigy_ws_agrees_with_tokens_whitespace_after(text: str, data: st.DataObject) -> None:
    cuts = sorted(data.draw(st.sets(st.integers(0, len(text)), max_size=10)))
    tokens = Tokens.from_pairs([(a, b) for a, b in zip(cuts[::2], cuts[1::2], strict=False)])
    records = prodigy.token_records(text, tokens)
    assert [t["ws"] for t in records] == [
        tokens.whitespace_after(i, text) for i in range(len(tokens))
    ]


def test_prodigy_leaves_out_a_span_off_token_boundaries() -> None:
    text = "Microsoft's CEO"
    bad = Span(0, 4, "ORG")  # "Micr"
    good = Span(0, 9, "ORG")
    task, left_out = prodigy.record(doc(text), TOKENIZER.tokens(text), [bad, good])
    assert left_out == 1
    assert [(s["start"], s["end"]) for s in task["spans"]] == [(0, 9)]


def test_prodigy_writes_an_off_token_rejected_suggestion_without_token_indices() -> None:
    text = "Stainless Steel--http://example.com is sold out"
    rejected = Span(0, 15, "PRODUCT", SpanState.REJECTED, "core_web_sm", 0.4)
    task, left_out = prodigy.record(doc(text), TOKENIZER.tokens(text), [rejected])
    assert left_out == 0
    assert task["spans"] == [
        {
            "start": 0,
            "end": 15,
            "label": "PRODUCT",
            "source": "core_web_sm",
            "score": 0.4,
            "answer": "reject",
        }
    ]


def test_prodigy_line_is_one_utf8_json_line() -> None:
    text = "Zoë 👍\u2028next"  # U+2028 must not break the line
    line, _ = prodigy.line(doc(text), TOKENIZER.tokens(text), ())
    assert line.endswith("\n") and line.count("\n") == 1
    assert "Zoë 👍" in line
    assert json.loads(line)["text"] == text


def test_prodigy_line_escapes_a_lone_surrogate_instead_of_failing() -> None:
    text = "broken \ud800 text"
    line, _ = prodigy.line(doc(text), Tokens((0, 9), (6, 13)), ())
    line.encode("utf-8")
    assert json.loads(line)["text"] == text


# -- doccano --------------------------------------------------------------------------


def test_doccano_record_flattens_meta_after_text_and_label() -> None:
    text = "EU rejects German call"
    document = doc(
        text,
        extra={"id": 7, "Comments": [], "_session_id": "x"},
        meta={"source": "reuters", "text": "clash", "label": "clash"},
    )
    spans = [span_at(text, "German", "MISC"), span_at(text, "EU", "ORG")]
    record = doccano.record(document, spans)
    assert record == {
        "text": text,
        "label": [[0, 2, "ORG"], [11, 17, "MISC"]],
        "id": 7,
        "Comments": [],
        "source": "reuters",
    }
    assert list(record)[:2] == ["text", "label"]


# -- CoNLL ----------------------------------------------------------------------------


def test_conll_block_is_iob2_without_whitespace_tokens() -> None:
    text = "New\nYork  Times sued OpenAI."
    spans = [Span(0, 15, "ORG"), span_at(text, "OpenAI", "ORG")]
    block, left_out = conll.block(doc(text), TOKENIZER.tokens(text), spans)
    assert left_out == 0
    assert block == (
        "-DOCSTART- -X- O O\n\n"
        "New\tB-ORG\nYork\tI-ORG\nTimes\tI-ORG\nsued\tO\nOpenAI\tB-ORG\n.\tO\n\n"
    )


def test_conll_keeps_the_longest_of_overlapping_spans() -> None:
    text = "Bank of America Tower opened"
    spans = [Span(0, 15, "ORG"), Span(0, 21, "FAC"), Span(8, 15, "GPE"), Span(22, 28, "X")]
    tags, left_out = conll.tags(text, TOKENIZER.tokens(text), spans)
    assert left_out == 2
    assert tags == ["B-FAC", "I-FAC", "I-FAC", "I-FAC", "B-X"]


def test_conll_word_never_splits_a_column() -> None:
    assert conll.word("a\u00a0b") == "a_b"
    assert conll.word("x\ud800") == "x\ufffd"


def _spans(draw: st.DrawFn) -> list[Span]:
    count = draw(st.integers(0, 8))
    result = []
    for _ in range(count):
        start = draw(st.integers(0, 18))
        result.append(Span(start, start + draw(st.integers(1, 6)), draw(st.sampled_from("AB"))))
    return list({s.key: s for s in result}.values())


@settings(max_examples=200, deadline=None)
@given(st.composite(_spans)())
def test_non_overlapping_chooses_what_spacy_filter_spans_chooses(spans: list[Span]) -> None:
    text = " ".join("w" for _ in range(12))  # one-character words at even offsets
    nlp_doc = spacy.tokens.Doc(VOCAB, words=text.split(" "))
    token_spans = [
        Span(2 * (s.start // 2), 2 * ((s.end - 1) // 2) + 1, s.label)
        for s in spans
        if s.end <= len(text)
    ]
    # Both writers see spans sorted by (start, end, label); ties then go the same way.
    token_spans = sorted({s.key: s for s in token_spans}.values(), key=lambda s: s.key)
    ours = conll.non_overlapping(token_spans)
    theirs = filter_spans([nlp_doc.char_span(s.start, s.end, label=s.label) for s in token_spans])
    assert [s.key for s in ours] == sorted((s.start_char, s.end_char, s.label_) for s in theirs)
    assert not any(a.overlaps(b) for a in ours for b in ours if a is not b)
