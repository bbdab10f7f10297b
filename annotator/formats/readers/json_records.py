"""Records from a JSON Lines file or from one JSON document (a list or a single object).

Tools write both: doccano's "JSONL" examples are sometimes pretty-printed, Label Studio
writes one JSON list, Prodigy reads either. Each record comes with the line it starts on,
so messages point at it in an editor.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from annotator.core.errors import InputError
from annotator.core.records import Record
from annotator.formats.readers.fields import Location
from annotator.formats.source import iter_json_lines, parse_json

_DECODER = json.JSONDecoder()
_SPACE = " \t\n\r"


def read_json_records(
    path: Path, text: str, build: Callable[[Any, Location], Record]
) -> Iterator[Record | InputError]:
    """Build a Record from each JSON record; a bad record yields its error and reading goes on.

    Errors are values here so that one bad line costs only that line under
    `--skip-invalid`; by default the importer still refuses the whole file.
    """
    for line, value in iter_json_records(path, text):
        if isinstance(value, InputError):
            yield value
            continue
        try:
            yield build(value, (path, line))
        except InputError as error:
            yield error


def iter_json_records(path: Path, text: str) -> Iterator[tuple[int, Any]]:
    """Yield (line, value) for every record, whichever of the two layouts `text` uses."""
    if _is_document(text):
        yield from iter_json_document(path, text)
    else:
        yield from iter_json_lines(path, text)


def iter_json_document(path: Path, text: str) -> Iterator[tuple[int, Any]]:
    """Yield (line, item) for each item of a top-level list, else the one top-level value."""
    body = text.removeprefix("\ufeff")
    value = parse_json(path, None, body)
    if isinstance(value, list):
        yield from zip(_item_lines(body), value, strict=True)
    else:
        yield _line_at(body, len(body) - len(body.lstrip(_SPACE))), value


def first_json_record(text: str) -> Any:
    """The first record of `text` in either layout, or None if it is not JSON at all."""
    body = text.removeprefix("\ufeff")
    try:
        if _is_document(body):
            value = json.loads(body)
            return value[0] if isinstance(value, list) and value else value
        return json.loads(_first_line(body))
    except (ValueError, RecursionError):
        return None


def _is_document(text: str) -> bool:
    """True for a list, or for an object spread over several lines (not JSON Lines)."""
    body = text.removeprefix("\ufeff").lstrip(_SPACE)
    if body.startswith("["):
        return True
    if not body.startswith("{"):
        return False
    end = body.find("\n")
    first_line = body if end < 0 else body[:end]
    try:
        json.loads(first_line)
    except (ValueError, RecursionError):
        return _parses(body)
    return False


def _first_line(text: str) -> str:
    """The first line holding more than whitespace, or "" (without splitting the rest)."""
    start = 0
    while (end := text.find("\n", start)) >= 0:
        if text[start:end].strip():
            return text[start:end]
        start = end + 1
    return text[start:] if text[start:].strip() else ""


def _parses(text: str) -> bool:
    try:
        json.loads(text)
    except (ValueError, RecursionError):
        return False
    return True


def _item_lines(body: str) -> Iterator[int]:
    """The line each item of an already-validated top-level JSON list starts on."""
    index = body.index("[") + 1
    line = _line_at(body, index)
    position = index
    while True:
        index = _skip(body, index, _SPACE + ",")
        if index >= len(body) or body[index] == "]":
            return
        line += body.count("\n", position, index)
        position = index
        yield line
        _, index = _DECODER.raw_decode(body, index)


def _skip(text: str, index: int, chars: str) -> int:
    while index < len(text) and text[index] in chars:
        index += 1
    return index


def _line_at(text: str, index: int) -> int:
    return text.count("\n", 0, index) + 1
