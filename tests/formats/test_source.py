"""Reading input files: only regular files, binary files named, encodings that decode to
text, streamed JSON with the file's own line numbers."""

from __future__ import annotations

import gzip
import os
import sqlite3
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from annotator.core.errors import InputError
from annotator.formats import read_file

RECORD_LIMIT = 15_000_000  # formats.source.MAX_RECORD_CHARACTERS

PNG = Path(__file__).parents[2] / "packaging" / "screenshots" / "window-light.png"


def refusal(path: Path, **options: str) -> InputError:
    with pytest.raises(InputError) as caught:
        read_file(path, **options)
    return caught.value


def _pdf(path: Path) -> None:
    path.write_bytes(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\nendobj\n")


def _jpeg(path: Path) -> None:
    path.write_bytes(b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01")


def _zip(path: Path) -> None:
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("article.txt", "An article inside an archive.")


def _gzip(path: Path) -> None:
    path.write_bytes(gzip.compress(b'{"text": "compressed"}\n'))


def _sqlite(path: Path) -> None:
    connection = sqlite3.connect(path)
    connection.execute("CREATE TABLE t (x)")
    connection.commit()
    connection.close()


@pytest.mark.parametrize(
    ("name", "make", "kind"),
    [
        ("shot.png", lambda path: path.write_bytes(PNG.read_bytes()), "a PNG image"),
        ("photo.txt", _jpeg, "a JPEG image"),
        ("report.txt", _pdf, "a PDF document"),
        ("articles.jsonl", _zip, "a ZIP archive"),
        ("story.docx", _zip, "a Word document"),
        ("wire.jsonl", _gzip, "gzip-compressed"),
        ("annotations.json", _sqlite, "an SQLite database"),
    ],
)
def test_a_binary_file_is_named_for_what_it_is(
    tmp_path: Path, name: str, make: object, kind: str
) -> None:
    path = tmp_path / name
    make(path)  # type: ignore[operator]
    error = refusal(path, fmt="text")
    assert kind in error.reason
    assert "binary" in error.reason and "utf-8" not in error.reason


def test_text_that_starts_like_a_signature_is_still_text(tmp_path: Path) -> None:
    path = tmp_path / "a.txt"
    path.write_text("BMW and MZ motorcycles sold well. BZh is not a word.\n", encoding="utf-8")
    (record,) = read_file(path)
    assert record.text.startswith("BMW")  # type: ignore[union-attr]


def test_a_character_device_is_refused_without_reading_it(tmp_path: Path) -> None:
    # In a child with little memory: reading /dev/zero whole would fail there, not pass.
    program = (
        "import resource, sys\n"
        "resource.setrlimit(resource.RLIMIT_AS, (1 << 30, 1 << 30))\n"
        "from pathlib import Path\n"
        "from annotator.core.errors import InputError\n"
        "from annotator.formats import read_file\n"
        "try:\n"
        "    read_file(Path('/dev/zero'), 'text')\n"
        "except InputError as error:\n"
        "    print(error)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", program], capture_output=True, text=True, timeout=60
    )
    assert done.stdout.strip() == (
        "/dev/zero: is a character device (such as /dev/zero), which may never end, not a "
        "regular file; annotator imports regular files only (copy the data into a file first)"
    ), done.stderr[-500:]


def test_a_named_pipe_is_refused_without_waiting_for_a_writer(tmp_path: Path) -> None:
    fifo = tmp_path / "wire.jsonl"
    os.mkfifo(fifo)
    program = (
        "import sys\n"
        "from pathlib import Path\n"
        "from annotator.core.errors import InputError\n"
        "from annotator.formats import read_file\n"
        "try:\n"
        "    read_file(Path(sys.argv[1]))\n"
        "except InputError as error:\n"
        "    print(error.reason)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", program, str(fifo)], capture_output=True, text=True, timeout=60
    )
    assert "is a named pipe (FIFO)" in done.stdout, done.stderr[-500:]


@pytest.mark.parametrize(
    ("encoding", "data", "reason"),
    [
        ("unicode_escape", b"caf\\xe9 \\ud800 ok", "is not a character encoding"),
        ("raw_unicode_escape", b"x \\udfff y", "is not a character encoding"),
        # Valid for the codec and garbled as an article: \u2019 read back as "\xe2\x80\x99".
        ("unicode_escape", "Afghanistan\u2019s".encode(), "is not a character encoding"),
        ("raw-unicode-escape", "Afghanistan\u2019s".encode(), "is not a character encoding"),
        ("punycode", b"Storm hits Lisbon-9999999999", "is not a character encoding"),
        ("base64", b"aGVsbG8=", "is not a character encoding"),
        ("no-such-codec", b"hello", "unknown encoding"),
    ],
)
def test_an_encoding_that_gives_no_text_is_one_clear_error(
    tmp_path: Path, encoding: str, data: bytes, reason: str
) -> None:
    path = tmp_path / "a.txt"
    path.write_bytes(data)
    assert reason in refusal(path, encoding=encoding).reason


def test_a_line_longer_than_any_record_is_refused_without_reading_on(tmp_path: Path) -> None:
    path = tmp_path / "one-line.jsonl"
    with path.open("w", encoding="utf-8") as handle:
        handle.write('{"text": "ok"}\n{"text": "')
        chunk = "word " * 200_000
        for _ in range(RECORD_LIMIT // len(chunk) + 2):
            handle.write(chunk)
    with pytest.raises(InputError) as caught:
        read_file(path)
    assert caught.value.line == 2
    assert "longer than" in caught.value.reason


def test_a_json_list_is_read_item_by_item_with_its_lines(tmp_path: Path) -> None:
    items = ",\n".join(f'  {{"text": "Story {n}."}}' for n in range(3))
    path = tmp_path / "tasks.json"
    path.write_text("[\n" + items + ',\n  {"text": }\n]\n', encoding="utf-8")
    error = refusal(path)
    assert (error.line, error.reason) == (5, "invalid JSON (column 12: Expecting value)")
