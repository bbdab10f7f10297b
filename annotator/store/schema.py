"""The store's schema version, read and moved forward with Alembic (`migrations/`).

Alembic is imported only to stamp or upgrade: opening a current store reads its table.

One place for both backends: the number Alembic keeps in `alembic_version` (a revision
id is the schema number, four digits), stamping a new store at the newest one, and
running the steps from a store's number to the newest inside the caller's transaction.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Connection, text

if TYPE_CHECKING:
    from alembic.config import Config

SCRIPT_LOCATION = Path(__file__).parent / "migrations"


def revision(number: int) -> str:
    return f"{number:04d}"


def recorded(conn: Connection) -> int | None:
    """The schema number Alembic recorded in the store, or None when it recorded none
    (a new database, or a store file from before Alembic kept it)."""
    # Alembic's own table, read as it is: opening a store never imports Alembic.
    found = conn.execute(text("SELECT version_num FROM alembic_version")).scalar()
    if found is None:
        return None
    return int(found) if found.isdigit() else -1  # -1: a revision this release never had


def newest() -> int:
    """The newest schema the revisions describe (`db.SCHEMA_VERSION` must equal it)."""
    from alembic.script import ScriptDirectory

    head = ScriptDirectory(str(SCRIPT_LOCATION)).get_current_head()
    assert head is not None
    return int(head)


def stamp(conn: Connection, number: int) -> None:
    """Record `number` as the store's schema without running anything."""
    from alembic import command

    command.stamp(_config(conn, owner=""), revision(number))


def upgrade(conn: Connection, owner: str, to: int) -> None:
    """Run every step from the recorded schema up to `to`, in the caller's transaction.
    `owner`: whose version the step to schema 4 gives work that names nobody."""
    from alembic import command

    command.upgrade(_config(conn, owner), revision(to))


def _config(conn: Connection, owner: str) -> Config:
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(SCRIPT_LOCATION))
    config.attributes["connection"] = conn
    config.attributes["owner"] = owner
    return config
