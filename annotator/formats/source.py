"""Reading input files: bytes to text, and JSON Lines to values, with exact locations.

Files are streamed: nothing reads a whole file into memory except an article, which is
refused past `MAX_TEXT_CHARACTERS`, and a record, refused past `MAX_RECORD_CHARACTERS`.
Only regular files are read: a device such as `/dev/zero` or a pipe may never end, and
an import reads each file twice (to check it, then to save it).

Every failure is an `InputError` naming the file, the line and the reason.
"""

from __future__ import annotations

import codecs
import errno
import io
import json
import re
import stat
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from annotator.core.errors import InputError
from annotator.core.validation import MAX_TEXT_CHARACTERS
from annotator.formats.magic import binary_kind

# One JSON record (a line of a JSONL file, an item of a list): an article at its largest
# with room for its spans and metadata. Larger is a corpus pasted into one record.
MAX_RECORD_CHARACTERS = MAX_TEXT_CHARACTERS + MAX_TEXT_CHARACTERS // 2

_CHUNK_BYTES = 1 << 20
_SNIFF_BYTES = 8192
_HEAD_CHARACTERS = 1 << 16
_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F][0-9a-fA-F]{2}")
_LONE_SURROGATE = re.compile("[\ud800-\udfff]")
_UTF8 = frozenset({"utf8", "utf8sig", "u8", "utf", "cp65001"})

_NOT_REGULAR = {
    stat.S_IFCHR: "a character device (such as /dev/zero), which may never end",
    stat.S_IFBLK: "a block device (a whole disk or partition)",
    stat.S_IFIFO: "a named pipe (FIFO), which may never end",
    stat.S_IFSOCK: "a socket",
}


def _is_utf8(encoding: str) -> bool:
    return encoding.lower().replace("-", "").replace("_", "") in _UTF8


class Source:
    """One input file and its encoding; `text` stands in for the file (tests, sniffing).

    A file of one chunk or less (most articles) is read once, by `check`, and kept; a
    larger one is opened afresh by each reading method, so a reader can look at its start
    and then stream all of it.
    """

    __slots__ = ("encoding", "path", "text")

    def __init__(self, path: Path, encoding: str = "utf-8", text: str | None = None) -> None:
        self.path = path
        self.encoding = encoding
        self.text = text

    def check(self) -> None:
        """Refuse what cannot be read as text, from the file's kind and first bytes."""
        if self.text is not None:
            return
        with _open(self.path) as handle:
            start = handle.read(_CHUNK_BYTES)
            _check_start(self.path, start, self.encoding)
            if len(start) < _CHUNK_BYTES:  # the whole file: decode it once, keep it
                decoded = _decoded(self.path, io.BytesIO(start), self.encoding, checked=True)
                self.text = "".join(decoded)

    def whole(self, limit: int = MAX_TEXT_CHARACTERS, what: str = "an article") -> str:
        """All the text, refused past `limit` characters (never read further than that)."""
        pieces: list[str] = []
        size = 0
        for piece in self.chunks():
            size += len(piece)
            if size > limit:
                raise InputError(
                    self.path,
                    None,
                    f"is larger than the {limit:,} characters {what} may have; split it "
                    "into several files",
                )
            pieces.append(piece)
        text = "".join(pieces)
        if not text:
            raise InputError(self.path, None, "is empty")
        return text

    def head(self, size: int = _HEAD_CHARACTERS) -> str:
        """The first `size` characters or so (whole chunks), for telling formats apart."""
        if self.text is not None:
            return self.text[:size]
        pieces: list[str] = []
        got = 0
        for piece in self.chunks():
            pieces.append(piece)
            got += len(piece)
            if got >= size:
                break
        return "".join(pieces)

    def chunks(self) -> Iterator[str]:
        """The decoded text in pieces of about a megabyte."""
        if self.text is not None:
            if not self.text:
                raise InputError(self.path, None, "is empty")
            yield self.text
            return
        with _open(self.path) as handle:
            yield from _decoded(self.path, handle, self.encoding)

    def lines(self, limit: int = MAX_RECORD_CHARACTERS) -> Iterator[tuple[int, str]]:
        """(number, line) for every line, `\\n` removed; a line past `limit` is refused."""
        number = 1
        pending = ""
        for piece in self.chunks():
            if "\n" not in piece:
                pending += piece
                if len(pending) > limit:
                    raise _too_long(self.path, number, limit)
                continue
            parts = (pending + piece).split("\n")
            pending = parts.pop()
            for line in parts:
                if len(line) > limit:
                    raise _too_long(self.path, number, limit)
                yield number, line
                number += 1
            if len(pending) > limit:
                raise _too_long(self.path, number, limit)
        if pending:
            yield number, pending


def as_source(path: Path, content: str | Source) -> Source:
    """Readers take a `Source`, or the text itself (tests, callers that hold it)."""
    return content if isinstance(content, Source) else Source(path, text=content)


def _too_long(path: Path, line: int, limit: int) -> InputError:
    return InputError(
        path,
        line,
        f"the line is longer than {limit:,} characters, more than one record may hold "
        "(is this a JSON Lines file?)",
    )


def _open(path: Path) -> Any:
    """The file opened for reading, if it is a regular file."""
    try:
        info = path.stat()
    except OSError as error:
        raise _unreadable(path, error) from None
    if stat.S_ISDIR(info.st_mode):
        raise InputError(path, None, "is a directory, not a file")
    if not stat.S_ISREG(info.st_mode):
        kind = _NOT_REGULAR.get(stat.S_IFMT(info.st_mode), "not a regular file")
        raise InputError(
            path,
            None,
            f"is {kind}, not a regular file; annotator imports regular files only (copy "
            "the data into a file first)",
        )
    try:
        return path.open("rb")
    except OSError as error:
        raise _unreadable(path, error) from None


def _unreadable(path: Path, error: OSError) -> InputError:
    if error.errno == errno.ENOENT:
        return InputError(path, None, "does not exist")
    if error.errno == errno.ELOOP:
        return InputError(
            path, None, "is a symbolic link that leads back to itself (a loop), not a file"
        )
    return InputError(path, None, f"cannot be read: {error.strerror or error}")


def _check_start(path: Path, data: bytes, encoding: str) -> None:
    if not data:
        raise InputError(path, None, "is empty")
    kind = binary_kind(data, path.suffix)
    if kind is not None:
        raise InputError(
            path, None, f"is {kind}, a binary file, not text; save the text as a .txt file"
        )
    if _is_utf8(encoding):
        if data.startswith((b"\xff\xfe", b"\xfe\xff")):
            raise InputError(
                path,
                None,
                "is UTF-16 (it starts with a UTF-16 byte-order mark); use --encoding utf-16",
            )
        if b"\x00" in data:
            raise InputError(
                path,
                data.count(b"\n", 0, data.index(b"\x00")) + 1,
                "contains NUL bytes: it looks like a binary file, not text",
            )


# Codecs Python counts as text encodings that read escape sequences or domain names, not
# the characters of a file: an article read with them comes out garbled ("â\x80\x99"
# for a UTF-8 apostrophe) without any error.
_ESCAPE_CODECS = frozenset({"unicode_escape", "raw_unicode_escape", "punycode", "idna"})


def _decoder(path: Path, encoding: str) -> codecs.IncrementalDecoder:
    try:
        info = codecs.lookup(encoding)
    except LookupError:
        raise InputError(path, None, f"unknown encoding {encoding!r}") from None
    escapes = info.name.replace("-", "_") in _ESCAPE_CODECS
    if escapes or not getattr(info, "_is_text_encoding", True) or info.incrementaldecoder is None:
        raise InputError(
            path,
            None,
            f"{encoding!r} is not a character encoding annotator can read files with "
            "(try --encoding utf-8, latin-1, cp1252 or utf-16)",
        )
    return info.incrementaldecoder("strict")


def _decoded(path: Path, handle: Any, encoding: str, *, checked: bool = False) -> Iterator[str]:
    """Decode `handle` chunk by chunk; errors name the line and the byte offset. The first
    chunk is checked for what is not text unless the caller has `checked` it."""
    decoder = _decoder(path, encoding)
    offset = 0  # bytes read before this chunk
    newlines = 0  # newline bytes before this chunk
    first = True
    while True:
        data = handle.read(_CHUNK_BYTES)
        if first and not checked:
            _check_start(path, data, encoding)
        first = False
        final = not data
        pending = decoder.getstate()[0]
        try:
            text = decoder.decode(data, final)
        except UnicodeDecodeError as error:
            raise _not_valid(
                path, encoding, pending + data, error, offset - len(pending), newlines
            ) from None
        except (UnicodeError, ValueError, IndexError, TypeError, OverflowError) as error:
            raise InputError(
                path, None, f"cannot be decoded as {encoding}: {error}; pass the file's encoding"
            ) from None
        if not _is_utf8(encoding):
            _refuse_surrogates(path, encoding, text)
        if text:
            yield text
        if final:
            return
        offset += len(data)
        newlines += data.count(b"\n")


def _not_valid(
    path: Path, encoding: str, data: bytes, error: UnicodeDecodeError, base: int, newlines: int
) -> InputError:
    start = error.start if 0 <= error.start <= len(data) else 0
    line = newlines + data.count(b"\n", 0, start) + 1
    return InputError(
        path,
        line,
        f"is not valid {encoding} (byte offset {base + start}: {error.reason}); "
        "if the file uses another encoding, pass it with --encoding "
        "(for example --encoding latin-1)",
    )


def _refuse_surrogates(path: Path, encoding: str, text: str) -> None:
    """Escape codecs (unicode_escape, utf-7...) can give half a surrogate pair: no character."""
    found = _LONE_SURROGATE.search(text)
    if found is not None:
        raise InputError(
            path,
            None,
            f"decoded as {encoding} it holds U+{ord(found.group()):04X}, half of a UTF-16 "
            "surrogate pair, which is not a character; is that the file's encoding?",
        )


# -- JSON ---------------------------------------------------------------------------------


def iter_json_lines(source: Source) -> Iterator[tuple[int, Any]]:
    """Yield (line number, value) for each non-blank line of a JSON Lines file.

    A line that is not valid JSON yields its `InputError` as the value, so the lines
    after it can still be read (`--skip-invalid` imports them).
    """
    for number, line in source.lines():
        if number == 1:
            line = line.removeprefix("\ufeff")
        if not line.strip():
            continue
        try:
            yield number, parse_json(source.path, number, line)
        except InputError as error:
            yield number, error


def _unique_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    """An object whose keys are all different: with a key twice, which value is meant?"""
    value = dict(pairs)
    if len(value) != len(pairs):
        seen: set[str] = set()
        for key, _ in pairs:
            if key in seen:
                shown = json.dumps(key, ensure_ascii=False)
                raise ValueError(f"the key {shown} appears twice in one object")
            seen.add(key)
    return value


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a JSON number (JSON has no NaN or Infinity)")


DECODER = json.JSONDecoder(object_pairs_hook=_unique_keys, parse_constant=_no_constant)


def parse_json(path: Path, line: int | None, text: str) -> Any:
    """Parse one JSON value; errors say where and why, deep nesting included."""
    # The standard parser, not srsly's ujson: ujson rounds some floats (seen on real
    # Prodigy scores), and the error positions of the standard one are exact.
    try:
        value = DECODER.decode(text)
    except json.JSONDecodeError as error:
        at = line if line is not None else error.lineno
        raise InputError(path, at, f"invalid JSON (column {error.colno}: {error.msg})") from None
    except RecursionError:
        raise InputError(path, line, "invalid JSON: nested too deeply") from None
    except ValueError as error:
        raise InputError(path, line, f"invalid JSON: {error}") from None
    check_surrogate_escapes(path, line, text, value)
    return value


def check_surrogate_escapes(
    path: Path, line: int | None, text: str, value: Any, start: int = 0, end: int | None = None
) -> None:
    """A `\\ud800` escape without its pair decodes to no character at all.

    Python keeps it as a lone surrogate, which no UTF-8 file or database can hold; only
    values whose JSON holds such an escape are checked (a pair becomes one character).
    """
    if not _SURROGATE_ESCAPE.search(text, start, len(text) if end is None else end):
        return
    try:
        json.dumps(value, ensure_ascii=False).encode("utf-8")
    except UnicodeEncodeError as error:
        code = ord(error.object[error.start])
        raise InputError(
            path,
            line,
            f"invalid JSON: the escape \\u{code:04x} is half of a UTF-16 surrogate pair "
            "without its other half, which is not a character",
        ) from None
