"""The document list's filters over several people's versions, and each row's count."""

from __future__ import annotations

from annotator.core.edits import AddSpan, SetStatus
from annotator.core.model import Document, Label, Span, SpanState, Status
from annotator.core.summaries import DocumentQuery
from annotator.store import Store

TEXT = "Ada Lovelace met Charles Babbage in London."
ADA = Span(0, 12, "PERSON", SpanState.ACCEPTED)
LOVELACE = Span(4, 12, "PERSON", SpanState.MANUAL)
LONDON = Span(36, 42, "GPE", SpanState.MANUAL)


def team(store: Store) -> tuple[int, dict[str, int]]:
    """A dataset of documents in every state of review; their ids by name."""
    dataset = store.create_dataset("news", labels=(Label("PERSON"), Label("GPE")))
    plans: dict[str, list[tuple[str, tuple[Span, ...], Status]]] = {
        "agreed": [("ada", (ADA,), Status.DONE), ("grace", (ADA,), Status.DONE)],
        "differ": [("ada", (ADA,), Status.DONE), ("grace", (LOVELACE,), Status.DONE)],
        "missing": [("ada", (ADA, LONDON), Status.DONE), ("grace", (ADA,), Status.DONE)],
        "one_done": [("ada", (ADA,), Status.DONE), ("grace", (), Status.IN_PROGRESS)],
        "only_grace": [("grace", (LONDON,), Status.IN_PROGRESS)],
        "nobody": [],
    }
    ids = {}
    for number, (name, versions) in enumerate(plans.items()):
        text = f"{TEXT} ({number})"
        if not versions:
            store.add_documents(dataset.id, [(Document(0, 0, text, input_hash=name), None)])
        for who, spans, status in versions:
            document = Document(0, 0, text, spans, status, input_hash=name, annotator=who)
            store.add_documents(dataset.id, [(document, None)])
    for document_id, name in zip(store.document_ids(dataset.id), plans, strict=True):
        ids[name] = document_id
    return dataset.id, ids


def names(store: Store, dataset_id: int, ids: dict[str, int], query: DocumentQuery) -> list[str]:
    by_id = {document_id: name for name, document_id in ids.items()}
    found = [by_id[i] for i in store.matching_ids(dataset_id, query)]
    assert store.count_matching(dataset_id, query) == len(found)
    return found


def test_needs_review_disagreements_and_by_annotator(store: Store) -> None:
    dataset_id, ids = team(store)
    assert names(store, dataset_id, ids, DocumentQuery(review="needs_review")) == [
        "agreed",
        "differ",
        "missing",
    ]
    assert names(store, dataset_id, ids, DocumentQuery(review="disagreements")) == [
        "differ",
        "missing",
    ]
    assert names(store, dataset_id, ids, DocumentQuery(annotator="grace")) == [
        "agreed",
        "differ",
        "missing",
        "one_done",
        "only_grace",
    ]
    store.annotator = "ada"  # her own status: done
    both = DocumentQuery(annotator="ada", review="disagreements", statuses=frozenset({Status.DONE}))
    assert names(store, dataset_id, ids, both) == ["differ", "missing"]
    assert store.annotators(dataset_id) == ["ada", "grace"]


def test_a_review_marked_done_leaves_needs_review_for_reviewed(store: Store) -> None:
    dataset_id, ids = team(store)
    store.annotator = "lead"
    store.start_review(ids["differ"], (ADA,))
    store.reviewing = True
    assert names(store, dataset_id, ids, DocumentQuery(review="reviewed")) == []
    review = store.get_document(ids["differ"])
    store.apply(review, SetStatus(review.status, Status.DONE))
    assert names(store, dataset_id, ids, DocumentQuery(review="reviewed")) == ["differ"]
    assert "differ" not in names(store, dataset_id, ids, DocumentQuery(review="needs_review"))
    store.annotator = "ada"  # another reviewer still has it to review
    assert "differ" in names(store, dataset_id, ids, DocumentQuery(review="needs_review"))


def test_each_row_counts_the_versions_and_sorts_by_them(store: Store) -> None:
    dataset_id, ids = team(store)
    store.annotator = "ada"
    nobody = store.get_document(ids["nobody"])
    store.apply(nobody, AddSpan(LONDON))  # ada's first edit makes her version
    rows = {s.id: s.versions for s in store.summaries_of(list(ids.values()))}
    assert [rows[ids[name]] for name in ids] == [2, 2, 2, 2, 1, 1]
    by_count = store.matching_ids(dataset_id, DocumentQuery(sort="versions"))
    assert by_count[:2] == [ids["only_grace"], ids["nobody"]]
