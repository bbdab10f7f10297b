"""The window on a store on a real PostgreSQL server: others' changes show by themselves,
and a server that goes away and comes back is said, not hidden."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QLabel
from pytestqt.qtbot import QtBot

from annotator.core.edits import AddSpan
from annotator.core.model import Label, Span
from annotator.store import Store
from annotator.ui.controllers.nlp_worker import NlpWorker
from annotator.ui.shell.launch import Parts
from tests.postgres_server import PostgresServer
from tests.store.test_store import make_document

pytestmark = pytest.mark.gui


@pytest.fixture(autouse=True)
def _no_model_in_the_window(monkeypatch: pytest.MonkeyPatch) -> None:
    """The window's spaCy thread stays idle: these tests are about the store."""
    monkeypatch.setattr(NlpWorker, "load_model", lambda self, dataset: None)
    monkeypatch.setattr(NlpWorker, "analyse", lambda self, dataset, document: None)


def _news(url: str, *texts: str) -> int:
    with Store.open(url, annotator="lead") as lead:
        found = [d for d in lead.list_datasets() if d.name == "news"]
        news = found[0] if found else lead.create_dataset("news", labels=[Label("PERSON")])
        lead.add_documents(news.id, [(make_document(text), None) for text in texts])
        return news.id


def _ada_s_window(
    open_window: Callable[..., Parts], settings: QSettings, url: str
) -> tuple[Parts, Store]:
    store = Store.open(url, annotator="ada")
    parts = open_window(store, settings, annotator="ada")
    parts.workflow.open_dataset("news")
    return parts, store


def test_articles_the_lead_adds_show_in_an_annotator_s_list_by_themselves(
    qtbot: QtBot, open_window: Callable[..., Parts], settings: QSettings, server_url: str
) -> None:
    _news(server_url, "Ada met Bob in Paris.")
    parts, store = _ada_s_window(open_window, settings, server_url)
    try:
        panel = parts.window.documents
        assert panel.model.rowCount() == 1
        database = server_url.split("?")[0].rsplit("/", 1)[1]
        labels = [label.text() for label in parts.window.statusBar().findChildren(QLabel)]
        assert f"Store: {database} on this computer" in labels  # not the whole URL
        # The database user is the annotator there: no other name to choose.
        assert not parts.window.action("file.annotator_name").isEnabled()
        _news(server_url, "Second article.", "Third article.")
        qtbot.waitUntil(lambda: panel.model.rowCount() == 3, timeout=5000)
        assert panel.progress_label.text() == "0 of 3 done"
    finally:
        store.close()


def test_a_server_that_goes_away_is_said_and_edits_are_refused_until_it_is_back(
    qtbot: QtBot,
    open_window: Callable[..., Parts],
    settings: QSettings,
    lone_postgres: PostgresServer,
) -> None:
    url = lone_postgres.url("team").replace("postgresql+psycopg://", "postgresql://")
    _news(url, "Ada met Bob in Paris.")
    parts, store = _ada_s_window(open_window, settings, url)
    try:
        window, session = parts.window, parts.session
        qtbot.waitUntil(lambda: session.document is not None, timeout=5000)
        shown = window.article.toPlainText()
        lone_postgres.pause()
        qtbot.waitUntil(window.server_state.isVisible, timeout=5000)
        assert "cannot be reached" in window.statusBar().currentMessage()
        with qtbot.waitSignal(session.refused, timeout=5000) as refused:
            assert not session.edit(AddSpan(Span(0, 3, "PERSON")))
        assert str(refused.args[0]).startswith(f"the store {url.split('?')[0]}")
        assert session.document is not None and session.document.spans == ()
        assert window.article.toPlainText() == shown  # still there to read
        lone_postgres.resume()
        qtbot.waitUntil(lambda: not window.server_state.isVisible(), timeout=5000)
        assert session.edit(AddSpan(Span(0, 3, "PERSON")))
        with Store.open(url, annotator="ada") as again:
            (document_id,) = again.document_ids(again.list_datasets()[0].id)
            assert again.get_document(document_id).spans == (Span(0, 3, "PERSON"),)
    finally:
        store.close()


def test_the_open_article_is_read_again_when_the_server_is_back(
    qtbot: QtBot,
    open_window: Callable[..., Parts],
    settings: QSettings,
    lone_postgres: PostgresServer,
) -> None:
    """An edit the window did not see land, written just before the server stopped (one
    whose answer the stop cut off shows as refused, yet it may be in): once the server is
    back, the article shows what the store holds, and the next edit lands on it."""
    url = lone_postgres.url("team").replace("postgresql+psycopg://", "postgresql://")
    _news(url, "Ada met Bob in Paris.")
    parts, store = _ada_s_window(open_window, settings, url)
    try:
        window, session = parts.window, parts.session
        qtbot.waitUntil(lambda: session.document is not None, timeout=5000)
        assert session.document is not None
        document_id = session.document.id
        with Store.open(url, annotator="ada") as elsewhere:
            opened = elsewhere.get_document(document_id)
            elsewhere.apply(opened, AddSpan(Span(0, 3, "PERSON")))
        lone_postgres.pause()
        qtbot.waitUntil(window.server_state.isVisible, timeout=5000)
        assert session.document.spans == ()
        lone_postgres.resume()
        qtbot.waitUntil(lambda: not window.server_state.isVisible(), timeout=5000)
        qtbot.waitUntil(
            lambda: (
                session.document is not None and session.document.spans == (Span(0, 3, "PERSON"),)
            ),
            timeout=5000,
        )
        assert session.edit(AddSpan(Span(8, 11, "PERSON")))  # not refused as stale
    finally:
        store.close()


def test_documents_the_lead_assigns_become_the_annotator_s_queue_by_themselves(
    qtbot: QtBot, open_window: Callable[..., Parts], settings: QSettings, server_url: str
) -> None:
    news = _news(server_url, "First article.", "Second article.", "Third article.")
    parts, store = _ada_s_window(open_window, settings, server_url)
    try:
        panel = parts.window.documents
        assert panel.model.rowCount() == 3
        assert panel.version_filter.findText("Assigned to me") == -1
        with Store.open(server_url, annotator="lead") as lead:
            lead.assign(news, ["ada", "bob"], 1)
            mine = [a.document_id for a in lead.assignments(news) if a.annotator == "ada"]
        qtbot.waitUntil(
            lambda: panel.version_filter.currentText() == "Assigned to me", timeout=5000
        )
        assert [panel.model.document_id_at(row) for row in range(panel.model.rowCount())] == mine
        assert panel.progress_label.text() == f"0 of {len(mine)} assigned done"
    finally:
        store.close()


def test_closing_the_window_leaves_no_connection_of_it_on_the_server(
    qtbot: QtBot,
    open_window: Callable[..., Parts],
    settings: QSettings,
    postgres: PostgresServer,
    server_url: str,
) -> None:
    """The window's listening connection ends when the window closes, not whenever the
    garbage collector finds it: a server counts its connections against a limit."""
    database = server_url.split("?")[0].rsplit("/", 1)[1]
    _news(server_url, "Ada met Bob in Paris.")
    parts, store = _ada_s_window(open_window, settings, server_url)

    def listening() -> int:
        count = postgres.sql(
            "SELECT count(*) FROM pg_stat_activity "
            f"WHERE datname = '{database}' AND query LIKE 'LISTEN %'"
        )
        return int(count)

    try:
        assert listening() == 1
        parts.window.close()
        qtbot.waitUntil(lambda: listening() == 0, timeout=5000)
    finally:
        store.close()
