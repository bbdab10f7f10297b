"""A team's server stopped dead while annotators edit, and started again.

Three annotators, each a separate process (`team_client.py`) connected as their own
database user, edit the same articles through `Store.apply`: three spans drawn at once
(a `Batch`), or Accept All. Midway the server is stopped with `pg_ctl stop -m immediate`
(no checkpoint, connections cut, as a crash), then started again; it recovers from its
write-ahead log. Afterwards:

- every edit a client saw acknowledged is in the database;
- no edit is half there: of each edit's spans, all or none are stored (an edit refused
  while the server went down may have been committed just before: then all of it);
- nothing is stored that no client made;
- each client was refused in one line naming the store while the server was down, and
  went on editing once it was back, with no restart of its own.
"""

from __future__ import annotations

import json
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from annotator.core.hashing import input_hash
from annotator.core.model import Document, Label, Span, SpanState
from annotator.store import Store
from tests.postgres_server import PostgresServer

pytestmark = pytest.mark.slow

CLIENT = Path(__file__).with_name("team_client.py")
CLIENTS = ("ada", "bob", "cy")
TEXT = (
    "Ada Lovelace wrote to Charles Babbage from London about the Analytical Engine. "
    "Later Mary Somerville visited Paris, Turin and Geneva with Michael Faraday. "
    "Their letters reached Dublin, Edinburgh and Oxford before Christmas. "
)
SUGGESTIONS = ((0, 12, "PERSON"), (22, 37, "PERSON"), (43, 49, "GPE"))


def _team(server: PostgresServer) -> str:
    """The team's store: three annotators, four articles with three suggestions each."""
    from annotator.store.db import SCHEMA_VERSION
    from annotator.store.location import ServerAddress, parse_location
    from annotator.store.team_roles import add_team_member, set_up_team

    url = server.url("team").replace("postgresql+psycopg://", "postgresql://")
    address = parse_location(url)
    assert isinstance(address, ServerAddress)
    set_up_team(address, "own", SCHEMA_VERSION)
    for name in CLIENTS:
        add_team_member(address, name, "annotator", SCHEMA_VERSION)
    with Store.open(url) as lead:
        news = lead.create_dataset("news", labels=[Label("PERSON"), Label("GPE")])
        articles = []
        for number in range(4):
            text = f"{number}. {TEXT * 2}"
            shift = len(f"{number}. ")
            spans = tuple(
                Span(start + shift, end + shift, label, SpanState.SUGGESTED, "model", 0.9)
                for start, end, label in SUGGESTIONS
            )
            articles.append((Document(0, news.id, text, spans, input_hash=input_hash(text)), None))
        lead.add_documents(news.id, articles)
    return url


class Client:
    """A running `team_client.py`, its lines read as they come."""

    def __init__(self, url: str, stop: Path) -> None:
        self.process = subprocess.Popen(
            [sys.executable, str(CLIENT), url, "news", str(stop)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        self.lines: list[dict[str, Any]] = []
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self.lines.append(json.loads(line))

    def acknowledged(self) -> int:
        return sum(1 for line in self.lines if line["ok"])

    def refused(self) -> list[dict[str, Any]]:
        return [line for line in self.lines if not line["ok"]]

    def finish(self) -> str:
        """Its standard error, once it ended (its last lines read)."""
        self.process.wait(timeout=30)
        self._reader.join(10)
        assert self.process.stdout is not None and self.process.stderr is not None
        err = self.process.stderr.read()
        self.process.stdout.close()
        self.process.stderr.close()
        return err


def _until(check: Callable[[], bool], seconds: float, what: str) -> None:
    deadline = time.monotonic() + seconds
    while not check():
        if time.monotonic() > deadline:
            raise AssertionError(f"after {seconds} s: {what}")
        time.sleep(0.05)


def test_a_server_stopped_dead_midway_keeps_every_acknowledged_edit_whole(
    durable_postgres: PostgresServer, tmp_path: Path
) -> None:
    server = durable_postgres
    url = _team(server)
    stop = tmp_path / "stop"
    clients = {name: Client(url.replace("//lead@", f"//{name}@", 1), stop) for name in CLIENTS}
    try:
        _until(
            lambda: all(c.acknowledged() >= 10 for c in clients.values()),
            60,
            "the clients did not start editing",
        )
        server.crash()
        before = {name: len(c.lines) for name, c in clients.items()}
        _until(lambda: all(c.refused() for c in clients.values()), 20, "an edit was not refused")
        server.resume()
        _until(
            lambda: all(
                sum(1 for line in c.lines[before[name] :] if line["ok"]) >= 5
                for name, c in clients.items()
            ),
            30,
            "a client did not carry on after the restart",
        )
    finally:
        stop.touch()
        errors = {name: c.finish() for name, c in clients.items()}
    for name, client in clients.items():
        assert client.process.returncode == 0, errors[name]
        assert "Traceback" not in errors[name], errors[name]
        for line in client.refused():
            assert line["error"].startswith("the store postgresql://"), line
            assert ": the server is not reachable (" in line["error"] or (
                ": the server is restarting; try again in a moment (" in line["error"]
            ), line
            assert "\n" not in line["error"]
        assert any(not line.get("read") for line in client.refused()), "no edit was refused"
        after_refusal = client.lines.index(client.refused()[0])
        assert any(line["ok"] for line in client.lines[after_refusal:])

    stored = _stored(server)
    for name, client in clients.items():
        made: set[tuple[int, tuple[Any, ...]]] = set()
        for line in client.lines:
            spans = {(line["document"], tuple(span)) for span in line["added"]}
            held = spans & stored[name]
            if line["ok"]:
                assert held == spans, f"{name}: an acknowledged edit is missing: {line}"
            else:
                assert held in (set(), spans), f"{name}: an edit is half there: {line}"
            made |= spans
        drawn = {row for row in stored[name] if row[1][3] != SpanState.SUGGESTED.value}
        assert drawn <= made, f"{name}: spans nobody made: {drawn - made}"


def _stored(server: PostgresServer) -> dict[str, set[tuple[int, tuple[Any, ...]]]]:
    """Each annotator's spans in the database: (document, (start, end, label, state))."""
    rows = server.sql(
        'SELECT v.annotator, s.document_id, s.start, s."end", s.label, s.state '
        "FROM span s JOIN version v ON v.id = s.version_id",
        database="team",
    )
    found: dict[str, set[tuple[int, tuple[Any, ...]]]] = {name: set() for name in CLIENTS}
    for row in rows.splitlines():
        who, document, start, end, label, state = row.split("|")
        found[who].add((int(document), (int(start), int(end), label, state)))
    return found
