"""doccano reader: every version's layout, and refusals for what is not sequence labelling."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from annotator.core.errors import InputError
from annotator.core.model import SpanState, Status
from annotator.core.records import RawSpan, Record
from annotator.formats.readers import doccano

TEXT = "EU rejects German call to boycott British lamb."
EU = RawSpan(0, 2, "ORG", SpanState.MANUAL)
GERMAN = RawSpan(11, 17, "MISC", SpanState.MANUAL)


def write(tmp_path: Path, *records: Any, name: str = "export.jsonl") -> Path:
    path = tmp_path / name
    lines = [r if isinstance(r, str) else json.dumps(r) for r in records]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def read_all(path: Path) -> list[Record]:
    """The file's records; the first bad record's error is raised, as the importer refuses it."""
    records = []
    for value in doccano.read(path, path.read_text(encoding="utf-8")):
        if isinstance(value, InputError):
            raise value
        records.append(value)
    return records


def read_one(tmp_path: Path, record: dict[str, Any]) -> Record:
    (only,) = read_all(write(tmp_path, record))
    return only


def refusal(tmp_path: Path, *records: Any) -> InputError:
    path = write(tmp_path, *records)
    with pytest.raises(InputError) as caught:
        read_all(path)
    return caught.value


@pytest.mark.parametrize(
    "record",
    [
        {"text": TEXT, "label": [[0, 2, "ORG"], [11, 17, "MISC"]]},  # >= v1.7 export
        {"text": TEXT, "labels": [[0, 2, "ORG"], [11, 17, "MISC"]]},  # <= v1.2
        {"data": TEXT, "label": [[0, 2, "ORG"], [11, 17, "MISC"]]},  # v1.3 - v1.6
        {"text": TEXT, "entities": [[0, 2, "ORG"], [11, 17, "MISC"]]},
        {
            "text": TEXT,
            "entities": [
                {"id": 0, "start_offset": 0, "end_offset": 2, "label": "ORG"},
                {"id": 1, "start_offset": 11, "end_offset": 17, "label": "MISC"},
            ],
        },
        {
            "text": TEXT,
            "label": [
                {"start_offset": 0, "end_offset": 2, "label": "ORG"},
                [11, 17, "MISC"],
            ],
        },
    ],
)
def test_every_layout_gives_the_same_spans(tmp_path: Path, record: dict[str, Any]) -> None:
    read = read_one(tmp_path, record)
    assert (read.text, read.spans, read.status) == (TEXT, (EU, GERMAN), Status.DONE)


def test_a_record_without_spans_is_new(tmp_path: Path) -> None:
    assert read_one(tmp_path, {"text": TEXT, "label": []}).status is Status.NEW
    assert read_one(tmp_path, {"text": TEXT}).status is Status.NEW


def test_meta_and_other_fields(tmp_path: Path) -> None:
    record = read_one(
        tmp_path,
        {
            "id": 7,
            "text": TEXT,
            "label": [[0, 2, "ORG"]],
            "meta": {"wikiPageID": 1},
            "Comments": ["check"],
            "relations": [{"from_id": 0, "to_id": 1, "type": "x"}],
            "annotation_approver": None,
        },
    )
    assert record.meta == {"wikiPageID": 1}
    assert record.extra == {
        "id": 7,
        "Comments": ["check"],
        "relations": [{"from_id": 0, "to_id": 1, "type": "x"}],
        "annotation_approver": None,
    }


@pytest.mark.parametrize(
    ("names", "annotator"),
    [
        ({"user": "ada"}, "ada"),
        ({"user": 3}, "3"),
        ({"username": "ada"}, "ada"),
        ({"user": None, "username": "ada"}, "ada"),
        ({}, None),
    ],
)
def test_the_annotator_is_the_user_the_record_names(
    tmp_path: Path, names: dict[str, Any], annotator: str | None
) -> None:
    record = read_one(tmp_path, {"text": TEXT, "label": [[0, 2, "ORG"]], **names})
    assert (record.annotator, record.spans, record.status) == (annotator, (EU,), Status.DONE)


def test_each_user_s_record_of_one_text_names_its_user(tmp_path: Path) -> None:
    records = read_all(
        write(
            tmp_path,
            {"text": TEXT, "label": [[0, 2, "ORG"]], "user": 1},
            {"text": TEXT, "label": [[11, 17, "MISC"]], "user": 2},
        )
    )
    assert [(r.annotator, r.spans) for r in records] == [("1", (EU,)), ("2", (GERMAN,))]


def test_doccano_s_documented_export_names_its_user(external: Path) -> None:
    path = external / "doccano" / "doccano__docs_tutorial_sequence_labeling_for_books_export.json"
    written = json.loads(path.read_text(encoding="utf-8"))
    (record,) = read_all(path)
    assert record.annotator == written["username"] == "admin"
    assert [[s.start, s.end, s.label] for s in record.spans] == written["labels"]


def test_unused_text_and_span_fields_stay_in_extra(tmp_path: Path) -> None:
    record = read_one(
        tmp_path, {"text": TEXT, "data": "other", "label": [[0, 2, "ORG"]], "entities": []}
    )
    assert record.text == TEXT
    assert record.extra == {"data": "other", "entities": []}


def test_text_is_kept_exactly(tmp_path: Path) -> None:
    text = "SOCCER - JAPAN\r\nNadim Ladki  \n"
    assert read_one(tmp_path, {"text": text}).text == text


def test_a_pretty_printed_file_is_read_as_one_document(tmp_path: Path) -> None:
    path = tmp_path / "example.jsonl"
    path.write_text(json.dumps({"text": TEXT, "entities": [[0, 2, "ORG"]]}, indent=4))
    (record,) = read_all(path)
    assert (record.line, record.spans) == (1, (EU,))


def test_a_json_list_gives_each_record_its_line(tmp_path: Path) -> None:
    path = tmp_path / "export.json"
    path.write_text(f'[\n{{"text": "{TEXT}"}},\n\n  {{"text": "Two"}}\n]\n')
    assert [(r.line, r.text) for r in read_all(path)] == [(2, TEXT), (4, "Two")]


@pytest.mark.parametrize(
    ("record", "reason"),
    [
        (
            {"text": TEXT, "annotations": [{"label": 3, "start_offset": 0, "end_offset": 2}]},
            "span 1: label 3 is a number: this looks like an old doccano export that stores "
            "label ids; re-export with label names",
        ),
        (
            {"text": TEXT, "label": ["positive", "news"]},
            '"label" holds categories: this is a text-classification record, '
            "not sequence labelling",
        ),
        (
            {"text": TEXT, "label": "positive"},
            '"label" holds the string "positive": this is a text-classification record, '
            "not sequence labelling",
        ),
        (
            {"label": [[0, 1, "PER"]], "meta": {}},
            'has no "text" field (its fields: "label", "meta")',
        ),
        (
            {"column_data": TEXT, "column_label": [[0, 2, "ORG"]]},
            'has no "text" field (its fields: "column_data", "column_label"); if the file was '
            "written for a doccano project with its own column names, rename them to "
            '"text" and "label"',
        ),
        ({"text": 12}, '"text" must be a string, not the number 12'),
        ({"data": {"text": TEXT}}, '"data" must be a string, not an object'),
        ({"text": TEXT, "label": {"0": "ORG"}}, '"label" must be a list [...], not an object'),
        (
            {"text": TEXT, "label": [[0, 2]]},
            "span 1 must be [start, end, label], not a list of 2 items",
        ),
        (
            {"text": TEXT, "label": [[0, "2", "ORG"]]},
            'span 1: the end must be a whole number, not the string "2"',
        ),
        (
            {"text": TEXT, "label": [[0.0, 2, "ORG"]]},
            "span 1: the start must be a whole number, not the number 0.0",
        ),
        ({"text": TEXT, "label": [[0, 2, None]]}, "span 1: the label must be a string, not null"),
        (
            {"text": TEXT, "label": [[0, 2, "ORG"], 5]},
            "span 2 must be [start, end, label] or an object, not the number 5",
        ),
        (
            {"text": TEXT, "entities": [{"start_offset": 0, "label": "ORG"}]},
            'span 1 has no "end_offset" (its fields: "start_offset", "label")',
        ),
        ({"text": TEXT, "meta": [1]}, '"meta" must be an object {...}, not a list'),
        ({"text": TEXT, "user": 1.5}, '"user" must be a user name or id, not the number 1.5'),
        ({"text": TEXT, "user": True}, '"user" must be a user name or id, not true'),
        (
            {"text": TEXT, "username": {"name": "ada"}},
            '"username" must be a user name or id, not an object',
        ),
    ],
)
def test_structure_problems(tmp_path: Path, record: dict[str, Any], reason: str) -> None:
    error = refusal(tmp_path, {"text": "fine"}, record)
    assert str(error) == f"{tmp_path / 'export.jsonl'}:2: {reason}"


def test_a_record_that_is_not_an_object(tmp_path: Path) -> None:
    error = refusal(tmp_path, {"text": TEXT}, "42")
    assert (error.line, error.reason) == (
        2,
        "each record must be an object {...}, not the number 42",
    )
