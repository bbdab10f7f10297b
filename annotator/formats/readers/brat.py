"""brat standoff: a `.txt` article and its `.ann` annotations side by side.

brat offsets are code points into the `.txt` exactly as stored, so the text is kept as it
is (line endings included). Only continuous text-bound (`T`) entities become spans.
Discontinuous entities, event triggers, relations, events, attributes, normalisations,
notes and equivalences have no place in a span list: they are counted by kind in
`meta["brat_skipped"]` so that the user learns what was left out.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from annotator.core.errors import InputError
from annotator.core.model import SpanState, Status
from annotator.core.records import RawSpan, Record
from annotator.formats.source import MAX_RECORD_CHARACTERS, Source, as_source

_SKIPPED_KINDS = {
    "R": "relation",
    "E": "event",
    "A": "attribute",
    "M": "attribute",  # brat's older name for attributes ("modifications")
    "N": "normalization",
    "#": "note",
    "*": "equivalence",
}


@dataclass
class _Annotations:
    spans: dict[str, RawSpan] = field(default_factory=dict)  # by brat id, in file order
    lines: dict[str, int] = field(default_factory=dict)  # the line each id is on
    triggers: set[str] = field(default_factory=set)
    skipped: Counter[str] = field(default_factory=Counter)


def read(path: Path, content: str | Source) -> Iterator[Record | InputError]:
    """`path` is the `.txt` file; its `.ann` sibling is read here."""
    text = as_source(path, content).whole()
    ann_path = path.with_suffix(".ann")
    if not ann_path.is_file():
        raise InputError(path, None, f"has no brat annotation file {ann_path.name} next to it")
    found = _parse(ann_path, _read_ann(ann_path), text)
    spans = [span for key, span in found.spans.items() if key not in found.triggers]
    found.skipped["event trigger"] += len(found.spans) - len(spans)
    meta: dict[str, object] = {"file": path.name}
    skipped = {kind: count for kind, count in found.skipped.items() if count}
    if skipped:
        meta["brat_skipped"] = skipped
    annotated = bool(found.spans) or bool(skipped)
    yield Record(
        path=str(path),
        line=None,
        text=text,
        spans=tuple(spans),
        status=Status.DONE if annotated else Status.NEW,
        meta=meta,
        not_imported=skipped,
    )


def _read_ann(ann_path: Path) -> str:
    """brat writes an empty `.ann` for a document nobody annotated yet."""
    if ann_path.stat().st_size == 0:
        return ""
    return Source(ann_path).whole(MAX_RECORD_CHARACTERS, "an annotation file")


def _parse(ann_path: Path, ann: str, text: str) -> _Annotations:
    found = _Annotations()
    for number, raw in enumerate(ann.removeprefix("\ufeff").split("\n"), 1):
        line = raw.rstrip("\r")
        if not line.strip():
            continue
        kind = line[0]
        if kind == "T":
            _text_bound(line, text, found, (ann_path, number))
        elif kind in _SKIPPED_KINDS:
            found.skipped[_SKIPPED_KINDS[kind]] += 1
            if kind == "E":
                found.triggers.add(_trigger(line))
        else:
            raise InputError(
                ann_path,
                number,
                "is not a brat annotation line (expected an id such as T1, R1, E1, A1, N1, "
                f"#1 or *, then a tab), found {line[:40]!r}",
            )
    return found


def _text_bound(line: str, text: str, found: _Annotations, at: tuple[Path, int]) -> None:
    """A `T` line: `T1<tab>Label start end[;start end...]<tab>covered text`."""
    parts = line.split("\t", 2)
    if len(parts) < 2:
        raise InputError(
            *at, f"expected an id, a tab, a label and offsets (T1<tab>Person 0 4), found {line!r}"
        )
    ident, body = parts[0], parts[1]
    if ident in found.lines:
        raise InputError(
            *at,
            f"{ident} is used twice, on lines {found.lines[ident]} and {at[1]}; each entity "
            "needs an id of its own",
        )
    found.lines[ident] = at[1]
    label, _, offsets = body.partition(" ")
    fragments = offsets.split(";")
    pairs = [_offsets(fragment, ident, at) for fragment in fragments]
    if len(pairs) > 1:
        found.skipped["discontinuous"] += 1
        return
    start, end = pairs[0]
    written = parts[2] if len(parts) > 2 else None
    if "\n" in text[start:end] or "\r" in text[start:end]:
        written = None  # brat writes line breaks inside a span as spaces
    found.spans[ident] = RawSpan(start, end, label, SpanState.MANUAL, text=written)


def _offsets(fragment: str, ident: str, at: tuple[Path, int]) -> tuple[int, int]:
    numbers = fragment.split()
    if len(numbers) != 2 or not all(number.isascii() and number.isdigit() for number in numbers):
        raise InputError(
            *at, f"{ident}: expected a label and two whole numbers (start end), found {fragment!r}"
        )
    return int(numbers[0]), int(numbers[1])


def _trigger(line: str) -> str:
    """The id of the `T` line an `E` line uses as its trigger (`E1<tab>Type:T3 Role:T1`)."""
    parts = line.split("\t")
    first = parts[1].split(" ", 1)[0] if len(parts) > 1 else ""
    return first.partition(":")[2]
