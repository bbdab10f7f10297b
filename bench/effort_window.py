"""The gold documents annotated in the real window by the simulated annotator, offscreen.

`annotate_in_window` puts the gold texts into a fresh store, pre-annotates them (or not),
builds the window with `annotator.app.assemble` at a laptop's size and lets
`SimulatedAnnotator` take every document to its gold, marking each done with Ctrl+Return.
It returns the inputs it took, recorded; `replay_in_window` sends a recording to a fresh
window built the same way. Both return the documents as the store holds them at the end.
"""

from __future__ import annotations

import json
import os
from collections import Counter
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from gold_documents import GoldDocument

from annotator.core.assistance import Assistance
from annotator.core.model import Document
from annotator.services.importing import import_paths
from annotator.services.presets import load_preset
from annotator.services.suggesting import SuggestOptions, suggest_dataset
from annotator.store import Store

WINDOW_SIZE = (1366, 768)  # a common laptop screen
_APPLICATION: list[object] = []


@dataclass(frozen=True, slots=True)
class Setup:
    """One configuration of the window: what suggests, and what the window adds."""

    assistance: Assistance
    suggestions: bool = True  # False: nothing is suggested, every span is drawn


@dataclass(frozen=True, slots=True)
class WindowRun:
    inputs: int
    recorded: tuple[object, ...]  # window_inputs.Input, in order (waits included)
    documents: tuple[Document, ...]  # as stored at the end, in the gold's order
    by_step: dict[str, int]  # inputs by kind of step ("fix", "draw", "reject", "done", ...)
    steps: tuple[tuple[object, ...], ...] = ()  # simulated_annotator.Step, per gold document


def annotate_in_window(
    gold: Sequence[GoldDocument], folder: Path, setup: Setup, *, model: str | None, preset: str
) -> WindowRun:
    """The simulated annotator takes every gold document to its gold in the window."""
    from simulated_annotator import SimulatedAnnotator
    from window_inputs import Hands

    with _window(gold, folder, setup, model=model, preset=preset) as (parts, ids):
        hands = Hands(parts)
        by_id = dict(zip(ids, gold, strict=True))
        hands.wait_for_document()
        spent: Counter[str] = Counter()
        steps: dict[int, tuple[object, ...]] = {}
        for number in range(len(gold)):
            document = parts.session.document
            assert document is not None
            annotator = SimulatedAnnotator(hands, by_id[document.id].spans)
            annotator.annotate()
            annotator.finish()
            spent += annotator.spent
            steps[document.id] = tuple(annotator.steps)
            if number < len(gold) - 1:
                hands.wait_for_document()
        documents = tuple(parts.session.store.get_document(i) for i in ids)
        by_step = dict(spent.most_common())
        by_document = tuple(steps.get(i, ()) for i in ids)
        return WindowRun(hands.count, tuple(hands.recorded), documents, by_step, by_document)


def replay_in_window(
    gold: Sequence[GoldDocument],
    folder: Path,
    setup: Setup,
    recorded: Sequence[object],
    *,
    model: str | None,
    preset: str,
) -> tuple[Document, ...]:
    """Send `recorded` to a fresh window built as `annotate_in_window` builds it."""
    from window_inputs import Hands, Input

    with _window(gold, folder, setup, model=model, preset=preset) as (parts, ids):
        hands = Hands(parts)
        for made in recorded:
            assert isinstance(made, Input)
            hands.perform(made)
        return tuple(parts.session.store.get_document(i) for i in ids)


def gold_keys(document: Document) -> frozenset[tuple[int, int, str]]:
    """The document's gold spans (accepted and drawn) as keys."""
    return frozenset(s.key for s in document.spans if s.state.is_gold)


@contextmanager
def _window(
    gold: Sequence[GoldDocument], folder: Path, setup: Setup, *, model: str | None, preset: str
) -> Iterator[tuple[object, list[int]]]:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import QSettings
    from PySide6.QtTest import QTest
    from PySide6.QtWidgets import QApplication

    from annotator.app import assemble

    if QApplication.instance() is None:
        _APPLICATION.append(QApplication([]))  # kept for the process's life
    folder.mkdir(parents=True, exist_ok=True)
    chosen = model if setup.suggestions else str(_blank_pipeline(folder))
    with Store.open(folder / "effort.db") as store:
        ids = _prepared(store, gold, folder, model=chosen, preset=preset, setup=setup)
        settings = QSettings(str(folder / "window.ini"), QSettings.Format.IniFormat)
        parts = assemble(store, settings, annotator="effort", assistance=setup.assistance)
        try:
            parts.window.resize(*WINDOW_SIZE)
            parts.window.show()
            QTest.qWaitForWindowExposed(parts.window)
            parts.workflow.open_dataset("effort")
            parts.window.article.setFocus()
            yield parts, ids
        finally:
            parts.worker.shutdown()
            parts.window.close()
            parts.window.deleteLater()
            QTest.qWait(0)


def _prepared(
    store: Store,
    gold: Sequence[GoldDocument],
    folder: Path,
    *,
    model: str | None,
    preset: str,
    setup: Setup,
) -> list[int]:
    """The gold texts in the dataset "effort", pre-annotated as `annotator suggest` does."""
    texts = folder / "texts.jsonl"
    texts.write_text("".join(json.dumps({"text": g.text}) + "\n" for g in gold), "utf-8")
    labels = load_preset(preset)
    dataset = store.create_dataset(
        "effort", labels=labels.labels, label_map=labels.mapping, model=model
    )
    import_paths(store, [texts], "effort")
    refine = setup.assistance.article_rules
    suggest_dataset(store, "effort", SuggestOptions(model=model, refine=refine))
    return store.document_ids(dataset.id)


def _blank_pipeline(folder: Path) -> Path:
    """A pipeline that finds no entities: the window with nothing suggested."""
    import spacy

    path = folder / "no-entities"
    if not path.exists():
        spacy.blank("en").to_disk(path)
    return path
