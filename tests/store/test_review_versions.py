"""A reviewer's settled version: begun from a proposal, edited like any version, apart
from the annotators' own and from the reviewer's own annotation."""

from __future__ import annotations

from annotator.core.edits import AddSpan, RemoveSpan, SetStatus
from annotator.core.model import Document, Label, Span, SpanState, Status
from annotator.store import Store

TEXT = "Ada Lovelace met Charles Babbage in London."
ADA = Span(0, 12, "PERSON", SpanState.ACCEPTED)
CHARLES = Span(17, 32, "PERSON", SpanState.ACCEPTED)
LONDON = Span(36, 42, "GPE", SpanState.MANUAL)


def two_versions(store: Store) -> int:
    dataset = store.create_dataset("news", labels=(Label("PERSON"), Label("GPE")))
    for who, spans in (("ada", (ADA, CHARLES, LONDON)), ("grace", (ADA, CHARLES))):
        document = Document(0, dataset.id, TEXT, spans, Status.DONE, input_hash="h", annotator=who)
        store.add_documents(dataset.id, [(document, None)])
    return store.document_ids(dataset.id)[0]


def test_a_review_starts_from_the_proposal_and_is_edited_apart(store: Store) -> None:
    document_id = two_versions(store)
    store.annotator = "ada"  # the reviewer also annotated
    review = store.start_review(document_id, (ADA, CHARLES))
    assert (review.spans, review.status, review.annotator, review.reviewed) == (
        (ADA, CHARLES),
        Status.IN_PROGRESS,
        "ada",
        True,
    )
    assert store.start_review(document_id, ()) == review  # begun once; never reset
    store.reviewing = True
    shown = store.get_document(document_id)
    assert shown == review
    settled = store.apply(shown, AddSpan(LONDON))
    settled = store.apply(settled, SetStatus(settled.status, Status.DONE))
    undone = store.apply(settled, SetStatus(Status.DONE, Status.IN_PROGRESS))
    stored = store.get_document(document_id)
    assert (stored.spans, stored.status, stored.reviewed) == (undone.spans, undone.status, True)
    store.reviewing = False
    own = store.get_document(document_id)  # ada's own annotation is untouched
    assert (own.spans, own.status) == ((ADA, CHARLES, LONDON), Status.DONE)
    versions = store.versions_of(document_id)
    assert [(v.annotator, v.reviewed) for v in versions] == [
        ("ada", False),
        ("grace", False),
        ("ada", True),
    ]
    ((exported, _, _),) = store.stream_documents(store.list_datasets()[0].id, None)
    assert exported.reviewed is False or exported.spans == versions[2].spans
    assert exported.spans == (ADA, CHARLES, LONDON)


def test_removing_in_a_review_leaves_the_annotators_versions(store: Store) -> None:
    document_id = two_versions(store)
    store.annotator = "lead"
    store.start_review(document_id, (ADA, CHARLES, LONDON))
    store.reviewing = True
    store.apply(store.get_document(document_id), RemoveSpan(LONDON))
    assert store.get_document(document_id).spans == (ADA, CHARLES)
    ada = next(v for v in store.versions_of(document_id) if v.annotator == "ada")
    assert LONDON in ada.spans
