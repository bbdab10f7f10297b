"""Label Studio JSON exports (a list of tasks or one task), including 0.x `completions`.

Each annotation nobody cancelled is one version of the document, its person's (named by
`completed_by`; a person's last annotation counts); a task without one brings its best
prediction as suggestions. Only `labels` regions are spans; other result types
(choices, relations, ...) are counted in `meta["labelstudio_skipped"]`.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from annotator.core.errors import InputError
from annotator.core.model import SpanState, Status
from annotator.core.records import RawSpan, Record, one_per_annotator
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
from annotator.formats.readers.json_records import iter_json_records
from annotator.formats.source import Source, as_source

_DEFAULT_SOURCE = "labelstudio"


@dataclass(frozen=True, slots=True)
class _Regions:
    """The result list to read spans from, and what reading it means."""

    result: list[Any]
    state: SpanState
    source: str | None
    status: Status
    annotator: str | None = None


def read(path: Path, content: str | Source) -> Iterator[Record | InputError]:
    records = iter_json_records(as_source(path, content))
    for number, (line, value) in enumerate(records, 1):
        if isinstance(value, InputError):
            yield value
            continue
        try:
            yield from _records(value, number, (path, line))
        except InputError as error:  # one bad task; the others can still be imported
            yield error


def _records(value: object, number: int, at: Location) -> list[Record]:
    """One record per person who annotated the task, newest first; else its prediction."""
    name = f"task {number}"
    task = require_object(value, name, at)
    data = require_object(task.get("data"), f'{name}: "data"', at)
    text, text_key = _text(data, name, at)
    meta: dict[str, Any] = {k: v for k, v in data.items() if k != text_key}
    meta.update(optional_object(task.get("meta"), f'{name}: "meta"', at))
    if "id" in task:
        meta["labelstudio_id"] = task["id"]
    annotations = _annotations(task, name, at)
    versions = [
        _record(text, meta, regions, f"{name}, annotation {index}", at)
        for index, regions in _annotated(annotations, name, at)
    ]
    if versions:
        # The newest first: an import that keeps one version per text keeps that one.
        return one_per_annotator(versions)[::-1]
    return [_record(text, meta, _predicted(task, annotations, name, at), name, at)]


def _record(text: str, meta: dict[str, Any], regions: _Regions, name: str, at: Location) -> Record:
    skipped: Counter[str] = Counter()
    spans: list[RawSpan] = []
    for index, item in enumerate(regions.result, 1):
        spans.extend(_region(item, f"{name}, region {index}", regions, skipped, at))
    meta = {**meta, "labelstudio_skipped": dict(skipped)} if skipped else dict(meta)
    return Record(
        path=str(at[0]),
        line=at[1],
        text=text,
        spans=tuple(spans),
        status=regions.status,
        meta=meta,
        annotator=regions.annotator,
        not_imported={f"{kind} result": count for kind, count in skipped.items()},
    )


def _text(data: dict[str, Any], name: str, at: Location) -> tuple[str, str]:
    if "text" in data:
        return require_str(data["text"], f'{name}: "data" -> "text"', at), "text"
    strings = [key for key, value in data.items() if isinstance(value, str)]
    if len(strings) == 1:
        return data[strings[0]], strings[0]
    raise fail(
        at,
        f'{name}: "data" has no "text" and no single text field to use instead '
        f"(its fields: {field_names(data)})",
    )


def _annotations(task: dict[str, Any], name: str, at: Location) -> list[dict[str, Any]]:
    key = "annotations" if "annotations" in task else "completions"
    value = task.get(key)
    items = [] if value is None else require_list(value, f'{name}: "{key}"', at)
    return [
        require_object(item, f"{name}: annotation {index}", at)
        for index, item in enumerate(items, 1)
    ]


def _annotated(
    annotations: list[dict[str, Any]], name: str, at: Location
) -> list[tuple[int, _Regions]]:
    """(number, regions) of each annotation nobody cancelled, in the file's order."""
    found = []
    for index, annotation in enumerate(annotations, 1):
        if not annotation.get("was_cancelled"):
            where = f"{name}: annotation {index}"
            result = _result(annotation, where, at)
            person = _completed_by(annotation.get("completed_by"), where, at)
            found.append((index, _Regions(result, SpanState.MANUAL, None, Status.DONE, person)))
    return found


def _predicted(
    task: dict[str, Any], annotations: list[dict[str, Any]], name: str, at: Location
) -> _Regions:
    """Every annotation was cancelled (Label Studio's "skip"), or there is none."""
    status = Status.SKIPPED if annotations else Status.NEW
    person = None
    if annotations:  # who skipped it last
        where = f"{name}: annotation {len(annotations)}"
        person = _completed_by(annotations[-1].get("completed_by"), where, at)
    prediction = _best_prediction(task, name, at)
    if prediction is None:
        return _Regions([], SpanState.SUGGESTED, None, status, person)
    version = prediction.get("model_version")
    if isinstance(version, int | float) and not isinstance(version, bool):
        version = str(version)  # some backends number their versions
    source = optional_str(version, f'{name}: "model_version"', at)
    result = _result(prediction, f"{name}: prediction", at)
    return _Regions(result, SpanState.SUGGESTED, source or _DEFAULT_SOURCE, status, person)


def _completed_by(value: object, name: str, at: Location) -> str | None:
    """Who made an annotation: a user id, a name, or a user object (email, username, id)."""
    what = f'{name}: "completed_by"'
    if isinstance(value, dict):
        for key in ("email", "username", "id"):
            found = _person(value.get(key), f'{what} -> "{key}"', at)
            if found is not None:
                return found
        return None
    return _person(value, what, at, kinds="a user id, a name or an object {...}")


def _person(
    value: object, what: str, at: Location, kinds: str = "a string or a number"
) -> str | None:
    if value is None or value == "":
        return None
    if isinstance(value, str):
        return value
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    raise fail(at, f"{what} must be {kinds}, not {describe(value)}")


def _best_prediction(task: dict[str, Any], name: str, at: Location) -> dict[str, Any] | None:
    value = task.get("predictions")
    items = [] if value is None else require_list(value, f'{name}: "predictions"', at)
    predictions = [require_object(p, f"{name}: prediction", at) for p in items]
    if not predictions:
        return None
    scores = [
        optional_number(p.get("score"), f'{name}: prediction "score"', at) for p in predictions
    ]
    ranked = [float("-inf") if score is None else score for score in scores]
    return predictions[ranked.index(max(ranked))]  # the first on ties, and with no scores


def _result(holder: dict[str, Any], name: str, at: Location) -> list[Any]:
    value = holder.get("result")
    return [] if value is None else require_list(value, f'{name}: "result"', at)


def _region(
    value: object, name: str, regions: _Regions, skipped: Counter[str], at: Location
) -> list[RawSpan]:
    region = require_object(value, name, at)
    kind = region.get("type")
    if kind != "labels":
        skipped[str(kind) if isinstance(kind, str) else "unknown"] += 1
        return []
    body = require_object(region.get("value"), f'{name}: "value"', at)
    for key in ("start", "end", "labels"):
        if key not in body:
            raise fail(at, f'{name} has no "{key}" (its fields: {field_names(body)})')
    start = require_int(body["start"], f'{name}: "start"', at)
    end = require_int(body["end"], f'{name}: "end"', at)
    labels = require_list(body["labels"], f'{name}: "labels"', at)
    if not labels:
        raise fail(at, f'{name}: "labels" is empty')
    covered = optional_str(body.get("text"), f'{name}: "text"', at)
    score = optional_number(body.get("score"), f'{name}: "score"', at)
    return [
        RawSpan(
            start=start,
            end=end,
            label=require_str(label, f'{name}: each of "labels"', at),
            state=regions.state,
            source=regions.source,
            score=score,
            text=covered,
        )
        for label in labels
    ]
