"""Prodigy JSONL (or a JSON list of Prodigy tasks): input files and `db-out` exports.

The task `answer` gives the document status; span states follow who stands behind each
span: a span-level answer is a decision on a suggestion, a span in an answered task is a
person's annotation, and a span in an unanswered task is a pre-annotation (a suggestion).
`_annotator_id` (else `_session_id`) names who answered, as Prodigy writes it; a task
answered in the `review` interface (`"_view_id": "review"`) is that reviewer's settled
version.

The `review` recipe's output holds several versions of one document on one line: the
reviewer's task, read as the reviewed version, and under `versions` each version the
annotators made, with the `sessions` that made exactly it: one record per session.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

from annotator.core.errors import InputError
from annotator.core.model import SpanState, Status
from annotator.core.records import RawSpan, Record, one_per_annotator
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
from annotator.formats.readers.json_records import read_json_groups
from annotator.formats.source import Source

# Fields the Prodigy writer regenerates; every other top-level field is kept in `extra`.
REGENERATED = frozenset(
    {"text", "meta", "spans", "tokens", "answer", "_input_hash", "_task_hash"}
    | {"_annotator_id", "_timestamp"}
)

_STATUS = {"accept": Status.DONE, "reject": Status.REJECTED, "ignore": Status.SKIPPED}
_SPAN_STATE = {"accept": SpanState.ACCEPTED, "reject": SpanState.REJECTED}
_DEFAULT_SOURCE = "import"
# A version's own fields that say how the review saw it, not what it holds.
_VERSION_OWN = frozenset({"sessions", "default"})
# A review line's fields that the versions read from it hold, not kept beside them.
_REVIEW_OWN = frozenset({"sessions", "versions"})


def read(path: Path, content: str | Source) -> Iterator[Record | InputError]:
    return read_json_groups(path, content, _records)


def _records(value: object, at: Location) -> list[Record]:
    """The task's record; for a reviewed task, the reviewer's first, then each version's."""
    task = require_object(value, "each record", at)
    record = _record(task, at)
    if task.get("versions") is None:
        return [replace(record, reviewed=task.get("_view_id") == "review")]
    versions = require_list(task["versions"], '"versions"', at)
    made = [
        version
        for number, item in enumerate(versions, 1)
        for version in _version(item, f"version {number}", record, at)
    ]
    return [replace(record, reviewed=True), *one_per_annotator(made)]


def _version(value: object, name: str, reviewed: Record, at: Location) -> list[Record]:
    """One record per session that made this version, sharing the reviewed task's document."""
    version = require_object(value, name, at)
    if "text" in version and version["text"] != reviewed.text:
        raise fail(at, f'{name}: "text" is not the text of the task it is a version of')
    answer = _answer(version.get("answer"), f'{name}: "answer"', at)
    record = replace(
        reviewed,
        spans=_spans(version, answered=answer is not None, at=at, name=f"{name}: "),
        status=_STATUS[answer] if answer else Status.NEW,
        extra={k: v for k, v in version.items() if k not in REGENERATED | _VERSION_OWN},
        annotator=None,
        timestamp=optional_number(version.get("_timestamp"), f'{name}: "_timestamp"', at),
    )
    return [replace(record, annotator=session) for session in _sessions(version, name, at)]


def _sessions(version: dict[str, Any], name: str, at: Location) -> list[str | None]:
    """The sessions that made a version, each once; [None] when it names none."""
    value = version.get("sessions")
    items = [] if value is None else require_list(value, f'{name}: "sessions"', at)
    sessions = [require_str(item, f'{name}: each of "sessions"', at) for item in items]
    return list(dict.fromkeys(sessions)) or [None]


def _record(task: dict[str, Any], at: Location) -> Record:
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
        extra={key: item for key, item in task.items() if key not in REGENERATED | _REVIEW_OWN},
        tokens=_tokens(task.get("tokens"), len(text), at),
        prodigy_input_hash=_optional_int(task.get("_input_hash"), '"_input_hash"', at),
        annotator=_annotator(task, at),
        timestamp=optional_number(task.get("_timestamp"), '"_timestamp"', at),
    )


def _annotator(task: dict[str, Any], at: Location) -> str | None:
    annotator = optional_str(task.get("_annotator_id"), '"_annotator_id"', at)
    session = optional_str(task.get("_session_id"), '"_session_id"', at)
    return session if annotator is None else annotator


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


def _spans(
    task: dict[str, Any], *, answered: bool, at: Location, name: str = ""
) -> tuple[RawSpan, ...]:
    """The task's spans; `name` ("version 2: ") says whose, in messages."""
    if task.get("spans") is None:
        if isinstance(task.get("ents"), list):
            raise fail(
                at,
                f'{name}has "ents" but no "spans": annotator reads Prodigy "spans" '
                'with "start", "end" and "label"',
            )
        return ()
    items = require_list(task["spans"], f'{name}"spans"', at)
    return tuple(_span(item, f"{name}span {n}", answered, at) for n, item in enumerate(items, 1))


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
