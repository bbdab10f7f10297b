"""The Prodigy token list kept as JSON beside the tokens: an export copies it, and the
file is byte for byte what formatting the tokens gives, however the tokens were saved."""

from __future__ import annotations

import re
import shutil
import sqlite3
from pathlib import Path

import pytest

from annotator.core.edits import Batch
from annotator.core.hashing import input_hash
from annotator.core.model import Document, Span, SpanState, Status
from annotator.core.token_json import token_json
from annotator.core.tokens import Tokens
from annotator.services.exporting import ExportOptions, export_dataset
from annotator.store import Store
from annotator.store.suggestions import SuggestedDocument

# These tests read and change the SQLite file's token columns with plain sqlite3.
pytestmark = pytest.mark.sqlite_only

TEXTS = [
    "Angela Merkel met Emmanuel Macron in Berlin.",
    'Quotes "inside", a back\\slash, a tab\tand an emoji 👍🏽 near Zoë.',
    "Windows line\r\nbreaks and a line separator\u2028here.",
]


class Words:
    """Tokens at every run of non-space characters."""

    @staticmethod
    def tokens(text: str) -> Tokens:
        return Tokens.from_pairs([m.span() for m in re.finditer(r"\S+", text)])


TOKENIZER = Words()
EVERYTHING = ExportOptions(statuses=None, include_suggestions=True)


def new_document(text: str) -> Document:
    first = text.split()[0]
    return Document(
        id=0,
        dataset_id=0,
        text=text,
        spans=(Span(0, len(first), "ORG", SpanState.MANUAL),),
        status=Status.DONE,
        input_hash=input_hash(text),
    )


def token_formatting(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The texts whose tokens the export formats from now on (rather than copying)."""
    formatted: list[str] = []

    def counting(text: str, tokens: Tokens) -> str:
        formatted.append(text)
        return token_json(text, tokens)

    monkeypatch.setattr("annotator.formats.writers.prodigy.token_json", counting)
    return formatted


def drop_token_json(path: Path) -> None:
    with sqlite3.connect(path) as conn:
        conn.execute("UPDATE document SET token_json = NULL")
    conn.close()


def test_an_export_copies_the_stored_token_json(
    store: Store, db_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    dataset = store.create_dataset("news")
    store.add_documents(dataset.id, [(new_document(t), TOKENIZER.tokens(t)) for t in TEXTS])
    formatted = tmp_path / "formatted.jsonl"
    drop_token_json(db_path)
    export_dataset(store, "news", formatted, EVERYTHING)
    store.save_tokens_many(
        (document.id, TOKENIZER.tokens(document.text))
        for document, _ in store.iter_documents(dataset.id)
    )
    copied = tmp_path / "copied.jsonl"
    formatting = token_formatting(monkeypatch)
    export_dataset(store, "news", copied, EVERYTHING)
    assert formatting == []
    assert copied.read_bytes() == formatted.read_bytes()


def test_imported_and_suggested_tokens_are_kept_as_json(
    store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    dataset = store.create_dataset("news")
    store.add_documents(dataset.id, [(new_document(TEXTS[0]), TOKENIZER.tokens(TEXTS[0]))])
    store.add_documents(dataset.id, [(new_document(TEXTS[1]), None)])
    suggested = next(d for d, _ in store.iter_documents(dataset.id) if d.text == TEXTS[1])
    store.save_suggestions(
        [SuggestedDocument(suggested, Batch((), "suggest"), TOKENIZER.tokens(TEXTS[1]))],
        suggester="test",
    )
    formatting = token_formatting(monkeypatch)
    report = export_dataset(store, "news", tmp_path / "out.jsonl", EVERYTHING)
    assert report.documents == 2
    assert formatting == []


def test_tokens_changed_behind_the_json_are_exported_as_they_are_now(
    store: Store, db_path: Path, tmp_path: Path
) -> None:
    """A write of new tokens without their JSON (an older version, a script) drops it."""
    dataset = store.create_dataset("news")
    text = TEXTS[0]
    store.add_documents(dataset.id, [(new_document(text), TOKENIZER.tokens(text))])
    whole_words = Tokens.from_pairs([(0, 6), (7, 13)])  # "Angela" "Merkel", nothing else
    with sqlite3.connect(db_path) as conn:
        conn.execute("UPDATE document SET tokens = ?", (whole_words.to_bytes(),))
    conn.close()
    out = tmp_path / "out.jsonl"
    export_dataset(store, "news", out, EVERYTHING)
    assert '"tokens": [{"text": "Angela", "start": 0, "end": 6, "id": 0, "ws": true}, ' in (
        out.read_text(encoding="utf-8")
    )
    assert out.read_text(encoding="utf-8").count('"id": ') == 2


def test_a_schema_2_store_gets_the_json_once_its_tokens_are_saved(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "annotations.db"
    shutil.copyfile(Path(__file__).parents[1] / "store" / "data" / "annotations-v2.db", path)
    formatting = token_formatting(monkeypatch)
    with Store.open(path) as store:
        (dataset,) = store.list_datasets()
        before = tmp_path / "before.jsonl"
        export_dataset(store, dataset.name, before, EVERYTHING)  # formatted, as in schema 2
        assert len(formatting) == 4
        stored = list(store.iter_documents(dataset.id, with_tokens=True))
        never = [document.text for document, tokens in stored if tokens is None]
        store.save_tokens_many((d.id, tokens) for d, tokens in stored if tokens is not None)
        formatting.clear()
        after = tmp_path / "after.jsonl"
        export_dataset(store, dataset.name, after, EVERYTHING)
    assert after.read_bytes() == before.read_bytes()
    assert formatting == never  # only documents whose tokens were never saved


def stored_token_json(path: Path) -> list[bytes]:
    with sqlite3.connect(path) as conn:
        rows = conn.execute("SELECT token_json FROM document ORDER BY id").fetchall()
    conn.close()
    return [row[0] for row in rows]


def test_the_store_keeps_the_token_list_in_a_fraction_of_its_json(
    store: Store, db_path: Path
) -> None:
    """Plain, the list is about thirteen times the article: it would make the store five
    times the size. Packed, it is a fraction of that."""
    sentence = "Angela Merkel met Emmanuel Macron in Berlin on Tuesday, officials said. "
    text = sentence * 40
    dataset = store.create_dataset("news")
    store.add_documents(dataset.id, [(new_document(text), TOKENIZER.tokens(text))])
    (stored,) = stored_token_json(db_path)
    plain = token_json(text, TOKENIZER.tokens(text)).encode()
    assert len(plain) > 4 * len(text.encode())
    assert len(stored) < len(plain) / 4


def test_a_token_list_kept_plain_by_an_earlier_store_exports_the_same(
    store: Store, db_path: Path, tmp_path: Path
) -> None:
    dataset = store.create_dataset("news")
    store.add_documents(dataset.id, [(new_document(t), TOKENIZER.tokens(t)) for t in TEXTS])
    packed = tmp_path / "packed.jsonl"
    export_dataset(store, "news", packed, EVERYTHING)
    with sqlite3.connect(db_path) as conn:
        for document, tokens in store.iter_documents(dataset.id, with_tokens=True):
            assert tokens is not None
            plain = token_json(document.text, tokens).encode()
            conn.execute("UPDATE document SET token_json = ? WHERE id = ?", (plain, document.id))
    conn.close()
    plain_export = tmp_path / "plain.jsonl"
    export_dataset(store, "news", plain_export, EVERYTHING)
    assert plain_export.read_bytes() == packed.read_bytes()
