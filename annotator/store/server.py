"""Opening a store on a PostgreSQL server: the engine, the schema, and server errors.

The tables are the same as in an SQLite file (`tables.py`), and every statement of the
store is built with SQLAlchemy Core, so the queries run unchanged. What differs lives
here and in `db.py`'s transaction helpers: no file to check, and a server that may go
away, which is a `StoreError` line, never a traceback.

The schema version is Alembic's (`schema.py`), as in a file; a server's store is never
upgraded by opening it: the lead runs `annotator db upgrade`, and until then every other
version of the app refuses it in one line.
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Iterator
from typing import Any

from sqlalchemy import Connection, Engine, create_engine, event, inspect
from sqlalchemy.exc import (
    DBAPIError,
    DisconnectionError,
    InterfaceError,
    OperationalError,
    ProgrammingError,
)
from sqlmodel import SQLModel

from annotator.core.errors import StoreError
from annotator.store import schema
from annotator.store.location import ServerAddress
from annotator.store.notices import create_notices
from annotator.store.tables import STORE_INFO

REFUSED = "42501"  # insufficient privilege: a grant or a row-level security policy
ADDRESS_OPTION = "annotator_server"  # the engine's ServerAddress, for messages
# The server's process ids of the engine's own connections: notices they caused are the
# store's own changes (`changes.py`).
OWN_PROCESSES_OPTION = "annotator_own_processes"
CONNECT_TIMEOUT_S = 5
STREAM_BATCH = 1000  # rows fetched at a time from a server-side cursor
_DEFERRED_BEGIN = "annotator_deferred_begin"
_IDLE = 0  # libpq's PQTRANS_IDLE
PING_AFTER_IDLE_S = 1.0
_USED = "annotator_used"  # when a pooled connection was last given back


def open_server_engine(address: ServerAddress, schema_version: int) -> Engine:
    """Connect to the database at `address`, creating the store's tables in an empty
    database; a database of another schema version, or not a store, is refused."""
    engine = create_engine(address.url, connect_args={"connect_timeout": CONNECT_TIMEOUT_S})
    own: set[int] = set()  # the server processes of this engine's connections
    engine.update_execution_options(**{ADDRESS_OPTION: address, OWN_PROCESSES_OPTION: own})
    event.listen(engine, "connect", lambda dbapi, _record: own.add(dbapi.info.backend_pid))
    event.listen(engine, "connect", _without_jit)
    event.listen(engine, "before_cursor_execute", _begin_first)
    _ping_after_idle(engine)
    try:
        _prepare_schema(engine, address, schema_version)
    except DBAPIError as error:
        engine.dispose()
        raise StoreError(f"cannot open the store {address}: {server_reason(error)}") from None
    except BaseException:
        engine.dispose()
        raise
    return engine


def _without_jit(dbapi: Any, _record: object) -> None:
    """No JIT compiling on the app's connections: it pays off for hours-long reports, and
    cost an annotator's count of their spans 614 ms against 5 ms, the server's estimate
    of the row rules' lookups being far above what they take. A SET once per connection,
    not libpq's `options`, which connection poolers such as PgBouncer refuse."""
    autocommit = dbapi.autocommit
    dbapi.autocommit = True
    try:
        dbapi.execute("SET jit = off")
    finally:
        dbapi.autocommit = autocommit


def _ping_after_idle(engine: Engine) -> None:
    """A connection the server dropped (it restarted, a network went down) is replaced
    before use, not used: the pool pings a connection that sat unused for more than
    `PING_AFTER_IDLE_S`. SQLAlchemy's `pool_pre_ping` pings at every use, a round trip
    before each edit of a burst (the keys of one article, Accept All then the next)."""

    def used(_dbapi: Any, record: Any, *_proxy: object) -> None:
        record.info[_USED] = time.monotonic()

    def ping(dbapi: Any, record: Any, _proxy: object) -> None:
        if time.monotonic() - record.info.get(_USED, 0.0) < PING_AFTER_IDLE_S:
            return
        try:
            engine.dialect.do_ping(dbapi)
        except engine.dialect.loaded_dbapi.Error as error:
            if engine.dialect.is_disconnect(error, dbapi, None):
                raise DisconnectionError(str(error)) from error  # the pool reconnects
            raise

    event.listen(engine, "connect", used)
    event.listen(engine, "checkout", ping)
    event.listen(engine, "checkin", used)


def _begin_first(conn: Connection, cursor: Any, *_statement: object) -> None:
    """In a transaction whose BEGIN is deferred, send it before the first statement."""
    if conn.get_execution_options().get(_DEFERRED_BEGIN) and is_idle(cursor.connection):
        cursor.connection.execute("BEGIN")


def is_idle(driver: Any) -> bool:
    """Whether the psycopg connection is in no transaction."""
    return bool(driver.pgconn.transaction_status == _IDLE)


def _prepare_schema(engine: Engine, address: ServerAddress, schema_version: int) -> None:
    with engine.begin() as conn:
        version = _schema_of(conn, address)
        if version is None:
            SQLModel.metadata.create_all(conn)
            create_notices(conn)
            schema.stamp(conn, schema_version)
            return
    if version != schema_version:
        newer = version > schema_version
        raise StoreError(
            f"the store {address} has schema {version} and this version of annotator "
            f"knows {schema_version}; "
            + (
                "upgrade annotator to use it"
                if newer
                else "upgrade the server's schema first (annotator db upgrade)"
            )
        )


def _schema_of(conn: Connection, address: ServerAddress) -> int | None:
    """The database's schema number; None for an empty database; refused when it holds
    tables but is no store."""
    tables = set(inspect(conn).get_table_names())
    if not tables:
        return None
    version = schema.recorded(conn) if "alembic_version" in tables else None
    if version is None or STORE_INFO.name not in tables:
        raise StoreError(f"the database {address} has tables but is not an annotator store")
    return version


def upgrade_server(address: ServerAddress, owner: str, schema_version: int) -> tuple[int, int]:
    """Bring the store at `address` to `schema_version`, every step in one transaction
    (run by the lead, who owns the tables); (from, to). A newer store is refused
    untouched."""
    engine = create_engine(address.url, connect_args={"connect_timeout": CONNECT_TIMEOUT_S})
    try:
        with engine.begin() as conn:
            version = _schema_of(conn, address)
            if version is None:
                raise StoreError(f"the database {address} is empty: open it to make a store")
            if version > schema_version:
                raise StoreError(
                    f"the store {address} has schema {version}, newer than this version of "
                    f"annotator knows ({schema_version}); it was not changed"
                )
            if version < schema_version:
                schema.upgrade(conn, owner, schema_version)
        return version, schema_version
    except DBAPIError as error:
        raise StoreError(f"cannot upgrade the store {address}: {server_reason(error)}") from None
    finally:
        engine.dispose()


# libpq's and the server's words for a server that is gone, and for one that is being
# started or stopped (after a crash it replays its log before it takes connections).
_GONE = ("refused", "No such file", "closed the connection", "connection is bad", "timeout")
_RESTARTING = ("starting up", "not yet accepting connections", "shutting down", "recovery mode")


def server_reason(error: BaseException) -> str:
    """The server's or libpq's own message, one line, no password (it never has one),
    after what it means for the user when the server is gone or restarting."""
    original = getattr(error, "orig", None) or error
    text = " ".join(str(original).split())
    if any(words in text for words in _RESTARTING):
        return f"the server is restarting; try again in a moment ({text})"
    if "connection" in text and any(words in text for words in _GONE):
        return f"the server is not reachable ({text})"
    return text


@contextlib.contextmanager
def server_transaction(engine: Engine, *, deferred_begin: bool = False) -> Iterator[Connection]:
    """One transaction on the server, rolled back on error; a server that went away or
    refused is one `StoreError` line naming the store. Other errors (a constraint) reach
    the store's modules as they do on SQLite, which say what they mean.

    With `deferred_begin` the transaction's BEGIN goes with its first statements
    (`server_edits.py` sends it in the edit's one round trip; any other statement sends
    it first, `_begin_first`): psycopg would send it alone and wait for the answer, one
    more round trip at every key."""
    try:
        with engine.connect() as conn:
            if deferred_begin:  # the driver's autocommit: BEGIN ... COMMIT are ours
                conn.execution_options(isolation_level="AUTOCOMMIT", **{_DEFERRED_BEGIN: True})
            with conn.begin():
                yield conn
    except (OperationalError, InterfaceError) as error:  # the server, not the statement
        address = engine.get_execution_options()[ADDRESS_OPTION]
        raise StoreError(f"the store {address}: {server_reason(error)}") from None
    except ProgrammingError as error:
        if getattr(error.orig, "sqlstate", None) != REFUSED:
            raise
        raise StoreError(
            f"the server refused the change: {server_reason(error)} (on a team's server an "
            "annotator writes only their own versions, a reviewer their reviews, and only "
            "the team lead changes datasets, labels, documents and patterns)"
        ) from None


def streamed(conn: Connection) -> Connection:
    """`conn` reading a large result a batch at a time: on a server through a server-side
    cursor (psycopg would otherwise load every row before the first); SQLite's cursor
    streams already."""
    if conn.dialect.name == "sqlite":
        return conn
    return conn.execution_options(stream_results=True, max_row_buffer=STREAM_BATCH)


def server_user(engine: Engine) -> str:
    """The database user the store is connected as: the annotator on a server."""
    with server_transaction(engine) as conn:
        return str(conn.exec_driver_sql("SELECT current_user").scalar_one())
