"""Structural checks on decoded JSON values, with messages a non-programmer can act on.

Readers only check that a field has the right type; whether offsets fit the text is
`annotator.core.validation`'s job. `what` names the field as the user should read it,
e.g. `span 2: "start"`.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from annotator.core.errors import InputError

Location = tuple[Path, int | None]


def describe(value: object) -> str:
    """A value as a user would recognise it from the file."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        shown = value if len(value) <= 40 else value[:40] + "..."
        return "the string " + json.dumps(shown, ensure_ascii=False)
    if isinstance(value, int | float):
        return f"the number {value!r}"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "an object"
    return type(value).__name__


def fail(at: Location, reason: str) -> InputError:
    """The error to raise for a problem at `at` (raise it at the call site)."""
    return InputError(at[0], at[1], reason)


def require_object(value: object, what: str, at: Location) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise fail(at, f"{what} must be an object {{...}}, not {describe(value)}")
    return value


def require_list(value: object, what: str, at: Location) -> list[Any]:
    if not isinstance(value, list):
        raise fail(at, f"{what} must be a list [...], not {describe(value)}")
    return value


def require_int(value: object, what: str, at: Location) -> int:
    """A JSON integer: `true`, `5.0` and `"5"` are not offsets."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise fail(at, f"{what} must be a whole number, not {describe(value)}")
    return value


def require_str(value: object, what: str, at: Location) -> str:
    if not isinstance(value, str):
        raise fail(at, f"{what} must be a string, not {describe(value)}")
    return value


def optional_str(value: object, what: str, at: Location) -> str | None:
    return None if value is None else require_str(value, what, at)


def optional_number(value: object, what: str, at: Location) -> float | None:
    """An int or float as given (floats are kept exactly); null means absent."""
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise fail(at, f"{what} must be a number, not {describe(value)}")
    return float(value)


def optional_object(value: object, what: str, at: Location) -> dict[str, Any]:
    return {} if value is None else require_object(value, what, at)


def field_names(record: Mapping[str, Any]) -> str:
    """The keys of a record, for messages about a missing field."""
    names = ", ".join(json.dumps(key, ensure_ascii=False) for key in list(record)[:12])
    return names or "none"
