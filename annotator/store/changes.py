"""Hearing of other people's changes to a store on a server, without reading the tables.

The server sends a notice for every statement that changes a watched table
(`notices.py`). `ChangeWatch` listens on a connection of its own: `changes()` drains
what arrived, at the cost of a socket read, so the window can ask several times a
second. A store file has no such notices (one person works in it): `watch` gives None.
"""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

from sqlalchemy import Engine

from annotator.core.errors import StoreError
from annotator.store.location import ServerAddress
from annotator.store.notices import CHANNEL, WATCHED
from annotator.store.server import ADDRESS_OPTION, OWN_PROCESSES_OPTION, server_reason


class ChangeWatch:
    """A listening connection to the server; reconnects by itself after the server was
    away (`changes` raises `StoreError` while it is)."""

    def __init__(self, address: ServerAddress, own: Collection[int] = ()) -> None:
        self._address = address
        self._own = own  # the store's own connections: changes made through it are not news
        self._connection: Any = None

    def changes(self) -> set[str]:
        """The tables other connections changed since the last call (other people, other
        windows and commands; not the store's own edits).

        Right after the watch (re)connects, every watched table counts as changed: what
        happened meanwhile was not heard.
        """
        import psycopg

        try:
            if self._connection is None or self._connection.closed:
                self._connection = self._connect()
                return set(WATCHED)
            notices = self._connection.notifies(timeout=0)
            return {notice.payload for notice in notices if notice.pid not in self._own}
        except psycopg.Error as error:
            self.close()
            raise StoreError(
                f"the store {self._address} cannot be reached: {server_reason(error)}"
            ) from None

    def close(self) -> None:
        if self._connection is not None:
            try:
                self._connection.close()
            finally:
                self._connection = None

    def _connect(self) -> Any:
        import psycopg
        from psycopg.conninfo import make_conninfo

        url = self._address.url
        parameters = {key: str(value) for key, value in url.query.items()}
        for key, value in (("host", url.host), ("port", url.port), ("user", url.username)):
            if value is not None:
                parameters[key] = str(value)
        conninfo = make_conninfo(dbname=url.database, connect_timeout="5", **parameters)
        connection = psycopg.connect(conninfo, autocommit=True)
        try:
            connection.execute(f"LISTEN {CHANNEL}")
        except BaseException:
            connection.close()  # not left for the garbage collector to find
            raise
        return connection


def watch(engine: Engine) -> ChangeWatch | None:
    """A watch of the store's server, or None for a store file."""
    options = engine.get_execution_options()
    address = options.get(ADDRESS_OPTION)
    return None if address is None else ChangeWatch(address, options[OWN_PROCESSES_OPTION])
