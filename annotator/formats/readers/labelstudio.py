"""Label Studio JSON exports (a list of tasks or one task), including 0.x `completions`.

The last annotation nobody cancelled holds the person's spans; a task without one brings
its best prediction as suggestions. Only `labels` regions are spans; other result types
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
from annotator.core.records import RawSpan, Record
from annotator.formats.readers.fields import (
    Location,
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


def read(path: Path, content: str | Source) -> Iterator[Record | InputError]:
    records = iter_json_records(as_source(path, content))
    for number, (line, value) in enumerate(records, 1):
        if isinstance(value, InputError):
            yield value
            continue
        try:
            yield _record(value, number, (path, line))
        except InputError as error:  # one bad task; the others can still be imported
            yield error


def _record(value: object, number: int, at: Location) -> Record:
    name = f"task {number}"
    task = require_object(value, name, at)
    data = require_object(task.get("data"), f'{name}: "data"', at)
    text, text_key = _text(data, name, at)
    meta: dict[str, Any] = {k: v for k, v in data.items() if k != text_key}
    meta.update(optional_object(task.get("meta"), f'{name}: "meta"', at))
    if "id" in task:
        meta["labelstudio_id"] = task["id"]
    regions = _choose(task, name, at)
    skipped: Counter[str] = Counter()
    spans: list[RawSpan] = []
    for index, item in enumerate(regions.result, 1):
        spans.extend(_region(item, f"{name}, region {index}", regions, skipped, at))
    if skipped:
        meta["labelstudio_skipped"] = dict(skipped)
    return Record(
        path=str(at[0]),
        line=at[1],
        text=text,
        spans=tuple(spans),
        status=regions.status,
        meta=meta,
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


def _annotations(task: dict[str, Any], name: str, at: Location) -> list[Any]:
    key = "annotations" if "annotations" in task else "completions"
    value = task.get(key)
    return [] if value is None else require_list(value, f'{name}: "{key}"', at)


def _choose(task: dict[str, Any], name: str, at: Location) -> _Regions:
    annotations = _annotations(task, name, at)
    for index in range(len(annotations) - 1, -1, -1):
        annotation = require_object(annotations[index], f"{name}: annotation {index + 1}", at)
        if not annotation.get("was_cancelled"):
            result = _result(annotation, f"{name}: annotation {index + 1}", at)
            return _Regions(result, SpanState.MANUAL, None, Status.DONE)
    # Every annotation was cancelled (Label Studio's "skip"), or there is none.
    status = Status.SKIPPED if annotations else Status.NEW
    prediction = _best_prediction(task, name, at)
    if prediction is None:
        return _Regions([], SpanState.SUGGESTED, None, status)
    version = prediction.get("model_version")
    if isinstance(version, int | float) and not isinstance(version, bool):
        version = str(version)  # some backends number their versions
    source = optional_str(version, f'{name}: "model_version"', at)
    result = _result(prediction, f"{name}: prediction", at)
    return _Regions(result, SpanState.SUGGESTED, source or _DEFAULT_SOURCE, status)


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
