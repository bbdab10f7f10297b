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


@pytest.mark.parametrize(
    ("names", "annotator"),
    [
        ({"_annotator_id": "news-ada", "_session_id": "news-2026-12-01"}, "news-ada"),
        ({"_session_id": "news-ada"}, "news-ada"),
        ({"_annotator_id": None, "_session_id": "news-ada"}, "news-ada"),
        ({}, None),
    ],
)
def test_the_annotator_is_who_the_task_names(
    tmp_path: Path, names: dict[str, Any], annotator: str | None
) -> None:
    record = read_one(tmp_path, {"text": TEXT, "answer": "accept", **names})
    assert (record.annotator, record.reviewed) == (annotator, False)


def test_a_task_answered_in_the_review_interface_is_the_reviewer_s_settled_version(
    tmp_path: Path,
) -> None:
    """As `export --version all` writes a reviewed version: one task, no `versions`."""
    task = {"text": TEXT, "answer": "accept", "_annotator_id": "rita", "_view_id": "review"}
    record = read_one(tmp_path, task | {"_session_id": "rita"})
    assert (record.annotator, record.reviewed, record.status) == ("rita", True, Status.DONE)
    assert "_session_id" in record.extra  # kept, as Prodigy's other fields are


def test_a_review_line_s_versions_are_not_kept_beside_them(tmp_path: Path) -> None:
    line = review(version(span(22, 27, "GPE"), sessions=["news-ada"]))
    assert all(
        "versions" not in r.extra and "sessions" not in r.extra
        for r in read_all(write_jsonl(tmp_path, line))
    )


def review(*versions: Any, **top: Any) -> dict[str, Any]:
    """A line of Prodigy's `review` output: the reviewer's task and the versions it saw."""
    return {
        "text": TEXT,
        "meta": {"source": "NYT"},
        "_input_hash": 41,
        "_task_hash": 7,
        "answer": "accept",
        "spans": [span(0, 13, "PERSON")],
        "_annotator_id": "news-rev",
        "_session_id": "news-rev",
        "_view_id": "review",
        **top,
        "versions": list(versions),
    }


def version(*spans: dict[str, Any], **fields: Any) -> dict[str, Any]:
    return {"text": TEXT, "_input_hash": 41, "answer": "accept", "spans": list(spans), **fields}


def summary(records: list[Record]) -> list[tuple[str | None, bool, Status, list[str]]]:
    return [(r.annotator, r.reviewed, r.status, [s.label for s in r.spans]) for r in records]


def test_a_reviewed_task_gives_the_reviewed_version_and_each_session_s_own(
    tmp_path: Path,
) -> None:
    line = review(
        version(span(0, 13, "PERSON"), sessions=["news-ada", "news-bo"], default=True),
        version(span(0, 6, "PERSON"), span(22, 27, "GPE"), answer="reject", sessions=["news-cy"]),
    )
    records = read_all(write_jsonl(tmp_path, line))
    assert summary(records) == [
        ("news-rev", True, Status.DONE, ["PERSON"]),
        ("news-ada", False, Status.DONE, ["PERSON"]),
        ("news-bo", False, Status.DONE, ["PERSON"]),
        ("news-cy", False, Status.REJECTED, ["PERSON", "GPE"]),
    ]
    assert {(r.text, r.line, r.prodigy_input_hash) for r in records} == {(TEXT, 1, 41)}
    assert all(r.meta == {"source": "NYT"} for r in records)
    assert [s.state for s in records[3].spans] == [SpanState.MANUAL, SpanState.MANUAL]


def test_a_version_without_sessions_names_nobody(tmp_path: Path) -> None:
    line = review(version(span(22, 27, "GPE")), version(answer="ignore", sessions=[]))
    records = read_all(write_jsonl(tmp_path, line))
    assert summary(records)[1:] == [(None, False, Status.SKIPPED, [])]


def test_a_session_in_two_versions_keeps_the_last(tmp_path: Path) -> None:
    line = review(
        version(span(0, 13, "PERSON"), sessions=["news-ada", "news-ada"]),
        version(span(22, 27, "GPE"), sessions=["news-ada"]),
    )
    records = read_all(write_jsonl(tmp_path, line))
    assert summary(records)[1:] == [("news-ada", False, Status.DONE, ["GPE"])]


def test_a_version_s_unanswered_spans_are_suggestions(tmp_path: Path) -> None:
    line = review(version(span(22, 27, "GPE"), answer=None, sessions=["news-ada"]))
    (_, own) = read_all(write_jsonl(tmp_path, line))
    assert (own.status, [s.state for s in own.spans]) == (Status.NEW, [SpanState.SUGGESTED])


def test_a_bad_version_refuses_its_whole_line_only(tmp_path: Path) -> None:
    path = write_jsonl(
        tmp_path,
        review(version(sessions=["news-ada"]), version(sessions="news-bo")),
        {"text": "Next.", "_session_id": "news-ada"},
    )
    values = list(prodigy.read(path, path.read_text(encoding="utf-8")))
    assert [(type(v).__name__, v.line) for v in values] == [("InputError", 1), ("Record", 2)]


@pytest.mark.parametrize(
    ("versions", "reason"),
    [
        ({"sessions": ["a"]}, '"versions" must be a list [...], not an object'),
        (["a"], 'version 1 must be an object {...}, not the string "a"'),
        (
            [version(sessions="news-ada")],
            'version 1: "sessions" must be a list [...], not the string "news-ada"',
        ),
        (
            [version(), version(sessions=["news-ada", 3])],
            'version 2: each of "sessions" must be a string, not the number 3',
        ),
        (
            [version(text="Angela Merkel visited Berlin.")],
            'version 1: "text" is not the text of the task it is a version of',
        ),
        (
            [version(answer="yes")],
            'version 1: "answer" must be "accept", "reject" or "ignore", not the string "yes"',
        ),
        (
            [version(spans={})],
            'version 1: "spans" must be a list [...], not an object',
        ),
        (
            [version(span("0", 13, "PERSON"))],
            'version 1: span 1: "start" must be a whole number, not the string "0"',
        ),
        (
            [version(_timestamp="now")],
            'version 1: "_timestamp" must be a number, not the string "now"',
        ),
    ],
)
def test_review_structure_problems(tmp_path: Path, versions: Any, reason: str) -> None:
    line = review() | {"versions": versions}
    error = refusal(tmp_path, line)
    assert (error.path, error.line, error.reason) == (str(tmp_path / "tasks.jsonl"), 1, reason)


def test_prodigy_s_own_review_output(external: Path) -> None:
    """Each line: the reviewed version, then one per session of each version, as written."""
    path = external / "prodigy" / "projects__spanruler_restaurant_reviews__test_review.jsonl"
    records = read_all(path)
    by_line: dict[int, list[Record]] = {}
    for record in records:
        assert record.line is not None
        by_line.setdefault(record.line, []).append(record)
    lines = path.read_text(encoding="utf-8").splitlines()
    assert len(by_line) == len(lines)
    differing = 0
    for number, line in enumerate(lines, 1):
        task = json.loads(line)
        expected = [(task["_annotator_id"], True, task["answer"], spans_of(task))]
        for item in task["versions"]:
            for session in item["sessions"]:
                expected.append((session, False, item["answer"], spans_of(item)))
        got = [
            (
                r.annotator,
                r.reviewed,
                ANSWERS[r.status],
                [(s.start, s.end, s.label) for s in r.spans],
            )
            for r in by_line[number]
        ]
        assert got == expected, f"line {number}"
        assert {(r.text, r.prodigy_input_hash) for r in by_line[number]} == {
            (task["text"], task["_input_hash"])
        }
        differing += len({str(spans) for _, _, _, spans in expected}) > 1
    assert 0 < differing < len(lines)  # some lines settle a disagreement, others none


ANSWERS = {Status.DONE: "accept", Status.REJECTED: "reject", Status.SKIPPED: "ignore"}


def spans_of(task: dict[str, Any]) -> list[tuple[int, int, str]]:
    return [(s["start"], s["end"], s["label"]) for s in task.get("spans") or []]


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
            {"text": TEXT, "_annotator_id": "news-ada", "_session_id": ["news-ada"]},
            '"_session_id" must be a string, not a list',
        ),
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
