"""Documents with their spans and tokens: bulk insert, reads, streaming, edits."""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Collection, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Engine

from annotator.core.edits import Edit
from annotator.core.errors import NotFoundError, StoreError
from annotator.core.model import Document, Label, Span, Status
from annotator.core.token_json import packed_token_json, unpacked
from annotator.core.tokens import Tokens
from annotator.store.datasets import NewDataset, insert_dataset
from annotator.store.db import read_transaction, write_transaction
from annotator.store.labels import append_labels
from annotator.store.rows import (
    DOC_COLUMNS,
    SPAN_COLUMNS,
    SPAN_STATES,
    document_from_row,
    dump,
    spans_from_rows,
    status_filter,
)

# Stream a dataset by walking its id range when it holds at least 1/N of the rows there.
_DENSE_RANGE = 4

# What `iter_documents` yields: a document, its stored tokens (None when never saved) and,
# when asked for, their Prodigy JSON (None when not stored; see `token_columns`).
StoredDocument = tuple[Document, Tokens | None, bytes | None]


def token_columns(text: str, tokens: Tokens | None) -> tuple[bytes | None, bytes | None]:
    """The `tokens` and `token_json` columns for `text`'s tokens: every write of tokens
    writes both, so the JSON an export copies is always that of the stored tokens. The
    JSON is packed (`packed_token_json`); reads give it back plain."""
    if tokens is None:
        return None, None
    return tokens.to_bytes(), packed_token_json(text, tokens)


# A document to add with its tokens, and perhaps their Prodigy JSON already made (packed).
ToAdd = tuple[Document, Tokens | None] | tuple[Document, Tokens | None, bytes | None]


@dataclass(frozen=True, slots=True)
class AddResult:
    added: int
    duplicates: int
    dataset_id: int = field(default=0, compare=False)  # the dataset written to


class DocumentQueries:
    """The document half of `Store`."""

    _engine: Engine

    def add_documents(
        self,
        dataset: int | NewDataset,
        documents: Iterable[ToAdd],
        *,
        new_labels: Sequence[Label] = (),
    ) -> AddResult:
        """Add documents (and labels) in one transaction: all of them or, on error, none.

        `dataset` is a dataset's id, or a `NewDataset` created in the same transaction (so
        an import that fails leaves no empty dataset behind). `documents` is consumed as the
        transaction goes: it may be a generator reading a file. A document whose
        `input_hash` the dataset already holds (or that repeats one earlier in `documents`)
        is skipped and counted as a duplicate. An item may bring its tokens' Prodigy JSON,
        made elsewhere (an import's worker processes); otherwise it is made here.
        """
        added = duplicates = 0
        with write_transaction(self._engine) as conn:
            dataset_id = dataset if isinstance(dataset, int) else insert_dataset(conn, dataset)
            append_labels(conn, dataset_id, new_labels)
            cursor = conn.connection.driver_connection.cursor()  # type: ignore[union-attr]
            try:
                for item in documents:
                    if self._insert_document(cursor, dataset_id, *item):
                        added += 1
                    else:
                        duplicates += 1
            finally:
                cursor.close()
        return AddResult(added, duplicates, dataset_id)

    @staticmethod
    def _insert_document(
        cursor: Any,
        dataset_id: int,
        document: Document,
        tokens: Tokens | None,
        token_json: bytes | None = None,
    ) -> bool:
        columns = (
            token_columns(document.text, tokens)
            if token_json is None
            else (
                None if tokens is None else tokens.to_bytes(),
                token_json,
            )
        )
        cursor.execute(
            "INSERT OR IGNORE INTO document (dataset_id, text, meta, extra, source, input_hash,"
            " prodigy_input_hash, status, annotator, created_at, updated_at, tokens, token_json)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                dataset_id,
                document.text,
                dump(document.meta),
                dump(document.extra),
                document.source,
                document.input_hash,
                document.prodigy_input_hash,
                document.status.value,
                document.annotator,
                document.created_at,
                document.updated_at,
                *columns,
            ),
        )
        if cursor.rowcount == 0:
            return False
        document_id = cursor.lastrowid
        if document.spans:
            cursor.executemany(
                "INSERT INTO span (document_id, start, end, label, state, source, score)"
                " VALUES (?, ?, ?, ?, ?, ?, ?)",
                [
                    (document_id, s.start, s.end, s.label, s.state.value, s.source, s.score)
                    for s in document.spans
                ],
            )
        return True

    def save_tokens(self, document_id: int, tokens: Tokens) -> None:
        self.save_tokens_many([(document_id, tokens)])

    def save_tokens_many(self, pairs: Iterable[tuple[int, Tokens]]) -> None:
        with write_transaction(self._engine) as conn:
            raw = conn.connection.driver_connection
            assert raw is not None
            rows = []
            for document_id, tokens in pairs:
                found = raw.execute("SELECT text FROM document WHERE id = ?", (document_id,))
                text = found.fetchone()
                if text is not None:
                    rows.append((*token_columns(text[0], tokens), document_id))
            raw.executemany("UPDATE document SET tokens = ?, token_json = ? WHERE id = ?", rows)

    def get_document(self, document_id: int) -> Document:
        with read_transaction(self._engine) as conn:
            row = conn.exec_driver_sql(
                f"SELECT {DOC_COLUMNS} FROM document WHERE id = ?", (document_id,)
            ).first()
            if row is None:
                raise NotFoundError(f"there is no document with id {document_id}")
            # The driver's own cursor: rows as plain tuples, a third faster for long articles.
            cursor = conn.connection.driver_connection.cursor()  # type: ignore[union-attr]
            try:
                spans = cursor.execute(
                    f"SELECT {SPAN_COLUMNS} FROM span WHERE document_id = ? "
                    "ORDER BY start, end, label",
                    (document_id,),
                ).fetchall()
            finally:
                cursor.close()
            return document_from_row(tuple(row), spans_from_rows(spans))

    def get_tokens(self, document_id: int) -> Tokens | None:
        with read_transaction(self._engine) as conn:
            data = conn.exec_driver_sql(
                "SELECT tokens FROM document WHERE id = ?", (document_id,)
            ).scalar()
        return None if data is None else Tokens.from_bytes(data)

    def document_ids(
        self, dataset_id: int, statuses: Collection[Status] | None = None
    ) -> list[int]:
        where, params = status_filter(dataset_id, statuses)
        with read_transaction(self._engine) as conn:
            rows = conn.exec_driver_sql(
                f"SELECT id FROM document d WHERE {where} ORDER BY id", params
            )
            return [int(r[0]) for r in rows]

    def count_documents(self, dataset_id: int, statuses: Collection[Status] | None = None) -> int:
        where, params = status_filter(dataset_id, statuses)
        with read_transaction(self._engine) as conn:
            return int(
                conn.exec_driver_sql(
                    f"SELECT count(*) FROM document d WHERE {where}", params
                ).scalar_one()
            )

    def iter_documents(
        self,
        dataset_id: int,
        statuses: Collection[Status] | None = None,
        *,
        with_tokens: bool = False,
    ) -> Iterator[tuple[Document, Tokens | None]]:
        """Stream documents in id order with their spans (and tokens), in one snapshot."""
        for document, tokens, _ in self.stream_documents(
            dataset_id, statuses, with_tokens=with_tokens
        ):
            yield document, tokens

    def stream_documents(
        self,
        dataset_id: int,
        statuses: Collection[Status] | None = None,
        *,
        with_tokens: bool = False,
        with_token_json: bool = False,
    ) -> Iterator[StoredDocument]:
        """Stream documents in id order with their spans, in one read snapshot.

        Memory stays flat: two cursors (documents, and spans ordered by document) are
        merged as they go, so nothing is loaded whole. When the dataset holds a good share
        of the rows between its first and last id (imports add documents in blocks), both
        walk that id range, which hands the rows over in order; through the dataset/status
        index SQLite would sort every row, texts and tokens included, before the first.
        """
        where, params = status_filter(dataset_id, statuses)
        extra = ", tokens" if with_tokens else ", NULL"
        extra += ", token_json" if with_token_json else ", NULL"
        with read_transaction(self._engine) as conn:
            raw = conn.connection.driver_connection
            assert raw is not None
            count, first, last = raw.execute(
                "SELECT count(*), min(id), max(id) FROM document WHERE dataset_id = ?",
                (dataset_id,),
            ).fetchone()
            if not count:
                return
            source = "document d"
            if count * _DENSE_RANGE >= last - first + 1:
                source = "document d NOT INDEXED"  # by id (the rowid), not by the index
                where, params = f"{where} AND d.id BETWEEN ? AND ?", (*params, first, last)
            documents = raw.execute(
                f"SELECT {DOC_COLUMNS}{extra} FROM {source} WHERE {where} ORDER BY d.id",
                params,
            )
            spans = raw.execute(
                "SELECT s.document_id, s.start, s.end, s.label, s.state, s.source, s.score"
                f" FROM {source} CROSS JOIN span s ON s.document_id = d.id"
                f" WHERE {where} ORDER BY d.id, s.start, s.end, s.label",
                params,
            )
            states = SPAN_STATES
            pending = next(spans, None)
            for row in documents:
                document_id = row[0]
                own: list[Span] = []
                while pending is not None and pending[0] == document_id:
                    _, start, end, label, state, by, score = pending
                    own.append(Span(start, end, label, states[state], by, score))
                    pending = next(spans, None)
                tokens = None if row[-2] is None else Tokens.from_bytes(row[-2])
                token_json = None if row[-1] is None else unpacked(row[-1])
                yield document_from_row(row[:-2], own), tokens, token_json

    def delete_document(self, document_id: int) -> int:
        """Delete one document with its spans and tokens, in one transaction; return how
        many spans went with it. Its dataset and the other documents stay as they are."""
        with write_transaction(self._engine) as conn:
            raw = conn.connection.driver_connection
            assert raw is not None
            (spans,) = raw.execute(
                "SELECT count(*) FROM span WHERE document_id = ?", (document_id,)
            ).fetchone()
            raw.execute("DELETE FROM span WHERE document_id = ?", (document_id,))
            if raw.execute("DELETE FROM document WHERE id = ?", (document_id,)).rowcount == 0:
                raise NotFoundError(f"there is no document with id {document_id}")
        return int(spans)

    def apply(self, document: Document, edit: Edit, *, annotator: str | None = None) -> Document:
        """Apply `edit` to `document` and write it in one transaction; return the result.

        The edit is applied to the value first: an invalid edit raises `EditError` before
        anything is written.
        """
        changed = edit.apply(document)
        try:
            with write_transaction(self._engine) as conn:
                raw = conn.connection.driver_connection
                assert raw is not None
                write_edit(raw, document, changed, edit, annotator=annotator)
        except sqlite3.IntegrityError:
            raise StoreError(
                f"document {document.id} was changed elsewhere since it was opened (by another "
                "annotator window or command); reopen it and try again. Nothing was saved."
            ) from None
        return changed


class StaleDocument(sqlite3.IntegrityError):
    """A span the edit removes is not stored as the edit saw it: another program changed
    the document since it was read. Writing anyway would silently overwrite that change."""


def write_edit(
    raw: Any, document: Document, changed: Document, edit: Edit, *, annotator: str | None
) -> None:
    """Write what `edit` did to `document` (now `changed`) inside the caller's transaction."""
    changes = edit.changes()
    updated = raw.execute(
        "UPDATE document SET status = ?, updated_at = ?,"
        " annotator = coalesce(?, annotator) WHERE id = ?",
        (changed.status.value, time.time(), annotator, document.id),
    ).rowcount
    if updated == 0:
        raise NotFoundError(
            f"document {document.id} is no longer in the store (its dataset was "
            "deleted?); the change was not saved"
        )
    if changes.removed:
        deleted = raw.executemany(
            "DELETE FROM span WHERE document_id = ? AND start = ? AND end = ? AND label = ?"
            " AND state = ?",
            [(document.id, s.start, s.end, s.label, s.state.value) for s in changes.removed],
        ).rowcount
        if deleted != len(changes.removed):  # the caller's transaction is rolled back
            raise StaleDocument(f"document {document.id}: a removed span is not as it was read")
    if changes.added:
        raw.executemany(
            "INSERT INTO span (document_id, start, end, label, state, source, score)"
            " VALUES (?, ?, ?, ?, ?, ?, ?)",
            [
                (document.id, s.start, s.end, s.label, s.state.value, s.source, s.score)
                for s in changes.added
            ],
        )
