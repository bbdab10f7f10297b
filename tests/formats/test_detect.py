"""`--format auto`: the format from the name, the neighbours and the first record."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from annotator.core.errors import InputError
from annotator.formats import detect_format, read_file

SPACY_V2 = [{"id": 0, "paragraphs": [{"sentences": [{"tokens": [{"orth": "A", "ner": "O"}]}]}]}]


def detect(tmp_path: Path, name: str, content: str) -> str:
    path = tmp_path / name
    path.write_text(content, encoding="utf-8")
    return detect_format(path, content)


def jsonl(*records: object) -> str:
    return "".join(json.dumps(record) + "\n" for record in records)


@pytest.mark.parametrize(
    ("name", "content", "expected"),
    [
        ("a.txt", "An article.\n", "text"),
        ("a.md", "# An article\n", "text"),
        ("a.TXT", "An article.\n", "text"),
        ("p.jsonl", jsonl({"text": "A", "spans": [], "answer": "accept"}), "prodigy"),
        ("p.jsonl", jsonl({"text": "A", "meta": {"source": "x"}}), "prodigy"),
        ("p.jsonl", "\n\n" + jsonl({"text": "A", "tokens": []}), "prodigy"),
        ("p.jsonl", jsonl({"text": "A", "label": [[0, 1, "X"]]}), "doccano"),
        ("p.jsonl", jsonl({"text": "A", "labels": []}), "doccano"),
        ("p.jsonl", jsonl({"data": "A", "label": []}), "doccano"),
        ("p.jsonl", jsonl({"text": "A", "entities": []}), "doccano"),
        ("p.jsonl", jsonl({"text": "A", "annotations": [{"label": 1}]}), "doccano"),
        ("p.jsonl", jsonl({"column_data": "A", "column_label": [[0, 1, "X"]]}), "doccano"),
        ("p.jsonl", json.dumps({"text": "A", "entities": []}, indent=2), "doccano"),
        ("p.jsonl", jsonl({"data": {"text": "A"}, "annotations": []}), "labelstudio"),
        ("p.jsonl", '{"text": "broken', "prodigy"),
        (
            "t.json",
            json.dumps([{"data": {"text": "A"}, "predictions": []}], indent=4),
            "labelstudio",
        ),
        ("t.json", json.dumps({"data": {"text": "A"}, "completions": []}), "labelstudio"),
        (
            "t.json",
            json.dumps({"doc_id": 3, "text": "A", "labels": [[0, 1, "X"]]}, indent=1),
            "doccano",
        ),
        ("t.json", json.dumps([{"text": "A", "spans": []}]), "prodigy"),
        ("t.json", jsonl({"text": "A", "label": []}, {"text": "B", "label": []}), "doccano"),
        ("t.json", "[1, 2", "labelstudio"),
        (
            "review.jsonl",
            jsonl({"text": "A", "answer": "accept", "versions": [{"text": "A", "sessions": []}]}),
            "prodigy",
        ),
    ],
)
def test_detection(tmp_path: Path, name: str, content: str, expected: str) -> None:
    assert detect(tmp_path, name, content) == expected


def test_a_txt_with_an_ann_next_to_it_is_brat(tmp_path: Path) -> None:
    (tmp_path / "doc.ann").write_text("T1\tX 0 1\tA\n")
    assert detect(tmp_path, "doc.txt", "A") == "brat"
    assert detect_format(tmp_path / "doc.ann", "T1\tX 0 1\tA\n") == "brat"


@pytest.mark.parametrize("name", ["train.json", "train.jsonl"])
def test_spacy_v2_json_is_refused(tmp_path: Path, name: str) -> None:
    with pytest.raises(InputError) as caught:
        detect(tmp_path, name, json.dumps(SPACY_V2, indent=2))
    assert caught.value.reason.startswith("is spaCy's v2 JSON training format")


@pytest.mark.parametrize(
    "content",
    [
        "EU\tB-ORG\nrejects O\nGerman  B-MISC\n\nPeter B-PER\n",
        "-DOCSTART- -X- -X- O\n\nEU NNP B-NP B-ORG\nrejects VBZ B-VP O\nGerman JJ B-NP B-MISC\n",
    ],
)
def test_token_per_line_iob_is_refused(tmp_path: Path, content: str) -> None:
    with pytest.raises(InputError) as caught:
        detect(tmp_path, "train.txt", content)
    assert caught.value.reason.startswith("looks like token-per-line CoNLL/IOB data")


def test_short_or_mixed_articles_are_not_iob(tmp_path: Path) -> None:
    assert detect(tmp_path, "a.txt", "Vitamin B-12\nTeam O\n") == "text"
    assert detect(tmp_path, "b.txt", "Vitamin B-12\nTeam O\nGroup A\nReport O\n") == "text"


def test_an_unknown_suffix_is_refused(tmp_path: Path) -> None:
    with pytest.raises(InputError) as caught:
        detect(tmp_path, "data.csv", "text,label\n")
    assert caught.value.reason == "cannot tell the format from the name 'data.csv'; pass --format"


def test_a_yedda_ann_is_refused_as_yedda(tmp_path: Path) -> None:
    path = tmp_path / "demo.txt.ann"
    path.write_text("A [@US#Location*] [@aircraft carrier#Artifical*] sailed.\n")
    with pytest.raises(InputError) as caught:
        read_file(path)
    assert str(caught.value) == (
        f"{path}: holds YEDDA inline annotations ([@text#Label*]), not brat standoff; "
        "annotator does not import YEDDA files"
    )


# Every third-party file and what `--format auto` makes of it (None: refused on sight).
EXTERNAL_FORMATS: dict[str, str | None] = {
    "brat/brat__tutorial_news_040-text_span_annotation.txt": "brat",
    "brat/dkpro-core__brat_document1.ann": "brat",
    "doccano/doccano-transformer__labeling.jsonl": "doccano",
    "doccano/doccano-transformer__labeling_text_label.jsonl": "doccano",
    "doccano/doccano-transformer__labeling_text_label.spacy.user0.json": None,
    "doccano/doccano__docs_tutorial_books_input.jsonl": "prodigy",
    "doccano/doccano__docs_tutorial_sequence_labeling_for_books_export.json": "doccano",
    "doccano/doccano__export_examples_intent_detection_example.jsonl": "doccano",
    "doccano/doccano__export_examples_relation_extraction_example_PRETTY.jsonl": "doccano",
    "doccano/doccano__export_examples_sequence_labeling_example.jsonl": "doccano",
    "doccano/doccano__import_examples_relation_extraction_example.jsonl": "doccano",
    "doccano/doccano__import_examples_sequence_labeling_example.jsonl": "doccano",
    "doccano/doccano__import_examples_sequence_labeling_example_conll.txt": None,
    "doccano/doccano__import_tests_sequence_labeling_example.jsonl": "doccano",
    "doccano/doccano__import_tests_sequence_labeling_example_overlapping.jsonl": "doccano",
    "labelstudio/label-studio-frontend__named_entity_annotations_1.json": "labelstudio",
    "labelstudio/label-studio-frontend__named_entity_tasks.json": "labelstudio",
    "labelstudio/label-studio-frontend__rich_text_plain_annotations_1_STALE.json": "labelstudio",
    "labelstudio/label-studio_v0__examples_named_entity_completions_1.json": "labelstudio",
    "news/GUM_news_nasa.txt": "text",
    "news/gum_wikinews_news_articles.jsonl": "prodigy",
    "prodigy/prodigy-recipes__annotated_reddit-PRODUCT-ner.jsonl": "prodigy",
    "prodigy/prodigy-recipes__bio_events.jsonl": "prodigy",
    "prodigy/projects__rel_component__annotations.jsonl": "prodigy",
    "prodigy/projects__spanruler_restaurant_reviews__test_review.jsonl": "prodigy",
    "prodigy/projects__textcat_demo__docs_issues_eval_CRLF_in_text.jsonl": "prodigy",
    "spacy/spaCy__ner-token-per-line.iob.txt": None,
    "spacy/spaCy__ner-token-per-line.json": None,
    "spacy/spaCy__tests_tokenizer_sun.txt": "text",
    "spacy/spaCy__training-data.json": None,
    "spacy/spacy-llm__tests_examples_ner.jsonl": "prodigy",
    "spacy/spacy-llm__tests_examples_rel.jsonl": "prodigy",
}


@pytest.mark.parametrize(("name", "expected"), EXTERNAL_FORMATS.items())
def test_third_party_files(external: Path, name: str, expected: str | None) -> None:
    path = external / name
    content = path.read_text(encoding="utf-8")
    if expected is None:
        with pytest.raises(InputError):
            detect_format(path, content)
    else:
        assert detect_format(path, content) == expected
