"""A corpus of hostile input files, generated into a folder at test time.

Each case is a file (or folder) and what `annotator import` must do with it: refuse it
with a message holding given words (and the line, where the file has lines), or import it
exactly when it is legitimate input (maybe with extra options such as `--encoding`).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

BIG_ARTICLE_BYTES = 50 * 1024 * 1024


@dataclass(frozen=True)
class Case:
    """One hostile file: `name` is created in the corpus folder by `write`."""

    name: str
    write: Callable[[Path], None]
    # Refused: every word appears in the one-line message; `line` is the line it names.
    words: tuple[str, ...] = ()
    line: int | None = None
    # Imported: how many documents, and (optionally) the exact text of the first.
    imports: int | None = None
    text: str | None = None
    args: tuple[str, ...] = field(default=())
    path: str | None = None  # what to pass to `import`, when not the file itself
    names: str | None = None  # the file the message names, when not the one imported
    pending: str | None = None  # why the product does not do this yet (an expected failure)

    @property
    def refused(self) -> bool:
        return self.imports is None


def _bytes(data: bytes) -> Callable[[Path], None]:
    return lambda path: path.write_bytes(data)


def _lines(*records: object) -> Callable[[Path], None]:
    """JSON Lines, one record per line; a `str` record is written as it is."""
    rows = [r if isinstance(r, str) else json.dumps(r, ensure_ascii=False) for r in records]
    return _bytes(("\n".join(rows) + "\n").encode("utf-8"))


def _task(text: str, *spans: tuple[object, object, object], **extra: object) -> dict[str, object]:
    items = [{"start": s, "end": e, "label": label} for s, e, label in spans]
    return {"text": text, "spans": items, "answer": "accept", **extra}


def _brat(text: str, ann: str) -> Callable[[Path], None]:
    def write(path: Path) -> None:
        path.write_text(text, encoding="utf-8", newline="")
        path.with_suffix(".ann").write_text(ann, encoding="utf-8", newline="")

    return write


def _folder(path: Path) -> None:
    path.mkdir()


def _big_article(path: Path) -> None:
    """About 50 MB of prose, written in chunks (never held twice in memory)."""
    sentence = "Ada Lovelace met Charles Babbage in London on a wet Tuesday. "
    chunk = (sentence * 1000).encode("utf-8")
    with path.open("wb") as handle:
        for _ in range(BIG_ARTICLE_BYTES // len(chunk) + 1):
            handle.write(chunk)


def _labelstudio(text: str, start: int, end: int, covered: str) -> Callable[[Path], None]:
    region = {
        "from_name": "label",
        "to_name": "text",
        "type": "labels",
        "value": {"start": start, "end": end, "text": covered, "labels": ["PER"]},
    }
    task = {"data": {"text": text}, "annotations": [{"result": [region]}]}
    return _bytes(json.dumps([task], indent=2).encode("utf-8"))


_NESTED = "[" * 10_000 + "]" * 10_000
_ALICE = "Alice met Bob in Paris."

CASES: tuple[Case, ...] = (
    # Encodings.
    Case(
        "invalid_utf8.jsonl",
        _bytes(b'{"text": "ok"}\n{"text": "caf\xe9 au lait"}\n'),
        ("not valid utf-8", "--encoding"),
        line=2,
    ),
    Case("invalid_utf8.txt", _bytes(b"Hello\nwor\xffld\n"), ("not valid utf-8",), line=2),
    Case(
        "utf16_bom.jsonl",
        _bytes(json.dumps({"text": _ALICE}).encode("utf-16")),
        ("UTF-16", "--encoding utf-16"),
    ),
    Case(
        "utf16_bom_given.jsonl",
        _bytes(json.dumps({"text": _ALICE}).encode("utf-16")),
        imports=1,
        text=_ALICE,
        args=("--encoding", "utf-16"),
    ),
    Case(
        "utf16_bom_given.txt",
        _bytes("Zoë in Zürich.\n".encode("utf-16")),
        imports=1,
        text="Zoë in Zürich.\n",
        args=("--encoding", "utf-16"),
    ),
    Case(
        "utf16le_no_bom.jsonl",
        _bytes(json.dumps({"text": _ALICE}).encode("utf-16-le")),
        ("NUL bytes", "binary"),
        line=1,
    ),
    Case("utf16be_no_bom.txt", _bytes("Hello there.\n".encode("utf-16-be")), ("NUL bytes",)),
    Case("latin1.txt", _bytes("Café in Zürich.\n".encode("latin-1")), ("not valid utf-8",)),
    Case(
        "latin1_given.txt",
        _bytes("Café in Zürich.\n".encode("latin-1")),
        imports=1,
        text="Café in Zürich.\n",
        args=("--encoding", "latin-1"),
    ),
    Case(
        "unknown_encoding.txt",
        _bytes(b"Hello.\n"),
        ("unknown encoding",),
        args=("--encoding", "klingon"),
    ),
    Case(
        "utf8_bom.jsonl",
        _bytes(b"\xef\xbb\xbf" + json.dumps({"text": _ALICE}).encode()),
        imports=1,
        text=_ALICE,
    ),
    Case("nul_bytes.txt", _bytes(b"Hello\nWor\x00ld\n"), ("NUL bytes",), line=2),
    Case("nul_bytes.jsonl", _bytes(b'{"text": "a\x00b"}\n'), ("NUL bytes",), line=1),
    Case(
        "lone_surrogate.jsonl",
        _lines('{"text": "Alice \\ud800 met Bob."}'),
        ("surrogate",),
        line=1,
    ),
    # Sizes and shapes of the file itself.
    Case("big_article.txt", _big_article, ("larger than",)),
    Case("one_byte.txt", _bytes(b"A"), imports=1, text="A"),
    Case("one_byte.jsonl", _bytes(b"{"), ("invalid JSON",), line=1),
    Case("empty.txt", _bytes(b""), ("is empty",)),
    Case("empty.jsonl", _bytes(b""), ("is empty",)),
    Case("blank.txt", _bytes(b" \n\t\r\n"), ("is empty",)),
    Case("blank_lines.jsonl", _bytes(b"\n\n  \n"), ("holds no records",)),
    Case("a.jsonl", _folder, ("is a folder with no files to import",)),
    Case("missing.jsonl", lambda path: None, ("does not exist",)),
    Case("unknown_suffix.docx", _bytes(b"PK\x03\x04"), ("Word document", "binary")),
    Case("unknown_suffix.odp", _bytes(b"just text\n"), ("cannot tell the format",)),
    # JSON Lines structure.
    Case(
        "truncated.jsonl",
        _lines({"text": _ALICE}, '{"text": "Bob", "spans": [{"start": 0'),
        ("invalid JSON",),
        line=2,
    ),
    Case(
        "not_an_object.jsonl", _lines({"text": _ALICE}, "[1, 2, 3]"), ("must be an object",), line=2
    ),
    Case("string_record.jsonl", _lines('"just a string"'), ("must be an object",), line=1),
    Case("null_record.jsonl", _lines("null"), ("must be an object",), line=1),
    Case("no_text.jsonl", _lines({"body": _ALICE}), ('no "text"',), line=1),
    Case("text_number.jsonl", _lines({"text": 42}), ('"text" must be a string',), line=1),
    Case("text_blank.jsonl", _lines({"text": "  \n "}), ("text is empty",), line=1),
    Case(
        "duplicate_keys.jsonl",
        _lines('{"text": "Alice met Bob.", "text": "Carol met Dan."}'),
        ("twice", '"text"'),
        line=1,
    ),
    Case(
        "nested_deep.jsonl",
        _lines({"text": _ALICE}, '{"text": "a", "meta": {"x": ' + _NESTED + "}}"),
        ("nested too deeply",),
        line=2,
    ),
    Case("nested_deep.json", _bytes(_NESTED.encode()), ("nested too deeply",)),
    # Wrong types.
    Case(
        "start_string.jsonl",
        _lines(_task(_ALICE, ("0", 5, "PER"))),
        ('"start" must be a whole number', 'the string "0"'),
        line=1,
    ),
    Case("start_float.jsonl", _lines(_task(_ALICE, (0.0, 5, "PER"))), ("whole number",), line=1),
    Case("start_bool.jsonl", _lines(_task(_ALICE, (True, 5, "PER"))), ("whole number",), line=1),
    Case(
        "start_nan.jsonl",
        _lines('{"text": "Alice", "spans": [{"start": NaN, "end": 5, "label": "PER"}]}'),
        ("NaN is not a JSON number",),
        line=1,
    ),
    Case(
        "score_infinite.jsonl",
        _lines(
            '{"text": "Alice", "spans": [{"start": 0, "end": 5, "label": "PER", '
            '"score": Infinity}]}'
        ),
        ("Infinity", "not a JSON number"),
        line=1,
    ),
    Case(
        "spans_object.jsonl",
        _lines({"text": _ALICE, "spans": {"start": 0, "end": 5, "label": "PER"}}),
        ('"spans" must be a list', "an object"),
        line=1,
    ),
    Case(
        "label_number.jsonl",
        _lines(_task(_ALICE, (0, 5, 7))),
        ('"label" must be a string',),
        line=1,
    ),
    Case(
        "span_no_end.jsonl",
        _lines({"text": _ALICE, "spans": [{"start": 0, "label": "PER"}]}),
        ('no "end"',),
        line=1,
    ),
    # Offsets that do not fit.
    Case("negative.jsonl", _lines(_task(_ALICE, (-1, 5, "PER"))), ("negative",), line=1),
    Case(
        "reversed.jsonl",
        _lines(_task(_ALICE, (5, 0, "PER"))),
        ("end comes before the start",),
        line=1,
    ),
    Case("empty_span.jsonl", _lines(_task(_ALICE, (5, 5, "PER"))), ("span is empty",), line=1),
    Case(
        "out_of_range.jsonl",
        _lines(_task(_ALICE, (17, 40, "PER"))),
        ("ends after the text", "23 characters"),
        line=1,
    ),
    Case(
        "huge_offset.jsonl",
        _lines(_task(_ALICE, (0, 10**30, "PER"))),
        ("ends after the text",),
        line=1,
    ),
    Case(
        "overlapping.jsonl",
        _lines({"text": _ALICE}, _task(_ALICE, (0, 5, "PER"), (0, 13, "PER"))),
        ("overlaps",),
        line=2,
    ),
    Case(
        "whitespace_span.jsonl", _lines(_task("Alice  met", (5, 7, "PER"))), ("whitespace",), line=1
    ),
    Case("mid_token.jsonl", _lines(_task(_ALICE, (1, 5, "PER"))), ("token boundaries",), line=1),
    Case(
        "span_text_differs.jsonl",
        _lines(
            {
                "text": _ALICE,
                "answer": "accept",
                "spans": [{"start": 0, "end": 5, "label": "PER", "text": "Bob"}],
            }
        ),
        ("says it covers 'Bob'",),
        line=1,
    ),
    # Labels.
    Case("label_space.jsonl", _lines(_task(_ALICE, (0, 5, "NEW PERSON"))), ("a space",), line=1),
    Case("label_control.jsonl", _lines(_task(_ALICE, (0, 5, "PER\u0007"))), ("U+0007",), line=1),
    Case("label_rtl.jsonl", _lines(_task(_ALICE, (0, 5, "PER\u200f"))), ("U+200F",), line=1),
    Case("label_empty.jsonl", _lines(_task(_ALICE, (0, 5, ""))), ("cannot be empty",), line=1),
    # Label Studio and brat files that disagree with their text.
    Case(
        "labelstudio_mismatch.json",
        _labelstudio(_ALICE, 0, 5, "Carol"),
        ("says it covers 'Carol'",),
    ),
    Case(
        "labelstudio_out_of_range.json",
        _labelstudio(_ALICE, 10, 99, "Bob"),
        ("ends after the text",),
    ),
    Case("brat_mismatch.txt", _brat(_ALICE, "T1\tPER 0 5\tCarol\n"), ("says it covers 'Carol'",)),
    Case(
        "brat_out_of_range.txt", _brat(_ALICE, "T1\tPER 17 90\tParis\n"), ("ends after the text",)
    ),
    Case(
        "brat_garbage.txt",
        _brat(_ALICE, "T1 PER zero five\n"),
        ("expected an id, a tab",),
        line=1,
        names="brat_garbage.ann",
    ),
    Case(
        "brat_bad_offsets.txt",
        _brat(_ALICE, "T1\tPER 0 x\tAlice\n"),
        ("two whole numbers",),
        line=1,
        names="brat_bad_offsets.ann",
    ),
    Case(
        "brat_lone.ann",
        _bytes(b"T1\tPER 0 5\tAlice\n"),
        ("text brat_lone.txt is missing",),
    ),
    # Legitimate files that look odd: they import exactly.
    Case(
        "crlf.jsonl",
        _bytes(b'{"text": "Alice met Bob."}\r\n{"text": "Carol met Dan."}\r\n'),
        imports=2,
        text="Alice met Bob.",
    ),
    Case(
        "rtl_text.jsonl",
        _lines(
            _task("\u05e9\u05dc\u05d5\u05dd Alice \u200f\u05e2\u05d5\u05dc\u05dd", (5, 10, "PER"))
        ),
        imports=1,
        text="\u05e9\u05dc\u05d5\u05dd Alice \u200f\u05e2\u05d5\u05dc\u05dd",
    ),
)


def write_corpus(folder: Path) -> dict[str, Path]:
    """Create every case under `folder`; return the path to import for each case name."""
    paths: dict[str, Path] = {}
    for case in CASES:
        target = folder / case.name
        case.write(target)
        paths[case.name] = folder / (case.path or case.name)
    return paths
