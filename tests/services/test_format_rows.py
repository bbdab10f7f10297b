"""Each row of the table of formats says what its writer does; these tests fail when a
writer and its row disagree: a row naming a writer that is not there (or outside the
layers that may hold one), a row saying a format needs no tokens when its writer does
(or the other way round), a file without spans its row says it carries, a writer
ignoring the token JSON its row has the store read, or using it when the row does not."""

from __future__ import annotations

import io
import json
from collections.abc import Callable
from pathlib import Path

import pytest
import spacy
from spacy.tokens import DocBin

from annotator.core.model import Document, Span, SpanState, Status
from annotator.formats import table
from annotator.formats.table import GOLD, Format
from annotator.nlp import Tokenizer
from annotator.services.exporting import ExportOptions, write_documents, writer_factory

TEXT = "Angela Merkel met Emmanuel Macron in Berlin on Monday."
TOKENS = Tokenizer("en").tokens(TEXT)


def labelled(covered: str, state: SpanState) -> Span:
    """A span whose label is its state's name, so a file tells which states it holds."""
    start = TEXT.index(covered)
    return Span(start, start + len(covered), state.name, state)


DOCUMENT = Document(
    id=1,
    dataset_id=1,
    text=TEXT,
    status=Status.DONE,
    spans=(
        labelled("Angela Merkel", SpanState.MANUAL),
        labelled("Emmanuel Macron", SpanState.ACCEPTED),
        labelled("Berlin", SpanState.SUGGESTED),
        labelled("Monday", SpanState.REJECTED),
    ),
)


def _json_lines(data: bytes) -> list[dict[str, object]]:
    return [json.loads(line) for line in data.decode("utf-8").splitlines()]


def _prodigy(data: bytes) -> set[str]:
    return {span["label"] for task in _json_lines(data) for span in task["spans"]}  # type: ignore[attr-defined]


def _doccano(data: bytes) -> set[str]:
    return {label for task in _json_lines(data) for _, _, label in task["label"]}  # type: ignore[attr-defined]


def _conll(data: bytes) -> set[str]:
    tags = [line.split("\t")[-1] for line in data.decode("utf-8").splitlines() if "\t" in line]
    return {tag[2:] for tag in tags if tag.startswith("B-")}


def _spacy(data: bytes) -> set[str]:
    docs = list(DocBin().from_bytes(data).get_docs(spacy.blank("en").vocab))
    return {span.label_ for doc in docs for span in [*doc.ents, *doc.spans.get("sc", [])]}


# How this test reads each format's files back: the labels of the spans a file holds.
LABELS_IN: dict[str, Callable[[bytes], set[str]]] = {
    "prodigy": _prodigy,
    "prodigy-review": _prodigy,  # its top level: the versions are their own records'
    "doccano": _doccano,
    "conll": _conll,
    "spacy": _spacy,
}

WRITABLE = table.writable()


def _writing(row: Format) -> table.Writing:
    assert row.writer is not None
    return row.writer


def _labels(row: Format, data: bytes) -> set[str]:
    if row.name not in LABELS_IN:
        pytest.fail(f"this test cannot read {row.name} files: add it to LABELS_IN")
    return LABELS_IN[row.name](data)


@pytest.mark.parametrize("row", WRITABLE, ids=lambda row: row.name)
def test_a_file_holds_the_spans_its_row_says_it_carries(row: Format, tmp_path: Path) -> None:
    writing = _writing(row)
    held = {}
    for include_suggestions in (False, True):
        out = tmp_path / f"{include_suggestions}{row.suffixes[0]}"
        options = ExportOptions(row.name, include_suggestions=include_suggestions)
        report = write_documents([(DOCUMENT, TOKENS, None)], out, options)
        assert report.documents == 1 and report.left_out == 0
        if not writing.binary:
            out.read_bytes().decode("utf-8")  # a text format is UTF-8 text
        held[include_suggestions] = _labels(row, out.read_bytes())
    assert held[False] == {state.name for state in GOLD}
    assert held[True] == {state.name for state in writing.carries | GOLD}


@pytest.mark.parametrize("row", WRITABLE, ids=lambda row: row.name)
def test_a_row_names_a_writer_that_needs_what_the_row_has_the_store_give(row: Format) -> None:
    writing = _writing(row)
    factory = writer_factory(writing)
    assert factory.__module__.startswith(("annotator.formats.writers.", "annotator.nlp."))
    gold = [span for span in DOCUMENT.spans if span.state.is_gold]

    if writing.tokens:
        with pytest.raises(ValueError, match="tokens"):
            factory(io.BytesIO(), "en").add(DOCUMENT, None, None, gold)
    else:
        factory(io.BytesIO(), "en").add(DOCUMENT, None, None, gold)

    def written(token_json: bytes | None) -> bytes:
        out = io.BytesIO()
        writer = factory(out, "en")
        writer.add(DOCUMENT, TOKENS, token_json, gold)
        writer.finish()
        return out.getvalue()

    stored = b'[{"text": "stored token JSON"}]'
    if writing.token_json:
        assert stored in written(stored)  # the store's copy is what goes out
    else:
        assert written(stored) == written(None)  # the store is not asked for it
