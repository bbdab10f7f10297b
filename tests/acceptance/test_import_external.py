"""Importing every third-party file in `../shared/data/external` through the command line.

Each file either imports (exit code 0, and the store holds exactly the distinct texts of its
records) or is refused with `file[:line]: reason` and the store left as it was. What each
file does, and why:

| file | outcome | why |
|---|---|---|
| brat/brat__tutorial_news_040-text_span_annotation | 1 doc, 4 spans | plain `T` lines |
| brat/brat__tutorial_news_060-relation_annotation | 1 doc, 10 spans | the relation and the `*` equivalence are counted, not read |
| brat/brat__tutorial_news_100-attribute_annotation | 1 doc, 16 spans | 10 event triggers, 10 events and 6 attributes are counted, not read |
| brat/dkpro-core__brat_document0d | 1 doc, 0 spans | every `T` is an event trigger or discontinuous |
| brat/dkpro-core__brat_document0d-ref.ann | refused | there is no `document0d-ref.txt` |
| brat/dkpro-core__brat_document1 | 1 doc, 3 spans | event, relation and notes counted; the trigger "joint venture" is not an entity |
| doccano/doccano-transformer__labeling.jsonl | refused, line 1 | labels are numeric ids (doccano 1.0 "annotations") |
| doccano/doccano-transformer__labeling_text_label.jsonl | 2 docs | `labels` triples |
| doccano/doccano-transformer__labeling_text_label.spacy.user0.json | refused | spaCy v2 JSON training format |
| doccano/doccano__docs_tutorial_books_input.jsonl | 3 docs | text only (read as Prodigy input) |
| doccano/doccano__docs_tutorial_sequence_labeling_for_books_export.json | refused, line 1 | span 69-75 "HHGTTG" ends inside the token "HHGTTGor" |
| doccano/doccano__export_examples_intent_detection_example.jsonl | 2 docs | the upstream span [0, 26] is wrong (it covers "Find a flight from Memphis"), but it states no text and falls on token boundaries, so nothing can tell |
| doccano/doccano__export_examples_relation_extraction_example_PRETTY.jsonl | 1 doc | one pretty-printed object, read as a JSON document |
| doccano/doccano__export_examples_sequence_labeling_example.jsonl | 3 docs | `label` triples |
| doccano/doccano__import_examples_relation_extraction_example.jsonl | 1 doc | `entities` objects; relations kept in `extra` |
| doccano/doccano__import_examples_sequence_labeling_example.jsonl | refused, line 1 | custom column names `column_data`/`column_label` |
| doccano/doccano__import_examples_sequence_labeling_example_conll.txt | refused | token-per-line CoNLL, not an article |
| doccano/doccano__import_tests_sequence_labeling_example.jsonl | refused, lines 1 and 3 | record 1's span [0, 1] is inside a token; record 3 has no text; `--skip-invalid` imports record 2 |
| doccano/doccano__import_tests_sequence_labeling_example_overlapping.jsonl | refused, line 1 | span [0, 1] "e" is inside the token "exampleA" |
| labelstudio/label-studio-frontend__named_entity_annotations_1.json | 1 doc, 1 manual span | |
| labelstudio/label-studio-frontend__named_entity_tasks.json | 1 doc, 1 suggested span | predictions only |
| labelstudio/label-studio-frontend__rich_text_plain_annotations_1_STALE.json | refused, line 1 | the region says "February 22", the text there is " supporters" |
| labelstudio/label-studio_v0__examples_named_entity_completions_1.json | refused, line 1 | end 353 cuts "February 22" to "February 2" |
| news/gum_wikinews_news_articles.jsonl | 24 docs | Prodigy input |
| other/YEDDA__demotext_*.ann | refused | YEDDA inline annotations, not brat |
| prodigy/prodigy-recipes__annotated_news_headlines-ORG-PERSON-LOCATION-ner.jsonl | 373 docs | |
| prodigy/prodigy-recipes__annotated_reddit-PRODUCT-ner.jsonl | 1766 docs | binary `ner.teach` answers; 34 texts repeat; one rejected suggestion ends inside the spaCy token "Steel--http://...", which is allowed for rejected and suggested spans (they are not training data) |
| prodigy/prodigy-recipes__bio_events.jsonl | 129 docs, suggestions | unanswered pre-annotations |
| prodigy/prodigy-recipes__raw_news_headlines.jsonl | 178 docs | 22 headlines repeat |
| prodigy/projects__nel_emerson__emerson_annotated_text.jsonl | 30 docs | |
| prodigy/projects__ner_drugs__drugs_eval.jsonl | 500 docs | |
| prodigy/projects__ner_fashion_brands__fashion_brands_eval.jsonl | 500 docs | emoji: code-point offsets |
| prodigy/projects__ner_food_ingredients__food_data.jsonl | 949 docs | |
| prodigy/projects__ner_tweets__test_annotated.jsonl | refused, lines 286 and 437; `--skip-invalid`: 511 docs | two tweets are a single space; 10 texts repeat |
| prodigy/projects__rel_component__annotations.jsonl | 149 docs | relations kept in `extra` |
| prodigy/projects__spanruler_restaurant_reviews__test_review.jsonl | 1521 docs | |
| prodigy/projects__textcat_demo__docs_issues_eval_CRLF_in_text.jsonl | 500 docs | not NER; `\\r\\n` kept inside texts |
| spacy/spaCy__ner-token-per-line.iob.txt | refused | token-per-line IOB |
| spacy/spaCy__ner-token-per-line.json, spacy/spaCy__training-data.json | refused | spaCy v2 JSON training format |
| spacy/spacy-llm__tests_examples_ner.jsonl | refused, line 1 | spans have no offsets |
| spacy/spacy-llm__tests_examples_rel.jsonl | refused, line 1 | entities under "ents" with start_char/end_char |
"""  # noqa: E501

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from annotator.core.model import Document, SpanState, Status
from annotator.store import Store

Cli = Callable[..., Any]

IMPORTED: dict[str, int] = {
    "brat/brat__tutorial_news_040-text_span_annotation.txt": 1,
    "brat/brat__tutorial_news_060-relation_annotation.ann": 1,
    "brat/brat__tutorial_news_100-attribute_annotation.txt": 1,
    "brat/dkpro-core__brat_document0d.ann": 1,
    "brat/dkpro-core__brat_document1.txt": 1,
    "doccano/doccano-transformer__labeling_text_label.jsonl": 2,
    "doccano/doccano__docs_tutorial_books_input.jsonl": 3,
    "doccano/doccano__export_examples_intent_detection_example.jsonl": 2,
    "doccano/doccano__export_examples_relation_extraction_example_PRETTY.jsonl": 1,
    "doccano/doccano__export_examples_sequence_labeling_example.jsonl": 3,
    "doccano/doccano__import_examples_relation_extraction_example.jsonl": 1,
    "labelstudio/label-studio-frontend__named_entity_annotations_1.json": 1,
    "labelstudio/label-studio-frontend__named_entity_tasks.json": 1,
    "news/gum_wikinews_news_articles.jsonl": 24,
    "prodigy/prodigy-recipes__annotated_news_headlines-ORG-PERSON-LOCATION-ner.jsonl": 373,
    "prodigy/prodigy-recipes__annotated_reddit-PRODUCT-ner.jsonl": 1766,
    "prodigy/prodigy-recipes__bio_events.jsonl": 129,
    "prodigy/prodigy-recipes__raw_news_headlines.jsonl": 178,
    "prodigy/projects__nel_emerson__emerson_annotated_text.jsonl": 30,
    "prodigy/projects__ner_drugs__drugs_eval.jsonl": 500,
    "prodigy/projects__ner_fashion_brands__fashion_brands_eval.jsonl": 500,
    "prodigy/projects__ner_food_ingredients__food_data.jsonl": 949,
    "prodigy/projects__rel_component__annotations.jsonl": 149,
    "prodigy/projects__spanruler_restaurant_reviews__test_review.jsonl": 1521,
    "prodigy/projects__textcat_demo__docs_issues_eval_CRLF_in_text.jsonl": 500,
}

# file -> (line, the start of the reason); line None when the whole file is refused.
REFUSED: dict[str, tuple[int | None, str]] = {
    "brat/dkpro-core__brat_document0d-ref.ann": (
        None,
        "is a brat annotation file, but its text dkpro-core__brat_document0d-ref.txt is missing",
    ),
    "doccano/doccano-transformer__labeling.jsonl": (
        1,
        "span 1: label 12 is a number: this looks like an old doccano export that stores "
        "label ids; re-export with label names",
    ),
    "doccano/doccano-transformer__labeling_text_label.spacy.user0.json": (
        None,
        "is spaCy's v2 JSON training format",
    ),
    "doccano/doccano__docs_tutorial_sequence_labeling_for_books_export.json": (
        1,
        "span 69-75 'Title' 'HHGTTG': does not start and end on token boundaries",
    ),
    "doccano/doccano__import_examples_sequence_labeling_example.jsonl": (
        1,
        'has no "text" field (its fields: "column_data", "column_label"); if the file was '
        "written for a doccano project with its own column names",
    ),
    "doccano/doccano__import_examples_sequence_labeling_example_conll.txt": (
        None,
        "looks like token-per-line CoNLL/IOB data",
    ),
    "doccano/doccano__import_tests_sequence_labeling_example.jsonl": (
        3,
        'has no "text" field (its fields: "label", "meta")',
    ),
    "doccano/doccano__import_tests_sequence_labeling_example_overlapping.jsonl": (
        1,
        "span 0-1 'LOC' 'e': does not start and end on token boundaries",
    ),
    "labelstudio/label-studio-frontend__rich_text_plain_annotations_1_STALE.json": (
        1,
        "span 343-354 'Date': says it covers 'February 22' but the text there is ' supporters'",
    ),
    "labelstudio/label-studio_v0__examples_named_entity_completions_1.json": (
        1,
        "span 343-353 'Date': says it covers 'February 22' but the text there is 'February 2'",
    ),
    "other/YEDDA__demotext_EnglishDemo.txt.ann": (None, "holds YEDDA inline annotations"),
    "other/YEDDA__demotext_UserC_CRLF.ann": (None, "holds YEDDA inline annotations"),
    "prodigy/projects__ner_tweets__test_annotated.jsonl": (286, "the text is empty"),
    "spacy/spaCy__ner-token-per-line.iob.txt": (None, "looks like token-per-line CoNLL/IOB data"),
    "spacy/spaCy__ner-token-per-line.json": (None, "is spaCy's v2 JSON training format"),
    "spacy/spaCy__training-data.json": (None, "is spaCy's v2 JSON training format"),
    "spacy/spacy-llm__tests_examples_ner.jsonl": (
        1,
        'span 1 has no "start" (its fields: "text", "is_entity", "label", "reason")',
    ),
    "spacy/spacy-llm__tests_examples_rel.jsonl": (1, 'has "ents" but no "spans"'),
}

# What `--skip-invalid` keeps of a refused file: the valid records, repeated texts once.
SKIP_INVALID: dict[str, int] = {
    "prodigy/projects__ner_tweets__test_annotated.jsonl": 511,
    "doccano/doccano__docs_tutorial_sequence_labeling_for_books_export.json": 0,
    "doccano/doccano__import_tests_sequence_labeling_example.jsonl": 1,
}

SEED = "news/GUM_news_nasa.txt"  # already in the store when a refusal is tried


def documents(db_path: Path, dataset: str = "x") -> list[Document]:
    with Store.open(db_path) as store:
        found = store.find_dataset(dataset)
        if found is None:
            return []
        return [document for document, _ in store.iter_documents(found.id)]


def snapshot(db_path: Path) -> list[tuple[str, tuple[Any, ...], Status]]:
    return [(d.text, d.spans, d.status) for d in documents(db_path)]


def record_texts(path: Path) -> list[str]:
    """The texts a file holds, found without the readers (brat: the .txt as stored)."""
    if path.suffix in {".txt", ".ann"}:
        return [path.with_suffix(".txt").read_bytes().decode("utf-8")]
    content = path.read_text(encoding="utf-8")
    try:
        values = json.loads(content)
    except ValueError:
        values = [json.loads(line) for line in content.splitlines() if line.strip()]
    values = values if isinstance(values, list) else [values]
    return [v["data"]["text"] if isinstance(v.get("data"), dict) else v["text"] for v in values]


def test_the_table_covers_every_annotation_file(external: Path) -> None:
    names = {str(p.relative_to(external)) for p in external.glob("*/*") if p.is_file()}
    covered = set(IMPORTED) | set(REFUSED)
    brat_pairs = {
        str(Path(n).with_suffix(s))
        for n in covered
        if n.startswith("brat/")
        for s in (".txt", ".ann")
    }
    plain_articles = {n for n in names if n.startswith("news/") and n.endswith(".txt")}
    plain_articles.add("spacy/spaCy__tests_tokenizer_sun.txt")
    assert names - covered - brat_pairs - plain_articles == set()


@pytest.mark.parametrize(("name", "count"), IMPORTED.items())
def test_imports(external: Path, cli: Cli, db_path: Path, name: str, count: int) -> None:
    path = external / name
    result = cli("import", path, "--db", db_path, "--dataset", "x")
    assert result.code == 0, result.err
    texts = [d.text for d in documents(db_path)]
    assert texts == list(dict.fromkeys(record_texts(path)))
    assert len(texts) == count


@pytest.mark.parametrize(("name", "expected"), REFUSED.items())
def test_refusals_leave_the_store_unchanged(
    external: Path, cli: Cli, db_path: Path, name: str, expected: tuple[int | None, str]
) -> None:
    # a dataset without labels yet, so that each file is refused for its own reason
    seeded = cli("import", external / SEED, "--db", db_path, "--dataset", "x", "--preset", "none")
    assert seeded.code == 0
    before = snapshot(db_path)
    result = cli("import", external / name, "--db", db_path, "--dataset", "x")
    line, reason = expected
    location = str(external / name) + ("" if line is None else f":{line}")
    assert result.code != 0
    assert f"{location}: {reason}" in result.err
    assert "Nothing imported" in result.err
    assert snapshot(db_path) == before


@pytest.mark.parametrize(("name", "count"), SKIP_INVALID.items())
def test_skip_invalid_imports_the_rest(
    external: Path, cli: Cli, db_path: Path, name: str, count: int
) -> None:
    result = cli("import", external / name, "--db", db_path, "--dataset", "x", "--skip-invalid")
    assert result.code == 0, result.err
    assert str(external / name) in result.err
    assert len(documents(db_path)) == count


def test_a_folder_import_reads_brat_pairs_once_and_refuses_nothing_else(
    external: Path, cli: Cli, db_path: Path
) -> None:
    result = cli("import", external / "brat", "--db", db_path, "--dataset", "x")
    assert result.code == 0, result.err
    assert len(documents(db_path)) == 5


def test_states_and_statuses_survive_the_import(external: Path, cli: Cli, db_path: Path) -> None:
    names = {
        "tasks": "labelstudio/label-studio-frontend__named_entity_tasks.json",
        "bio": "prodigy/prodigy-recipes__bio_events.jsonl",
        "brat": "brat/brat__tutorial_news_100-attribute_annotation.txt",
    }
    for dataset, name in names.items():
        assert cli("import", external / name, "--db", db_path, "--dataset", dataset).code == 0
    (tasks,) = documents(db_path, "tasks")
    assert [(s.label, s.state, s.source) for s in tasks.spans] == [
        ("Date", SpanState.SUGGESTED, "model 1")
    ]
    assert tasks.status is Status.NEW
    bio = documents(db_path, "bio")
    assert {(s.state, s.source) for d in bio for s in d.spans} == {(SpanState.SUGGESTED, "import")}
    assert {d.status for d in bio} == {Status.NEW}
    (brat,) = documents(db_path, "brat")
    assert brat.status is Status.DONE
    assert brat.meta["brat_skipped"] == {"event": 10, "attribute": 6, "event trigger": 10}
    assert {s.label for s in brat.spans} == {"Person", "Organization"}
    assert {s.state for s in brat.spans} == {SpanState.MANUAL}
