"""`--format`'s choices: typer enums made from the table of formats.

A name that is not a choice is refused by the command, in one line ("unknown format
'xml'; choose one of ..."), as every other bad argument of ours is, not with click's
usage block; click still reports what it checks first, such as a missing argument.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from enum import StrEnum

from annotator.cli.common import fail


def choices(name: str, values: Sequence[str]) -> type[StrEnum]:
    """An enum whose members are `values`, for typer to take."""
    return StrEnum(name, [(value, value) for value in values])  # type: ignore[return-value]


def parser(enum: type[StrEnum]) -> Callable[[str], str]:
    """Typer's conversion: a member of `enum`, or the text as typed for `chosen` to refuse."""

    def parse(value: str) -> str:
        try:
            return enum(value)
        except ValueError:
            return value

    return parse


def chosen(value: str, enum: type[StrEnum]) -> str:
    """`value`, one of `enum`'s names; anything else refused in one line."""
    try:
        return str(enum(value))
    except ValueError:
        fail(f"unknown format {value!r}; choose one of {', '.join(enum)}")
