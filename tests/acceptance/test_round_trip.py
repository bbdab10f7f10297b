"""Import a third-party file, export it in the same format: the same records come back.

Compared per record: the text, the spans (start, end, label and, for Prodigy, the span
answer), the task answer, the meta and every other field of the original record. Records
the import skips by design are dropped from the expectation first: a repeated text (only
its first occurrence is kept) and, where the import refuses a file only for them, records
whose text is whitespace (there is nothing to annotate).

One span answer is not kept as such: `"ignore"` on a span means the question was skipped,
and the span comes back as what it is, an open suggestion without an answer.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

Record = dict[str, Any]

PRODIGY_FILES = [
    "prodigy-recipes__annotated_news_headlines-ORG-PERSON-LOCATION-ner.jsonl",
    "prodigy-recipes__annotated_reddit-PRODUCT-ner.jsonl",
    "prodigy-recipes__bio_events.jsonl",
    "prodigy-recipes__raw_news_headlines.jsonl",
    "projects__nel_emerson__emerson_annotated_text.jsonl",
    "projects__ner_drugs__drugs_eval.jsonl",
    "projects__ner_fashion_brands__fashion_brands_eval.jsonl",
    "projects__ner_food_ingredients__food_data.jsonl",
    "projects__ner_tweets__test_annotated.jsonl",
    "projects__rel_component__annotations.jsonl",
    "projects__spanruler_restaurant_reviews__test_review.jsonl",
]
DOCCANO_FILES = [
    "doccano-transformer__labeling.jsonl",
    "doccano-transformer__labeling_text_label.jsonl",
    "doccano__docs_tutorial_books_input.jsonl",
    "doccano__docs_tutorial_sequence_labeling_for_books_export.json",
    "doccano__export_examples_intent_detection_example.jsonl",
    "doccano__export_examples_relation_extraction_example_PRETTY.jsonl",
    "doccano__export_examples_sequence_labeling_example.jsonl",
    "doccano__import_examples_relation_extraction_example.jsonl",
    "doccano__import_examples_sequence_labeling_example.jsonl",
    "doccano__import_tests_sequence_labeling_example.jsonl",
    "doccano__import_tests_sequence_labeling_example_overlapping.jsonl",
]
MUST_ROUND_TRIP = {
    "prodigy-recipes__annotated_news_headlines-ORG-PERSON-LOCATION-ner.jsonl",
    "prodigy-recipes__bio_events.jsonl",
    "projects__ner_drugs__drugs_eval.jsonl",
    "projects__ner_fashion_brands__fashion_brands_eval.jsonl",
    "projects__ner_food_ingredients__food_data.jsonl",
    "projects__ner_tweets__test_annotated.jsonl",
}

# Fields the Prodigy export writes itself; everything else must come back unchanged.
PRODIGY_OWN = {"text", "meta", "spans", "tokens", "answer", "_input_hash", "_task_hash"}
PRODIGY_OWN |= {"_view_id", "_timestamp", "_annotator_id", "_session_id"}
# A review line's versions are read as versions: `--format prodigy-review` writes them back.
PRODIGY_OWN |= {"sessions", "versions"}
DOCCANO_SPAN_KEYS = ("label", "labels", "entities", "annotations")
_PROBLEM = re.compile(r":(\d+): (.+)$")


def load_records(path: Path) -> list[tuple[int, Record]]:
    """(line, record) for JSONL, pretty-printed JSON objects one after another, or a list."""
    text = path.read_text(encoding="utf-8")
    decoder = json.JSONDecoder()
    space = re.compile(r"\s*")
    result: list[tuple[int, Record]] = []
    position = space.match(text, 0).end()
    while position < len(text):
        value, end = decoder.raw_decode(text, position)
        line = text.count("\n", 0, position) + 1
        result.extend((line, item) for item in (value if isinstance(value, list) else [value]))
        position = space.match(text, end).end()
    return result


def import_for_round_trip(cli, source: Path, db: Path) -> set[int]:
    """Import `source`; return the lines of whitespace-text records left out, or skip."""
    result = cli("import", source, "--dataset", "d", "--db", db)
    if result.code == 0:
        return set()
    problems = [m.groups() for m in map(_PROBLEM.search, result.err.splitlines()) if m]
    if problems and all(reason == "the text is empty" for _, reason in problems):
        retry = cli("import", source, "--dataset", "d", "--db", db, "--skip-invalid")
        assert retry.code == 0, retry.err
        return {int(line) for line, _ in problems}
    reason = next((r for _, r in problems), result.err.strip().splitlines()[0])
    message = f"the import refuses {source.name}: {reason}"
    if source.name in MUST_ROUND_TRIP:
        pytest.fail(message)
    pytest.skip(message)


def expected_records(path: Path, left_out: set[int]) -> list[Record]:
    seen: set[str] = set()
    expected = []
    for line, record in load_records(path):
        text = record.get("text", record.get("data"))
        if line in left_out or text in seen:
            continue
        seen.add(text)
        expected.append(record)
    return expected


def prodigy_view(record: Record) -> Record:
    return {
        "text": record["text"],
        "spans": sorted(
            {
                (s["start"], s["end"], s["label"], _decided(s.get("answer")))
                for s in record.get("spans") or []
            },
            key=str,
        ),
        "answer": record.get("answer"),
        "meta": record.get("meta") or {},
        "fields": {k: v for k, v in record.items() if k not in PRODIGY_OWN},
    }


def _decided(answer: str | None) -> str | None:
    """A span answer that records a decision; "ignore" (no decision) reads as none."""
    return None if answer == "ignore" else answer


def doccano_view(record: Record) -> Record:
    text_key = "text" if "text" in record else "data"
    span_key = next((k for k in DOCCANO_SPAN_KEYS if k in record), None)
    spans = set()
    for span in record.get(span_key, []) if span_key else []:
        if isinstance(span, dict):
            span = [span["start_offset"], span["end_offset"], span["label"]]
        spans.add(tuple(span))
    fields = {k: v for k, v in record.items() if k not in {text_key, span_key, "meta"}}
    for key, value in (record.get("meta") or {}).items():
        fields.setdefault(key, value)
    return {"text": record[text_key], "spans": sorted(spans, key=str), "fields": fields}


def round_trip(
    cli,
    source: Path,
    fmt: str,
    view: Callable[[Record], Record],
    tmp_path: Path,
) -> None:
    db = tmp_path / "store.db"
    left_out = import_for_round_trip(cli, source, db)
    out = tmp_path / "out.jsonl"
    result = cli(
        "export", out, "--dataset", "d", "--db", db, "--format", fmt,
        "--status", "all", "--include-suggestions",
    )  # fmt: skip
    assert result.code == 0, result.err
    exported = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    expected = expected_records(source, left_out)
    assert len(exported) == len(expected)
    for number, (mine, theirs) in enumerate(zip(exported, expected, strict=True), 1):
        assert view(mine) == view(theirs), f"record {number} of {source.name}"


@pytest.mark.parametrize("name", PRODIGY_FILES)
def test_prodigy_round_trip(cli, external: Path, tmp_path: Path, name: str) -> None:
    round_trip(cli, external / "prodigy" / name, "prodigy", prodigy_view, tmp_path)


def test_prodigy_export_keeps_hashes_annotators_and_timestamps(
    cli, external: Path, tmp_path: Path
) -> None:
    source = external / "prodigy" / "projects__spanruler_restaurant_reviews__test_review.jsonl"
    db, out = tmp_path / "s.db", tmp_path / "out.jsonl"
    assert cli("import", source, "-d", "d", "--db", db).code == 0
    assert cli("export", out, "-d", "d", "--db", db, "--status", "all").code == 0
    exported = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    checked = dict.fromkeys(("_input_hash", "_annotator_id", "_timestamp"), 0)
    for mine, theirs in zip(exported, expected_records(source, set()), strict=True):
        for key in checked:
            if key in theirs:
                assert mine[key] == theirs[key], key
                checked[key] += 1
    assert checked == {"_input_hash": 1521, "_annotator_id": 1521, "_timestamp": 659}


@pytest.mark.parametrize("name", DOCCANO_FILES)
def test_doccano_round_trip(cli, external: Path, tmp_path: Path, name: str) -> None:
    round_trip(cli, external / "doccano" / name, "doccano", doccano_view, tmp_path)
