"""What every command shares: the `--db` option, opening the store, and messages."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, NoReturn

import typer
from wasabi import Printer

from annotator.paths import DB_ENV, default_store_path
from annotator.store import Store

msg = Printer(hide_animation=True)
err = Printer(hide_animation=True, no_print=False)

DbOption = Annotated[
    Path | None,
    typer.Option(
        "--db",
        help=f"The store file (default: ${DB_ENV}, else annotations.db in your data folder).",
        show_default=False,
        dir_okay=False,
    ),
]

DatasetOption = Annotated[
    str,
    typer.Option("--dataset", "-d", help="The dataset to work on."),
]

DEFAULT_DATASET = "default"


def store_path(db: Path | None) -> Path:
    return db.expanduser() if db is not None else default_store_path()


def open_store(db: Path | None) -> Store:
    return Store.open(store_path(db))


def fail(message: str, code: int = 1) -> NoReturn:
    msg.fail(message)
    raise typer.Exit(code)
