"""`annotator store`: check the store file, copy it, recover a damaged one, restore a copy."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from annotator.cli.common import DbOption, fail, msg, open_store, store_path
from annotator.cli.labels_command import inherited
from annotator.store import check_store, recover_store, restore_store, store_open_elsewhere

app = typer.Typer(
    help="Check the store file, back it up, recover a damaged one or restore a backup.",
    no_args_is_help=True,
)

SHOWN_PROBLEMS = 10
OutArgument = Annotated[Path, typer.Argument(help="The new file to write.", dir_okay=False)]


@app.callback()
def store(ctx: typer.Context, db: DbOption = None) -> None:
    """Check the store file, back it up, recover a damaged one or restore a backup."""


def _path(ctx: typer.Context, db: str | None) -> Path:
    path = store_path(inherited(ctx, "db", db))
    if not path.is_file():
        fail(f"no store at {path}")
    if path.stat().st_size == 0:
        fail(f"{path} is empty (0 bytes), not a store")
    return path


@app.command("check")
def check(ctx: typer.Context, db: DbOption = None) -> None:
    """Check every page, table and index of the store (SQLite's integrity_check)."""
    path = _path(ctx, db)
    found = check_store(path, thorough=True)
    if not found:
        msg.good(f"The store {path} is whole (SQLite's integrity_check found nothing wrong).")
        return
    msg.fail(f"The store {path} is damaged: SQLite's integrity_check found {len(found)} problem(s)")
    for problem in found[:SHOWN_PROBLEMS]:
        msg.text(f"  {problem}")
    if len(found) > SHOWN_PROBLEMS:
        msg.text(f"  ... and {len(found) - SHOWN_PROBLEMS} more")
    msg.text(
        f"Save what can still be read: annotator --db {path} store recover NEW.db\n"
        f"Or put a backup back:        annotator --db {path} store restore BACKUP"
    )
    raise typer.Exit(1)


@app.command("backup")
def backup(ctx: typer.Context, out: OutArgument, db: DbOption = None) -> None:
    """Copy the store to OUT; safe while the window or another command is using it."""
    path = _path(ctx, db)
    with open_store(path, create=False) as opened:
        opened.backup(out)
    msg.good(f"Copied the store {path} to {out}")
    msg.text(f"Put it back with: annotator --db {path} store restore {out}")


@app.command("recover")
def recover(ctx: typer.Context, out: OutArgument, db: DbOption = None) -> None:
    """Save every row that can still be read from a damaged store into a new store OUT."""
    path = _path(ctx, db)
    salvage = recover_store(path, out)
    counts = ", ".join(f"{rows:,} {table} rows" for table, rows in salvage.rows.items())
    msg.good(f"Recovered into {out}: {counts}")
    if salvage.unreadable or salvage.orphans:
        msg.warn(
            f"{salvage.unreadable} stretches of rows could not be read and were skipped; "
            f"{salvage.orphans} rows whose document or dataset was lost were left out"
        )
    msg.text(
        f"Look at it with: annotator --db {out} stats\n"
        f"Then use it in place of the damaged store: annotator --db {path} store restore {out}"
    )


@app.command("restore")
def restore(
    ctx: typer.Context,
    backup_file: Annotated[
        Path, typer.Argument(metavar="BACKUP", help="A copy of the store.", dir_okay=False)
    ],
    yes: Annotated[bool, typer.Option("--yes", "-y", help="Do not ask for confirmation.")] = False,
    db: DbOption = None,
) -> None:
    """Put a copy of the store in its place; the current file is kept beside it."""
    path = store_path(inherited(ctx, "db", db))
    if store_open_elsewhere(path):
        fail(f"the store {path} is open in another annotator (a window?); close it first")
    if not yes and path.exists():
        typer.confirm(
            f"Replace the store {path} with {backup_file}? (the current file is kept beside it)",
            abort=True,
        )
    aside = restore_store(backup_file, path)
    msg.good(f"Restored {backup_file} as the store {path}")
    if aside is not None:
        msg.text(f"The file it replaced is kept as {aside}")
