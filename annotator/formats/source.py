"""Reading input files: bytes to text, and JSON Lines to values, with exact locations.

Every failure is an `InputError` naming the file, the line and the reason.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from annotator.core.errors import InputError

_BINARY_SNIFF = 8192
_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F][0-9a-fA-F]{2}")


def read_text(path: Path, encoding: str = "utf-8") -> str:
    """The decoded contents of `path`; a leading UTF-8 BOM is kept (the caller decides)."""
    if path.is_dir():
        raise InputError(path, None, "is a directory, not a file")
    try:
        data = path.read_bytes()
    except OSError as error:
        raise InputError(path, None, f"cannot be read: {error.strerror or error}") from None
    return decode(path, data, encoding)


def decode(path: Path, data: bytes, encoding: str = "utf-8") -> str:
    if not data:
        raise InputError(path, None, "is empty")
    if encoding.lower().replace("-", "").replace("_", "") in {"utf8", "utf8sig"}:
        if data.startswith((b"\xff\xfe", b"\xfe\xff")):
            raise InputError(
                path,
                None,
                "is UTF-16 (it starts with a UTF-16 byte-order mark); use --encoding utf-16",
            )
        if b"\x00" in data[:_BINARY_SNIFF]:
            raise InputError(
                path,
                _line_of(data, data.index(b"\x00")),
                "contains NUL bytes: it looks like a binary file, not text",
            )
    try:
        return data.decode(encoding)
    except LookupError:
        raise InputError(path, None, f"unknown encoding {encoding!r}") from None
    except UnicodeDecodeError as error:
        raise InputError(
            path,
            _line_of(data, error.start),
            f"is not valid {encoding} (byte offset {error.start}: {error.reason}); "
            "if the file uses another encoding, pass it with --encoding "
            "(for example --encoding latin-1)",
        ) from None


def _line_of(data: bytes, offset: int) -> int:
    return data.count(b"\n", 0, offset) + 1


def iter_json_lines(path: Path, text: str) -> Iterator[tuple[int, Any]]:
    """Yield (line number, value) for each non-blank line of a JSON Lines text.

    A line that is not valid JSON yields its `InputError` as the value, so the lines
    after it can still be read (`--skip-invalid` imports them).
    """
    if text.startswith("\ufeff"):
        text = text[1:]
    for number, line in enumerate(text.split("\n"), start=1):
        if not line.strip():
            continue
        try:
            yield number, parse_json(path, number, line)
        except InputError as error:
            yield number, error


def _unique_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    """An object whose keys are all different: with a key twice, which value is meant?"""
    value = dict(pairs)
    if len(value) != len(pairs):
        seen: set[str] = set()
        for key, _ in pairs:
            if key in seen:
                shown = json.dumps(key, ensure_ascii=False)
                raise ValueError(f"the key {shown} appears twice in one object")
            seen.add(key)
    return value


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a JSON number (JSON has no NaN or Infinity)")


_DECODER = json.JSONDecoder(object_pairs_hook=_unique_keys, parse_constant=_no_constant)


def parse_json(path: Path, line: int | None, text: str) -> Any:
    """Parse one JSON value; errors say where and why, deep nesting included."""
    # The standard parser, not srsly's ujson: ujson rounds some floats (seen on real
    # Prodigy scores), and the error positions of the standard one are exact.
    try:
        value = _DECODER.decode(text)
    except json.JSONDecodeError as error:
        at = line if line is not None else error.lineno
        raise InputError(path, at, f"invalid JSON (column {error.colno}: {error.msg})") from None
    except RecursionError:
        raise InputError(path, line, "invalid JSON: nested too deeply") from None
    except ValueError as error:
        raise InputError(path, line, f"invalid JSON: {error}") from None
    if _SURROGATE_ESCAPE.search(text):
        _refuse_lone_surrogates(path, line, value)
    return value


def _refuse_lone_surrogates(path: Path, line: int | None, value: Any) -> None:
    """A `\\ud800` escape without its pair decodes to no character at all.

    Python keeps it as a lone surrogate, which no UTF-8 file or database can hold; only
    lines holding such an escape are checked (a pair becomes one astral character).
    """
    try:
        json.dumps(value, ensure_ascii=False).encode("utf-8")
    except UnicodeEncodeError as error:
        code = ord(error.object[error.start])
        raise InputError(
            path,
            line,
            f"invalid JSON: the escape \\u{code:04x} is half of a UTF-16 surrogate pair "
            "without its other half, which is not a character",
        ) from None
