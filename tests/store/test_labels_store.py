"""Label writes on a real store file: edit, rename with spans, merge, remove, settings."""

from __future__ import annotations

from pathlib import Path

import pytest

from annotator.core.errors import NotFoundError, StoreError
from annotator.core.hashing import input_hash
from annotator.core.model import Dataset, Document, Label, Span
from annotator.store import Store

LABELS = (Label("PER", "#aa9cfc", "1"), Label("LOCATION", "#ff9561", "2"), Label("LOC"))


def document(text: str, *spans: Span) -> Document:
    return Document(
        id=0, dataset_id=0, text=text, spans=spans, input_hash=input_hash(text), source="t"
    )


@pytest.fixture
def dataset(store: Store) -> Dataset:
    created = store.create_dataset(
        "news", labels=LABELS, model="en_core_web_sm", label_map={"GPE": "LOCATION", "X": "PER"}
    )
    store.add_documents(
        created.id,
        [
            (document("Ana flew to Lima.", Span(0, 3, "PER"), Span(12, 16, "LOCATION")), None),
            (document("Lima and Cusco.", Span(0, 4, "LOCATION"), Span(9, 14, "LOC")), None),
        ],
    )
    return created


def spans_of(store: Store, dataset: Dataset) -> list[list[tuple[int, int, str]]]:
    return [[s.key for s in doc.spans] for doc, _ in store.iter_documents(dataset.id)]


def test_update_label_writes_colour_hotkey_and_description(store: Store, dataset: Dataset) -> None:
    store.update_label(dataset.id, Label("LOC", "#000000", "Shift+1", "places"))
    assert store.get_dataset("news").labels[2] == Label("LOC", "#000000", "Shift+1", "places")
    with pytest.raises(NotFoundError):
        store.update_label(dataset.id, Label("NOPE"))


def test_rename_moves_spans_and_mapping_targets(store: Store, dataset: Dataset) -> None:
    moved = store.rename_label(dataset.id, "PER", "PERSON")
    assert moved == 1
    after = store.get_dataset("news")
    assert after.label_names == ("PERSON", "LOCATION", "LOC")
    assert after.labels[0] == Label("PERSON", "#aa9cfc", "1")
    assert after.label_map == {"GPE": "LOCATION", "X": "PERSON"}
    assert after.model == "en_core_web_sm"
    assert spans_of(store, dataset)[0] == [(0, 3, "PERSON"), (12, 16, "LOCATION")]


def test_rename_leaves_other_datasets_alone(store: Store, dataset: Dataset) -> None:
    other = store.create_dataset("sport", labels=[Label("PER")])
    store.add_documents(other.id, [(document("Ana ran.", Span(0, 3, "PER")), None)])
    store.rename_label(dataset.id, "PER", "PERSON")
    assert spans_of(store, other) == [[(0, 3, "PER")]]


def test_merge_moves_spans_and_removes_the_old_label(store: Store, dataset: Dataset) -> None:
    assert store.rename_label(dataset.id, "LOCATION", "LOC") == 2
    after = store.get_dataset("news")
    assert after.label_names == ("PER", "LOC")
    assert after.label_map["GPE"] == "LOC"
    assert spans_of(store, dataset) == [
        [(0, 3, "PER"), (12, 16, "LOC")],
        [(0, 4, "LOC"), (9, 14, "LOC")],
    ]


def test_merge_that_would_duplicate_a_span_is_refused_whole(store: Store, dataset: Dataset) -> None:
    store.add_documents(
        dataset.id,
        [(document("Quito, Quito.", Span(0, 5, "LOC"), Span(0, 5, "LOCATION")), None)],
    )
    before = spans_of(store, dataset)
    with pytest.raises(StoreError, match=r"document 3 \('Quito, Quito.'\) has both .* at 0-5"):
        store.rename_label(dataset.id, "LOCATION", "LOC")
    assert spans_of(store, dataset) == before
    assert store.get_dataset("news").label_names == ("PER", "LOCATION", "LOC")
    assert store.get_dataset("news").label_map["GPE"] == "LOCATION"


def test_rename_of_an_unknown_label_writes_nothing(store: Store, dataset: Dataset) -> None:
    with pytest.raises(NotFoundError):
        store.rename_label(dataset.id, "NOPE", "PER")
    assert spans_of(store, dataset)[0] == [(0, 3, "PER"), (12, 16, "LOCATION")]


def test_remove_refuses_a_label_in_use(store: Store, dataset: Dataset) -> None:
    with pytest.raises(StoreError, match="used by 2 span"):
        store.remove_label(dataset.id, "LOCATION")
    assert "LOCATION" in store.get_dataset("news").label_names


def test_remove_drops_mapping_entries_onto_the_label(store: Store, db_path: Path) -> None:
    created = store.create_dataset("empty", labels=LABELS, label_map={"GPE": "LOC", "X": "PER"})
    store.remove_label(created.id, "LOC")
    store.add_labels(created.id, [Label("NEW")])
    after = store.get_dataset("empty")
    assert after.label_names == ("PER", "LOCATION", "NEW")  # new ones still go last
    assert after.label_map == {"X": "PER"}


def test_set_labels_replaces_the_set_unless_spans_would_lose_theirs(
    store: Store, dataset: Dataset
) -> None:
    with pytest.raises(StoreError, match=r"LOCATION \(2 spans\)"):
        store.set_labels(dataset.id, [Label("PER"), Label("LOC")], {})
    assert store.get_dataset("news").labels == LABELS
    store.set_labels(dataset.id, [Label("LOC"), Label("LOCATION"), Label("PER")], {"G": "LOC"})
    after = store.get_dataset("news")
    assert after.label_names == ("LOC", "LOCATION", "PER")
    assert (after.label_map, after.model) == ({"G": "LOC"}, "en_core_web_sm")


def test_model_and_mapping_are_set_apart(store: Store, dataset: Dataset) -> None:
    store.set_model(dataset.id, "/models/news")
    store.save_label_map(dataset.id, {"DATE": ""})
    after = store.get_dataset("news")
    assert (after.model, after.label_map) == ("/models/news", {"DATE": ""})
    store.set_model(dataset.id, None)
    assert store.get_dataset("news").model is None
    assert store.get_dataset("news").label_map == {"DATE": ""}


def test_label_span_counts(store: Store, dataset: Dataset) -> None:
    assert store.label_span_counts(dataset.id) == {"PER": 1, "LOCATION": 2, "LOC": 1}
