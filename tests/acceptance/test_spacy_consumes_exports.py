"""spaCy reads what annotator exports: `.spacy` files, Prodigy tokens, CoNLL and training."""

from __future__ import annotations

import itertools
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import spacy
from spacy.tokens import Doc, DocBin

NLP = spacy.blank("en")
FILES = {
    "news": "prodigy-recipes__annotated_news_headlines-ORG-PERSON-LOCATION-ner.jsonl",
    "bio": "prodigy-recipes__bio_events.jsonl",
    "drugs": "projects__ner_drugs__drugs_eval.jsonl",
    "fashion": "projects__ner_fashion_brands__fashion_brands_eval.jsonl",
    "food": "projects__ner_food_ingredients__food_data.jsonl",
    "tweets": "projects__ner_tweets__test_annotated.jsonl",
    "reviews": "projects__spanruler_restaurant_reviews__test_review.jsonl",
    "rel": "projects__rel_component__annotations.jsonl",
}


def imported_store(cli, source: Path, tmp_path: Path) -> Path:
    db = tmp_path / "store.db"
    # --skip-invalid: the tweets file has two records whose text is a single space.
    result = cli("import", source, "-d", "d", "--db", db, "--skip-invalid")
    assert result.code == 0, result.err
    return db


def export(cli, db: Path, out: Path, fmt: str) -> Path:
    result = cli("export", out, "-d", "d", "--db", db, "-f", fmt, "--status", "all")
    assert result.code == 0, result.err
    return out


def prodigy_tasks(cli, db: Path, tmp_path: Path) -> list[dict[str, Any]]:
    out = export(cli, db, tmp_path / "gold.jsonl", "prodigy")
    return [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]


def overlaps(spans: list[tuple[int, int, str]]) -> bool:
    ordered = sorted(spans)
    return any(b[0] < a[1] for a, b in itertools.pairwise(ordered))


@pytest.mark.parametrize("key", sorted(FILES))
def test_spacy_export_holds_every_gold_span(cli, external: Path, tmp_path: Path, key: str) -> None:
    db = imported_store(cli, external / "prodigy" / FILES[key], tmp_path)
    tasks = prodigy_tasks(cli, db, tmp_path)
    path = export(cli, db, tmp_path / "out.spacy", "spacy")
    docs = list(DocBin().from_disk(path).get_docs(NLP.vocab))
    assert len(docs) == len(tasks)
    for doc, task in zip(docs, tasks, strict=True):
        assert doc.text == task["text"]
        gold = sorted((s["start"], s["end"], s["label"]) for s in task["spans"])
        ents = sorted((e.start_char, e.end_char, e.label_) for e in doc.ents)
        if overlaps(gold):
            group = sorted((s.start_char, s.end_char, s.label_) for s in doc.spans["sc"])
            assert group == gold and set(ents) <= set(gold)
        else:
            assert ents == gold


@pytest.mark.parametrize("key", sorted(FILES))
def test_prodigy_spans_survive_docs_built_from_their_tokens(
    cli, external: Path, tmp_path: Path, key: str
) -> None:
    """What Explosion's preprocessing scripts do with a Prodigy export, strict alignment."""
    db = imported_store(cli, external / "prodigy" / FILES[key], tmp_path)
    for task in prodigy_tasks(cli, db, tmp_path):
        words = [t["text"] for t in task["tokens"]]
        spaces = [t["ws"] for t in task["tokens"]]
        doc = Doc(NLP.vocab, words=words, spaces=spaces)
        assert doc.text == task["text"]
        for span in task["spans"]:
            entity = doc.char_span(span["start"], span["end"], alignment_mode="strict")
            assert entity is not None, (task["text"], span)
            assert (entity.start, entity.end - 1) == (span["token_start"], span["token_end"])


def conll_entities(task: dict[str, Any]) -> list[tuple[str, tuple[str, ...]]]:
    """The entities a CoNLL reader should see: label and words, whitespace tokens dropped."""
    tokens = [t for t in task["tokens"] if t["text"].strip()]
    result = []
    for span in task["spans"]:
        words = tuple(t["text"] for t in tokens if span["start"] <= t["start"] < span["end"])
        result.append((span["label"], words))
    return result


@pytest.mark.parametrize("key", ["news", "bio", "food"])
def test_spacy_convert_reads_the_conll_export(
    cli, external: Path, tmp_path: Path, key: str
) -> None:
    db = imported_store(cli, external / "prodigy" / FILES[key], tmp_path)
    tasks = prodigy_tasks(cli, db, tmp_path)
    conll = export(cli, db, tmp_path / "out.conll", "conll")
    converted = tmp_path / "converted"
    converted.mkdir()
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "spacy",
            "convert",
            str(conll),
            str(converted),
            "--converter",
            "ner",
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    docs = list(DocBin().from_disk(converted / "out.spacy").get_docs(NLP.vocab))
    assert len(docs) == len(tasks)
    for doc, task in zip(docs, tasks, strict=True):
        found = [(e.label_, tuple(t.text for t in e)) for e in doc.ents]
        assert found == conll_entities(task)


def test_spacy_train_accepts_a_spacy_export(cli, external: Path, tmp_path: Path) -> None:
    source = external / "prodigy" / FILES["news"]
    lines = source.read_text(encoding="utf-8").splitlines()[:12]
    small = tmp_path / "small.jsonl"
    small.write_text("\n".join(lines) + "\n", encoding="utf-8")
    db = imported_store(cli, small, tmp_path)
    data = export(cli, db, tmp_path / "train.spacy", "spacy")
    config = tmp_path / "config.cfg"
    python = [sys.executable, "-m", "spacy"]
    init = [*python, "init", "config", str(config), "--lang", "en", "--pipeline", "ner"]
    subprocess.run(init, check=True, capture_output=True, timeout=120)
    train = subprocess.run(
        [
            *python, "train", str(config), "--output", str(tmp_path / "model"),
            "--paths.train", str(data), "--paths.dev", str(data),
            "--training.max_steps", "10", "--training.eval_frequency", "5",
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )  # fmt: skip
    assert train.returncode == 0, train.stdout[-2000:] + train.stderr[-2000:]
    trained = spacy.load(tmp_path / "model" / "model-last")
    assert set(trained.get_pipe("ner").labels) >= {"ORG", "PERSON"}
