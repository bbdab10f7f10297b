"""Plain-text reader: one article per file, line endings normalised, headline kept."""

from __future__ import annotations

from pathlib import Path

import pytest

from annotator.core.errors import InputError
from annotator.core.model import Status
from annotator.formats import read_file
from annotator.formats.readers import text


def test_one_file_is_one_new_document_with_its_headline(tmp_path: Path) -> None:
    path = tmp_path / "article.txt"
    path.write_bytes("\ufeffShuttles retire\r\n\r\nNASA said on Tuesday...\r\n".encode())
    (record,) = read_file(path)
    assert record.text == "Shuttles retire\n\nNASA said on Tuesday...\n"
    assert record.meta == {"file": "article.txt", "title": "Shuttles retire"}
    assert (record.status, record.spans, record.line) == (Status.NEW, (), None)
    assert record.annotator is None  # a text file names nobody


def test_no_headline_without_a_blank_line_after_it(tmp_path: Path) -> None:
    path = tmp_path / "a.md"
    path.write_text("First line\nsecond line\n")
    (record,) = read_file(path)
    assert record.meta == {"file": "a.md"}


def test_a_lone_carriage_return_is_a_line_break(tmp_path: Path) -> None:
    (record,) = text.read(tmp_path / "x.txt", "one\rtwo")
    assert record.text == "one\ntwo"


def test_only_whitespace_is_refused(tmp_path: Path) -> None:
    with pytest.raises(InputError) as caught:
        list(text.read(tmp_path / "blank.txt", " \r\n\t\n"))
    assert str(caught.value) == f"{tmp_path / 'blank.txt'}: is empty (only whitespace)"
