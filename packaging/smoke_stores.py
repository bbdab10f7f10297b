"""The frozen app's store smoke test: an old store upgraded, a team's server used.

    python packaging/smoke_stores.py APP WORKDIR [SAMPLES]

APP is the frozen binary; SAMPLES, the folder of sample articles, is the bundle's own
unless given. Two checks, each through the binary as a user runs it:

1. A store written by an earlier release (schema 6, `tests/store/data/`) is upgraded on
   opening: Alembic and the migration files are in the bundle, and the backup is made.
2. When PostgreSQL's programs are installed, a throwaway server (the tests' own,
   `tests/postgres_server.py`) becomes a team's store with `server init`, takes the
   bundled samples and exports them: psycopg's compiled part is in the bundle. Without
   PostgreSQL this check says so and is skipped.

Exits non-zero with one line on the first failure.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from postgres_server import PostgresServer, server_binaries  # noqa: E402

OLD_STORE = ROOT / "tests" / "store" / "data" / "annotations-v6.db"


def run(app: Path, *arguments: str) -> str:
    done = subprocess.run([str(app), *arguments], capture_output=True, text=True)
    output = done.stdout + done.stderr
    if done.returncode != 0 or "Traceback" in output:
        print(output.rstrip())
        sys.exit(f"FAILED: {' '.join(arguments[:3])} ... exited with {done.returncode}")
    for line in output.splitlines():  # the command's own message, not its SQL or JSON
        if line.startswith(("\u2714", "\u2139", "\u26a0")):  # wasabi: good, info, warn
            print(line)
    return done.stdout


def old_store_upgrades(app: Path, work: Path) -> None:
    store = work / "old.db"
    shutil.copyfile(OLD_STORE, store)
    stats = json.loads(run(app, "--db", str(store), "stats", "--all", "--json"))
    if not stats:
        sys.exit("FAILED: the upgraded store shows no dataset")
    backups = [path for path in work.iterdir() if path.name.startswith("old") and path != store]
    if not backups:
        sys.exit("FAILED: no backup beside the upgraded store")
    print(f"the schema 6 store opened, upgraded, with {backups[0].name} beside it")


def server_store_works(app: Path, samples: Path, work: Path) -> None:
    binaries = server_binaries()
    if binaries is None:
        print("PostgreSQL is not installed (Debian: postgresql): the server was not tried")
        return
    server = PostgresServer(binaries)
    try:
        server.start()
        server.sql("CREATE DATABASE team")
        url = server.url("team").replace("postgresql+psycopg://", "postgresql://")
        run(app, "server", "init", url)
        run(app, "--db", url, "datasets", "create", "news", "--preset", "news")
        run(app, "--db", url, "import", str(samples), "--dataset", "news")
        out = work / "server.jsonl"
        run(app, "--db", url, "export", str(out), "--dataset", "news", "--status", "all")
        lines = len(out.read_text(encoding="utf-8").splitlines())
        if lines != 3:
            sys.exit(f"FAILED: the server's export has {lines} lines, expected 3")
        print("the team's server took the samples and exported them: 3 lines")
    finally:
        server.stop()


def main() -> None:
    app, work = Path(sys.argv[1]), Path(sys.argv[2])
    bundled = app.parent / "_internal" / "resources" / "samples"
    samples = Path(sys.argv[3]) if len(sys.argv) > 3 else bundled
    old_store_upgrades(app, work)
    server_store_works(app, samples, work)


if __name__ == "__main__":
    main()
