"""Hearing other people's changes on a server, and a server that goes away and comes back."""

from __future__ import annotations

import time
from collections.abc import Callable

import pytest

from annotator.core.edits import AddSpan
from annotator.core.errors import StoreError
from annotator.core.model import Label, Span
from annotator.store import Store
from annotator.store.changes import ChangeWatch
from tests.postgres_server import PostgresServer
from tests.store.test_store import make_document


def _until(found: Callable[[], set[str]], wanted: str, seconds: float = 5.0) -> set[str]:
    """What the watch heard, polled as the window polls, until `wanted` is among it."""
    heard: set[str] = set()
    deadline = time.monotonic() + seconds
    while wanted not in heard and time.monotonic() < deadline:
        heard |= found()
        time.sleep(0.05)
    return heard


def _lost(watch: ChangeWatch, seconds: float = 5.0) -> str:
    """The message of the poll that finds the server gone (the first may only read the
    server's goodbye)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            watch.changes()
        except StoreError as error:
            return str(error)
        time.sleep(0.05)
    raise AssertionError("the watch never noticed the server was gone")


def _team(url: str) -> int:
    with Store.open(url, annotator="lead") as lead:
        news = lead.create_dataset("news", labels=[Label("PERSON")])
        lead.add_documents(news.id, [(make_document("Ada met Bob."), None)])
        return news.id


def test_an_edit_in_another_window_is_heard(server_url: str) -> None:
    dataset_id = _team(server_url)
    with (
        Store.open(server_url, annotator="ada") as ada,
        Store.open(server_url, annotator="bob") as bob,
    ):
        watch = ada.watch_changes()
        assert isinstance(watch, ChangeWatch)
        try:
            assert "version" in watch.changes()  # the first look: everything is new
            assert watch.changes() == set()
            (document_id,) = bob.document_ids(dataset_id)
            ada.apply(ada.get_document(document_id), AddSpan(Span(0, 3, "PERSON")))
            assert _until(watch.changes, "version", seconds=1.0) == set()  # her own edit
            bob.apply(bob.get_document(document_id), AddSpan(Span(8, 11, "PERSON")))
            assert "version" in _until(watch.changes, "version")
            assert watch.changes() == set()  # each notice is heard once
        finally:
            watch.close()


def test_a_store_file_has_no_watch(store: Store) -> None:
    if store.path is None:
        pytest.skip("about a store file")
    assert store.watch_changes() is None


def test_a_server_that_goes_away_refuses_edits_in_one_line_and_is_found_again(
    lone_postgres: PostgresServer,
) -> None:
    url = lone_postgres.url("team").replace("postgresql+psycopg://", "postgresql://")
    dataset_id = _team(url)
    with Store.open(url, annotator="ada") as ada:
        watch = ada.watch_changes()
        assert watch is not None
        try:
            (document_id,) = ada.document_ids(dataset_id)
            opened = ada.get_document(document_id)
            watch.changes()
            lone_postgres.pause()
            lost = _lost(watch)
            assert "cannot be reached" in lost and "\n" not in lost
            with pytest.raises(StoreError) as refused:
                ada.apply(opened, AddSpan(Span(0, 3, "PERSON")))
            assert str(refused.value).startswith(f"the store {url.split('?')[0]}")
            lone_postgres.resume()
            assert "version" in watch.changes()  # back: whatever happened meanwhile counts
            changed = ada.apply(opened, AddSpan(Span(0, 3, "PERSON")))  # nothing was kept
            assert ada.get_document(document_id).spans == changed.spans == (Span(0, 3, "PERSON"),)
        finally:
            watch.close()


def test_an_assignment_made_by_the_lead_is_heard(server_url: str) -> None:
    dataset_id = _team(server_url)
    with (
        Store.open(server_url, annotator="ada") as ada,
        Store.open(server_url, annotator="lead") as lead,
    ):
        watch = ada.watch_changes()
        assert isinstance(watch, ChangeWatch)
        try:
            watch.changes()  # the first look: everything is new
            lead.assign(dataset_id, ["ada", "bob"], 1)
            assert "assignment" in _until(watch.changes, "assignment")
        finally:
            watch.close()


def test_a_watch_that_cannot_listen_closes_its_connection(
    server_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A server that takes the connection and then refuses to LISTEN on it (it is being
    stopped, say): one line, and the connection is closed, not left open for the
    garbage collector to find (which tells of it at some later, unrelated moment)."""
    import gc
    import sys

    from annotator.store import changes

    _team(server_url)
    with Store.open(server_url, annotator="ada") as ada:
        watch = ada.watch_changes()
        assert watch is not None
        monkeypatch.setattr(changes, "CHANNEL", "not a channel")  # LISTEN is refused
        left_open: list[str] = []
        monkeypatch.setattr(sys, "unraisablehook", lambda raised: left_open.append(str(raised)))
        with pytest.raises(StoreError, match="cannot be reached"):
            watch.changes()
        gc.collect()
        assert left_open == []
