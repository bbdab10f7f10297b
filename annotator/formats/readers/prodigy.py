"""Prodigy JSONL (or a JSON list of Prodigy tasks): input files and `db-out` exports.

The task `answer` gives the document status; span states follow who stands behind each
span: a span-level answer is a decision on a suggestion, a span in an answered task is a
person's annotation, and a span in an unanswered task is a pre-annotation (a suggestion).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

from annotator.core.errors import InputError
from annotator.core.model import SpanState, Status
from annotator.core.records import RawSpan, Record
from annotator.core.tokens import Tokens
from annotator.formats.readers.fields import (
    Location,
    describe,
    fail,
    field_names,
    optional_number,
    optional_object,
    optional_str,
    require_int,
    require_list,
    require_object,
    require_str,
)
from annotator.formats.readers.json_records import read_json_records
from annotator.formats.source import Source

# Fields the Prodigy writer regenerates; every other top-level field is kept in `extra`.
REGENERATED = frozenset(
    {"text", "meta", "spans", "tokens", "answer", "_input_hash", "_task_hash"}
    | {"_annotator_id", "_timestamp"}
)

_STATUS = {"accept": Status.DONE, "reject": Status.REJECTED, "ignore": Status.SKIPPED}
_SPAN_STATE = {"accept": SpanState.ACCEPTED, "reject": SpanState.REJECTED}
_DEFAULT_SOURCE = "import"


def read(path: Path, content: str | Source) -> Iterator[Record | InputError]:
    return read_json_records(path, content, _record)


def _record(value: object, at: Location) -> Record:
    task = require_object(value, "each record", at)
    text = _text(task, at)
    answer = _answer(task.get("answer"), '"answer"', at)
    spans = _spans(task, answered=answer is not None, at=at)
    return Record(
        path=str(at[0]),
        line=at[1],
        text=text,
        spans=spans,
        status=_STATUS[answer] if answer else Status.NEW,
        meta=optional_object(task.get("meta"), '"meta"', at),
        extra={key: item for key, item in task.items() if key not in REGENERATED},
        tokens=_tokens(task.get("tokens"), len(text), at),
        prodigy_input_hash=_optional_int(task.get("_input_hash"), '"_input_hash"', at),
        annotator=optional_str(task.get("_annotator_id"), '"_annotator_id"', at),
        timestamp=optional_number(task.get("_timestamp"), '"_timestamp"', at),
    )


def _text(task: dict[str, Any], at: Location) -> str:
    if "text" not in task:
        if "html" in task or "image" in task:
            raise fail(at, "has no text: annotator annotates text, not html/images")
        raise fail(at, f'has no "text" field (its fields: {field_names(task)})')
    return require_str(task["text"], '"text"', at)


def _answer(value: object, what: str, at: Location) -> str | None:
    if value is None:
        return None
    if value not in ("accept", "reject", "ignore"):
        raise fail(at, f'{what} must be "accept", "reject" or "ignore", not {describe(value)}')
    return str(value)


def _optional_int(value: object, what: str, at: Location) -> int | None:
    return None if value is None else require_int(value, what, at)


def _spans(task: dict[str, Any], *, answered: bool, at: Location) -> tuple[RawSpan, ...]:
    if task.get("spans") is None:
        if isinstance(task.get("ents"), list):
            raise fail(
                at,
                'has "ents" but no "spans": annotator reads Prodigy "spans" '
                'with "start", "end" and "label"',
            )
        return ()
    items = require_list(task["spans"], '"spans"', at)
    return tuple(_span(item, f"span {n}", answered, at) for n, item in enumerate(items, 1))


def _span(value: object, name: str, answered: bool, at: Location) -> RawSpan:
    span = require_object(value, name, at)
    for key in ("start", "end", "label"):
        if key not in span:
            raise fail(at, f'{name} has no "{key}" (its fields: {field_names(span)})')
    source = optional_str(span.get("source"), f'{name}: "source"', at)
    verdict = _answer(span.get("answer"), f'{name}: "answer"', at)
    if verdict in _SPAN_STATE:
        state = _SPAN_STATE[verdict]
    elif verdict is None and answered:
        state = SpanState.MANUAL
    else:  # a pre-annotation, or a suggestion the annotator ignored
        state = SpanState.SUGGESTED
        source = source or _DEFAULT_SOURCE
    return RawSpan(
        start=require_int(span["start"], f'{name}: "start"', at),
        end=require_int(span["end"], f'{name}: "end"', at),
        label=require_str(span["label"], f'{name}: "label"', at),
        state=state,
        source=source,
        score=optional_number(span.get("score"), f'{name}: "score"', at),
        text=optional_str(span.get("text"), f'{name}: "text"', at),
    )


def _tokens(value: object, length: int, at: Location) -> Tokens | None:
    """The record's own tokens, checked to be ordered, disjoint and inside the text."""
    if value is None:
        return None
    items = require_list(value, '"tokens"', at)
    if not items:
        return None
    starts: list[int] = []
    ends: list[int] = []
    for number, item in enumerate(items, 1):
        name = f"token {number}"
        token = require_object(item, name, at)
        start = require_int(token.get("start"), f'{name}: "start"', at)
        end = require_int(token.get("end"), f'{name}: "end"', at)
        if not 0 <= start < end <= length:
            raise fail(
                at, f"{name} ({start}-{end}) is empty or outside the text ({length} characters)"
            )
        if ends and start < ends[-1]:
            raise fail(
                at, f"{name} ({start}-{end}) starts before token {number - 1} ends ({ends[-1]})"
            )
        starts.append(start)
        ends.append(end)
    return Tokens(tuple(starts), tuple(ends))
