"""Help that reads like spaCy's: `<path>...` for a list of paths, not `<list[Path]>`."""

from __future__ import annotations

import re
from typing import Any

from typer.core import TyperCommand

_LIST_TYPE = re.compile(r"<list\[(\w+)\]>")


class ReadableHelp(TyperCommand):
    """A command whose repeatable arguments and options show the type of one value."""

    def format_options(self, ctx: Any, formatter: Any) -> None:
        found: dict[str, list[tuple[str, str]]] = {"argument": [], "option": []}
        for param in self.get_params(ctx):
            record = param.get_help_record(ctx)
            if record is not None and param.param_type_name in found:
                name, text = record
                found[param.param_type_name].append((_LIST_TYPE.sub(_one_value, name), text))
        for title, kind in (("Arguments", "argument"), ("Options", "option")):
            if found[kind]:
                with formatter.section(title):
                    formatter.write_dl(found[kind])


def _one_value(found: re.Match[str]) -> str:
    return f"<{found.group(1).lower()}>..."
