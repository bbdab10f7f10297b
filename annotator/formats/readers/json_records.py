"""Records from a JSON Lines file or from one JSON document (a list or a single object).

Tools write both: doccano's "JSONL" examples are sometimes pretty-printed, Label Studio
writes one JSON list, Prodigy reads either. Each record comes with the line it starts on,
so messages point at it in an editor. Both layouts are streamed: a list is read item by
item, so a file's size never decides how much memory reading it takes.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

from annotator.core.errors import InputError
from annotator.core.records import Record
from annotator.formats.readers.fields import Location
from annotator.formats.source import (
    DECODER,
    MAX_RECORD_CHARACTERS,
    Source,
    as_source,
    check_surrogate_escapes,
    iter_json_lines,
    parse_json,
)

_SPACE = " \t\n\r"


def read_json_records(
    path: Path, content: str | Source, build: Callable[[Any, Location], Record]
) -> Iterator[Record | InputError]:
    """Build a Record from each JSON record; a bad record yields its error and reading goes on.

    Errors are values here so that one bad line costs only that line under
    `--skip-invalid`; by default the importer still refuses the whole file.
    """
    return read_json_groups(path, content, lambda value, at: (build(value, at),))


def read_json_groups(
    path: Path, content: str | Source, build: Callable[[Any, Location], Sequence[Record]]
) -> Iterator[Record | InputError]:
    """As `read_json_records`, for a JSON record that holds several versions of a document.

    `build` checks the whole JSON record before any of its Records is yielded, so a bad
    one costs all of its versions, never some of them.
    """
    for line, value in iter_json_records(as_source(path, content)):
        if isinstance(value, InputError):
            yield value
            continue
        try:
            records = build(value, (path, line))
        except InputError as error:
            yield error
            continue
        yield from records


def iter_json_records(source: Source) -> Iterator[tuple[int, Any]]:
    """Yield (line, value) for every record, whichever of the two layouts the file uses."""
    body = source.head().removeprefix("\ufeff").lstrip(_SPACE)
    if body.startswith("["):
        yield from _ListReader(source).items()
        return
    if body.startswith("{") and not _first_line_parses(source):
        whole = _single_value(source)
        if whole is not None:
            yield whole
            return
    yield from iter_json_lines(source)


def first_json_record(source: Source) -> Any:
    """The first record in either layout, or None if the file does not start with JSON."""
    try:
        for _, value in iter_json_records(source):
            return None if isinstance(value, InputError) else value
    except InputError:
        return None
    return None


def _first_line_parses(source: Source) -> bool:
    for _, line in source.lines():
        if line.strip():
            return _parses(line)
    return False


def _single_value(source: Source) -> tuple[int, Any] | None:
    """One object spread over several lines (a pretty-printed record), or None if not."""
    try:
        text = source.whole(MAX_RECORD_CHARACTERS, "a record").removeprefix("\ufeff")
    except InputError:
        return None
    if not _parses(text):
        return None
    value = parse_json(source.path, None, text)
    return text.count("\n", 0, len(text) - len(text.lstrip(_SPACE))) + 1, value


def _parses(text: str) -> bool:
    try:
        json.loads(text)
    except (ValueError, RecursionError):
        return False
    return True


class _ListReader:
    """The items of a top-level JSON list, decoded one at a time from a growing buffer.

    The buffer drops what was read before the current item, and remembers the line and
    column it starts at, so the line and column of a JSON error are those of the file.
    """

    def __init__(self, source: Source) -> None:
        self._path = source.path
        self._chunks = source.chunks()
        self._buffer = ""
        self._line = 1  # the line the buffer starts on
        self._column = 0  # characters of that line before the buffer
        self._at = 0  # the next unread character in the buffer
        self._ended = False

    def items(self) -> Iterator[tuple[int, Any]]:
        self._skip_space(bom=True)
        self._expect("[")
        self._skip_space()
        if self._peek() == "]":
            self._at += 1
            self._finish()
            return
        while True:
            yield self._item()
            self._skip_space()
            mark = self._peek()
            if mark == "]":
                self._at += 1
                self._finish()
                return
            self._expect(",")
            self._skip_space()

    def _item(self) -> tuple[int, Any]:
        start = self._at
        while True:
            try:
                value, end = DECODER.raw_decode(self._buffer, self._at)
            except json.JSONDecodeError as error:
                if self._more(start):
                    start = self._at
                    continue
                raise self._error(error.pos, error.msg) from None
            except RecursionError:
                raise InputError(
                    self._path, self._line_at(start), "invalid JSON: nested too deeply"
                ) from None
            except ValueError as error:
                raise InputError(
                    self._path, self._line_at(start), f"invalid JSON: {error}"
                ) from None
            if end == len(self._buffer) and self._more(start):  # a number may go on
                start = self._at
                continue
            break
        line = self._line_at(start)
        check_surrogate_escapes(self._path, line, self._buffer, value, start, end)
        self._at = end
        return line, value

    def _more(self, keep_from: int) -> bool:
        """Read another chunk; the buffer keeps what starts at `keep_from`."""
        if self._ended:
            return False
        piece = next(self._chunks, None)
        if piece is None:
            self._ended = True
            return False
        if len(self._buffer) - keep_from > MAX_RECORD_CHARACTERS:
            raise InputError(
                self._path,
                self._line_at(keep_from),
                f"a record longer than {MAX_RECORD_CHARACTERS:,} characters, more than one "
                "record may hold",
            )
        newline = self._buffer.rfind("\n", 0, keep_from)
        if newline >= 0:
            self._line += self._buffer.count("\n", 0, keep_from)
            self._column = keep_from - newline - 1
        else:
            self._column += keep_from
        self._buffer = self._buffer[keep_from:] + piece
        self._at -= keep_from
        return True

    def _peek(self) -> str:
        while self._at >= len(self._buffer):
            if not self._more(self._at):
                return ""
        return self._buffer[self._at]

    def _skip_space(self, *, bom: bool = False) -> None:
        while True:
            char = self._peek()
            if (char in _SPACE and char) or (bom and char == "\ufeff"):
                self._at += 1
                bom = False
                continue
            return

    def _expect(self, mark: str) -> None:
        char = self._peek()
        if char != mark:
            expected = "',' delimiter" if mark == "," else repr(mark)
            raise self._error(self._at, f"Expecting {expected}")
        self._at += 1

    def _finish(self) -> None:
        self._skip_space()
        if self._peek():
            raise self._error(self._at, "Extra data")

    def _line_at(self, index: int) -> int:
        return self._line + self._buffer.count("\n", 0, index)

    def _error(self, index: int, reason: str) -> InputError:
        newline = self._buffer.rfind("\n", 0, index)
        column = index - newline if newline >= 0 else self._column + index + 1
        return InputError(
            self._path, self._line_at(index), f"invalid JSON (column {column}: {reason})"
        )
