"""The spaCy suggester: the model's entities, tidied, with their short forms, and the memory.

An entity ruler on a blank pipeline stands in for a trained model, so every suggestion
here is one the test chose.
"""

from __future__ import annotations

from typing import Any

import pytest
import spacy
from spacy.language import Language

from annotator.core.edits import AddSpan
from annotator.core.hashing import input_hash
from annotator.core.memory import PhraseMemory
from annotator.core.model import Document, Label, Span, SpanState
from annotator.core.suggestions import MEMORY_SOURCE
from annotator.nlp import suggester as suggester_module
from annotator.nlp.suggester import SpacySuggester, blank_pipeline
from annotator.services.document_analysis import DocumentAnalyser
from annotator.services.tokens import TokenCache
from annotator.store import Store

TEXT = (
    "ACCRA - Officials of the Volta River Authority (VRA) met Kwame Asante on Monday. "
    "Asante said the VRA's dams were full. Asante's deputy agreed."
)
PATTERNS = [
    {"label": "ORG", "pattern": "ACCRA - Officials"},  # the dateline glued to the sentence
    {"label": "PERSON", "pattern": "Kwame Asante"},
    {"label": "ORG", "pattern": "Volta River Authority"},
    {"label": "DATE", "pattern": "Monday"},
    {"label": "GPE", "pattern": [{"ORTH": "Asante"}, {"ORTH": "'s"}]},  # wrong, possessive
    {"label": "ORG", "pattern": [{"ORTH": "VRA"}, {"ORTH": "'s"}]},
]


@pytest.fixture(scope="module")
def ruler() -> Language:
    nlp = spacy.blank("en")
    nlp.add_pipe("entity_ruler").add_patterns(PATTERNS)  # type: ignore[attr-defined]
    nlp.meta["name"] = "rules"
    return nlp


def found(suggester: SpacySuggester, text: str = TEXT) -> list[tuple[str, str, str | None]]:
    (analysis,) = suggester.analyse([text])
    return [(text[s.start : s.end], s.label, s.source) for s in analysis.suggestions]


def same_label(label: str) -> str | None:
    return label


def test_refined_suggestions_are_tidied_and_bring_short_forms(ruler: Language) -> None:
    assert found(SpacySuggester(ruler, label_for=same_label)) == [
        ("ACCRA", "GPE", "en_rules"),  # split at the dash; a dateline: a place
        ("Officials", "ORG", "en_rules"),
        ("Volta River Authority", "ORG", "en_rules"),
        ("VRA", "ORG", "en_rules"),  # the acronym in brackets
        ("Kwame Asante", "PERSON", "en_rules"),
        ("Monday", "DATE", "en_rules"),
        ("Asante", "PERSON", "en_rules"),  # the surname
        ("VRA", "ORG", "en_rules"),  # its possessive cut off
        ("Asante", "PERSON", "en_rules"),  # the surname, not the model's GPE
    ]


def test_without_refine_the_model_is_shown_as_predicted(ruler: Language) -> None:
    assert found(SpacySuggester(ruler, label_for=same_label, refine=False)) == [
        ("ACCRA - Officials", "ORG", "en_rules"),
        ("Volta River Authority", "ORG", "en_rules"),
        ("Kwame Asante", "PERSON", "en_rules"),
        ("Monday", "DATE", "en_rules"),
        ("VRA's", "ORG", "en_rules"),
        ("Asante's", "GPE", "en_rules"),
    ]


def test_short_forms_take_the_mapped_person_label(ruler: Language) -> None:
    conll = {"PERSON": "PER", "ORG": "ORG"}.get
    assert ("Asante", "PER", "en_rules") in found(SpacySuggester(ruler, label_for=conll))


def test_the_memory_brings_short_forms_only_where_its_full_name_is() -> None:
    memory = PhraseMemory.from_counts([("Kwame Asante", "PERSON", SpanState.ACCEPTED, 1)])
    alone = SpacySuggester(None, label_for=same_label, memory=memory)
    assert found(alone) == [
        ("Kwame Asante", "PERSON", MEMORY_SOURCE),
        ("Asante", "PERSON", MEMORY_SOURCE),
        ("Asante", "PERSON", MEMORY_SOURCE),
    ]
    assert found(alone, "Asante said the dams were full.") == []  # no full name here


def test_a_possessive_the_dataset_learnt_is_kept() -> None:
    nlp = spacy.blank("en")
    nlp.add_pipe("entity_ruler").add_patterns(  # type: ignore[attr-defined]
        [{"label": "ORG", "pattern": [{"ORTH": "McDonald"}, {"ORTH": "'s"}]}]
    )
    text = "McDonald's opened a shop."
    memory = PhraseMemory.from_counts([("McDonald's", "ORG", SpanState.MANUAL, 2)])
    assert found(SpacySuggester(nlp, label_for=same_label), text) == [
        ("McDonald", "ORG", "en_pipeline")
    ]
    kept = found(SpacySuggester(nlp, label_for=same_label, memory=memory), text)
    assert ("McDonald's", "ORG", "en_pipeline") in kept


def test_a_given_base_pipeline_is_used_for_the_tokens() -> None:
    base = blank_pipeline("en")
    tokenizer: Any = base.tokenizer  # spaCy types it as a plain callable
    tokenizer.add_special_case("VRA's", [{"ORTH": "VRA's"}])
    memory = PhraseMemory.from_counts([("Monday", "DATE", SpanState.ACCEPTED, 1)])
    for lang in ("en", "fr"):  # the base decides, whatever the language says
        suggester = SpacySuggester(None, label_for=same_label, memory=memory, lang=lang, base=base)
        (analysis,) = suggester.analyse([TEXT])
        start = TEXT.index("VRA's")
        assert analysis.tokens.token_span(start, start + 5) is not None  # one token here
        assert found(suggester) == [("Monday", "DATE", MEMORY_SOURCE)]
    (plain,) = SpacySuggester(None, label_for=same_label, memory=memory).analyse([TEXT])
    assert len(plain.tokens) == len(analysis.tokens) + 1  # "VRA" "'s" without the base


def test_the_analyser_builds_one_blank_pipeline_per_language(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    built: list[str] = []

    def counting(lang: str) -> Language:
        built.append(lang)
        return spacy.blank(lang)

    monkeypatch.setattr(suggester_module, "blank_pipeline", counting)
    dataset = store.create_dataset("news", labels=[Label("PERSON"), Label("GPE")])
    texts = ["Accra is hot.", "Kumasi is hot.", "Tamale is hot."]
    store.add_documents(
        dataset.id, [(Document(0, 0, t, input_hash=input_hash(t)), None) for t in texts]
    )
    first = store.get_document(store.document_ids(dataset.id)[0])
    store.apply(first, AddSpan(Span(0, 5, "GPE")))  # the memory learns "Accra"
    analyser = DocumentAnalyser(store, TokenCache(store, lang="en"))
    for document_id in store.document_ids(dataset.id)[1:]:
        analyser.analyse(dataset, store.get_document(document_id))
    assert built == ["en"]


def test_an_article_over_spacys_max_length_is_suggested_in_pieces() -> None:
    """spaCy stops at 1,000,000 characters (E088); entities past it keep their offsets."""
    nlp = spacy.blank("en")
    assert nlp.max_length == 1_000_000
    nlp.add_pipe("entity_ruler").add_patterns(  # type: ignore[attr-defined]
        [{"label": "GPE", "pattern": "Kumasi"}, {"label": "PERSON", "pattern": "Kwame Asante"}]
    )
    paragraph = "Rain fell on the \U0001d518pper dams again this week, officials said.\n\n"
    filler = paragraph * (1_000_000 // len(paragraph) + 1)  # astral: code points count
    end = "Kwame Asante flew to Kumasi.\n\nHe left Kumasi. \U0001f600 The Volta dam held."
    text = "Kumasi first.\n\n" + filler + end
    memory = PhraseMemory.from_counts([("Volta", "LOC", SpanState.ACCEPTED, 1)])
    suggester = SpacySuggester(nlp, label_for=same_label, memory=memory)
    (analysis,) = suggester.analyse([text])
    assert analysis.problem == ""
    tail = len(text) - len(end)
    assert tail > 1_000_000
    assert [(s.start, text[s.start : s.end], s.label) for s in analysis.suggestions] == [
        (0, "Kumasi", "GPE"),
        (tail, "Kwame Asante", "PERSON"),
        (tail + end.index("Kumasi"), "Kumasi", "GPE"),
        (tail + end.rindex("Kumasi"), "Kumasi", "GPE"),
        (tail + end.index("Volta"), "Volta", "LOC"),  # the memory's, in the last piece
    ]
    (alone,) = suggester.analyse([end])
    assert analysis.tokens.starts[-len(alone.tokens) :] == tuple(
        start + tail for start in alone.tokens.starts
    )
    assert analysis.tokens.ends[-1] == len(text)


@Language.component("fails_on_boom")
def _fails_on_boom(doc: Any) -> Any:
    if "BOOM" in doc.text:
        raise ValueError("this text broke the component")
    return doc


def test_a_text_spacy_fails_on_is_reported_and_the_others_go_on(ruler: Language) -> None:
    nlp = spacy.blank("en")
    nlp.add_pipe("entity_ruler").add_patterns(PATTERNS)  # type: ignore[attr-defined]
    nlp.add_pipe("fails_on_boom")
    texts = ["Kwame Asante left.", "BOOM in Monday", "It was Monday.", "Kwame Asante is back."]
    results = list(SpacySuggester(nlp, label_for=same_label).analyse(texts, batch_size=2))
    assert [a.problem for a in results] == ["", "ValueError: this text broke the component", "", ""]
    assert [len(a.suggestions) for a in results] == [1, 0, 1, 1]


def test_a_statistical_ner_component_runs_through_the_suggester() -> None:
    """spaCy's compiled `ner` (as in en_core_web_sm) takes no per-pipe error handler."""
    nlp = spacy.blank("en")
    nlp.add_pipe("ner").add_label("GPE")  # type: ignore[attr-defined]
    nlp.initialize()
    texts = ["Accra is hot.", "Kumasi is not."]
    results = list(SpacySuggester(nlp, label_for=same_label).analyse(texts, batch_size=1))
    assert [(a.problem, a.tokens.ends[-1]) for a in results] == [("", 13), ("", 14)]


class _Widest:
    """A component that remembers the most characters it was given in one batch."""

    def __init__(self) -> None:
        self.widest = 0

    def __call__(self, doc: Any) -> Any:
        return next(self.pipe([doc]))

    def pipe(self, docs: Any, batch_size: int = 128) -> Any:
        from spacy.util import minibatch

        for batch in minibatch(docs, size=batch_size):
            self.widest = max(self.widest, sum(len(doc.text) for doc in batch))
            yield from batch


def test_the_pieces_of_a_long_article_never_share_a_batch() -> None:
    """All pieces in one batch took 3.2 GB for a million characters: as much as no pieces."""
    nlp = spacy.blank("en")
    widest = _Widest()
    Language.component("widest_batch", func=widest)
    nlp.add_pipe("widest_batch")
    short = ["Accra is hot."] * 3
    long = "Rain fell in Accra.\n\n" * 500  # 10,500 characters
    suggester = SpacySuggester(nlp, label_for=same_label, piece_length=1_000)
    results = list(suggester.analyse([*short, long, *short], batch_size=64))
    assert [a.tokens.ends[-1] for a in results] == [13, 13, 13, len(long), 13, 13, 13]
    assert widest.widest <= 1_000


def test_a_name_type_without_a_capital_is_dropped_and_a_date_is_not() -> None:
    nlp = spacy.blank("en")
    nlp.add_pipe("entity_ruler").add_patterns(  # type: ignore[attr-defined]
        [
            {"label": "ORG", "pattern": "the white jersey"},
            {"label": "DATE", "pattern": "next year"},
        ]
    )
    nlp.meta["name"] = "rules"
    text = "She won. She kept the white jersey until next year. Then she left."
    assert found(SpacySuggester(nlp, label_for=same_label), text) == [
        ("next year", "DATE", "en_rules")
    ]
    assert [
        words
        for words, _, _ in found(SpacySuggester(nlp, label_for=same_label, refine=False), text)
    ] == [
        "the white jersey",
        "next year",
    ]
