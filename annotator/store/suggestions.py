"""What the suggesters read and write: phrase counts, documents to visit, batch results."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass

from sqlalchemy import (
    ColumnElement,
    Connection,
    Engine,
    bindparam,
    case,
    func,
    select,
    update,
)
from sqlalchemy.exc import IntegrityError

from annotator.core.edits import Edit
from annotator.core.errors import NotFoundError, StoreError, UnreadableDocument
from annotator.core.memory import ArticleCount, PhraseCount
from annotator.core.model import Document, Span, SpanState
from annotator.core.summaries import OPEN_STATUSES
from annotator.core.tokens import Tokens
from annotator.store.db import read_transaction, write_transaction
from annotator.store.documents import StaleDocument, write_edit
from annotator.store.perspective import ANNOTATION, document_columns, seen_spans
from annotator.store.rows import (
    SPAN_COLUMNS,
    SPAN_ORDER,
    document_from_row,
    span_from_row,
    status_filter,
    token_columns,
)
from annotator.store.tables import DOCUMENT, SPAN, VERSION


@dataclass(frozen=True, slots=True)
class SuggestedDocument:
    """One document's result of a suggester run, ready to be written."""

    document: Document
    edit: Edit
    tokens: Tokens


class SuggestionQueries:
    """The suggestion part of `Store`."""

    _engine: Engine
    annotator: str

    def phrase_counts(self, dataset_id: int) -> list[PhraseCount]:
        """How often each exact phrase was accepted, drawn or rejected with each label, by
        the store's annotator: each person's suggestions learn from their own decisions
        only, so that their versions stay independent (agreement measures that)."""
        own = select(VERSION.c.id).where(
            VERSION.c.annotator == self.annotator, VERSION.c.kind == ANNOTATION
        )
        phrase = func.substr(DOCUMENT.c.text, SPAN.c.start + 1, SPAN.c.end - SPAN.c.start)
        decided = (SpanState.ACCEPTED.value, SpanState.MANUAL.value, SpanState.REJECTED.value)
        with read_transaction(self._engine) as conn:
            rows = conn.execute(
                select(phrase, SPAN.c.label, SPAN.c.state, func.count())
                .select_from(SPAN.join(DOCUMENT, DOCUMENT.c.id == SPAN.c.document_id))
                .where(
                    DOCUMENT.c.dataset_id == dataset_id,
                    SPAN.c.state.in_(decided),
                    SPAN.c.version_id.in_(own),
                )
                .group_by(phrase, SPAN.c.label, SPAN.c.state)
            ).all()
        return [(str(p), str(label), SpanState(state), int(n)) for p, label, state, n in rows]

    def article_counts(self, dataset_id: int) -> list[ArticleCount]:
        """Per label, how many of the store's annotator's gold spans start right after a
        "the " (people left the article out) and how many start with one (they kept it)."""
        own = select(VERSION.c.id).where(
            VERSION.c.annotator == self.annotator, VERSION.c.kind == ANNOTATION
        )
        gold = (SpanState.ACCEPTED.value, SpanState.MANUAL.value)
        before = func.lower(func.substr(DOCUMENT.c.text, SPAN.c.start - 3, 4)) == "the "
        starts = func.lower(func.substr(DOCUMENT.c.text, SPAN.c.start + 1, 4)) == "the "
        with read_transaction(self._engine) as conn:
            rows = conn.execute(
                select(
                    SPAN.c.label,
                    func.sum(case((starts, 1), else_=0)),
                    func.sum(case((before & (SPAN.c.start >= 4), 1), else_=0)),
                )
                .select_from(SPAN.join(DOCUMENT, DOCUMENT.c.id == SPAN.c.document_id))
                .where(
                    DOCUMENT.c.dataset_id == dataset_id,
                    SPAN.c.state.in_(gold),
                    SPAN.c.version_id.in_(own),
                )
                .group_by(SPAN.c.label)
            ).all()
        return [(str(label), int(kept or 0), int(cut or 0)) for label, kept, cut in rows]

    def count_to_suggest(self, dataset_id: int, *, force: bool) -> int:
        with read_transaction(self._engine) as conn:
            return int(
                conn.execute(
                    select(func.count()).where(_to_suggest(dataset_id, force, self.annotator))
                ).scalar_one()
            )

    def documents_to_suggest(
        self,
        dataset_id: int,
        *,
        force: bool,
        on_unreadable: Callable[[int, str], None] | None = None,
    ) -> Iterator[Document]:
        """The annotator's open documents no suggester has visited (all open ones with
        `force`), by id, as the annotator sees them: their version, else the shared input,
        which `save_suggestions` then writes to.

        Read in pages of short transactions, so writers are never held up and each page
        sees what earlier batches wrote. A document whose stored data cannot be read (a
        `meta` nested too deeply for Python's JSON reader, from before import refused
        those) is passed to `on_unreadable` with the reason and left out, instead of
        ending the run; without `on_unreadable` it raises `UnreadableDocument`.
        """
        where = _to_suggest(dataset_id, force, self.annotator)
        last = 0
        while True:
            with read_transaction(self._engine) as conn:
                rows = conn.execute(
                    select(*document_columns(self.annotator))
                    .where(where, DOCUMENT.c.id > last)
                    .order_by(DOCUMENT.c.id)
                    .limit(500)
                ).all()
                spans = _spans_of(conn, [row[0] for row in rows], self.annotator)
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
            row = conn.execute(
                select(DOCUMENT.c.suggested_with.is_not(None)).where(DOCUMENT.c.id == document_id)
            ).first()
        if row is None:
            raise NotFoundError(f"there is no document with id {document_id}")
        return bool(row[0])

    def save_suggestions(self, results: Sequence[SuggestedDocument], *, suggester: str) -> None:
        """Write a batch of suggester results in one transaction, marking each document."""
        now = time.time()
        try:
            with write_transaction(self._engine) as conn:
                for result in results:
                    changed = result.edit.apply(result.document)
                    # Into the annotator's version if they have one, else the shared input.
                    write_edit(
                        conn,
                        result.document,
                        changed,
                        result.edit,
                        annotator=result.document.annotator,
                    )
                if results:
                    conn.execute(
                        update(DOCUMENT).where(DOCUMENT.c.id == bindparam("row_id")),
                        [_marked(r, suggester, now) for r in results],
                    )
        except (IntegrityError, StaleDocument):
            raise StoreError(
                "a document changed while suggestions were computed for it; run suggest again"
            ) from None


def _marked(result: SuggestedDocument, suggester: str, now: float) -> dict[str, object]:
    """A suggested document's new tokens and the mark that a suggester has been over it."""
    tokens, token_json = token_columns(result.document.text, result.tokens)
    return {
        "row_id": result.document.id,
        "tokens": tokens,
        "token_json": token_json,
        "suggested_with": suggester,
        "suggested_at": now,
    }


def _to_suggest(dataset_id: int, force: bool, annotator: str) -> ColumnElement[bool]:
    """Documents a suggester visits: the ones the annotator has open."""
    where = status_filter(dataset_id, OPEN_STATUSES, annotator)
    if not force:
        where = where & DOCUMENT.c.suggested_with.is_(None)
    return where


def _spans_of(conn: Connection, ids: list[int], annotator: str) -> dict[int, list[Span]]:
    found: dict[int, list[Span]] = {}
    if not ids:
        return found
    for row in conn.execute(
        select(SPAN.c.document_id, *SPAN_COLUMNS)
        .where(SPAN.c.document_id.in_(ids), seen_spans(annotator))
        .order_by(*SPAN_ORDER)
    ):
        found.setdefault(row[0], []).append(span_from_row(row[1:]))
    return found
