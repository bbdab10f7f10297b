"""Which documents of a dataset the document list keeps: by status, label, text, review
state, assignment and annotator, each document as the viewer sees it (`perspective.py`).
"""

from __future__ import annotations

from sqlalchemy import ColumnElement, and_, exists, or_, select

from annotator.core.model import SpanState
from annotator.core.summaries import DocumentQuery
from annotator.store.assignments import assigned_to
from annotator.store.perspective import ANNOTATION, Viewer, with_status
from annotator.store.review_filters import GOLD_STATES, review_filter
from annotator.store.sql_functions import like_caseless
from annotator.store.tables import DOCUMENT, INPUT, SPAN, VERSION
from annotator.store.titles import HAS_META_TITLE, META_TITLE

_LABEL_STATES = (*GOLD_STATES, SpanState.SUGGESTED.value)


def list_filter(dataset_id: int, query: DocumentQuery, viewer: Viewer) -> ColumnElement[bool]:
    """The documents of the dataset a list query keeps, as the viewer sees them."""
    clauses: list[ColumnElement[bool]] = [DOCUMENT.c.dataset_id == dataset_id]
    if query.statuses:
        statuses = [status.value for status in sorted(query.statuses)]
        clauses.append(with_status(viewer.annotator, statuses, viewer.kind))
    if query.label:
        # One pass over the label's spans (ix_span_label_seen, read alone: schema 9), not
        # one per document; whether the annotator sees a span is its version's row, found
        # by id (100,000 documents: 0.15 s against 0.21 s for a version looked up by
        # document per span).
        owner = VERSION.alias("owner")
        theirs = and_(owner.c.annotator == viewer.annotator, owner.c.kind == viewer.kind)
        no_version = ~exists().where(
            VERSION.c.document_id == SPAN.c.document_id,
            VERSION.c.annotator == viewer.annotator,
            VERSION.c.kind == viewer.kind,
        )
        clauses.append(
            DOCUMENT.c.id.in_(
                select(SPAN.c.document_id)
                .select_from(SPAN.outerjoin(owner, owner.c.id == SPAN.c.version_id))
                .where(
                    SPAN.c.label == query.label,
                    SPAN.c.state.in_(_LABEL_STATES),
                    or_(theirs, and_(SPAN.c.version_id == INPUT, no_version)),
                )
            )
        )
    if query.text:
        clauses.append(_text_filter(like_pattern(query.text)))
    if query.review is not None:
        clauses.append(review_filter(query.review, viewer))
    if query.assigned is not None:
        clauses.append(assigned_to(query.assigned, dataset_id))
    if query.annotator is not None:
        clauses.append(
            DOCUMENT.c.id.in_(
                select(VERSION.c.document_id).where(
                    VERSION.c.annotator == query.annotator, VERSION.c.kind == ANNOTATION
                )
            )
        )
    return and_(*clauses)


def _text_filter(pattern: str) -> ColumnElement[bool]:
    """Text or title contains the pattern, ignoring case.

    SQLite's LIKE folds ASCII letters only: "zurich" finds "Zurich", but "émile" does not
    find "Émile". The derived title is part of the text, so only a meta title needs its
    own test.
    """
    return or_(
        like_caseless(DOCUMENT.c.text, pattern),
        and_(HAS_META_TITLE, like_caseless(META_TITLE, pattern)),
    )


def like_pattern(text: str) -> str:
    """A LIKE pattern matching `text` anywhere, with its own `%`, `_` and `\\` taken literally."""
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"
