"""What the window opens at start: where the annotator left this store, unless articles or
a dataset were added since (by `annotator import`, say); each store remembers its own."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings
from pytestqt.qtbot import QtBot

from annotator.app import assemble
from annotator.core.hashing import input_hash
from annotator.core.model import Document
from annotator.store import Store
from annotator.ui.controllers.nlp_worker import NlpWorker
from annotator.ui.shell.launch import Parts

pytestmark = pytest.mark.gui

NEWS = ["Ana Ruiz flew to Lima on Monday.", "Bo Chen met the mayor of Oslo.", "Rain in Perth."]
IMPORTED = "Dock workers at the port of Rotterdam walked out on Monday."


@pytest.fixture(autouse=True)
def _no_model(monkeypatch: pytest.MonkeyPatch) -> None:
    """Which article opens is the question here: spaCy stays out."""
    monkeypatch.setattr(NlpWorker, "load_model", lambda self, dataset: None)
    monkeypatch.setattr(NlpWorker, "analyse", lambda self, dataset, document: None)


@pytest.fixture
def settings(tmp_path: Path) -> QSettings:
    """The user's one settings file, shared by every store they open."""
    return QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)


@pytest.fixture
def start(qtbot: QtBot, settings: QSettings) -> Iterator[Callable[[Store], Parts]]:
    """Start the window on a store as `annotator` does: show it, then open the data."""
    opened: list[Parts] = []

    def start_(store: Store) -> Parts:
        parts = assemble(store, settings, annotator="unknown")
        opened.append(parts)
        qtbot.addWidget(parts.window)
        parts.window.show()
        parts.workflow.reopen_last()
        return parts

    yield start_
    for parts in opened:
        parts.worker.shutdown()
        parts.window.close()


def add(store: Store, dataset: str, *texts: str) -> None:
    found = store.find_dataset(dataset) or store.create_dataset(dataset)
    store.add_documents(
        found.id,
        [(Document(0, found.id, text, input_hash=input_hash(text)), None) for text in texts],
    )


def shown(parts: Parts) -> tuple[str, str]:
    return parts.window.dataset_box.currentText(), parts.window.article.toPlainText()


def work_on_the_second_article(parts: Parts) -> None:
    parts.window.documents.step(1)
    assert shown(parts) == ("news", NEWS[1])
    parts.window.close()
    parts.worker.shutdown()


def test_import_then_start_shows_the_imported_article(
    store: Store, db_path: Path, start: Callable[[Store], Parts], cli, tmp_path: Path
) -> None:
    add(store, "news", *NEWS)
    work_on_the_second_article(start(store))
    article = tmp_path / "article.txt"
    article.write_text(IMPORTED, encoding="utf-8")
    assert cli("import", article, "--db", db_path).code == 0  # into "default"
    assert shown(start(store)) == ("default", IMPORTED)


def test_articles_imported_into_the_open_dataset_open_first(
    store: Store, db_path: Path, start: Callable[[Store], Parts], cli, tmp_path: Path
) -> None:
    add(store, "news", *NEWS)
    work_on_the_second_article(start(store))
    article = tmp_path / "article.txt"
    article.write_text(IMPORTED, encoding="utf-8")
    assert cli("import", article, "--dataset", "news", "--db", db_path).code == 0
    assert shown(start(store)) == ("news", IMPORTED)


def test_with_nothing_added_the_window_comes_back_where_it_was_left(
    store: Store, start: Callable[[Store], Parts]
) -> None:
    add(store, "news", *NEWS)
    add(store, "later", "A dataset added after news.")
    first = start(store)
    first.workflow.open_dataset("news")
    work_on_the_second_article(first)
    assert shown(start(store)) == ("news", NEWS[1])


def test_a_store_never_opened_shows_the_dataset_added_to_last(
    store: Store, start: Callable[[Store], Parts]
) -> None:
    add(store, "news", *NEWS)
    add(store, "wires", "Markets fell in Tokyo.", "Markets rose in Seoul.")
    assert shown(start(store)) == ("wires", "Markets fell in Tokyo.")


def test_each_store_remembers_its_own_dataset_and_article(
    store: Store, start: Callable[[Store], Parts], tmp_path: Path
) -> None:
    add(store, "news", *NEWS)
    work_on_the_second_article(start(store))
    with Store.open(tmp_path / "other.db") as other:
        add(other, "news", *NEWS)
        add(other, "wires", "Markets fell in Tokyo.")
        # Not the other store's "news" at its second article: this store was never open.
        assert shown(start(other)) == ("wires", "Markets fell in Tokyo.")
        other_parts = start(other)
        other_parts.workflow.open_dataset("news")
        other_parts.window.documents.step(2)
        other_parts.window.close()
    assert shown(start(store)) == ("news", NEWS[1])
