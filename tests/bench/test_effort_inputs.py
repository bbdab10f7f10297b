"""The effort benchmark's window run: the simulated annotator's recorded inputs, sent to a
fresh window, reach the gold exactly; propagation saves inputs on a repeated mistake."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType

import pytest
import spacy
from PySide6.QtWidgets import QApplication

from annotator.core.assistance import ALL_ON, Assistance

BENCH = Path(__file__).resolve().parents[2] / "bench"
TEXT = (
    "Zikruhudo Samadov spoke in Ishkashim on Monday. Samadov said the clinic is full.\n\n"
    "Later Samadov added that Ishkashim needs doctors from Dushanbe."
)
PATTERNS = [
    {"label": "PERSON", "pattern": "Zikruhudo Samadov"},
    {"label": "ORG", "pattern": "Ishkashim"},  # the model's repeated mistake
    {"label": "GPE", "pattern": "clinic"},  # not an entity: rejected
    {"label": "DATE", "pattern": "Monday"},
]
GOLD = [
    ("Zikruhudo Samadov", "PERSON", 0),
    ("Samadov", "PERSON", 1),
    ("Samadov", "PERSON", 2),
    ("Ishkashim", "GPE", 0),
    ("Ishkashim", "GPE", 1),
    ("Monday", "DATE", 0),
    ("Dushanbe", "GPE", 0),  # the model misses it: drawn
]

pytestmark = pytest.mark.gui


@pytest.fixture(scope="module")
def bench() -> Iterator[dict[str, ModuleType]]:
    sys.path.insert(0, str(BENCH))
    try:
        import effort_window
        import gold_documents

        yield {"window": effort_window, "gold": gold_documents}
    finally:
        sys.path.remove(str(BENCH))


def gold_file(folder: Path) -> Path:
    spans = []
    for word, label, occurrence in GOLD:
        start = -1
        for _ in range(occurrence + 1):
            start = TEXT.index(word, start + 1)
        spans.append({"start": start, "end": start + len(word), "label": label})
    path = folder / "gold.jsonl"
    path.write_text(json.dumps({"text": TEXT, "spans": spans}) + "\n", encoding="utf-8")
    return path


def rules_model(folder: Path) -> str:
    nlp = spacy.blank("en")
    nlp.add_pipe("entity_ruler").add_patterns(PATTERNS)  # type: ignore[attr-defined]
    nlp.to_disk(folder / "model")
    return str(folder / "model")


def test_the_recorded_inputs_reach_the_gold_in_a_fresh_window(
    bench: dict[str, ModuleType], qapp: QApplication, tmp_path: Path
) -> None:
    window, gold_documents = bench["window"], bench["gold"]
    gold = gold_documents.read_gold(gold_file(tmp_path))
    model = rules_model(tmp_path)
    setup = window.Setup(ALL_ON)
    run = window.annotate_in_window(gold, tmp_path / "record", setup, model=model, preset="news")
    assert run.inputs == sum(1 for made in run.recorded if made.kind != "wait")

    replayed = window.replay_in_window(
        gold, tmp_path / "replay", setup, run.recorded, model=model, preset="news"
    )
    assert [window.gold_keys(document) for document in replayed] == [g.spans for g in gold]
    assert all(document.status.value == "done" for document in replayed)


def test_propagation_and_the_article_rules_save_inputs(
    bench: dict[str, ModuleType], qapp: QApplication, tmp_path: Path
) -> None:
    window, gold_documents = bench["window"], bench["gold"]
    gold = gold_documents.read_gold(gold_file(tmp_path))
    model = rules_model(tmp_path)
    inputs = {}
    for name, assistance in (("all", ALL_ON), ("none", Assistance.none())):
        setup = window.Setup(assistance)
        run = window.annotate_in_window(gold, tmp_path / name, setup, model=model, preset="news")
        inputs[name] = run.inputs
    # Everything on: relabel one "Ishkashim" (click, 3; the other follows), reject
    # "clinic" (click, Delete), draw "Dushanbe" (drag, 3), done (it accepts the rest).
    assert inputs["all"] == 2 + 2 + 2 + 1
    # Model only: one "Ishkashim" relabelled (click, 3), back on it (Shift+Tab: the label
    # key moved on to the next suggestion) and the other labelled with it (Ctrl+L), the
    # two surnames the article rules suggest drawn (drag, 1 each; Ctrl+L
    # would also take the "Samadov" inside the full name, still a suggestion), "clinic"
    # rejected (Tab, Delete), "Dushanbe" drawn, done (it accepts the rest).
    assert inputs["none"] == 2 + 2 + 2 + 2 + 2 + 2 + 1
