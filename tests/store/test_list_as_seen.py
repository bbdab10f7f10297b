"""The document list shows each annotator the rows and order a plain reading gives.

The list's statements read one annotator's versions of a dataset as index ranges and
joins (`store/listing.py`, `store/summaries.py`). Here every query the list can make
(status filters, label and annotator filters, each order, both directions) is compared,
on a real store with two datasets whose ids interleave, several annotators (one with a
version of every document of a dataset, one of a few, one of none), a reviewer and a
conflict copy a merge kept, against the same rows worked out document by document from
what `get_document` and `versions_of` say.
"""

from __future__ import annotations

import itertools
import shutil
from pathlib import Path

import pytest

from annotator.core.edits import AddSpan, ReplaceSpan, SetStatus
from annotator.core.hashing import input_hash
from annotator.core.model import Dataset, Document, Label, Span, SpanState, Status
from annotator.core.summaries import STATUS_ORDER, DocumentQuery, SortKey
from annotator.store import Store

LABELS = (Label("PERSON"), Label("ORG"))
GOLD = (SpanState.ACCEPTED, SpanState.MANUAL)
SORTS: tuple[SortKey, ...] = ("id", "title", "status", "gold", "updated", "versions")
STATUS_FILTERS = (
    frozenset(),
    frozenset({Status.NEW, Status.IN_PROGRESS}),
    frozenset({Status.NEW}),
    frozenset({Status.DONE}),
    frozenset({Status.DONE, Status.SKIPPED, Status.REJECTED}),
)


def article(number: int, dataset: str) -> Document:
    text = f"{dataset} story {number:03d}: Ada Lovelace joined Acme in town {number % 7}."
    spans = (Span(17, 29, "PERSON", SpanState.SUGGESTED, "model"),)
    if number % 3 == 0:
        spans += (Span(37, 41, "ORG", SpanState.SUGGESTED, "model"),)
    return Document(
        0,
        0,
        text,
        spans=spans,
        meta={"title": f"Title {(number * 37) % 101:03d}"} if number % 4 == 0 else {},
        input_hash=input_hash(text),
        created_at=1_000.0 + (number * 13) % 29,
        updated_at=1_000.0 + (number * 13) % 29,
    )


def edit(store: Store, document_id: int, step: int) -> None:
    """One of a few kinds of work on a document, chosen by `step`."""
    document = store.get_document(document_id)
    kind = step % 6
    if kind == 0:
        document = store.apply(document, ReplaceSpan.accept(document.spans[0]))
    elif kind == 1:
        document = store.apply(document, AddSpan(Span(0, 4, "ORG")))
    elif kind == 2:
        document = store.apply(document, ReplaceSpan.reject(document.spans[0]))
    status = (Status.DONE, Status.IN_PROGRESS, Status.SKIPPED, Status.REJECTED, Status.NEW)
    store.apply(document, SetStatus(document.status, status[step % 5]))


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("list")
    path = folder / "team.db"
    with Store.open(path, annotator="ada") as store:
        news = store.create_dataset("news", labels=LABELS)
        wire = store.create_dataset("wire", labels=LABELS)
        for number in range(90):  # ids interleave: the datasets' gaps hold each other's
            for dataset in (news, wire):
                store.add_documents(dataset.id, [(article(number, dataset.name), None)])
        news_ids = store.document_ids(news.id)
        wire_ids = store.document_ids(wire.id)
        # ada: a version of every news document (many gaps: the wire ones between them)
        for step, document_id in enumerate(news_ids):
            edit(store, document_id, step)
        # bob: a few of each, in runs, so his gaps are few
        store.annotator = "bob"
        for step, document_id in enumerate(news_ids[10:25] + news_ids[60:62] + wire_ids[:5]):
            edit(store, document_id, step + 2)
        # cy has none. dee: every news document but three, so a few are "new" unseen
        store.annotator = "dee"
        for step, document_id in enumerate(news_ids):
            if step not in (0, 44, 89):
                edit(store, document_id, step + 1)
        # a reviewer's versions of some documents ada and dee both marked done
        store.annotator = "lead"
        store.reviewing = True
        for document_id in news_ids[:30:3]:
            review = store.start_review(document_id, ())
            store.apply(review, SetStatus(review.status, Status.DONE))
        store.reviewing = False
    # A conflict: ada changes the same document in this store and a copy, then merges.
    other = folder / "copy.db"
    shutil.copyfile(path, other)
    for target, step in ((path, 3), (other, 4)):
        with Store.open(target, annotator="ada") as store:
            edit(store, store.document_ids(store.get_dataset("news").id)[7], step)
    with Store.open(path, annotator="ada") as store:
        report = store.merge_from(other)
        assert report.conflicts, report
    return path


def facts(store: Store, dataset: Dataset) -> list[tuple[int, Document, set[str]]]:
    """Each document as the store's annotator sees it, with who has a version of it."""
    return [
        (
            document_id,
            store.get_document(document_id),
            {v.annotator for v in store.versions_of(document_id) if not v.reviewed},
        )
        for document_id in store.document_ids(dataset.id)
    ]


def expected(seen: list[tuple[int, Document, set[str]]], query: DocumentQuery) -> list[int]:
    """The list worked out one document at a time from what `facts` read."""
    rows = []
    for document_id, document, annotators in seen:
        if query.statuses and document.status not in query.statuses:
            continue
        if query.label and not any(
            s.label == query.label and s.state in (*GOLD, SpanState.SUGGESTED)
            for s in document.spans
        ):
            continue
        if query.annotator is not None and query.annotator not in annotators:
            continue
        key: object = {
            "id": 0,
            "title": document.title.lower(),
            "status": STATUS_ORDER.index(document.status),
            "gold": sum(s.state in GOLD for s in document.spans),
            "updated": document.updated_at,
            "versions": len(annotators),
        }[query.sort]
        rows.append((key, document_id))
    rows.sort()
    ordered = [document_id for _, document_id in rows]
    return ordered[::-1] if query.descending else ordered


QUERIES = [
    DocumentQuery(statuses=statuses, sort=sort, descending=descending)
    for statuses, sort, descending in itertools.product(STATUS_FILTERS, SORTS, (False, True))
    if not (descending and sort == "id")
] + [
    DocumentQuery(label="ORG"),
    DocumentQuery(label="ORG", statuses=STATUS_FILTERS[1], sort="status"),
    DocumentQuery(label="PERSON", sort="gold", descending=True),
    DocumentQuery(annotator="bob", sort="status"),
    DocumentQuery(annotator="dee", statuses=STATUS_FILTERS[2]),
]
VIEWERS = [("ada", False), ("bob", False), ("cy", False), ("dee", False), ("lead", True)]


@pytest.mark.parametrize(("name", "reviewing"), VIEWERS, ids=[v[0] for v in VIEWERS])
@pytest.mark.parametrize("dataset_name", ["news", "wire"])
def test_every_query_gives_the_rows_and_order_of_a_plain_reading(
    built: Path, name: str, reviewing: bool, dataset_name: str
) -> None:
    with Store.open(built, annotator=name) as store:
        store.reviewing = reviewing
        dataset = store.get_dataset(dataset_name)
        plain = facts(store, dataset)
        seen = set()
        for query in QUERIES:
            want = expected(plain, query)
            assert store.matching_ids(dataset.id, query) == want, query
            assert store.count_matching(dataset.id, query) == len(want), query
            page = store.summaries(dataset.id, query, 3, 7)
            assert [s.id for s in page] == want[3:10], query
            for document_id in want[::9]:
                assert store.position_of(dataset.id, query, document_id) == want.index(
                    document_id
                ), query
            seen.add(tuple(want))
        assert len(seen) > 10  # the queries differ: the store is not one of uniform rows


@pytest.mark.parametrize(("name", "reviewing"), VIEWERS, ids=[v[0] for v in VIEWERS])
def test_each_row_shows_the_annotator_s_status_spans_time_and_versions(
    built: Path, name: str, reviewing: bool
) -> None:
    with Store.open(built, annotator=name) as store:
        store.reviewing = reviewing
        dataset = store.get_dataset("news")
        document_ids = store.document_ids(dataset.id)
        rows = store.summaries_of(document_ids)
        assert [row.id for row in rows] == document_ids
        for row in rows:
            document = store.get_document(row.id)
            versions = store.versions_of(row.id)
            mine = [v for v in versions if v.annotator == name and v.reviewed == reviewing]
            assert row.status is document.status
            assert row.gold == sum(s.state in GOLD for s in document.spans)
            assert row.suggested == sum(s.state is SpanState.SUGGESTED for s in document.spans)
            assert row.updated_at == document.updated_at
            assert row.annotator == (name if mine else None)
            assert row.versions == sum(not v.reviewed for v in versions)
            assert row.title == document.title


def test_the_annotators_of_a_dataset_are_everyone_with_a_version_in_it(built: Path) -> None:
    with Store.open(built) as store:
        assert store.annotators(store.get_dataset("news").id) == ["ada", "bob", "dee"]
        assert store.annotators(store.get_dataset("wire").id) == ["bob"]
