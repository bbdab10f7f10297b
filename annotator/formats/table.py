"""Every file format annotator reads or writes, one row each.

A row says what `--format` takes, what the window calls the format, the endings of its
files, what reads it, what writes it and which spans a file of it can hold. The command
line's choices, the Import and Export dialogs, the import's folder walk and the export
all read this table; adding a format is its module and its row.

Readers are held as functions. Writers are named as `"module:factory"` and imported
by `services` when an export needs one: the `.spacy` writer needs spaCy and lives in
`annotator.nlp`, which `formats` never imports, and naming every writer the same way
keeps this table (and `--help`, and the dialogs) free of spaCy's second of import time.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from annotator.core.errors import InputError
from annotator.core.model import SpanState
from annotator.core.records import Record
from annotator.formats.readers import brat, doccano, labelstudio, prodigy, text
from annotator.formats.source import Source

# A reader yields a Record per record, or the InputError that record raised; it raises an
# InputError when the file as a whole cannot be read (perhaps after some records).
Reader = Callable[[Path, Source], Iterator[Record | InputError]]

GOLD = frozenset({SpanState.ACCEPTED, SpanState.MANUAL})
EVERY_STATE = frozenset(SpanState)


@dataclass(frozen=True, slots=True)
class FileKind:
    """An entry of the Import dialog's file filter; rows may share one."""

    name: str
    suffixes: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Reading:
    """How a format is imported."""

    read: Reader
    listed_under: FileKind | None = None  # None: only in the dialog's entry for every file
    # A file read through the one of the same name with the row's first suffix (brat's
    # `.ann`): the dialog lists it, a folder import does not pick it up on its own.
    companion: str | None = None


@dataclass(frozen=True, slots=True)
class Writing:
    """How a format is exported."""

    factory: str  # "module:attribute" of a `formats.writers.WriterFactory`
    # The span states a file holds with --include-suggestions; gold spans always go out.
    carries: frozenset[SpanState] = GOLD
    tokens: bool = True  # the writer needs each document's tokens
    token_json: bool = False  # ... and the Prodigy token JSON the store keeps with them
    binary: bool = False
    # The writer gets each document's top version, then every version of it (all of
    # one document's in a row, `--version all`'s order) and writes them as one record.
    versions: bool = False
    left_out: str = "spans whose boundaries are not token boundaries"  # what it cannot hold

    @property
    def gold_only(self) -> bool:
        return self.carries <= GOLD


@dataclass(frozen=True, slots=True)
class Format:
    name: str  # what --format takes
    title: str  # what the window shows
    suffixes: tuple[str, ...]  # file name endings; an export is named with the first
    reader: Reading | None = None
    writer: Writing | None = None


PLAIN_TEXT = FileKind("Plain text", (".txt", ".md"))
JSON_LINES = FileKind("JSON Lines", (".jsonl",))

FORMATS: tuple[Format, ...] = (
    Format("text", "Plain text", (".txt", ".md"), Reading(text.read, PLAIN_TEXT)),
    Format(
        "prodigy",
        "Prodigy JSONL",
        (".jsonl", ".json"),
        Reading(prodigy.read, JSON_LINES),
        Writing("annotator.formats.writers.prodigy:Writer", carries=EVERY_STATE, token_json=True),
    ),
    Format(
        "prodigy-review",
        "Prodigy review JSONL",
        (".jsonl", ".json"),
        # `import` reads it as Prodigy (`--format prodigy`, or found by `auto`).
        writer=Writing(
            "annotator.formats.writers.prodigy_review:Writer",
            carries=EVERY_STATE,
            versions=True,
        ),
    ),
    Format(
        "doccano",
        "doccano JSONL",
        (".jsonl", ".json"),
        Reading(doccano.read, JSON_LINES),
        Writing(
            "annotator.formats.writers.doccano:Writer",
            carries=EVERY_STATE - {SpanState.REJECTED},  # doccano cannot say "rejected"
            tokens=False,
        ),
    ),
    Format(
        "labelstudio",
        "Label Studio JSON",
        (".json",),
        Reading(labelstudio.read, FileKind("Label Studio JSON", (".json",))),
    ),
    Format("brat", "brat standoff", (".txt",), Reading(brat.read, companion=".ann")),
    Format(
        "spacy",
        "spaCy DocBin",
        (".spacy",),
        writer=Writing("annotator.nlp.docbin:FileWriter", binary=True),
    ),
    Format(
        "conll",
        "CoNLL 2003",
        (".conll",),
        writer=Writing(
            "annotator.formats.writers.conll:Writer",
            left_out="overlapping spans (CoNLL holds no overlaps) or spans off token boundaries",
        ),
    ),
)


def readable() -> list[Format]:
    """The formats `annotator import` reads, in the table's order."""
    return [row for row in FORMATS if row.reader is not None]


def writable() -> list[Format]:
    """The formats `annotator export` writes, in the table's order."""
    return [row for row in FORMATS if row.writer is not None]


def named_suffixes() -> list[str]:
    """Every ending of a file an import reads when it is named, companions too."""
    found = [
        suffix
        for row in FORMATS
        if row.reader is not None
        for suffix in (*row.suffixes, *filter(None, [row.reader.companion]))
    ]
    return list(dict.fromkeys(found))


def file_kinds() -> list[FileKind]:
    """The kinds of file the Import dialog's filter lists, in the table's order."""
    kinds = [row.reader.listed_under for row in FORMATS if row.reader is not None]
    return list(dict.fromkeys(kind for kind in kinds if kind is not None))


def reading(name: str) -> Reading | None:
    return next((row.reader for row in FORMATS if row.name == name), None)


def writing(name: str) -> Writing | None:
    return next((row.writer for row in FORMATS if row.name == name), None)
