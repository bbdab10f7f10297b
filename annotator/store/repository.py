"""`Store`: the only way into the SQLite file. It takes and returns core values only.

Each public method that writes is one short transaction. Bulk paths (importing a file,
streaming an export) use the driver cursor directly: the ORM costs 8x on 100k rows there,
and these paths are where users wait.
"""

from __future__ import annotations

import json
import sqlite3
import time
from collections.abc import Collection, Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, delete, func, select
from sqlalchemy.exc import IntegrityError
from sqlmodel import col

from annotator.core.edits import Edit
from annotator.core.errors import NotFoundError, StoreError
from annotator.core.model import Dataset, Document, Label, Span, SpanState, Status
from annotator.core.tokens import Tokens
from annotator.store.db import open_engine, read_transaction, write_transaction
from annotator.store.tables import DatasetRow, DocumentRow, LabelRow


@dataclass(frozen=True, slots=True)
class AddResult:
    added: int
    duplicates: int


@dataclass(frozen=True, slots=True)
class Stats:
    documents_by_status: dict[str, int]
    spans_by_label: dict[str, dict[str, int]]  # label -> state -> count
    documents_by_annotator: dict[str, dict[str, int]]  # annotator -> status -> count


_DOC_COLUMNS = (
    "id, dataset_id, text, meta, extra, source, input_hash, prodigy_input_hash, status, "
    "annotator, created_at, updated_at"
)
_SPAN_COLUMNS = "start, end, label, state, source, score"


class Store:
    """Datasets, documents and spans in one SQLite file."""

    def __init__(self, engine: Engine, path: Path) -> None:
        self._engine = engine
        self.path = path

    @classmethod
    def open(cls, path: Path) -> Store:
        return cls(open_engine(path), path)

    def close(self) -> None:
        self._engine.dispose()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    # -- datasets ---------------------------------------------------------------------

    def list_datasets(self) -> list[Dataset]:
        with read_transaction(self._engine) as conn:
            rows = conn.execute(select(DatasetRow).order_by(col(DatasetRow.name))).all()
            return [self._dataset(conn, DatasetRow.model_validate(r._mapping)) for r in rows]

    def get_dataset(self, name: str) -> Dataset:
        with read_transaction(self._engine) as conn:
            row = conn.execute(select(DatasetRow).where(col(DatasetRow.name) == name)).first()
            if row is None:
                raise NotFoundError(f"there is no dataset named {name!r}{self._known_names(conn)}")
            return self._dataset(conn, DatasetRow.model_validate(row._mapping))

    def find_dataset(self, name: str) -> Dataset | None:
        try:
            return self.get_dataset(name)
        except NotFoundError:
            return None

    def create_dataset(
        self,
        name: str,
        *,
        labels: Sequence[Label] = (),
        lang: str = "en",
        allow_overlap: bool = False,
    ) -> Dataset:
        _check_dataset_name(name)
        try:
            with write_transaction(self._engine) as conn:
                result = conn.execute(
                    DatasetRow.__table__.insert().values(  # type: ignore[attr-defined]
                        name=name,
                        lang=lang,
                        allow_overlap=allow_overlap,
                        settings="{}",
                        created_at=time.time(),
                    )
                )
                key = result.inserted_primary_key
                assert key is not None
                dataset_id = int(key[0])
                self._insert_labels(conn, dataset_id, labels, first_position=0)
        except IntegrityError:
            raise StoreError(f"a dataset named {name!r} already exists") from None
        return self.get_dataset(name)

    def rename_dataset(self, old: str, new: str) -> Dataset:
        _check_dataset_name(new)
        dataset = self.get_dataset(old)
        if self.find_dataset(new) is not None:
            raise StoreError(f"a dataset named {new!r} already exists")
        try:
            with write_transaction(self._engine) as conn:
                conn.execute(
                    DatasetRow.__table__.update()  # type: ignore[attr-defined]
                    .where(DatasetRow.id == dataset.id)
                    .values(name=new)
                )
        except IntegrityError:  # created by another process in the meantime
            raise StoreError(f"a dataset named {new!r} already exists") from None
        return self.get_dataset(new)

    def delete_dataset(self, name: str) -> int:
        """Delete a dataset with its documents and spans; return how many documents went."""
        dataset = self.get_dataset(name)
        with write_transaction(self._engine) as conn:
            count = conn.execute(
                select(func.count()).where(col(DocumentRow.dataset_id) == dataset.id)
            ).scalar_one()
            conn.execute(delete(DatasetRow).where(DatasetRow.id == dataset.id))  # type: ignore[arg-type]
        return int(count)

    def add_labels(self, dataset_id: int, labels: Sequence[Label]) -> None:
        self.add_documents(dataset_id, (), new_labels=labels)

    @staticmethod
    def _insert_labels(
        conn: Connection, dataset_id: int, labels: Sequence[Label], *, first_position: int
    ) -> None:
        if not labels:
            return
        conn.execute(
            LabelRow.__table__.insert(),  # type: ignore[attr-defined]
            [
                {
                    "dataset_id": dataset_id,
                    "name": label.name,
                    "color": label.color,
                    "hotkey": label.hotkey,
                    "description": label.description,
                    "position": first_position + i,
                }
                for i, label in enumerate(labels)
            ],
        )

    def _dataset(self, conn: Connection, row: DatasetRow) -> Dataset:
        labels = conn.execute(
            select(LabelRow).where(LabelRow.dataset_id == row.id).order_by(LabelRow.position)  # type: ignore[arg-type]
        ).all()
        assert row.id is not None
        return Dataset(
            id=row.id,
            name=row.name,
            labels=tuple(
                Label(r.name, r.color, r.hotkey, r.description)
                for r in (x._mapping for x in labels)
            ),
            lang=row.lang,
            allow_overlap=row.allow_overlap,
            created_at=row.created_at,
        )

    @staticmethod
    def _known_names(conn: Connection) -> str:
        names = (
            conn.execute(select(col(DatasetRow.name)).order_by(col(DatasetRow.name)))
            .scalars()
            .all()
        )
        return f" (datasets: {', '.join(names)})" if names else " (the store has no datasets yet)"

    # -- documents --------------------------------------------------------------------

    def add_documents(
        self,
        dataset_id: int,
        documents: Iterable[tuple[Document, Tokens | None]],
        *,
        new_labels: Sequence[Label] = (),
    ) -> AddResult:
        """Add documents (and labels) in one transaction: all of them or, on error, none.

        A document whose `input_hash` the dataset already holds (or that repeats one
        earlier in `documents`) is skipped and counted as a duplicate.
        """
        added = duplicates = 0
        with write_transaction(self._engine) as conn:
            if new_labels:
                position = conn.execute(
                    select(func.count()).where(col(LabelRow.dataset_id) == dataset_id)
                ).scalar_one()
                self._insert_labels(conn, dataset_id, new_labels, first_position=int(position))
            cursor = conn.connection.driver_connection.cursor()  # type: ignore[union-attr]
            try:
                for document, tokens in documents:
                    if self._insert_document(cursor, dataset_id, document, tokens):
                        added += 1
                    else:
                        duplicates += 1
            finally:
                cursor.close()
        return AddResult(added, duplicates)

    @staticmethod
    def _insert_document(
        cursor: Any, dataset_id: int, document: Document, tokens: Tokens | None
    ) -> bool:
        cursor.execute(
            "INSERT OR IGNORE INTO document (dataset_id, text, meta, extra, source, input_hash,"
            " prodigy_input_hash, status, annotator, created_at, updated_at, tokens)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                dataset_id,
                document.text,
                _dump(document.meta),
                _dump(document.extra),
                document.source,
                document.input_hash,
                document.prodigy_input_hash,
                document.status.value,
                document.annotator,
                document.created_at,
                document.updated_at,
                None if tokens is None else tokens.to_bytes(),
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
        with write_transaction(self._engine) as conn:
            conn.execute(
                DocumentRow.__table__.update()  # type: ignore[attr-defined]
                .where(DocumentRow.id == document_id)
                .values(tokens=tokens.to_bytes())
            )

    def save_tokens_many(self, pairs: Iterable[tuple[int, Tokens]]) -> None:
        with write_transaction(self._engine) as conn:
            conn.exec_driver_sql(
                "UPDATE document SET tokens = ? WHERE id = ?",
                [(tokens.to_bytes(), document_id) for document_id, tokens in pairs],
            )

    def get_document(self, document_id: int) -> Document:
        with read_transaction(self._engine) as conn:
            row = conn.exec_driver_sql(
                f"SELECT {_DOC_COLUMNS} FROM document WHERE id = ?", (document_id,)
            ).first()
            if row is None:
                raise NotFoundError(f"there is no document with id {document_id}")
            spans = conn.exec_driver_sql(
                f"SELECT {_SPAN_COLUMNS} FROM span WHERE document_id = ?"
                " ORDER BY start, end, label",
                (document_id,),
            ).all()
            return _document(tuple(row), [_span(tuple(s)) for s in spans])

    def get_tokens(self, document_id: int) -> Tokens | None:
        with read_transaction(self._engine) as conn:
            data = conn.exec_driver_sql(
                "SELECT tokens FROM document WHERE id = ?", (document_id,)
            ).scalar()
        return None if data is None else Tokens.from_bytes(data)

    def document_ids(
        self, dataset_id: int, statuses: Collection[Status] | None = None
    ) -> list[int]:
        where, params = _status_filter(dataset_id, statuses)
        with read_transaction(self._engine) as conn:
            rows = conn.exec_driver_sql(
                f"SELECT id FROM document d WHERE {where} ORDER BY id", params
            )
            return [int(r[0]) for r in rows]

    def count_documents(self, dataset_id: int, statuses: Collection[Status] | None = None) -> int:
        where, params = _status_filter(dataset_id, statuses)
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
        """Stream documents in id order with their spans, in one read snapshot.

        Memory stays flat: two cursors (documents, and spans ordered by document) are
        merged as they go, so nothing is loaded whole.
        """
        where, params = _status_filter(dataset_id, statuses)
        token_column = ", tokens" if with_tokens else ", NULL"
        with read_transaction(self._engine) as conn:
            raw = conn.connection.driver_connection
            assert raw is not None
            documents = raw.execute(
                f"SELECT {_DOC_COLUMNS}{token_column} FROM document d WHERE {where} ORDER BY id",
                params,
            )
            spans = raw.execute(
                "SELECT s.document_id, s.start, s.end, s.label, s.state, s.source, s.score"
                " FROM document d JOIN span s ON s.document_id = d.id"
                f" WHERE {where} ORDER BY d.id, s.start, s.end, s.label",
                params,
            )
            pending = spans.fetchone()
            for row in documents:
                document_id = row[0]
                own: list[Span] = []
                while pending is not None and pending[0] == document_id:
                    own.append(_span(pending[1:]))
                    pending = spans.fetchone()
                tokens = None if row[-1] is None else Tokens.from_bytes(row[-1])
                yield _document(row[:-1], own), tokens

    def apply(self, document: Document, edit: Edit, *, annotator: str | None = None) -> Document:
        """Apply `edit` to `document` and write it in one transaction; return the result.

        The edit is applied to the value first: an invalid edit raises `EditError` before
        anything is written.
        """
        changed = edit.apply(document)
        changes = edit.changes()
        now = time.time()
        try:
            with write_transaction(self._engine) as conn:
                raw = conn.connection.driver_connection
                assert raw is not None
                updated = raw.execute(
                    "UPDATE document SET status = ?, updated_at = ?,"
                    " annotator = coalesce(?, annotator) WHERE id = ?",
                    (changed.status.value, now, annotator, document.id),
                ).rowcount
                if updated == 0:
                    raise NotFoundError(
                        f"document {document.id} is no longer in the store (its dataset was "
                        "deleted?); the change was not saved"
                    )
                if changes.removed:
                    raw.executemany(
                        "DELETE FROM span"
                        " WHERE document_id = ? AND start = ? AND end = ? AND label = ?",
                        [(document.id, s.start, s.end, s.label) for s in changes.removed],
                    )
                if changes.added:
                    raw.executemany(
                        "INSERT INTO span (document_id, start, end, label, state, source, score)"
                        " VALUES (?, ?, ?, ?, ?, ?, ?)",
                        [
                            (document.id, s.start, s.end, s.label, s.state.value, s.source, s.score)
                            for s in changes.added
                        ],
                    )
        except sqlite3.IntegrityError:
            raise StoreError(
                f"document {document.id} was changed elsewhere since it was opened (a span this "
                "edit adds is already stored); reopen it and try again. Nothing was saved."
            ) from None
        return changed

    # -- statistics -------------------------------------------------------------------

    def stats(self, dataset_id: int | None = None) -> Stats:
        where = "" if dataset_id is None else " WHERE d.dataset_id = ?"
        params: tuple[int, ...] = () if dataset_id is None else (dataset_id,)
        with read_transaction(self._engine) as conn:
            by_status = {
                str(status): int(n)
                for status, n in conn.exec_driver_sql(
                    f"SELECT d.status, count(*) FROM document d{where} GROUP BY d.status", params
                )
            }
            by_label: dict[str, dict[str, int]] = {}
            for label, state, n in conn.exec_driver_sql(
                "SELECT s.label, s.state, count(*) FROM span s JOIN document d"
                f" ON d.id = s.document_id{where} GROUP BY s.label, s.state",
                params,
            ):
                by_label.setdefault(str(label), {})[str(state)] = int(n)
            by_annotator: dict[str, dict[str, int]] = {}
            for annotator, status, n in conn.exec_driver_sql(
                f"SELECT d.annotator, d.status, count(*) FROM document d{where}"
                " GROUP BY d.annotator, d.status",
                params,
            ):
                if annotator is not None:
                    by_annotator.setdefault(str(annotator), {})[str(status)] = int(n)
        return Stats(by_status, by_label, by_annotator)


def _check_dataset_name(name: str) -> None:
    if not name.strip() or name != name.strip():
        raise StoreError(f"a dataset name cannot be empty or start/end with spaces: {name!r}")


def _status_filter(
    dataset_id: int, statuses: Collection[Status] | None
) -> tuple[str, tuple[Any, ...]]:
    if not statuses:
        return "d.dataset_id = ?", (dataset_id,)
    marks = ", ".join("?" * len(statuses))
    return f"d.dataset_id = ? AND d.status IN ({marks})", (dataset_id, *(s.value for s in statuses))


def _dump(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def _document(row: Sequence[Any], spans: list[Span]) -> Document:
    return Document(
        id=row[0],
        dataset_id=row[1],
        text=row[2],
        spans=tuple(spans),
        meta=json.loads(row[3]),
        extra=json.loads(row[4]),
        source=row[5],
        input_hash=row[6],
        prodigy_input_hash=row[7],
        status=Status(row[8]),
        annotator=row[9],
        created_at=row[10],
        updated_at=row[11],
    )


def _span(row: Sequence[Any]) -> Span:
    return Span(row[0], row[1], row[2], SpanState(row[3]), row[4], row[5])
