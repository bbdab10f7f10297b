"""Reading several people's versions at once: a document's, a dataset's annotators, the
versions agreement compares, every version of a dataset as an export streams them."""

from __future__ import annotations

from collections.abc import Collection, Iterator
from typing import Any

from sqlalchemy import ColumnElement, Engine, func, null, select

from annotator.core.model import Document, Span, SpanState, Status
from annotator.core.tokens import Tokens
from annotator.core.versions import Pick, VersionChoice
from annotator.store.db import read_transaction
from annotator.store.perspective import (
    ANNOTATION,
    REVIEW,
    SHARED_COLUMNS,
    chosen_status,
    has_chosen,
)
from annotator.store.rows import (
    SPAN_COLUMNS,
    SPAN_ORDER,
    SPAN_STATES,
    spans_from_rows,
)
from annotator.store.streams import merged_scans, versions_with_spans
from annotator.store.tables import DOCUMENT, SPAN, VERSION

_GOLD = (SpanState.ACCEPTED.value, SpanState.MANUAL.value)


class VersionQueries:
    """The part of `Store` that reads every person's version, not one person's view."""

    _engine: Engine

    def versions_of(self, document_id: int) -> list[Document]:
        """Every annotator's version of the document, then the reviewed ones, by name;
        each a `Document` (its `annotator`, `reviewed`, status and spans)."""
        with read_transaction(self._engine) as conn:
            shared = conn.execute(
                select(DOCUMENT.c.dataset_id, DOCUMENT.c.text).where(DOCUMENT.c.id == document_id)
            ).first()
            if shared is None:
                return []
            versions = conn.execute(
                select(
                    VERSION.c.id,
                    VERSION.c.annotator,
                    VERSION.c.kind,
                    VERSION.c.status,
                    VERSION.c.created_at,
                    VERSION.c.updated_at,
                )
                .where(
                    VERSION.c.document_id == document_id, VERSION.c.kind.in_((ANNOTATION, REVIEW))
                )
                .order_by(VERSION.c.kind, VERSION.c.annotator)
            ).all()
            found = []
            for version_id, annotator, kind, status, created, updated in versions:
                spans = conn.execute(
                    select(*SPAN_COLUMNS)
                    .where(SPAN.c.document_id == document_id, SPAN.c.version_id == version_id)
                    .order_by(SPAN.c.start, SPAN.c.end, SPAN.c.label)
                ).all()
                found.append(
                    Document(
                        id=document_id,
                        dataset_id=shared[0],
                        text=shared[1],
                        spans=tuple(spans_from_rows(spans)),
                        status=Status(status),
                        annotator=annotator,
                        reviewed=kind == REVIEW,
                        created_at=created,
                        updated_at=updated,
                    )
                )
        return found

    def annotators(self, dataset_id: int) -> list[str]:
        """Everyone with a version of a document of the dataset, by name.

        Two searches of `ix_version_list` (annotator, kind, dataset, ...) per name in the
        store, not a read of every version (100,000 versions: 0.9 s before): the next
        name after the last one, and whether it has a version in the dataset.
        """
        found: list[str] = []
        with read_transaction(self._engine) as conn:
            name = conn.execute(select(func.min(VERSION.c.annotator))).scalar()
            while name is not None:
                held = conn.execute(
                    select(VERSION.c.id)
                    .where(
                        VERSION.c.annotator == name,
                        VERSION.c.kind == ANNOTATION,
                        VERSION.c.dataset_id == dataset_id,
                    )
                    .limit(1)
                ).first()
                if held is not None:
                    found.append(str(name))
                name = conn.execute(
                    select(func.min(VERSION.c.annotator)).where(VERSION.c.annotator > name)
                ).scalar()
        return found

    def count_chosen(
        self, dataset_id: int, statuses: Collection[Status] | None, choice: VersionChoice
    ) -> int:
        """How many documents `stream_documents(..., version=choice)` gives, or (`all`) how
        many versions `stream_versions` gives, with the same `statuses`."""
        if choice.pick is Pick.ALL:
            where = _versions_where(dataset_id, statuses)
            counted = select(func.count()).select_from(_VERSIONS).where(where)
        else:
            where = (DOCUMENT.c.dataset_id == dataset_id) & has_chosen(choice)
            if statuses:
                where = where & chosen_status(choice).in_([s.value for s in statuses])
            counted = select(func.count()).select_from(DOCUMENT).where(where)
        with read_transaction(self._engine) as conn:
            return int(conn.execute(counted).scalar_one())

    def reviewed_documents(self, dataset_id: int) -> Iterator[int]:
        """The ids of the dataset's documents a reviewer settled, in order."""
        with read_transaction(self._engine) as conn:
            rows = conn.execute(
                select(VERSION.c.document_id)
                .distinct()
                .select_from(_VERSIONS)
                .where(DOCUMENT.c.dataset_id == dataset_id, VERSION.c.kind == REVIEW)
                .order_by(VERSION.c.document_id)
            )
            for row in rows:
                yield int(row[0])

    def count_versioned(self, dataset_id: int, statuses: Collection[Status] | None) -> int:
        """How many documents have a version `stream_versions` gives."""
        where = _versions_where(dataset_id, statuses)
        counted = select(func.count(VERSION.c.document_id.distinct())).select_from(_VERSIONS)
        with read_transaction(self._engine) as conn:
            return int(conn.execute(counted.where(where)).scalar_one())

    def stream_versions(
        self,
        dataset_id: int,
        statuses: Collection[Status] | None = None,
        *,
        with_tokens: bool = False,
        with_token_json: bool = False,
    ) -> Iterator[tuple[Document, Tokens | None, bytes | None]]:
        """Every annotator's and every reviewed version of the dataset's documents whose
        status is one of `statuses` (any when None), by document id then version id: each
        a `Document` with that version's spans, status, annotator and `reviewed`, with the
        document's stored tokens (and their Prodigy JSON) when asked for.

        One snapshot, two ordered scans (versions, and their spans in the span index's
        order) merged as they go, as `stream_documents` does: memory stays flat.
        """
        where = _versions_where(dataset_id, statuses)
        documents = (
            select(
                VERSION.c.id,
                VERSION.c.kind,
                *SHARED_COLUMNS,
                VERSION.c.status,
                VERSION.c.annotator,
                DOCUMENT.c.created_at,
                VERSION.c.updated_at,
                DOCUMENT.c.tokens if with_tokens else null(),
                DOCUMENT.c.token_json if with_token_json else null(),
            )
            .select_from(_VERSIONS)
            .where(where)
            .order_by(DOCUMENT.c.id, VERSION.c.id)
        )
        spans = (
            select(SPAN.c.document_id, SPAN.c.version_id, *SPAN_COLUMNS)
            .where(SPAN.c.version_id.in_(select(VERSION.c.id).select_from(_VERSIONS).where(where)))
            .order_by(*SPAN_ORDER)
        )
        with read_transaction(self._engine) as conn:
            yield from merged_scans(conn, documents, spans, versions_with_spans)

    def versions_for_agreement(
        self, dataset_id: int, annotators: Collection[str] | None = None
    ) -> Iterator[tuple[str, Tokens | None, dict[str, tuple[Span, ...]]]]:
        """Each document of the dataset that at least one annotator marked done: its text,
        its stored tokens (None when never tokenized) and, for each annotator who marked it
        done (only those in `annotators` when given), the gold spans of their version.

        One snapshot, three ordered scans merged as they go: memory stays flat.
        """
        done = (VERSION.c.kind == ANNOTATION) & (VERSION.c.status == Status.DONE.value)
        if annotators is not None:
            done = done & VERSION.c.annotator.in_(sorted(annotators))
        done_versions = select(VERSION.c.id).where(done)
        with read_transaction(self._engine) as conn:
            documents = conn.execute(
                select(DOCUMENT.c.id, DOCUMENT.c.text, DOCUMENT.c.tokens)
                .where(
                    DOCUMENT.c.dataset_id == dataset_id,
                    DOCUMENT.c.id.in_(select(VERSION.c.document_id).where(done)),
                )
                .order_by(DOCUMENT.c.id)
            )
            versions = conn.execute(
                select(VERSION.c.document_id, VERSION.c.id, VERSION.c.annotator)
                .select_from(VERSION.join(DOCUMENT, DOCUMENT.c.id == VERSION.c.document_id))
                .where(done, DOCUMENT.c.dataset_id == dataset_id)
                .order_by(VERSION.c.document_id, VERSION.c.id)
            )
            spans = conn.execute(
                select(SPAN.c.document_id, SPAN.c.version_id, *SPAN_COLUMNS)
                .select_from(SPAN.join(DOCUMENT, DOCUMENT.c.id == SPAN.c.document_id))
                .where(
                    DOCUMENT.c.dataset_id == dataset_id,
                    SPAN.c.version_id.in_(done_versions),
                    SPAN.c.state.in_(_GOLD),
                )
                .order_by(SPAN.c.document_id, SPAN.c.version_id, SPAN.c.start)
            )
            yield from _merged(documents, versions, spans)


_VERSIONS = VERSION.join(DOCUMENT, DOCUMENT.c.id == VERSION.c.document_id)


def _versions_where(dataset_id: int, statuses: Collection[Status] | None) -> ColumnElement[bool]:
    """The versions `stream_versions` gives: annotators' and reviewers', in `statuses`."""
    where = (DOCUMENT.c.dataset_id == dataset_id) & VERSION.c.kind.in_((ANNOTATION, REVIEW))
    if statuses:
        where = where & VERSION.c.status.in_([status.value for status in statuses])
    return where


def _merged(
    documents: Any, versions: Any, spans: Any
) -> Iterator[tuple[str, Tokens | None, dict[str, tuple[Span, ...]]]]:
    version_rows = iter(versions)
    span_rows = iter(spans)
    version = next(version_rows, None)
    span = next(span_rows, None)
    states = SPAN_STATES
    for document_id, text, tokens in documents:
        owners: dict[int, str] = {}
        while version is not None and version[0] == document_id:
            owners[version[1]] = version[2]
            version = next(version_rows, None)
        found: dict[str, list[Span]] = {name: [] for name in owners.values()}
        while span is not None and span[0] == document_id:
            _, version_id, start, end, label, state, source, score = span
            found[owners[version_id]].append(Span(start, end, label, states[state], source, score))
            span = next(span_rows, None)
        stored = None if tokens is None else Tokens.from_bytes(tokens)
        yield text, stored, {name: tuple(spans) for name, spans in found.items()}
