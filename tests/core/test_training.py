"""The held-out split, the labels read backwards through a dataset's mapping, and the
fingerprint of the held-out documents a version's figures were computed on."""

from __future__ import annotations

from dataclasses import replace

from annotator.core.model import Dataset, Label, Span
from annotator.core.training import (
    Scores,
    held_out_fingerprint,
    held_out_split,
    model_label_names,
)


def test_the_split_holds_out_about_the_fraction_the_same_way_every_time() -> None:
    labels = [{"ORG"} if i % 2 else {"PER"} for i in range(20)]
    train, held = held_out_split(labels, 0.2)
    assert len(held) == 4 and len(train) == 16
    assert sorted(train + held) == list(range(20))
    assert held_out_split(labels, 0.2) == (train, held)
    assert held_out_split(labels, 0.2, seed=1) != (train, held)


def test_every_label_in_two_documents_or_more_is_in_both_halves() -> None:
    # DRUG is in two documents of twenty: a plain random fifth would miss it mostly.
    labels: list[set[str]] = [{"ORG"} for _ in range(20)]
    labels[3] = {"ORG", "DRUG"}
    labels[17] = {"DRUG"}
    labels[9] = {"RARE"}  # one document: it stays in training
    train, held = held_out_split(labels, 0.2)
    for label in ("ORG", "DRUG"):
        assert any(label in labels[i] for i in held)
        assert any(label in labels[i] for i in train)
    assert 9 in train


def test_dataset_labels_are_put_back_into_the_base_models_names() -> None:
    dataset = Dataset(
        1,
        "news",
        labels=(Label("PER"), Label("ORG"), Label("BRAND")),
        label_map={"PERSON": "PER", "NORP": ""},
    )
    names = model_label_names(dataset, {"PERSON", "ORG", "NORP", "DATE"})
    assert names == {"PER": "PERSON", "ORG": "ORG"}  # BRAND is new: it keeps its name


def test_the_held_out_fingerprint_changes_with_the_documents_spans_and_labels() -> None:
    dataset = Dataset(1, "shop", labels=(Label("BRAND"),))
    documents = [("I like Zara.", [Span(7, 11, "BRAND")]), ("Nothing here.", [])]
    same = held_out_fingerprint(dataset, documents)
    assert held_out_fingerprint(dataset, list(documents)) == same
    assert Scores.from_json(Scores(documents=2, held_out=same).as_json()).held_out == same
    others = [
        held_out_fingerprint(dataset, documents[:1]),
        held_out_fingerprint(dataset, [("I like Zara!", [Span(7, 11, "BRAND")]), documents[1]]),
        held_out_fingerprint(dataset, [("I like Zara.", [Span(7, 10, "BRAND")]), documents[1]]),
        held_out_fingerprint(replace(dataset, label_map={"ORG": "BRAND"}), documents),
        held_out_fingerprint(replace(dataset, labels=(Label("SHOP"),)), documents),
    ]
    assert same not in others and len(set(others)) == len(others)
