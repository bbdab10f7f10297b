"""The document list's filters and column for review: versions counted, documents two
annotators marked done, the ones whose done versions differ, the reviewed ones."""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, func, select

from annotator.core.model import SpanState, Status
from annotator.core.summaries import ReviewFilter
from annotator.store.perspective import ANNOTATION, REVIEW, Viewer
from annotator.store.tables import DOCUMENT, SPAN, VERSION

GOLD_STATES = (SpanState.ACCEPTED.value, SpanState.MANUAL.value)


def version_count() -> ColumnElement[int]:
    """How many annotators have a version of the document (ux_version_owner: a seek)."""
    return (
        select(func.count())
        .where(VERSION.c.document_id == DOCUMENT.c.id, VERSION.c.kind == ANNOTATION)
        .correlate_except(VERSION)
        .scalar_subquery()
    )


_DONE_VERSION = (VERSION.c.kind == ANNOTATION) & (VERSION.c.status == Status.DONE.value)


def _done_twice() -> Any:
    """Each document two or more annotators marked done, with how many did (`n`)."""
    return (
        select(VERSION.c.document_id, func.count().label("n"))
        .where(_DONE_VERSION)
        .group_by(VERSION.c.document_id)
        .having(func.count() >= 2)
        .subquery()
    )


def review_filter(kind: ReviewFilter, viewer: Viewer) -> ColumnElement[bool]:
    """Documents in that state of review (`core.summaries.ReviewFilter`)."""
    reviews_done = (VERSION.c.kind == REVIEW) & (VERSION.c.status == Status.DONE.value)
    if kind == "reviewed":
        return DOCUMENT.c.id.in_(select(VERSION.c.document_id).where(reviews_done))
    twice = _done_twice()
    if kind == "needs_review":
        mine = select(VERSION.c.document_id).where(
            reviews_done, VERSION.c.annotator == viewer.annotator
        )
        return DOCUMENT.c.id.in_(select(twice.c.document_id)) & DOCUMENT.c.id.not_in(mine)
    # A gold span some done version lacks: fewer versions hold its key than are done. Only
    # the documents done twice are read, through the span index (document_id first).
    holders = (
        select(SPAN.c.document_id, func.count().label("held"))
        .where(
            SPAN.c.document_id.in_(select(twice.c.document_id)),
            SPAN.c.version_id.in_(select(VERSION.c.id).where(_DONE_VERSION)),
            SPAN.c.state.in_(GOLD_STATES),
        )
        .group_by(SPAN.c.document_id, SPAN.c.start, SPAN.c.end, SPAN.c.label)
        .subquery()
    )
    differing = (
        select(holders.c.document_id)
        .join(twice, twice.c.document_id == holders.c.document_id)
        .where(holders.c.held < twice.c.n)
    )
    return DOCUMENT.c.id.in_(differing)
