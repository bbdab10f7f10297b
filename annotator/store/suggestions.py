"""What the suggesters read and write: phrase counts, documents to visit, batch results."""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass

from sqlalchemy import Engine

from annotator.core.edits import Edit
from annotator.core.errors import NotFoundError, StoreError, UnreadableDocument
from annotator.core.memory import PhraseCount
from annotator.core.model import Document, Span, SpanState
from annotator.core.summaries import OPEN_STATUSES
from annotator.core.tokens import Tokens
from annotator.store.db import read_transaction, write_transaction
from annotator.store.documents import token_columns, write_edit
from annotator.store.rows import DOC_COLUMNS, document_from_row, span_from_row


@dataclass(frozen=True, slots=True)
class SuggestedDocument:
    """One document's result of a suggester run, ready to be written."""

    document: Document
    edit: Edit
    tokens: Tokens


class SuggestionQueries:
    """The suggestion part of `Store`."""

    _engine: Engine

    def phrase_counts(self, dataset_id: int) -> list[PhraseCount]:
        """How often each exact phrase was accepted, drawn or rejected with each label."""
        with read_transaction(self._engine) as conn:
            rows = conn.exec_driver_sql(
                "SELECT substr(d.text, s.start + 1, s.end - s.start) AS phrase, s.label,"
                " s.state, count(*) FROM span s JOIN document d ON d.id = s.document_id"
                " WHERE d.dataset_id = ? AND s.state IN ('accepted', 'manual', 'rejected')"
                " GROUP BY phrase, s.label, s.state",
                (dataset_id,),
            ).all()
        return [(str(p), str(label), SpanState(state), int(n)) for p, label, state, n in rows]

    def count_to_suggest(self, dataset_id: int, *, force: bool) -> int:
        where, params = _to_suggest(dataset_id, force)
        with read_transaction(self._engine) as conn:
            return int(
                conn.exec_driver_sql(
                    f"SELECT count(*) FROM document d WHERE {where}", params
                ).scalar_one()
            )

    def documents_to_suggest(
        self,
        dataset_id: int,
        *,
        force: bool,
        on_unreadable: Callable[[int, str], None] | None = None,
    ) -> Iterator[Document]:
        """Open documents no suggester has visited (all open ones with `force`), by id.

        Read in pages of short transactions, so writers are never held up and each page
        sees what earlier batches wrote. A document whose stored data cannot be read (a
        `meta` nested too deeply for Python's JSON reader, from before import refused
        those) is passed to `on_unreadable` with the reason and left out, instead of
        ending the run; without `on_unreadable` it raises `UnreadableDocument`.
        """
        where, params = _to_suggest(dataset_id, force)
        last = 0
        while True:
            with read_transaction(self._engine) as conn:
                raw = conn.connection.driver_connection
                assert raw is not None
                rows = raw.execute(
                    f"SELECT {DOC_COLUMNS} FROM document d WHERE {where} AND d.id > ?"
                    " ORDER BY d.id LIMIT 500",
                    (*params, last),
                ).fetchall()
                spans = _spans_of(raw, [row[0] for row in rows])
            if not rows:
                return
            for row in rows:
                try:
                    document = document_from_row(row, spans.get(row[0], []))
                except UnreadableDocument as error:
                    if on_unreadable is None:
                        raise
                    on_unreadable(row[0], str(error).split(": ", 1)[1])
                    continue
                yield document
            last = rows[-1][0]

    def was_suggested(self, document_id: int) -> bool:
        """Whether a suggester's results were ever saved for the document (`save_suggestions`)."""
        with read_transaction(self._engine) as conn:
            row = conn.exec_driver_sql(
                "SELECT suggested_with IS NOT NULL FROM document WHERE id = ?", (document_id,)
            ).first()
        if row is None:
            raise NotFoundError(f"there is no document with id {document_id}")
        return bool(row[0])

    def save_suggestions(self, results: Sequence[SuggestedDocument], *, suggester: str) -> None:
        """Write a batch of suggester results in one transaction, marking each document."""
        now = time.time()
        try:
            with write_transaction(self._engine) as conn:
                raw = conn.connection.driver_connection
                assert raw is not None
                for result in results:
                    changed = result.edit.apply(result.document)
                    write_edit(raw, result.document, changed, result.edit, annotator=None)
                raw.executemany(
                    "UPDATE document SET tokens = ?, token_json = ?, suggested_with = ?,"
                    " suggested_at = ? WHERE id = ?",
                    [
                        (*token_columns(r.document.text, r.tokens), suggester, now, r.document.id)
                        for r in results
                    ],
                )
        except sqlite3.IntegrityError:
            raise StoreError(
                "a document changed while suggestions were computed for it; run suggest again"
            ) from None


def _to_suggest(dataset_id: int, force: bool) -> tuple[str, tuple[object, ...]]:
    """Documents a suggester visits: open ones, not yet finished by a person."""
    marks = ", ".join("?" * len(OPEN_STATUSES))
    where = f"d.dataset_id = ? AND d.status IN ({marks})"
    if not force:
        where += " AND d.suggested_with IS NULL"
    return where, (dataset_id, *(s.value for s in OPEN_STATUSES))


def _spans_of(raw: sqlite3.Connection, ids: list[int]) -> dict[int, list[Span]]:
    found: dict[int, list[Span]] = {}
    if not ids:
        return found
    marks = ", ".join("?" * len(ids))
    for row in raw.execute(
        "SELECT document_id, start, end, label, state, source, score FROM span"
        f" WHERE document_id IN ({marks}) ORDER BY document_id, start, end, label",
        ids,
    ):
        found.setdefault(row[0], []).append(span_from_row(row[1:]))
    return found
