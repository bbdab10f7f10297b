"""Prodigy reader: every field's mapping, and a clear refusal for every structural problem."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from annotator.core.errors import InputError
from annotator.core.model import SpanState, Status
from annotator.core.records import RawSpan, Record
from annotator.core.tokens import Tokens
from annotator.formats.readers import prodigy

TEXT = "Angela Merkel visited Paris."


def write_jsonl(tmp_path: Path, *records: Any, name: str = "tasks.jsonl") -> Path:
    path = tmp_path / name
    lines = [r if isinstance(r, str) else json.dumps(r) for r in records]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def read_all(path: Path) -> list[Record]:
    """The file's records; the first bad record's error is raised, as the importer refuses it."""
    records = []
    for value in prodigy.read(path, path.read_text(encoding="utf-8")):
        if isinstance(value, InputError):
            raise value
        records.append(value)
    return records


def read_one(tmp_path: Path, record: dict[str, Any]) -> Record:
    (only,) = read_all(write_jsonl(tmp_path, record))
    return only


def refusal(tmp_path: Path, *records: Any) -> InputError:
    path = write_jsonl(tmp_path, *records)
    with pytest.raises(InputError) as caught:
        read_all(path)
    return caught.value


def span(start: int, end: int, label: str, **more: Any) -> dict[str, Any]:
    return {"start": start, "end": end, "label": label, **more}


@pytest.mark.parametrize(
    ("answer", "status"),
    [("accept", Status.DONE), ("reject", Status.REJECTED), ("ignore", Status.SKIPPED)],
)
def test_task_answer_sets_the_status(tmp_path: Path, answer: str, status: Status) -> None:
    assert read_one(tmp_path, {"text": TEXT, "answer": answer}).status is status


def test_a_task_without_answer_is_new(tmp_path: Path) -> None:
    assert read_one(tmp_path, {"text": TEXT}).status is Status.NEW


def test_spans_of_an_answered_task_are_manual(tmp_path: Path) -> None:
    record = read_one(
        tmp_path,
        {"text": TEXT, "answer": "accept", "spans": [span(0, 13, "PERSON", text="Angela Merkel")]},
    )
    assert record.spans == (RawSpan(0, 13, "PERSON", SpanState.MANUAL, text="Angela Merkel"),)


def test_spans_of_an_unanswered_task_are_suggestions(tmp_path: Path) -> None:
    record = read_one(
        tmp_path,
        {"text": TEXT, "spans": [span(0, 13, "PERSON"), span(22, 27, "GPE", source="sm")]},
    )
    assert [(s.state, s.source) for s in record.spans] == [
        (SpanState.SUGGESTED, "import"),
        (SpanState.SUGGESTED, "sm"),
    ]


def test_span_answers_are_decisions_on_suggestions(tmp_path: Path) -> None:
    spans = [
        span(0, 13, "PERSON", answer="accept", source="core_web_sm", score=0.9525150387),
        span(22, 27, "ORG", answer="reject", score=0.25),
        span(22, 27, "GPE", answer="ignore"),
    ]
    record = read_one(tmp_path, {"text": TEXT, "answer": "reject", "spans": spans})
    assert [(s.state, s.source, s.score) for s in record.spans] == [
        (SpanState.ACCEPTED, "core_web_sm", 0.9525150387),
        (SpanState.REJECTED, None, 0.25),
        (SpanState.SUGGESTED, "import", None),
    ]
    assert record.status is Status.REJECTED


def test_metadata_hash_annotator_timestamp_and_extra(tmp_path: Path) -> None:
    task = {
        "text": TEXT,
        "meta": {"source": "NYT"},
        "_input_hash": -698657065,
        "_task_hash": 12,
        "_annotator_id": "news-alice",
        "_timestamp": 1634000616,
        "_view_id": "ner_manual",
        "_session_id": None,
        "relations": [{"head": 0, "child": 1}],
        "answer": "accept",
    }
    record = read_one(tmp_path, task)
    assert record.meta == {"source": "NYT"}
    assert record.prodigy_input_hash == -698657065
    assert record.annotator == "news-alice"
    assert record.timestamp == 1634000616.0
    assert record.extra == {
        "_view_id": "ner_manual",
        "_session_id": None,
        "relations": [{"head": 0, "child": 1}],
    }


def test_text_is_kept_exactly(tmp_path: Path) -> None:
    text = "\ufeffLine one\r\n  Line two 😂  \r\n"
    assert read_one(tmp_path, {"text": text}).text == text


def test_tokens_become_token_offsets(tmp_path: Path) -> None:
    tokens = [
        {"text": "Angela", "start": 0, "end": 6, "id": 0, "ws": True},
        {"text": "Merkel", "start": 7, "end": 13, "id": 1, "disabled": False},
    ]
    record = read_one(tmp_path, {"text": TEXT, "tokens": tokens})
    assert record.tokens == Tokens((0, 7), (6, 13))


def test_empty_token_list_means_no_tokens(tmp_path: Path) -> None:
    assert read_one(tmp_path, {"text": TEXT, "tokens": []}).tokens is None


def test_a_json_list_of_tasks_is_read_with_lines(tmp_path: Path) -> None:
    path = tmp_path / "tasks.json"
    path.write_text(
        '[\n  {"text": "One"},\n  {"text": "Two",\n   "answer": 3}\n]', encoding="utf-8"
    )
    with pytest.raises(InputError) as caught:
        read_all(path)
    assert (caught.value.line, caught.value.reason) == (
        3,
        '"answer" must be "accept", "reject" or "ignore", not the number 3',
    )


def test_lines_count_blank_lines(tmp_path: Path) -> None:
    error = refusal(tmp_path, {"text": "fine"}, "", {"text": 5})
    assert str(error) == f'{tmp_path / "tasks.jsonl"}:3: "text" must be a string, not the number 5'


@pytest.mark.parametrize(
    ("spans", "reason"),
    [
        ([span("5", 7, "X")], 'span 1: "start" must be a whole number, not the string "5"'),
        ([span(0, 5.0, "X")], 'span 1: "end" must be a whole number, not the number 5.0'),
        ([span(0, 4, "X"), span(True, 4, "X")], 'span 2: "start" must be a whole number, not true'),
        ([span(0, 4, 7)], 'span 1: "label" must be a string, not the number 7'),
        ([{"start": 0, "label": "X"}], 'span 1 has no "end" (its fields: "start", "label")'),
        (
            [span(0, 4, "X", score="high")],
            'span 1: "score" must be a number, not the string "high"',
        ),
        ([span(0, 4, "X", source=1)], 'span 1: "source" must be a string, not the number 1'),
        ([span(0, 4, "X", text=["a"])], 'span 1: "text" must be a string, not a list'),
        (
            [span(0, 4, "X", answer="yes")],
            'span 1: "answer" must be "accept", "reject" or "ignore", not the string "yes"',
        ),
        (["Angela"], 'span 1 must be an object {...}, not the string "Angela"'),
        ({"start": 0}, '"spans" must be a list [...], not an object'),
    ],
)
def test_span_structure_problems(tmp_path: Path, spans: Any, reason: str) -> None:
    error = refusal(tmp_path, {"text": TEXT}, {"text": TEXT, "spans": spans})
    assert (error.path, error.line, error.reason) == (str(tmp_path / "tasks.jsonl"), 2, reason)


@pytest.mark.parametrize(
    ("task", "reason"),
    [
        ({"html": "<b>x</b>"}, "has no text: annotator annotates text, not html/images"),
        ({"image": "a.png"}, "has no text: annotator annotates text, not html/images"),
        ({"meta": {}}, 'has no "text" field (its fields: "meta")'),
        ({"text": None}, '"text" must be a string, not null'),
        ({"text": TEXT, "meta": "NYT"}, '"meta" must be an object {...}, not the string "NYT"'),
        (
            {"text": TEXT, "answer": "yes"},
            '"answer" must be "accept", "reject" or "ignore", not the string "yes"',
        ),
        (
            {"text": TEXT, "_input_hash": "12"},
            '"_input_hash" must be a whole number, not the string "12"',
        ),
        ({"text": TEXT, "_annotator_id": 3}, '"_annotator_id" must be a string, not the number 3'),
        (
            {"text": TEXT, "_timestamp": "now"},
            '"_timestamp" must be a number, not the string "now"',
        ),
        (
            {"text": TEXT, "ents": [{"start_char": 0, "end_char": 6, "label": "PER"}]},
            'has "ents" but no "spans": annotator reads Prodigy "spans" '
            'with "start", "end" and "label"',
        ),
    ],
)
def test_task_structure_problems(tmp_path: Path, task: dict[str, Any], reason: str) -> None:
    error = refusal(tmp_path, task)
    assert (error.line, error.reason) == (1, reason)


def test_a_record_that_is_not_an_object(tmp_path: Path) -> None:
    error = refusal(tmp_path, '"just a string"')
    assert error.reason == 'each record must be an object {...}, not the string "just a string"'


def test_invalid_json_names_its_line(tmp_path: Path) -> None:
    error = refusal(tmp_path, {"text": "ok"}, '{"text": "broken"')
    assert error.line == 2
    assert error.reason.startswith("invalid JSON")


@pytest.mark.parametrize(
    ("tokens", "reason"),
    [
        ({"text": "a"}, '"tokens" must be a list [...], not an object'),
        (["Angela"], 'token 1 must be an object {...}, not the string "Angela"'),
        ([{"start": 0, "end": "6"}], 'token 1: "end" must be a whole number, not the string "6"'),
        ([{"end": 6}], 'token 1: "start" must be a whole number, not null'),
        ([{"start": 6, "end": 6}], "token 1 (6-6) is empty or outside the text (28 characters)"),
        (
            [{"start": 20, "end": 40}],
            "token 1 (20-40) is empty or outside the text (28 characters)",
        ),
        (
            [{"start": 0, "end": 7}, {"start": 6, "end": 13}],
            "token 2 (6-13) starts before token 1 ends (7)",
        ),
    ],
)
def test_token_problems(tmp_path: Path, tokens: Any, reason: str) -> None:
    error = refusal(tmp_path, {"text": TEXT, "tokens": tokens})
    assert (error.line, error.reason) == (1, reason)


def test_a_bad_record_does_not_hide_the_records_after_it(tmp_path: Path) -> None:
    path = tmp_path / "mixed.jsonl"
    path.write_text(
        '{"text": "First."}\n{"text": "Trunc\n{"text": 5}\n{"text": "Last."}\n', encoding="utf-8"
    )
    values = list(prodigy.read(path, path.read_text(encoding="utf-8")))
    assert [v.text for v in values if isinstance(v, Record)] == ["First.", "Last."]
    errors = [v for v in values if isinstance(v, InputError)]
    assert [(e.line, e.reason.split(" (")[0]) for e in errors] == [
        (2, "invalid JSON"),
        (3, '"text" must be a string, not the number 5'),
    ]
