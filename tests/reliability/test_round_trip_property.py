"""Random texts and spans survive import, the store, every export and the Qt offset map.

Texts are words of astral, combining, right-to-left and accented characters between
separators that include CRLF, tabs and double spaces. Each record brings its own tokens
(the words), so any run of whole words is a valid gold span. One Prodigy record goes in;
Prodigy, doccano, `.spacy` (read back with spaCy's `DocBin`) and CoNLL come out, and each
must hold exactly the text and the spans that went in. The same spans are then located
in a real `QTextDocument` through `QtOffsets`.
"""

from __future__ import annotations

import itertools
import json
from dataclasses import dataclass
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from annotator.core.text import QtOffsets
from annotator.services.exporting import ExportOptions, export_dataset
from annotator.services.importing import import_paths
from annotator.store import Store

pytestmark = pytest.mark.gui

# Letters, an astral letter and emoji, a combining accent, Hebrew, Arabic, a right-to-left
# mark, CJK, and punctuation; never whitespace, so every word is one token.
WORD_CHARS = "abcXYZé\U0001d400\U0001f600\u0301\u05d0\u05d1\u0628\u0629\u200f\u4e2d.,-'"
SEPARATORS = [" ", "  ", "\r\n", "\n", "\t", " \r\n "]
LABELS = ["PER", "ORG", "LOC", "MISC"]


@dataclass(frozen=True)
class Example:
    text: str
    words: list[tuple[int, int]]  # character offsets of each word
    spans: list[tuple[int, int, str]]  # gold spans, in order, never overlapping
    word_spans: list[tuple[int, int, str]]  # the same, as first and last word index


@st.composite
def examples(draw: st.DrawFn) -> Example:
    words = draw(st.lists(st.text(WORD_CHARS, min_size=1, max_size=6), min_size=1, max_size=12))
    separators = draw(st.lists(st.sampled_from(SEPARATORS), min_size=len(words) + 1))
    lead = draw(st.sampled_from(["", " ", "\r\n"]))
    text = lead
    offsets: list[tuple[int, int]] = []
    for word, separator in zip(words, separators[1:], strict=False):
        offsets.append((len(text), len(text) + len(word)))
        text += word + separator
    # Cut the word sequence into runs; some runs become spans.
    cuts = sorted(draw(st.sets(st.integers(1, len(words)), max_size=len(words))) | {len(words)})
    spans: list[tuple[int, int, str]] = []
    word_spans: list[tuple[int, int, str]] = []
    first = 0
    for cut in cuts:
        if draw(st.booleans()):
            label = draw(st.sampled_from(LABELS))
            spans.append((offsets[first][0], offsets[cut - 1][1], label))
            word_spans.append((first, cut - 1, label))
        first = cut
    return Example(text, offsets, spans, word_spans)


@pytest.fixture(scope="module")
def workspace(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("round-trip")


_names = itertools.count()


def _import(store: Store, folder: Path, example: Example) -> str:
    name = f"set{next(_names)}"
    record = {
        "text": example.text,
        "answer": "accept",
        "tokens": [{"start": s, "end": e} for s, e in example.words],
        "spans": [{"start": s, "end": e, "label": label} for s, e, label in example.spans],
    }
    source = folder / f"{name}.jsonl"
    source.write_text(json.dumps(record, ensure_ascii=False) + "\n", encoding="utf-8")
    report = import_paths(store, [source], name)
    assert not report.problems, report.problems
    assert report.added == 1
    return name


def _export(store: Store, name: str, folder: Path, fmt: str) -> Path:
    out = folder / f"{name}.{fmt}"
    report = export_dataset(store, name, out, ExportOptions(fmt=fmt))
    assert report.documents == 1 and report.left_out == 0
    return out


def _json_spans(record: dict[str, object], key: str) -> list[tuple[int, int, str]]:
    items = record[key]
    assert isinstance(items, list)
    if key == "label":
        return [(s, e, label) for s, e, label in items]
    return [(item["start"], item["end"], item["label"]) for item in items]


def _conll_rows(path: Path) -> list[tuple[str, str]]:
    rows: list[tuple[str, str]] = []
    for line in path.read_text(encoding="utf-8").split("\n"):
        if line and not line.startswith("-DOCSTART-"):
            token, tag = line.split("\t")
            rows.append((token, tag))
    return rows


def _expected_conll(example: Example) -> list[tuple[str, str]]:
    tags = ["O"] * len(example.words)
    for first, last, label in example.word_spans:
        tags[first] = f"B-{label}"
        for index in range(first + 1, last + 1):
            tags[index] = f"I-{label}"
    return [(example.text[s:e], tag) for (s, e), tag in zip(example.words, tags, strict=True)]


def _check_qt(example: Example) -> None:
    from PySide6.QtGui import QTextDocument

    document = QTextDocument()
    document.setPlainText(example.text)
    shown = document.toPlainText().encode("utf-16-le")
    offsets = QtOffsets(example.text)
    assert offsets.qt_length == document.characterCount() - 1
    for start, end, _ in example.spans:
        begin, finish = offsets.to_qt(start), offsets.to_qt(end)
        covered = shown[2 * begin : 2 * finish].decode("utf-16-le")
        assert covered == example.text[start:end].replace("\r\n", "\n")
    for start, end in example.words:
        assert offsets.from_qt(offsets.to_qt(start)) == start
        assert offsets.from_qt(offsets.to_qt(end), round_up=True) == end


@settings(
    max_examples=50,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(example=examples())
def test_random_texts_and_spans_round_trip_exactly(
    example: Example, workspace: Path, qapp: object
) -> None:
    from spacy.tokens import DocBin
    from spacy.vocab import Vocab

    with Store.open(workspace / "store.db") as store:
        name = _import(store, workspace, example)
        exported = {fmt: _export(store, name, workspace, fmt) for fmt in ("prodigy", "doccano")}
        exported["spacy"] = _export(store, name, workspace, "spacy")
        exported["conll"] = _export(store, name, workspace, "conll")

    for fmt, key in (("prodigy", "spans"), ("doccano", "label")):
        (line,) = exported[fmt].read_text(encoding="utf-8").splitlines()
        record = json.loads(line)
        assert record["text"] == example.text, fmt
        assert _json_spans(record, key) == example.spans, fmt

    (doc,) = DocBin().from_bytes(exported["spacy"].read_bytes()).get_docs(Vocab())
    assert doc.text == example.text
    assert [(e.start_char, e.end_char, e.label_) for e in doc.ents] == example.spans

    assert _conll_rows(exported["conll"]) == _expected_conll(example)

    _check_qt(example)
