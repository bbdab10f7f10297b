"""Which reader reads which file."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

from annotator.core.errors import InputError
from annotator.core.records import Record
from annotator.formats import table
from annotator.formats.readers import doccano
from annotator.formats.readers.json_records import first_json_record
from annotator.formats.source import MAX_RECORD_CHARACTERS, Source, as_source

AUTO = "auto"  # --format auto: told from the file


def import_formats() -> list[str]:
    """What `annotator import --format` takes: auto, then every format the table reads."""
    return [AUTO, *(row.name for row in table.readable())]


def folder_suffixes() -> frozenset[str]:
    """The files a folder import picks up (a companion, brat's `.ann`, comes with its file)."""
    return frozenset(suffix for row in table.readable() for suffix in row.suffixes)


def detect_format(path: Path, content: str | Source) -> str:
    """Guess the format of `path` from its name, its neighbours and its first record.

    Formats annotator recognises but cannot read are refused here, with what they are.
    """
    content = as_source(path, content)
    suffix = path.suffix.lower()
    if suffix == ".ann" or (suffix == ".txt" and path.with_suffix(".ann").is_file()):
        return "brat"
    if suffix in {".txt", ".md"}:
        _refuse_token_per_line(path, content)
        return "text"
    if suffix in {".json", ".jsonl"}:
        return _sniff_json(path, content)
    raise InputError(
        path, None, f"cannot tell the format from the name {path.name!r}; pass --format"
    )


def _sniff_json(path: Path, content: Source) -> str:
    """Label Studio, doccano or Prodigy, from the keys of the first record.

    `.json` and `.jsonl` are sniffed alike: doccano examples named `.jsonl` are sometimes
    one pretty-printed object, and some tools write JSON Lines into `.json` files.
    """
    record = first_json_record(content)
    if not isinstance(record, dict):
        return "labelstudio" if path.suffix.lower() == ".json" else "prodigy"
    if "paragraphs" in record:
        raise InputError(
            path,
            None,
            "is spaCy's v2 JSON training format (paragraphs of tokens with BILUO tags), which "
            "annotator does not read; import the texts as Prodigy JSONL with character spans",
        )
    if isinstance(record.get("data"), dict) or "predictions" in record or "completions" in record:
        return "labelstudio"
    if "spans" in record or "tokens" in record:
        return "prodigy"
    if any(key in record for key in doccano.SPAN_KEYS) or "data" in record:
        return "doccano"
    if any(_looks_like_triples(value) for value in record.values()):
        return "doccano"  # doccano with custom column names: its reader explains
    return "prodigy"


def _looks_like_triples(value: object) -> bool:
    return isinstance(value, list) and bool(value) and isinstance(value[0], list)


_IOB_LINE = re.compile(r"\S+(?:[ \t]+\S+)*[ \t]+(?:O|[BIESLU]-\S+)")  # tag last


def _refuse_token_per_line(path: Path, content: Source) -> None:
    """A `.txt` holding one token and its tag per line is CoNLL/IOB, not an article."""
    text = content.head()
    head = text[:4096].splitlines()[:-1]  # whole lines only
    first = next((line.strip() for line in head if line.strip()), None)
    if first is not None and not _IOB_LINE.fullmatch(first):
        return  # an article: told from its first line without splitting the whole file
    lines = [line.strip() for line in text.splitlines()[:200] if line.strip()]
    if len(lines) >= 3 and all(_IOB_LINE.fullmatch(line) for line in lines):
        raise InputError(
            path,
            None,
            "looks like token-per-line CoNLL/IOB data (a token and a tag such as B-PER on "
            "each line), which annotator does not import; import the original articles",
        )


def _refuse_lone_ann(ann_path: Path, encoding: str) -> None:
    """An `.ann` file without its `.txt`: brat without the text, or another tool's format."""
    content = Source(ann_path, encoding).whole(MAX_RECORD_CHARACTERS, "an annotation file")
    if _YEDDA.search(content):
        raise InputError(
            ann_path,
            None,
            "holds YEDDA inline annotations ([@text#Label*]), not brat standoff; annotator "
            "does not import YEDDA files",
        )
    raise InputError(
        ann_path,
        None,
        f"is a brat annotation file, but its text {ann_path.with_suffix('.txt').name} "
        "is missing; put the .txt next to it",
    )


_YEDDA = re.compile(r"\[@[^\]\n]*?[#\uff03][^\]\n]*?\*\]")


def read_file(path: Path, fmt: str = AUTO, *, encoding: str = "utf-8") -> list[Record | InputError]:
    """All records of one file, or `InputError` for the first thing wrong with it."""
    return list(iter_file(path, fmt, encoding=encoding))


def iter_file(
    path: Path, fmt: str = AUTO, *, encoding: str = "utf-8"
) -> Iterator[Record | InputError]:
    """The records of one file as they are read; `InputError` for what is wrong with it.

    A problem with the file as a whole (it cannot be decoded, a JSON list breaks off) is
    raised, perhaps after some records: the caller refuses the whole file.
    """
    if path.is_dir():
        raise InputError(path, None, "is a directory, not a file")
    if fmt in {"brat", AUTO} and path.suffix.lower() == ".ann":
        if not path.with_suffix(".txt").is_file():
            _refuse_lone_ann(path, encoding)
        path = path.with_suffix(".txt")
    source = Source(path, encoding)
    source.check()
    name = detect_format(path, source) if fmt == AUTO else fmt
    reader = table.reading(name)
    if reader is None:
        names = ", ".join(row.name for row in table.readable())
        raise InputError(path, None, f"unknown format {name!r} (formats: {names})")
    count = 0
    for record in reader.read(path, source):
        count += 1
        yield record
    if not count:
        raise InputError(path, None, "holds no records (only blank lines)")
