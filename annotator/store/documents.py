"""Documents with their spans and tokens: bulk insert, reads, streaming, edits."""

from __future__ import annotations

import time
from collections.abc import Collection, Iterable, Iterator, Sequence
from dataclasses import dataclass, field, replace

from sqlalchemy import (
    Connection,
    Engine,
    bindparam,
    delete,
    func,
    literal,
    select,
    tuple_,
    update,
)
from sqlalchemy.exc import IntegrityError

from annotator.core.edits import Edit
from annotator.core.errors import NotFoundError, StoreError
from annotator.core.model import Document, Label, Span, Status
from annotator.core.tokens import Tokens
from annotator.core.versions import Pick, VersionChoice
from annotator.store import fast_path
from annotator.store.datasets import NewDataset, insert_dataset
from annotator.store.db import read_transaction, write_transaction
from annotator.store.labels import append_labels
from annotator.store.perspective import (
    ANNOTATION,
    REVIEW,
    acting_kind,
    document_columns,
    seen_version,
)
from annotator.store.rows import (
    SPAN_COLUMNS,
    SPAN_ORDER,
    ToAdd,
    document_from_row,
    insert_spans,
    spans_from_rows,
    status_filter,
    token_columns,
)
from annotator.store.server_edits import write_pipelined
from annotator.store.streams import (
    StoredDocument,
    documents_with_spans,
    merged_scans,
    stream_statements,
)
from annotator.store.tables import DOCUMENT, INPUT, SPAN
from annotator.store.versions import (
    edited_version,
    ensure_version,
    lock_version,
    touch,
    version_of,
)


@dataclass(frozen=True, slots=True)
class AddResult:
    added: int
    duplicates: int
    dataset_id: int = field(default=0, compare=False)  # the dataset written to
    versions: int = field(default=0, compare=False)  # annotators' versions written


class DocumentQueries:
    """The document half of `Store`."""

    _engine: Engine
    annotator: str
    reviewing: bool

    @property
    def _kind(self) -> str:
        return acting_kind(self.reviewing)

    def start_review(self, document_id: int, spans: Sequence[Span]) -> Document:
        """The store's annotator's review of the document, begun with `spans` (the
        versions' agreed spans, say) unless they began it already; one transaction.

        A review is a version of its own ("review"), which `reviewing` reads and edits.
        """
        now = time.time()
        with write_transaction(self._engine) as conn:
            lock_version(conn, document_id, self.annotator, REVIEW)
            if version_of(conn, document_id, self.annotator, REVIEW) is None:
                version_id = ensure_version(conn, document_id, self.annotator, now, REVIEW)
                conn.execute(delete(SPAN).where(SPAN.c.version_id == version_id))
                insert_spans(conn, document_id, version_id, spans)
                touch(conn, version_id, Status.IN_PROGRESS.value, now)
        reviewing, self.reviewing = self.reviewing, True
        try:
            return self.get_document(document_id)
        finally:
            self.reviewing = reviewing

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
        with write_transaction(self._engine) as conn:
            dataset_id = dataset if isinstance(dataset, int) else insert_dataset(conn, dataset)
            append_labels(conn, dataset_id, new_labels)
            added, duplicates, versions = fast_path.insert_documents(
                conn, dataset_id, documents, self.annotator
            )
        return AddResult(added, duplicates, dataset_id, versions)

    def save_tokens(self, document_id: int, tokens: Tokens) -> None:
        self.save_tokens_many([(document_id, tokens)])

    def save_tokens_many(self, pairs: Iterable[tuple[int, Tokens]]) -> None:
        with write_transaction(self._engine) as conn:
            rows = []
            for document_id, tokens in pairs:
                text = conn.execute(
                    select(DOCUMENT.c.text).where(DOCUMENT.c.id == document_id)
                ).scalar()
                if text is not None:
                    packed = token_columns(text, tokens)
                    rows.append(
                        {"row_id": document_id, "tokens": packed[0], "token_json": packed[1]}
                    )
            if rows:
                conn.execute(update(DOCUMENT).where(DOCUMENT.c.id == bindparam("row_id")), rows)

    def get_document(self, document_id: int) -> Document:
        with read_transaction(self._engine) as conn:
            row = conn.execute(
                select(*document_columns(self.annotator, self._kind)).where(
                    DOCUMENT.c.id == document_id
                )
            ).first()
            if row is None:
                raise NotFoundError(f"there is no document with id {document_id}")
            # Plain tuples from the cursor: a long article has 10,000 spans (fast_path.py).
            spans = fast_path.rows(
                conn,
                select(*SPAN_COLUMNS)
                .where(
                    SPAN.c.document_id == document_id,
                    SPAN.c.version_id
                    == seen_version(self.annotator, literal(document_id), self._kind),
                )
                .order_by(*SPAN_ORDER),
            )
            document = document_from_row(tuple(row), spans_from_rows(spans))
            return replace(document, reviewed=True) if self.reviewing else document

    def get_tokens(self, document_id: int) -> Tokens | None:
        with read_transaction(self._engine) as conn:
            data = conn.execute(
                select(DOCUMENT.c.tokens).where(DOCUMENT.c.id == document_id)
            ).scalar()
        return None if data is None else Tokens.from_bytes(data)

    def document_ids(
        self, dataset_id: int, statuses: Collection[Status] | None = None
    ) -> list[int]:
        with read_transaction(self._engine) as conn:
            rows = conn.execute(
                select(DOCUMENT.c.id)
                .where(status_filter(dataset_id, statuses, self.annotator, kind=self._kind))
                .order_by(DOCUMENT.c.id)
            )
            return [int(r[0]) for r in rows]

    def count_documents(self, dataset_id: int, statuses: Collection[Status] | None = None) -> int:
        with read_transaction(self._engine) as conn:
            return int(
                conn.execute(
                    select(func.count()).where(
                        status_filter(dataset_id, statuses, self.annotator, kind=self._kind)
                    )
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
        version: VersionChoice | None = None,
    ) -> Iterator[StoredDocument]:
        """Stream documents in id order with their spans, in one read snapshot: the version
        of each that `version` names (by default the reviewed one, else the store's
        annotator's, else the only one; see `core/versions.py`); `statuses` are that
        version's.

        Memory stays flat: two queries (documents, and spans ordered by document) are
        merged as they go, so nothing is loaded whole.
        """
        with read_transaction(self._engine) as conn:
            statements = stream_statements(
                conn,
                dataset_id,
                statuses,
                version or VersionChoice(Pick.AUTO, self.annotator),
                with_tokens=with_tokens,
                with_token_json=with_token_json,
            )
            if statements is not None:
                yield from merged_scans(conn, *statements, documents_with_spans)

    def delete_document(self, document_id: int) -> int:
        """Delete one document with its spans and tokens, in one transaction; return how
        many spans went with it. Its dataset and the other documents stay as they are."""
        with write_transaction(self._engine) as conn:
            spans = conn.execute(
                select(func.count()).where(SPAN.c.document_id == document_id)
            ).scalar_one()
            conn.execute(delete(SPAN).where(SPAN.c.document_id == document_id))
            if conn.execute(delete(DOCUMENT).where(DOCUMENT.c.id == document_id)).rowcount == 0:
                raise NotFoundError(f"there is no document with id {document_id}")
        return int(spans)

    def apply(self, document: Document, edit: Edit) -> Document:
        """Apply `edit` to the store's annotator's version of `document` and write it in
        one transaction (making the version from the shared input on their first edit);
        return the result.

        The edit is applied to the value first: an invalid edit raises `EditError` before
        anything is written.
        """
        changed = edit.apply(document)
        try:
            with write_transaction(self._engine, edit=True) as conn:
                write_edit(conn, document, changed, edit, annotator=self.annotator, kind=self._kind)
        except (IntegrityError, StaleDocument):
            raise StoreError(
                f"document {document.id} was changed elsewhere since it was opened (by another "
                "annotator window or command); reopen it and try again. Nothing was saved."
            ) from None
        return changed


class StaleDocument(StoreError):
    """A span the edit removes is not stored as the edit saw it: another program changed
    the document since it was read. Writing anyway would silently overwrite that change."""


_DELETE_SPAN = delete(SPAN).where(
    SPAN.c.document_id == bindparam("document"),
    SPAN.c.version_id == bindparam("version"),
    SPAN.c.start == bindparam("span_start"),
    SPAN.c.end == bindparam("span_end"),
    SPAN.c.label == bindparam("span_label"),
    SPAN.c.state == bindparam("span_state"),
)


def write_edit(
    conn: Connection,
    document: Document,
    changed: Document,
    edit: Edit,
    *,
    annotator: str | None,
    kind: str = ANNOTATION,
) -> None:
    """Write what `edit` did to `document` (now `changed`) inside the caller's transaction:
    to the annotator's version, made on their first edit, or (None) to the shared input."""
    changes = edit.changes()
    now = time.time()
    if annotator is None:
        version_id = INPUT
        updated = conn.execute(
            update(DOCUMENT).where(DOCUMENT.c.id == document.id).values(updated_at=now)
        ).rowcount
        if updated == 0:
            raise NotFoundError(
                f"document {document.id} is no longer in the store (its dataset was "
                "deleted?); the change was not saved"
            )
    else:
        if conn.dialect.name == "postgresql":  # one round trip: see server_edits.py
            status = changed.status.value
            deleted = write_pipelined(conn, document.id, annotator, kind, status, now, changes)
            if deleted is not None:
                _check_removed(document, deleted, changes.removed)
                return
        lock_version(conn, document.id, annotator, kind)  # first: see versions.py
        version_id = edited_version(conn, document.id, annotator, changed.status.value, now, kind)
    if changes.removed:
        deleted = _delete_spans(conn, document.id, version_id, changes.removed)
        _check_removed(document, deleted, changes.removed)
    insert_spans(conn, document.id, version_id, changes.added)


def _check_removed(document: Document, deleted: int, removed: Sequence[Span]) -> None:
    if deleted != len(removed):  # the caller's transaction is rolled back
        raise StaleDocument(f"document {document.id}: a removed span is not as it was read")


def _delete_spans(
    conn: Connection, document_id: int, version_id: int, spans: Sequence[Span]
) -> int:
    """Remove these spans of the version; how many rows were removed.

    On a server many go in one statement, as `insert_spans` adds them: psycopg would send
    a list of parameters as a pipeline of its own, round trips at every key. A file runs
    the prepared statement once per span, in-process."""
    if conn.dialect.name != "postgresql" or len(spans) == 1:
        rows = [
            {
                "document": document_id,
                "version": version_id,
                "span_start": s.start,
                "span_end": s.end,
                "span_label": s.label,
                "span_state": s.state.value,
            }
            for s in spans
        ]
        return int(conn.execute(_DELETE_SPAN, rows[0] if len(rows) == 1 else rows).rowcount)
    keys = tuple_(SPAN.c.start, SPAN.c.end, SPAN.c.label, SPAN.c.state)
    removed = delete(SPAN).where(
        SPAN.c.document_id == document_id,
        SPAN.c.version_id == version_id,
        keys.in_([(s.start, s.end, s.label, s.state.value) for s in spans]),
    )
    return int(conn.execute(removed).rowcount)
