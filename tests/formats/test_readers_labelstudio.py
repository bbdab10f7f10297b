"""Label Studio reader: annotations, predictions, 0.x completions, and structural refusals."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from annotator.core.errors import InputError
from annotator.core.model import SpanState, Status
from annotator.core.records import RawSpan, Record
from annotator.formats.readers import labelstudio

TEXT = "Arrivals for the week ended February 22 were 155,221 bags."


def region(
    start: int, end: int, *labels: str, kind: str = "labels", **value: Any
) -> dict[str, Any]:
    return {
        "id": "r1",
        "from_name": "label",
        "to_name": "text",
        "type": kind,
        "value": {"start": start, "end": end, "labels": list(labels), **value},
    }


DATE = region(28, 39, "Date", text="February 22")


def task(**fields: Any) -> dict[str, Any]:
    return {"id": 1, "data": {"text": TEXT}, **fields}


def write(tmp_path: Path, content: Any) -> Path:
    path = tmp_path / "export.json"
    path.write_text(json.dumps(content, indent=2), encoding="utf-8")
    return path


def read_all(path: Path) -> list[Record]:
    """The file's records; the first bad record's error is raised, as the importer refuses it."""
    records = []
    for value in labelstudio.read(path, path.read_text(encoding="utf-8")):
        if isinstance(value, InputError):
            raise value
        records.append(value)
    return records


def read_one(tmp_path: Path, content: Any) -> Record:
    (only,) = read_all(write(tmp_path, content))
    return only


def refusal(tmp_path: Path, content: Any) -> InputError:
    with pytest.raises(InputError) as caught:
        read_all(write(tmp_path, content))
    return caught.value


def test_the_last_annotation_gives_manual_spans(tmp_path: Path) -> None:
    record = read_one(
        tmp_path,
        [
            task(
                annotations=[
                    {"id": 1, "result": [region(0, 8, "Thing")]},
                    {"id": 2, "result": [DATE]},
                    {"id": 3, "result": [region(0, 8, "Other")], "was_cancelled": True},
                ]
            )
        ],
    )
    assert record.spans == (RawSpan(28, 39, "Date", SpanState.MANUAL, text="February 22"),)
    assert (record.status, record.meta) == (Status.DONE, {"labelstudio_id": 1})


def test_old_completions_are_annotations(tmp_path: Path) -> None:
    record = read_one(tmp_path, task(completions=[{"id": 1001, "result": [DATE]}]))
    assert [(s.label, s.state) for s in record.spans] == [("Date", SpanState.MANUAL)]
    assert record.status is Status.DONE


def test_without_annotations_the_best_prediction_gives_suggestions(tmp_path: Path) -> None:
    predictions = [
        {"model_version": "one", "score": 0.4, "result": [region(0, 8, "Thing")]},
        {"model_version": "two", "score": 0.8, "result": [region(28, 39, "Date", score=0.7)]},
    ]
    record = read_one(tmp_path, task(predictions=predictions, annotations=[]))
    assert record.spans == (RawSpan(28, 39, "Date", SpanState.SUGGESTED, "two", 0.7),)
    assert record.status is Status.NEW


def test_a_numbered_model_version_is_the_source(tmp_path: Path) -> None:
    (span,) = read_one(tmp_path, task(predictions=[{"model_version": 3, "result": [DATE]}])).spans
    assert span.source == "3"


def test_unscored_predictions_take_the_first_and_a_default_source(tmp_path: Path) -> None:
    predictions = [{"result": [DATE]}, {"result": [region(0, 8, "Thing")]}]
    (span,) = read_one(tmp_path, task(predictions=predictions)).spans
    assert (span.label, span.source, span.score) == ("Date", "labelstudio", None)


def test_a_task_whose_annotations_were_all_cancelled_is_skipped(tmp_path: Path) -> None:
    record = read_one(tmp_path, task(annotations=[{"result": [DATE], "was_cancelled": True}]))
    assert (record.status, record.spans) == (Status.SKIPPED, ())


def test_each_label_of_a_region_is_a_span(tmp_path: Path) -> None:
    record = read_one(tmp_path, task(annotations=[{"result": [region(28, 39, "Date", "Event")]}]))
    assert [s.label for s in record.spans] == ["Date", "Event"]


def test_other_result_types_are_counted_not_read(tmp_path: Path) -> None:
    result = [
        DATE,
        {"type": "choices", "value": {"choices": ["Positive"]}},
        {"type": "relation", "from_id": "a", "to_id": "b"},
        {"type": "relation", "from_id": "b", "to_id": "a"},
    ]
    record = read_one(tmp_path, task(annotations=[{"result": result}]))
    assert len(record.spans) == 1
    assert record.meta["labelstudio_skipped"] == {"choices": 1, "relation": 2}


def test_text_comes_from_the_only_text_field_and_other_data_is_meta(tmp_path: Path) -> None:
    record = read_one(tmp_path, {"data": {"ner": TEXT, "page": 3}, "meta": {"batch": "b1"}})
    assert record.text == TEXT
    assert record.meta == {"page": 3, "batch": "b1"}


def test_text_is_kept_exactly(tmp_path: Path) -> None:
    text = "Line one\r\n\r\n  Line two 😂 "
    assert read_one(tmp_path, {"data": {"text": text}}).text == text


def test_each_task_points_at_its_line(tmp_path: Path) -> None:
    path = tmp_path / "export.json"
    path.write_text('[\n  {"data": {"text": "One"}},\n  {"data": {"text": "Two"},\n   "id": 9}\n]')
    assert [(r.line, r.text) for r in read_all(path)] == [(2, "One"), (3, "Two")]


def test_each_person_who_annotated_a_task_gives_a_version_newest_first(tmp_path: Path) -> None:
    annotations = [
        {"completed_by": 1, "result": [region(0, 8, "Thing")]},
        {"completed_by": "ada", "result": [DATE]},
        {"completed_by": {"email": "bo@news.example", "id": 3}, "result": []},
        {"completed_by": 4, "result": [DATE], "was_cancelled": True},
    ]
    records = read_all(write(tmp_path, [task(annotations=annotations)]))
    assert [(r.annotator, [s.label for s in r.spans], r.status) for r in records] == [
        ("bo@news.example", [], Status.DONE),
        ("ada", ["Date"], Status.DONE),
        ("1", ["Thing"], Status.DONE),
    ]
    assert {(r.text, r.line, r.meta["labelstudio_id"]) for r in records} == {(TEXT, 2, 1)}
    assert not any(r.reviewed for r in records)


def test_a_person_with_two_annotations_keeps_only_the_last(tmp_path: Path) -> None:
    annotations = [
        {"completed_by": "ada", "result": [region(0, 8, "Thing")]},
        {"completed_by": "bo", "result": [region(0, 8, "Other")]},
        {"completed_by": "ada", "result": [DATE]},
    ]
    records = read_all(write(tmp_path, [task(annotations=annotations)]))
    assert [(r.annotator, [s.label for s in r.spans]) for r in records] == [
        ("ada", ["Date"]),
        ("bo", ["Other"]),
    ]


def test_annotations_naming_nobody_keep_only_the_last(tmp_path: Path) -> None:
    annotations = [{"result": [region(0, 8, "Thing")]}, {"id": 2, "result": [DATE]}]
    record = read_one(tmp_path, task(annotations=annotations))
    assert (record.annotator, [s.label for s in record.spans]) == (None, ["Date"])


@pytest.mark.parametrize(
    ("completed_by", "annotator"),
    [
        (7, "7"),
        ("ada@news.example", "ada@news.example"),
        ({"id": 7, "username": "ada", "email": "ada@news.example"}, "ada@news.example"),
        ({"id": 7, "username": "ada"}, "ada"),
        ({"id": 7, "email": ""}, "7"),
        ({"first_name": "Ada"}, None),
        (None, None),
    ],
)
def test_who_completed_an_annotation(tmp_path: Path, completed_by: Any, annotator: Any) -> None:
    annotation = {"completed_by": completed_by, "result": [DATE]}
    assert read_one(tmp_path, task(annotations=[annotation])).annotator == annotator


def test_a_task_everyone_cancelled_names_who_cancelled_it_last(tmp_path: Path) -> None:
    annotations = [
        {"completed_by": "ada", "result": [], "was_cancelled": True},
        {"completed_by": "bo", "result": [DATE], "was_cancelled": True},
    ]
    record = read_one(tmp_path, task(annotations=annotations))
    assert (record.annotator, record.status, record.spans) == ("bo", Status.SKIPPED, ())


def test_a_task_nobody_annotated_names_nobody(tmp_path: Path) -> None:
    record = read_one(tmp_path, task(predictions=[{"result": [DATE]}]))
    assert (record.annotator, record.status) == (None, Status.NEW)


@pytest.mark.parametrize(
    "name",
    [
        "label-studio-frontend__named_entity_annotations_1.json",
        "label-studio-frontend__named_entity_tasks.json",
        "label-studio-frontend__rich_text_plain_annotations_1_STALE.json",
        "label-studio_v0__examples_named_entity_completions_1.json",
    ],
)
def test_third_party_exports_give_one_version_naming_nobody(external: Path, name: str) -> None:
    (record,) = read_all(external / "labelstudio" / name)
    assert (record.annotator, len(record.spans)) == (None, 1)


@pytest.mark.parametrize(
    ("content", "line", "reason"),
    [
        ("just text", 1, 'task 1 must be an object {...}, not the string "just text"'),
        (12, 1, "task 1 must be an object {...}, not the number 12"),
        ([task(), 5], 8, "task 2 must be an object {...}, not the number 5"),
        ([{"text": TEXT}], 2, 'task 1: "data" must be an object {...}, not null'),
        (
            [{"data": {"title": "T", "body": TEXT}}],
            2,
            'task 1: "data" has no "text" and no single text field to use instead '
            '(its fields: "title", "body")',
        ),
        ([{"data": {"text": 3}}], 2, 'task 1: "data" -> "text" must be a string, not the number 3'),
        (
            [task(annotations={"result": []})],
            2,
            'task 1: "annotations" must be a list [...], not an object',
        ),
        (
            [task(annotations=[{"result": "x"}])],
            2,
            'task 1: annotation 1: "result" must be a list [...], not the string "x"',
        ),
        (
            [task(annotations=[{"result": [region("28", 39, "Date")]}])],
            2,
            'task 1, annotation 1, region 1: "start" must be a whole number, not the string "28"',
        ),
        (
            [task(annotations=[{"result": [region(28, 39.0, "Date")]}])],
            2,
            'task 1, annotation 1, region 1: "end" must be a whole number, not the number 39.0',
        ),
        (
            [task(annotations=[{"result": [region(28, 39)]}])],
            2,
            'task 1, annotation 1, region 1: "labels" is empty',
        ),
        (
            [task(annotations=[{"result": [region(28, 39, 4)]}])],
            2,
            'task 1, annotation 1, region 1: each of "labels" must be a string, not the number 4',
        ),
        (
            [task(annotations=[{"result": [{"type": "labels", "value": {"start": 1}}]}])],
            2,
            'task 1, annotation 1, region 1 has no "end" (its fields: "start")',
        ),
        (
            [task(annotations=[{"result": []}, {"completed_by": ["ada"], "result": []}])],
            2,
            'task 1: annotation 2: "completed_by" must be a user id, a name or an object {...}, '
            "not a list",
        ),
        (
            [task(annotations=[{"completed_by": True, "result": []}])],
            2,
            'task 1: annotation 1: "completed_by" must be a user id, a name or an object {...}, '
            "not true",
        ),
        (
            [task(annotations=[{"completed_by": {"email": 3.5}, "result": []}])],
            2,
            'task 1: annotation 1: "completed_by" -> "email" must be a string or a number, '
            "not the number 3.5",
        ),
        (
            [task(annotations=[{"completed_by": {}, "result": [], "was_cancelled": True}, 4])],
            2,
            "task 1: annotation 2 must be an object {...}, not the number 4",
        ),
        (
            [task(predictions=[{"model_version": ["v"], "result": []}])],
            2,
            'task 1: "model_version" must be a string, not a list',
        ),
        (
            [task(predictions=[{"score": "high", "result": []}])],
            2,
            'task 1: prediction "score" must be a number, not the string "high"',
        ),
    ],
)
def test_structure_problems(tmp_path: Path, content: Any, line: int | None, reason: str) -> None:
    error = refusal(tmp_path, content)
    assert (error.path, error.line, error.reason) == (str(tmp_path / "export.json"), line, reason)


@given(
    st.lists(
        st.tuples(
            st.text(st.characters(codec="utf-8", exclude_characters="\r"), min_size=1),
            st.sampled_from(["", " ", "\n", "\n\n  ", "\t\n"]),
            st.sampled_from([None, 2]),
        ),
        min_size=1,
        max_size=6,
    )
)
def test_task_lines_match_where_each_task_starts(items: list[tuple[str, str, int | None]]) -> None:
    content, expected = "[", []
    for index, (text, gap, indent) in enumerate(items):
        content += ("," if index else "") + gap
        expected.append(content.count("\n") + 1)
        content += json.dumps({"data": {"text": text}}, indent=indent)
    content += "\n]"
    records = list(labelstudio.read(Path("tasks.json"), content))
    assert [(r.line, r.text) for r in records] == [
        (line, text) for line, (text, _, _) in zip(expected, items, strict=True)
    ]
