"""Plain-text articles (`.txt`, `.md`): one file is one document."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from annotator.core.errors import InputError
from annotator.core.records import Record
from annotator.core.text import normalize_newlines
from annotator.formats.source import Source, as_source

_TITLE_MAX = 300


def read(path: Path, content: str | Source) -> Iterator[Record | InputError]:
    """Line endings become `\\n` and a leading BOM goes; nothing else changes.

    A short first line followed by a blank line is taken as the headline and kept in
    `meta["title"]` (it also stays in the text, where it can be annotated).
    """
    text = normalize_newlines(as_source(path, content).whole())
    if not text.strip():
        raise InputError(path, None, "is empty (only whitespace)")
    meta: dict[str, object] = {"file": path.name}
    first, _, rest = text.lstrip("\n").partition("\n")
    if first.strip() and len(first) <= _TITLE_MAX and rest.startswith("\n"):
        meta["title"] = first.strip()
    yield Record(path=str(path), line=None, text=text, meta=meta)
