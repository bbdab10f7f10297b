"""Which reader reads which file."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

from annotator.core.errors import InputError
from annotator.core.records import Record
from annotator.formats.readers import text
from annotator.formats.source import read_text

Reader = Callable[[Path, str], Iterator[Record]]

READERS: dict[str, Reader] = {
    "text": text.read,
}

IMPORT_FORMATS = ("auto", "text", "prodigy", "doccano", "labelstudio", "brat")

# Files a folder import picks up; brat `.ann` files are read together with their `.txt`.
SUFFIXES = frozenset({".txt", ".md", ".jsonl", ".json"})


def detect_format(path: Path, content: str) -> str:
    """Guess the format of `path` from its name, its neighbours and its first record."""
    suffix = path.suffix.lower()
    if suffix == ".ann" or (suffix == ".txt" and path.with_suffix(".ann").is_file()):
        return "brat"
    if suffix in {".txt", ".md"}:
        return "text"
    if suffix == ".json":
        return "labelstudio"
    if suffix == ".jsonl":
        return _sniff_jsonl(content)
    raise InputError(
        path, None, f"cannot tell the format from the name {path.name!r}; pass --format"
    )


def _sniff_jsonl(content: str) -> str:
    """doccano if the first record carries doccano's keys, Prodigy otherwise."""
    for line in content.splitlines()[:50]:
        stripped = line.strip()
        if not stripped:
            continue
        head = stripped[:2000]
        if '"label"' in head or '"labels"' in head or '"entities"' in head or '"data"' in head:
            if '"spans"' not in head:
                return "doccano"
        return "prodigy"
    return "prodigy"


def read_file(path: Path, fmt: str = "auto", *, encoding: str = "utf-8") -> list[Record]:
    """All records of one file, or `InputError` for the first thing wrong with it."""
    if path.is_dir():
        raise InputError(path, None, "is a directory, not a file")
    if fmt == "brat" or (fmt == "auto" and path.suffix.lower() == ".ann"):
        path = path.with_suffix(".txt") if path.suffix.lower() == ".ann" else path
    content = read_text(path, encoding)
    name = detect_format(path, content) if fmt == "auto" else fmt
    reader = READERS.get(name)
    if reader is None:
        raise InputError(path, None, f"unknown format {name!r} (formats: {', '.join(READERS)})")
    return list(reader(path, content))
