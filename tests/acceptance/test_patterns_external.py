"""Patterns on real data: 500 Reddit comments annotated with FASHION_BRAND (Prodigy's
fashion-brands tutorial). The first half is imported as done (the phrase memory learns its
brands) and its brands are written as token patterns in the tutorial's own style
(`{"label": "FASHION_BRAND", "pattern": [{"lower": "ralph"}, {"lower": "lauren"}]}`); the
second half is suggested for. spaCy's EntityRuler, loaded with `patterns export`, finds
exactly what annotator suggests, except the memory's phrases inside a longer name, which
annotator leaves out on purpose (README: the phrase memory)."""

from __future__ import annotations

import json
from pathlib import Path

import spacy

from annotator.core.memory import PhraseMemory
from annotator.core.model import SpanState
from annotator.core.names import continues_a_name
from annotator.nlp.suggester import SpacySuggester
from annotator.services.suggesting import SuggestOptions, suggest_dataset
from annotator.store import Store

FASHION = "prodigy/projects__ner_fashion_brands__fashion_brands_eval.jsonl"


def test_the_export_of_real_brand_patterns_finds_what_annotator_suggests(
    cli, external: Path, tmp_path: Path, db_path: Path
) -> None:
    records = [json.loads(line) for line in (external / FASHION).read_text("utf-8").splitlines()]
    decided, fresh = records[:250], records[250:]
    (tmp_path / "decided.jsonl").write_text(
        "".join(json.dumps(r) + "\n" for r in decided), encoding="utf-8"
    )
    (tmp_path / "fresh.jsonl").write_text(
        "".join(json.dumps({"text": r["text"]}) + "\n" for r in fresh), encoding="utf-8"
    )
    nlp = spacy.blank("en")
    brands = sorted(
        {r["text"][s["start"] : s["end"]].lower() for r in decided for s in r.get("spans", [])}
    )
    patterns = [
        {"label": "FASHION_BRAND", "pattern": [{"lower": t.text} for t in nlp.make_doc(brand)]}
        for brand in brands
    ]
    (tmp_path / "patterns.jsonl").write_text(
        "".join(json.dumps(p) + "\n" for p in patterns), encoding="utf-8"
    )
    for step in (
        ("import", tmp_path / "decided.jsonl", "-d", "fashion"),
        ("import", tmp_path / "fresh.jsonl", "-d", "fashion"),
        ("patterns", "import", tmp_path / "patterns.jsonl", "-d", "fashion"),
        ("patterns", "export", tmp_path / "export.jsonl", "-d", "fashion"),
    ):
        result = cli(*step, "--db", db_path)
        assert result.code == 0, result.err

    with Store.open(db_path) as store:
        dataset = store.get_dataset("fashion")
        memory = PhraseMemory.from_counts(store.phrase_counts(dataset.id))
        suggester = SpacySuggester(
            None,
            label_for=dataset.map_label,
            memory=memory,
            patterns=store.patterns(dataset.id),
        )
        report = suggest_dataset(store, "fashion", SuggestOptions(), suggester=suggester)
        documents = [d for d, _ in store.iter_documents(dataset.id)][250:]
    assert len(memory) > 50 and len(patterns) > 50
    assert report.documents == 250 and report.added["patterns"] > 0 and report.added["memory"] > 0

    ruler = spacy.blank("en")
    ruler.add_pipe("entity_ruler").from_disk(tmp_path / "export.jsonl")  # type: ignore[attr-defined]
    found = 0
    for document, doc in zip(documents, ruler.pipe(d.text for d in documents), strict=True):
        text = document.text
        ours = {s.key for s in document.spans if s.state is SpanState.SUGGESTED}
        theirs = {(e.start_char, e.end_char, e.label_) for e in doc.ents}
        assert ours <= theirs, text
        for start, end, _ in theirs - ours:  # the memory's rule, and only that
            assert text[start:end] in memory.labels and continues_a_name(text, start, end)
        found += len(ours)
    assert found == sum(report.added.values())
