"""`patterns.jsonl`, the file of spaCy's `EntityRuler` and Prodigy: read and written.

One JSON object a line, `{"label": ..., "pattern": ..., "id": ...}`; blank lines are
skipped. Reading gives each line's `Pattern` or the `InputError` that names its file,
line and reason; writing gives the lines the `EntityRuler` loads as they are.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import IO, Any

from annotator.core.errors import InputError
from annotator.core.patterns import Pattern, pattern_from_json
from annotator.formats.source import Source, iter_json_lines


def read_patterns(
    path: Path, encoding: str = "utf-8"
) -> Iterator[tuple[int, Pattern | InputError]]:
    """(line number, the line's pattern or why it is not one), line by line.

    A file that cannot be read at all (missing, binary, not text) raises its
    `InputError` at once.
    """
    source = Source(path, encoding)
    source.check()
    for number, value in iter_json_lines(source):
        if isinstance(value, InputError):
            yield number, value
            continue
        try:
            yield number, pattern_from_json(value)
        except ValueError as error:
            yield number, InputError(path, number, str(error))


def write_patterns(handle: IO[bytes], lines: Iterable[dict[str, Any]]) -> int:
    """Write `lines` (from `core.patterns.exported`) as JSON Lines; returns how many."""
    count = 0
    for line in lines:
        handle.write(json.dumps(line, ensure_ascii=False).encode("utf-8") + b"\n")
        count += 1
    return count
