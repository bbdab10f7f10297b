"""A real PostgreSQL server for the tests: Debian's `postgresql` binaries, on a Unix socket.

The server runs on a data folder in a fresh temporary folder and listens only on a
socket there (no TCP port, so no network and no clash with another server). PostgreSQL
refuses to run as root: as root the tests start it as the `postgres` user the Debian
package creates, which then owns the data and socket folders.

Where the binaries are missing the tests that need a server skip, unless
`ANNOTATOR_REQUIRE_POSTGRES` is set (CI sets it): then they fail, so a missing install
step can never hide behind a skip.
"""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import subprocess
import tempfile
from collections.abc import Sequence
from pathlib import Path

LEAD = "lead"  # the superuser initdb makes: the team lead who owns the schema
PORT = 5499  # part of the socket's name only: the server listens on no TCP port
REQUIRE = "ANNOTATOR_REQUIRE_POSTGRES"


def server_binaries() -> Path | None:
    """The folder of `initdb`, `pg_ctl` and `postgres`, newest version first."""
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/pg_ctl"), key=_version, reverse=True)
    if found:
        return Path(found[0]).parent
    pg_ctl = shutil.which("pg_ctl")
    return Path(pg_ctl).resolve().parent if pg_ctl else None


def _version(path: str) -> tuple[int, ...]:
    number = Path(path).parts[-3]
    return tuple(int(part) for part in number.split(".") if part.isdigit())


class PostgresServer:
    """One running server; `url(database)` gives SQLAlchemy URLs to its databases."""

    def __init__(self, binaries: Path, *, durable: bool = False) -> None:
        """`durable`: the server's own settings, as a team's server runs (every COMMIT
        written and flushed before it is acknowledged); by default the tests' quicker
        ones, where a crash may lose the last commits."""
        self._bin = binaries
        self.durable = durable
        self.root = Path(tempfile.mkdtemp(prefix="annotator-pg-"))
        self.root.chmod(0o755)  # the server's user must reach its folders inside
        self.data = self.root / "data"
        self.socket_dir = self.root / "socket"
        self._user = _server_user()

    def start(self) -> None:
        for folder in (self.data, self.socket_dir):
            folder.mkdir()
            if self._user is not None:
                os.chown(folder, self._user.pw_uid, self._user.pw_gid)
        self._run(
            "initdb",
            "-D",
            str(self.data),
            "-U",
            LEAD,
            "--auth=trust",
            "-E",
            "UTF8",
            "--locale=C.UTF-8",
            "--no-sync",
        )
        self.resume()

    def resume(self) -> None:
        """Start the server on its data (again, after `pause`)."""
        options = f"-k {self.socket_dir} -c listen_addresses='' -p {PORT}"
        if not self.durable:
            options += " -c fsync=off -c full_page_writes=off -c synchronous_commit=off"
        log = self.data / "server.log"
        self._run("pg_ctl", "-D", str(self.data), "-l", str(log), "-w", "-o", options, "start")

    def pause(self) -> None:
        """Stop the server (its clients' connections are cut), keeping its data: a server
        restarted by its administrator, or out of reach for a while."""
        self._run("pg_ctl", "-D", str(self.data), "-m", "fast", "-w", "stop")

    def crash(self) -> None:
        """Stop the server at once, as a crash of its processes would
        (`pg_ctl stop -m immediate`): no checkpoint, open transactions cut; its data is
        kept, and `resume` recovers it from the write-ahead log."""
        self._run("pg_ctl", "-D", str(self.data), "-m", "immediate", "-w", "stop")

    def stop(self) -> None:
        if (self.data / "postmaster.pid").exists():
            self._run("pg_ctl", "-D", str(self.data), "-m", "immediate", "-w", "stop")
        shutil.rmtree(self.root, ignore_errors=True)

    def url(self, database: str, user: str = LEAD) -> str:
        return f"postgresql+psycopg://{user}@/{database}?host={self.socket_dir}&port={PORT}"

    def sql(self, statement: str, database: str = "postgres", user: str = LEAD) -> str:
        """Run one statement with psql (outside any transaction: CREATE DATABASE works)."""
        result = subprocess.run(
            [
                str(self._bin / "psql") if (self._bin / "psql").exists() else "psql",
                "-X",
                "-q",
                "-A",
                "-t",
                "-v",
                "ON_ERROR_STOP=1",
                "-h",
                str(self.socket_dir),
                "-p",
                str(PORT),
                "-U",
                user,
                "-d",
                database,
                "-c",
                statement,
            ],
            capture_output=True,
            text=True,
            check=True,
        )
        return result.stdout.strip()

    def _run(self, program: str, *arguments: str) -> None:
        command: Sequence[str] = [str(self._bin / program), *arguments]
        if self._user is not None:
            command = ["runuser", "-u", self._user.pw_name, "--", *command]
        done = subprocess.run(command, capture_output=True, text=True, cwd=self.root)
        if done.returncode != 0:
            log = self.data / "server.log"
            tail = log.read_text(errors="replace")[-2000:] if log.exists() else ""
            raise RuntimeError(f"{program} failed: {done.stderr or done.stdout}\n{tail}")


def _server_user() -> pwd.struct_passwd | None:
    """Who runs the server: nobody else when not root, else the `postgres` user."""
    if os.geteuid() != 0:
        return None
    return pwd.getpwnam("postgres")
