"""Patterns: a patterns.jsonl file imported into a dataset suggests entities, and the export
(memory and patterns) loads into spaCy's own EntityRuler, which finds the same entities."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import spacy

from annotator.core.edits import AddSpan, ReplaceSpan, SetStatus
from annotator.core.errors import NotFoundError
from annotator.core.hashing import input_hash
from annotator.core.model import Document, Label, Span, SpanState, Status
from annotator.nlp.suggester import SpacySuggester
from annotator.services.patterns import (
    export_patterns,
    import_patterns,
    pattern_files,
    remove_patterns,
)
from annotator.services.suggesting import SuggestOptions, suggest_dataset, suggest_from_memory
from annotator.store import Store

NEWS = [Label(name) for name in ("PERSON", "ORG", "GPE", "DATE")]
# What the annotator decided (the phrase memory learns "Reuters" and "Berlin" from it).
DECIDED = "Reuters reported from Berlin."
PATTERNS = [
    {"label": "ORG", "pattern": "Apple Inc.", "id": "apple"},
    {"label": "GPE", "pattern": [{"LOWER": "san"}, {"LOWER": "francisco"}]},
    {"label": "ORGANIZATION", "pattern": [{"LOWER": "world"}, {"LOWER": "bank"}]},
    {"label": "DATE", "pattern": [{"IS_DIGIT": True}, {"LOWER": {"REGEX": "^(am|pm)$"}}]},
    {"label": "DATE", "pattern": [{"LOWER": "last"}, {"LOWER": {"IN": ["monday", "friday"]}}]},
    {
        "label": "GPE",
        "pattern": [{"LOWER": "new"}, {"LOWER": "york"}, {"LOWER": "city", "OP": "?"}],
    },
    {"label": "ORG", "pattern": [{"LOWER": "new"}, {"LOWER": "york"}, {"LOWER": "times"}]},
    {"label": "ORG", "pattern": [{"TEXT": "Bank"}, {}, {"TEXT": "England"}], "id": 7},
    {"label": "ORG", "pattern": [{"LOWER": "reuters"}, {"LOWER": "news"}]},
    {"label": "GPE", "pattern": "Berlin"},  # the memory has it too: exported once
]
TEXTS = [
    "The World Bank met in San Francisco at 9 am last Monday.",
    "Reuters said The New York Times moved to New York City, not to Berlin.",
    "Apple Inc. and the Bank of England agreed; Berlin approved.",
    "A wire from Reuters News reached new york at 10 pm last friday.",
    "Nothing here matches at all.",
]


def write_jsonl(path: Path, lines: list[object]) -> Path:
    path.write_text("".join(json.dumps(line) + "\n" for line in lines), encoding="utf-8")
    return path


def add_texts(store: Store, dataset_id: int, texts: list[str]) -> list[Document]:
    store.add_documents(
        dataset_id, [(Document(0, 0, t, input_hash=input_hash(t)), None) for t in texts]
    )
    wanted = set(texts)
    return [d for d, _ in store.iter_documents(dataset_id) if d.text in wanted]


@pytest.fixture
def news(store: Store) -> Store:
    dataset = store.create_dataset("news", labels=NEWS)
    store.save_label_map(dataset.id, {"ORGANIZATION": "ORG"})
    (decided,) = add_texts(store, dataset.id, [DECIDED])
    decided = store.apply(decided, AddSpan(Span(0, 7, "ORG")))
    decided = store.apply(decided, AddSpan(Span(22, 28, "GPE")))
    store.apply(decided, SetStatus(decided.status, Status.DONE))
    return store


def entity_ruler_ents(patterns_file: Path, texts: list[str]) -> list[set[tuple[int, int, str]]]:
    """What spaCy's own EntityRuler, loaded from the file as it is, finds in each text."""
    nlp = spacy.blank("en")
    nlp.add_pipe("entity_ruler").from_disk(patterns_file)  # type: ignore[attr-defined]
    return [{(e.start_char, e.end_char, e.label_) for e in doc.ents} for doc in nlp.pipe(texts)]


def suggested(document: Document) -> set[tuple[int, int, str]]:
    return {s.key for s in document.spans if s.state is SpanState.SUGGESTED}


def test_the_export_in_spacys_entity_ruler_finds_what_annotator_suggests(
    news: Store, tmp_path: Path
) -> None:
    report = import_patterns(news, "news", write_jsonl(tmp_path / "patterns.jsonl", PATTERNS))
    assert (report.added, report.problems) == (len(PATTERNS), [])
    dataset = news.get_dataset("news")
    documents = add_texts(news, dataset.id, TEXTS)
    ours = [suggested(suggest_from_memory(news, dataset, d)) for d in documents]

    out = tmp_path / "export.jsonl"
    exported = export_patterns(news, "news", out)
    theirs = entity_ruler_ents(out, TEXTS)

    assert ours == theirs
    assert all(ours[:4]) and not ours[4]
    assert (exported.memory, exported.lines) == (2, 2 + len(PATTERNS) - 1)  # Berlin once
    assert {"label": "ORG", "pattern": [{"LOWER": "world"}, {"LOWER": "bank"}]} in [
        json.loads(line) for line in out.read_text("utf-8").splitlines()
    ]  # the dataset's label, as annotator suggests it
    first = news.get_document(documents[0].id)
    assert {(first.covered_text(s), s.label, s.source) for s in first.spans} == {
        ("World Bank", "ORG", "patterns"),
        ("San Francisco", "GPE", "patterns"),
        ("9 am", "DATE", "patterns"),
        ("last Monday", "DATE", "patterns"),
    }
    second = news.get_document(documents[1].id)
    assert {(second.covered_text(s), s.source) for s in second.spans} == {
        ("Reuters", "memory"),
        ("New York Times", "patterns"),  # longer than the GPE "New York" inside it
        ("New York City", "patterns"),  # "city" is optional: the longer match wins
        ("Berlin", "memory"),  # the memory's and a pattern's: the memory says it
    }


def test_a_memory_phrase_inside_a_longer_name_is_annotators_one_difference(
    news: Store, tmp_path: Path
) -> None:
    """The memory does not suggest "Berlin" in "Berlin Airport Authority" (README: the
    phrase memory's rules); the EntityRuler, which has no such rule, does."""
    dataset = news.get_dataset("news")
    text = "The Berlin Airport Authority said so."
    (document,) = add_texts(news, dataset.id, [text])
    export_patterns(news, "news", tmp_path / "export.jsonl")
    assert suggested(suggest_from_memory(news, dataset, document)) == set()
    assert entity_ruler_ents(tmp_path / "export.jsonl", [text]) == [{(4, 10, "GPE")}]


def test_importing_the_same_file_twice_changes_nothing(news: Store, tmp_path: Path) -> None:
    path = write_jsonl(tmp_path / "patterns.jsonl", PATTERNS)
    import_patterns(news, "news", path)
    dataset_id = news.get_dataset("news").id
    before = news.patterns(dataset_id)
    again = import_patterns(news, "news", path)
    assert (again.added, again.read, again.problems) == (0, len(PATTERNS), [])
    assert news.patterns(dataset_id) == before
    assert [p.id for p in before if p.id is not None] == ["apple", 7]  # ids as they came


@pytest.mark.parametrize(
    ("line", "reason"),
    [
        ("not json", "invalid JSON (column 1: Expecting value)"),
        ('["ORG", "Apple"]', "a pattern is a JSON object, not a list"),
        ('{"pattern": "Apple"}', 'the pattern has no "label"'),
        ('{"label": "ORG"}', 'the pattern has no "pattern"'),
        ('{"label": "ORG", "pattern": "  "}', "the phrase is empty"),
        ('{"label": "ORG", "pattern": []}', "the token pattern is an empty list"),
        ('{"label": "ORG", "pattern": 3}', '"pattern" is a phrase (a string)'),
        ('{"label": "ORG", "pattern": [{"LOWR": "x"}]}', "token 1, LOWR: not a token attribute"),
        ('{"label": "ORG", "pattern": [{"LOWER": "a", "OP": "!!"}]}', "token 1, OP: Input should"),
        ('{"label": "ORG", "pattern": [{"LOWER": {"REGEX": "("}}]}', "spaCy's Matcher refuses"),
        ('{"label": "ORG", "pattern": [{"_": {"x": 1}}]}', 'custom attributes ("_")'),
        ('{"label": "BRAND", "pattern": "Nike"}', "unknown label 'BRAND' (the dataset's labels:"),
        ('{"label": "O RG", "pattern": "Nike"}', "contains a space"),
    ],
)
def test_a_bad_line_is_named_with_its_reason_and_nothing_is_written(
    news: Store, tmp_path: Path, line: str, reason: str
) -> None:
    path = tmp_path / "bad.jsonl"
    good = json.dumps(PATTERNS[0])
    path.write_text(f"{good}\n\n{line}\n{good}\n", encoding="utf-8")
    labels = news.get_dataset("news").labels
    report = import_patterns(news, "news", path)
    (problem,) = report.problems
    assert str(problem).startswith(f"{path}:3: ")
    assert reason in problem.reason
    assert report.refused and report.added == 0
    assert news.patterns(news.get_dataset("news").id) == []
    assert news.get_dataset("news").labels == labels


def test_unknown_labels_are_added_on_request_and_a_dataset_without_labels_takes_them(
    store: Store, tmp_path: Path
) -> None:
    path = write_jsonl(
        tmp_path / "brands.jsonl",
        [{"label": "BRAND", "pattern": [{"LOWER": "nike"}]}, {"label": "ORG", "pattern": "Nike"}],
    )
    store.create_dataset("news", labels=NEWS)
    report = import_patterns(store, "news", path, add_labels=True)
    assert (report.added, report.new_labels) == (2, ["BRAND"])
    assert store.get_dataset("news").label_names == ("PERSON", "ORG", "GPE", "DATE", "BRAND")
    store.create_dataset("empty")
    assert import_patterns(store, "empty", path).new_labels == ["BRAND", "ORG"]


def test_a_label_the_mapping_drops_is_kept_but_suggests_nothing(
    news: Store, tmp_path: Path
) -> None:
    dataset = news.get_dataset("news")
    news.save_label_map(dataset.id, {"ORGANIZATION": ""})
    path = write_jsonl(tmp_path / "p.jsonl", [PATTERNS[2]])
    report = import_patterns(news, "news", path)
    assert (report.added, dict(report.dropped)) == (1, {"ORGANIZATION": 1})
    (document,) = add_texts(news, dataset.id, [TEXTS[0]])
    assert suggested(suggest_from_memory(news, news.get_dataset("news"), document)) == set()
    assert export_patterns(news, "news", tmp_path / "out.jsonl").dropped == 1


def test_a_pattern_that_needs_a_trained_pipeline_is_counted_and_never_fails_a_text(
    news: Store, tmp_path: Path
) -> None:
    path = write_jsonl(
        tmp_path / "p.jsonl",
        [{"label": "ORG", "pattern": [{"POS": "PROPN"}]}, PATTERNS[1]],
    )
    report = import_patterns(news, "news", path)
    assert dict(report.needs_pipeline) == {"POS": 1}
    dataset = news.get_dataset("news")
    (document,) = add_texts(news, dataset.id, [TEXTS[0]])
    updated = suggest_from_memory(news, dataset, document)  # a blank pipeline: no POS
    assert [updated.covered_text(s) for s in updated.spans] == ["San Francisco"]


def test_patterns_never_override_decisions_and_go_to_each_annotators_own_version(
    news: Store, tmp_path: Path
) -> None:
    import_patterns(news, "news", write_jsonl(tmp_path / "p.jsonl", PATTERNS))
    dataset = news.get_dataset("news")
    news.annotator = "ada"
    (document,) = add_texts(news, dataset.id, [TEXTS[0]])
    # Ada rejects "San Francisco" and draws "The World Bank" as a whole.
    mine = news.apply(document, AddSpan(Span(0, 14, "ORG")))
    sf = Span(22, 35, "GPE", SpanState.SUGGESTED, "patterns")
    mine = news.apply(mine, AddSpan(sf))
    mine = news.apply(mine, ReplaceSpan.reject(sf))
    mine = suggest_from_memory(news, dataset, mine)
    assert {(mine.covered_text(s), s.state.value) for s in mine.spans} == {
        ("The World Bank", "manual"),
        ("San Francisco", "rejected"),
        ("9 am", "suggested"),
        ("last Monday", "suggested"),
    }
    # Bob has no version of it: `suggest` puts the patterns' suggestions in the shared
    # input, which he sees; Ada's version stays as she left it.
    news.annotator = "bob"
    suggester = SpacySuggester(
        None, label_for=dataset.map_label, patterns=news.patterns(dataset.id)
    )
    report = suggest_dataset(news, "news", SuggestOptions(force=True), suggester=suggester)
    assert report.added == {"patterns": 4 + 1}  # and "Berlin" in the article open to him
    theirs = news.get_document(document.id)
    assert {theirs.covered_text(s) for s in theirs.spans} == {
        "World Bank",
        "San Francisco",
        "9 am",
        "last Monday",
    }
    assert [v.annotator for v in news.versions_of(document.id)] == ["ada"]
    news.annotator = "ada"
    assert news.get_document(document.id).spans == mine.spans


def test_list_and_remove_by_file(news: Store, tmp_path: Path) -> None:
    import_patterns(news, "news", write_jsonl(tmp_path / "a.jsonl", PATTERNS[:2]))
    import_patterns(news, "news", write_jsonl(tmp_path / "b.jsonl", PATTERNS[2:4]))
    files = pattern_files(news, "news")
    assert [(f.file, f.phrases, f.token_patterns, f.labels) for f in files] == [
        ("a.jsonl", 1, 1, ("ORG", "GPE")),
        ("b.jsonl", 0, 2, ("ORGANIZATION", "DATE")),
    ]
    assert remove_patterns(news, "news", "a.jsonl") == 2
    assert [f.file for f in pattern_files(news, "news")] == ["b.jsonl"]
    assert remove_patterns(news, "news", None) == 2
    assert pattern_files(news, "news") == []


def test_a_missing_dataset_or_file_is_one_clear_error(news: Store, tmp_path: Path) -> None:
    with pytest.raises(NotFoundError):
        import_patterns(news, "nope", write_jsonl(tmp_path / "p.jsonl", PATTERNS))
    report = import_patterns(news, "news", tmp_path / "missing.jsonl")
    assert [str(p) for p in report.problems] == [f"{tmp_path / 'missing.jsonl'}: does not exist"]


def test_an_opened_article_follows_the_patterns_as_they_change(news: Store, tmp_path: Path) -> None:
    """The window's analyser keeps the compiled patterns between articles; new patterns,
    and a label mapped elsewhere, show in the next article opened all the same."""
    from annotator.services.document_analysis import DocumentAnalyser
    from annotator.services.tokens import TokenCache

    analyser = DocumentAnalyser(news, TokenCache(news, lang="en"))
    dataset = news.get_dataset("news")
    (document,) = add_texts(news, dataset.id, [TEXTS[0]])

    def found() -> set[tuple[int, int, str]]:
        fresh = news.get_dataset("news")
        return {s.key for s in analyser.analyse(fresh, document).suggestions}

    import_patterns(news, "news", write_jsonl(tmp_path / "a.jsonl", PATTERNS[1:3]))
    assert found() == {(22, 35, "GPE"), (4, 14, "ORG")}
    assert found() == {(22, 35, "GPE"), (4, 14, "ORG")}  # the same again
    import_patterns(news, "news", write_jsonl(tmp_path / "b.jsonl", PATTERNS[3:4]))
    assert found() == {(22, 35, "GPE"), (4, 14, "ORG"), (39, 43, "DATE")}
    news.save_label_map(dataset.id, {"ORGANIZATION": "GPE"})
    assert found() == {(22, 35, "GPE"), (4, 14, "GPE"), (39, 43, "DATE")}


def test_a_merge_brings_the_patterns_this_store_lacks_once(news: Store, tmp_path: Path) -> None:
    """Ada imported patterns into her copy of the dataset; the lead merges her store: the
    patterns come with her versions, and merging again brings none twice."""
    ada_path = tmp_path / "ada.db"
    with Store.open(ada_path, annotator="ada") as ada:
        mine = ada.create_dataset("news", labels=NEWS)
        ada.save_label_map(mine.id, {"ORGANIZATION": "ORG"})
        import_patterns(ada, "news", write_jsonl(tmp_path / "p.jsonl", PATTERNS[:3]))
    import_patterns(news, "news", write_jsonl(tmp_path / "q.jsonl", PATTERNS[2:4]))
    assert news.merge_from(ada_path).patterns == 2
    assert news.merge_from(ada_path).patterns == 0
    files = [(f.file, f.phrases + f.token_patterns) for f in pattern_files(news, "news")]
    assert files == [("q.jsonl", 2), ("p.jsonl", 2)]


def test_renaming_a_label_takes_its_patterns_along(news: Store, tmp_path: Path) -> None:
    import_patterns(news, "news", write_jsonl(tmp_path / "p.jsonl", PATTERNS[:2]))
    dataset = news.get_dataset("news")
    news.rename_label(dataset.id, "GPE", "PLACE")
    news.rename_label(dataset.id, "ORG", "PERSON")  # a merge of two labels
    dataset = news.get_dataset("news")
    (document,) = add_texts(news, dataset.id, ["Apple Inc. is in San Francisco."])
    updated = suggest_from_memory(news, dataset, document)
    assert {(updated.covered_text(s), s.label) for s in updated.spans} == {
        ("Apple Inc.", "PERSON"),
        ("San Francisco", "PLACE"),
    }


def test_renaming_onto_a_label_that_has_the_same_pattern_keeps_it_once(
    news: Store, tmp_path: Path
) -> None:
    both = [{"label": "GPE", "pattern": "Berlin"}, {"label": "ORG", "pattern": "Berlin"}]
    import_patterns(news, "news", write_jsonl(tmp_path / "p.jsonl", both))
    dataset = news.get_dataset("news")
    news.rename_label(dataset.id, "GPE", "ORG")
    assert [(p.label, p.phrase) for p in news.patterns(dataset.id)] == [("ORG", "Berlin")]
