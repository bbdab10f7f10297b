"""doccano sequence-labelling exports and imports, every version.

Text is under `text` (or `data` in v1.3-1.6); spans under `label`, `labels`, `entities`
or (v1.0 JSON) `annotations`, each a `[start, end, "LABEL"]` triple or a
`{"start_offset", "end_offset", "label"}` object. doccano offsets count UTF-16 units by
default; for text without characters outside the Basic Multilingual Plane (no emoji) they
equal Python's, and the validation catches spans whose covered text is wrong. `user` or
`username` names who annotated the record.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

from annotator.core.errors import InputError
from annotator.core.model import SpanState, Status
from annotator.core.records import RawSpan, Record
from annotator.formats.readers.fields import (
    Location,
    describe,
    fail,
    field_names,
    optional_object,
    require_int,
    require_list,
    require_object,
    require_str,
)
from annotator.formats.readers.json_records import read_json_records
from annotator.formats.source import Source

SPAN_KEYS = ("label", "labels", "entities", "annotations")
_TEXT_KEYS = ("text", "data")
_OWN_KEYS = frozenset({*SPAN_KEYS, *_TEXT_KEYS, "meta"})


def read(path: Path, content: str | Source) -> Iterator[Record | InputError]:
    return read_json_records(path, content, _record)


def _record(value: object, at: Location) -> Record:
    record = require_object(value, "each record", at)
    text = _text(record, at)
    key = next((k for k in SPAN_KEYS if k in record), None)
    spans = _spans(record[key], key, at) if key else ()
    extra = {k: v for k, v in record.items() if k not in _OWN_KEYS or _unused(k, key, record)}
    return Record(
        path=str(at[0]),
        line=at[1],
        text=text,
        spans=spans,
        # doccano keeps no per-document verdict; an exported record with spans is one a
        # person annotated, so it counts as done. One without spans may never have been
        # opened, so it stays new.
        status=Status.DONE if spans else Status.NEW,
        meta=optional_object(record.get("meta"), '"meta"', at),
        extra=extra,
        annotator=_annotator(record, at),
    )


def _annotator(record: dict[str, Any], at: Location) -> str | None:
    """Who annotated the record: doccano writes a user id in some versions, a name in others."""
    for key in ("user", "username"):
        value = record.get(key)
        if value is None:
            continue
        if isinstance(value, str):
            return value
        if isinstance(value, int) and not isinstance(value, bool):
            return str(value)
        raise fail(at, f'"{key}" must be a user name or id, not {describe(value)}')
    return None


def _unused(key: str, span_key: str | None, record: dict[str, Any]) -> bool:
    """Whether `key` is one of ours that this record does not use (kept in `extra`)."""
    if key in SPAN_KEYS:
        return key != span_key
    return key == "data" and "text" in record


def _text(record: dict[str, Any], at: Location) -> str:
    for key in _TEXT_KEYS:
        if key in record:
            return require_str(record[key], f'"{key}"', at)
    hint = ""
    custom_columns = not any(key in record for key in SPAN_KEYS)
    if custom_columns and any(isinstance(v, list) for v in record.values()):
        hint = (
            "; if the file was written for a doccano project with its own column names, "
            'rename them to "text" and "label"'
        )
    raise fail(at, f'has no "text" field (its fields: {field_names(record)}){hint}')


def _spans(value: object, key: str, at: Location) -> tuple[RawSpan, ...]:
    if isinstance(value, str) or _all_strings(value):
        found = describe(value) if isinstance(value, str) else "categories"
        raise fail(
            at,
            f'"{key}" holds {found}: this is a text-classification record, not sequence labelling',
        )
    items = require_list(value, f'"{key}"', at)
    return tuple(_span(item, f"span {n}", at) for n, item in enumerate(items, 1))


def _all_strings(value: object) -> bool:
    return isinstance(value, list) and bool(value) and all(isinstance(v, str) for v in value)


def _span(value: object, name: str, at: Location) -> RawSpan:
    if isinstance(value, list):
        if len(value) != 3:
            raise fail(at, f"{name} must be [start, end, label], not a list of {len(value)} items")
        start, end, label = value
    elif isinstance(value, dict):
        for field in ("start_offset", "end_offset", "label"):
            if field not in value:
                raise fail(at, f'{name} has no "{field}" (its fields: {field_names(value)})')
        start, end, label = value["start_offset"], value["end_offset"], value["label"]
    else:
        raise fail(at, f"{name} must be [start, end, label] or an object, not {describe(value)}")
    if isinstance(label, int) and not isinstance(label, bool):
        raise fail(
            at,
            f"{name}: label {label} is a number: this looks like an old doccano export "
            "that stores label ids; re-export with label names",
        )
    return RawSpan(
        start=require_int(start, f"{name}: the start", at),
        end=require_int(end, f"{name}: the end", at),
        label=require_str(label, f"{name}: the label", at),
        state=SpanState.MANUAL,
    )
