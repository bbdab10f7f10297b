"""What every command shares: the `--db` option, opening the store, and messages."""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path
from typing import Annotated, Any, NoReturn

import typer
from wasabi.tables import table

from annotator.identity import NAME_ENV, resolve
from annotator.paths import DB_ENV, default_store_path
from annotator.store import Store
from annotator.store.location import ServerAddress, StoreLocation, parse_location


class Messages:
    """One-line messages in wasabi's style, printed through click.

    wasabi's own Printer wraps at 80 columns, which splits `file:line: reason` over lines;
    click prints whole lines and drops the colours when the output is not a terminal.
    Problems go to stderr, results to stdout, unless `results_on_stderr` (a command whose
    data goes to stdout, such as `export -`, keeps its messages out of that data).
    """

    def __init__(self, *, results_on_stderr: bool = False) -> None:
        self._results_on_stderr = results_on_stderr

    def good(self, text: str) -> None:
        typer.secho(f"\u2714 {text}", fg="green", err=self._results_on_stderr)

    def info(self, text: str) -> None:
        typer.secho(f"\u2139 {text}", fg="blue", err=self._results_on_stderr)

    def warn(self, text: str) -> None:
        typer.secho(f"\u26a0 {text}", fg="yellow", err=True)

    def fail(self, text: str) -> None:
        typer.secho(f"\u2718 {text}", fg="red", err=True)

    def text(self, text: str) -> None:
        typer.echo(text)

    def divider(self, title: str = "") -> None:
        typer.echo(f"\n{title}\n{'=' * max(len(title), 20)}")

    def table(
        self, rows: Sequence[Sequence[object]], *, header: Sequence[str], divider: bool = True
    ) -> None:
        typer.echo(table(list(rows), header=list(header), divider=divider, widths="auto"))


msg = Messages()

DbOption = Annotated[
    str | None,
    typer.Option(
        "--db",
        help=f"The store: a file, or a postgresql://user@host/dbname URL (default: ${DB_ENV}, "
        "else annotations.db in your data folder).",
        show_default=False,
        metavar="PATH|URL",
    ),
]

AnnotatorOption = Annotated[
    str | None,
    typer.Option(
        "--annotator",
        help=f"Who is annotating (default: ${NAME_ENV}, else the name saved in the window, "
        "else your full name or login).",
        show_default=False,
        metavar="<name>",
    ),
]

DatasetOption = Annotated[
    str,
    typer.Option("--dataset", "-d", help="The dataset to work on."),
]

DEFAULT_DATASET = "default"


def store_location(db: str | Path | None) -> StoreLocation:
    """`--db` given to this command, else given before it (`annotator --db X import`),
    else `$ANNOTATOR_DB`, else the default file: a path, or a server's address."""
    if db is None:
        db = given_before("db")
    if db is None:
        db = os.environ.get(DB_ENV) or default_store_path()
    return parse_location(db)


def store_path(db: str | Path | None) -> Path:
    """The store file `--db` names, for what only a file has (check, backup, recover)."""
    where = store_location(db)
    if not isinstance(where, Path):
        fail(
            f"the store {where} is on a PostgreSQL server: this command is for store files "
            "(use the server's own tools, such as pg_dump)"
        )
    return where


def annotator_name(given: str | None) -> str | None:
    """`--annotator` given to this command or before it, else the rest of the rule in
    `annotator.identity`; a bad name is an `AnnotatorNameError` (one line)."""
    return resolve(given if given is not None else given_before("annotator")).name


def given_before(name: str) -> Any:
    """The value of option `name` on an enclosing command (`labels --db X add`), or None."""
    context: Any = typer_context()
    while context is not None:
        value = context.params.get(name)
        if value is not None:
            return value
        context = context.parent
    return None


def typer_context() -> Any:
    """The click context of the command being run, or None outside the command line."""
    from typer._click.globals import get_current_context  # typer ships its own click

    return get_current_context(silent=True)


def open_store(
    db: str | Path | None, *, create: bool = True, annotator: str | None = None
) -> Store:
    """The store `--db` names (or the default one), acting as the annotator (`--annotator`
    given to the command or before it, else the rule of `annotator.identity`): the
    command reads and writes their versions of the documents. Commands that only read, or
    that work on a dataset which must already exist, pass `create=False`: a mistyped path
    then gets "no store at PATH" instead of a new empty store left behind."""
    where = store_location(db)
    if isinstance(where, ServerAddress):  # the database user, unless a name is given
        given = annotator if annotator is not None else given_before("annotator")
        return Store.open(where, annotator=resolve(given).given)
    return Store.open(where, create=create, annotator=annotator_name(annotator))


def fail(message: str, code: int = 1) -> NoReturn:
    msg.fail(message)
    raise typer.Exit(code)
