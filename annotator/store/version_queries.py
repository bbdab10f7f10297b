"""Reading several people's versions at once: a document's, a dataset's annotators, the
versions agreement compares."""

from __future__ import annotations

from collections.abc import Collection, Iterator
from typing import Any

from sqlalchemy import Engine, select

from annotator.core.model import Document, Span, SpanState, Status
from annotator.core.tokens import Tokens
from annotator.store.db import read_transaction
from annotator.store.perspective import ANNOTATION, REVIEW
from annotator.store.rows import SPAN_COLUMNS, SPAN_STATES, spans_from_rows
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
        """Everyone with a version of a document of the dataset, by name."""
        with read_transaction(self._engine) as conn:
            rows = conn.execute(
                select(VERSION.c.annotator)
                .distinct()
                .select_from(VERSION.join(DOCUMENT, DOCUMENT.c.id == VERSION.c.document_id))
                .where(DOCUMENT.c.dataset_id == dataset_id, VERSION.c.kind == ANNOTATION)
                .order_by(VERSION.c.annotator)
            )
            return [str(row[0]) for row in rows]

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
