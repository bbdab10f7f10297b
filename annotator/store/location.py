"""Where a store is: an SQLite file, or a database on a PostgreSQL server.

`--db`, `ANNOTATOR_DB` and the window's File > Open Store take either a path or a URL
`postgresql://user@host[:port]/dbname[?sslmode=...&...]`. A URL never carries a password:
it would show in the process list, the shell's history, the settings and the log. libpq
finds it itself (`~/.pgpass`, `PGPASSFILE`, a service file, `PGPASSWORD`), and every other
libpq parameter in the query string (`sslmode`, `sslrootcert`, `service`, `host` for a
socket folder, ...) goes to it unchanged.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError

from annotator.core.errors import StoreError
from annotator.paths import is_server_url

_DRIVER = "postgresql+psycopg"  # psycopg 3


@dataclass(frozen=True, slots=True)
class ServerAddress:
    """A PostgreSQL database, as a URL without a password."""

    url: URL

    def __str__(self) -> str:
        """The URL as users wrote it (`postgresql://...`): safe to show and to log."""
        return self.url.set(drivername="postgresql").render_as_string(hide_password=True)

    @property
    def database(self) -> str:
        return self.url.database or ""

    @property
    def short_name(self) -> str:
        """ "team on db.example.org": what a status bar has room for."""
        host = self.url.host or "this computer"
        return f"{self.database} on {host}"


StoreLocation = Path | ServerAddress


def parse_location(text: str | Path) -> StoreLocation:
    """A path (`~` expanded) or, for a `postgresql://` URL, the server's address."""
    if isinstance(text, Path) or not is_server_url(text):
        return Path(text).expanduser()
    try:
        url = make_url(text)
    except ArgumentError:
        raise StoreError(f"{_shown(text)} is not a valid PostgreSQL URL") from None
    if url.password is not None:
        raise StoreError(
            f"{_shown(text)} has a password in it; leave it out and give it to PostgreSQL "
            "in ~/.pgpass, a service file or PGPASSWORD (a URL shows in the process list, "
            "the shell's history and the log)"
        )
    if not url.database:
        raise StoreError(f"{_shown(text)} names no database: postgresql://user@host/DBNAME")
    return ServerAddress(url.set(drivername=_DRIVER))


def shown(location: StoreLocation) -> str:
    """How messages name a store: its path, or its URL without a password."""
    return str(location)


def _shown(text: str) -> str:
    """A URL given by the user, its password (if any) hidden, for an error message."""
    scheme, _, rest = text.partition("://")
    credentials, at, place = rest.rpartition("@")
    if not at or ":" not in credentials:
        return text
    user = credentials.split(":", 1)[0]
    return f"{scheme}://{user}:***@{place}"
