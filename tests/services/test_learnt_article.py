"""The "the" people leave out of a label's names, learnt from their spans in earlier
articles, comes off the model's suggestions when the next article opens."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from annotator.core.annotating import Gestures
from annotator.core.hashing import input_hash
from annotator.core.model import Document, Label
from annotator.services.document_analysis import DocumentAnalyser, catch_up_edit, save_analysis
from annotator.services.suggesting import SuggestOptions, suggest_dataset
from annotator.services.tokens import TokenCache
from annotator.store import Store

ARTICLES = [
    "Yesterday the Chamber of Deputies and the Senate voted on the bill.",
    "Later the Environment Agency warned that rain would last until the end of June.",
]
PATTERNS = [
    {"label": "ORG", "pattern": "the Chamber of Deputies"},
    {"label": "ORG", "pattern": "the Senate"},
    {"label": "ORG", "pattern": "the Environment Agency"},
    {"label": "DATE", "pattern": "the end of June"},
]


def spans_of(document: Document) -> list[tuple[str, str, str]]:
    return [(document.covered_text(s), s.label, s.state.value) for s in document.spans]


def test_the_next_article_opens_with_the_article_cut_off(
    store: Store, make_rules_model: Callable[[list[dict[str, str]]], Path]
) -> None:
    model = make_rules_model(PATTERNS)
    labels = (Label("ORG"), Label("DATE"))
    dataset = store.create_dataset("news", labels=labels, model=str(model))
    store.add_documents(
        dataset.id, [(Document(0, 0, t, input_hash=input_hash(t)), None) for t in ARTICLES]
    )
    suggest_dataset(store, "news", SuggestOptions(model=str(model)))
    first, second = (store.get_document(i) for i in store.document_ids(dataset.id))
    assert ("the Environment Agency", "ORG", "suggested") in spans_of(second)

    # The annotator labels the first article's names without their "the".
    for name in ("Chamber of Deputies", "Senate"):
        start = first.text.index(name)
        edit = Gestures(first).label_range(start, start + len(name), "ORG")
        first = store.apply(first, edit)

    analyser = DocumentAnalyser(store, TokenCache(store, lang="en"))
    analyser.load(dataset)
    analysis = analyser.analyse(dataset, second)
    assert analysis.memory.without_article == frozenset({"ORG"})
    edit = catch_up_edit(second, analysis, allow_overlap=False)
    assert edit is not None
    opened = save_analysis(store, second, analysis, edit)
    assert spans_of(opened) == [
        ("Environment Agency", "ORG", "suggested"),
        ("the end of June", "DATE", "suggested"),  # people have no DATE after a "the"
    ]
    assert spans_of(store.get_document(second.id)) == spans_of(opened)
    assert edit.inverted().apply(opened).spans == second.spans  # one undo step
