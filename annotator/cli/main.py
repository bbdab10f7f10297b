"""The `annotator` command: entry point, global options and error handling."""

from __future__ import annotations

import sys
from typing import Annotated

import typer

from annotator import __version__, logs
from annotator.cli import (
    agreement_command,
    assign_command,
    datasets_command,
    db_command,
    documents_command,
    evaluate_command,
    export_command,
    import_command,
    labels_command,
    merge_command,
    models_command,
    patterns_command,
    server_command,
    stats_command,
    store_command,
    suggest_command,
    train_command,
)
from annotator.cli.common import (
    AnnotatorOption,
    DbOption,
    annotator_name,
    msg,
    open_store,
)
from annotator.cli.help import ReadableHelp
from annotator.core.errors import AnnotatorError

app = typer.Typer(
    name="annotator",
    help=(
        "Correct and add named-entity labels on news articles, offline.\n\n"
        "'annotator' with no command (or with only --db PATH and --annotator NAME) opens the "
        "window. The commands below work on the same store without it; "
        "'annotator COMMAND --help' tells more about each."
    ),
    no_args_is_help=False,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)
app.command("import", cls=ReadableHelp)(import_command.import_files)
app.command("export", cls=ReadableHelp)(export_command.export)
app.add_typer(datasets_command.app, name="datasets")
app.add_typer(db_command.app, name="db")
app.add_typer(documents_command.app, name="documents")
app.add_typer(labels_command.app, name="labels")
app.command("stats", cls=ReadableHelp)(stats_command.stats)
app.command("assign", cls=ReadableHelp)(assign_command.assign)
app.command("suggest", cls=ReadableHelp)(suggest_command.suggest)
app.command("agreement", cls=ReadableHelp)(agreement_command.agreement)
app.command("merge", cls=ReadableHelp)(merge_command.merge)
app.command("train", cls=ReadableHelp)(train_command.train)
app.command("evaluate", cls=ReadableHelp)(evaluate_command.evaluate)
app.command("models", cls=ReadableHelp)(models_command.models)
app.add_typer(patterns_command.app, name="patterns")
app.add_typer(server_command.app, name="server")
app.add_typer(store_command.app, name="store")


def _print_version(value: bool) -> None:
    if value:
        print(f"annotator {__version__}")
        raise typer.Exit()


@app.callback(invoke_without_command=True)
def start(
    ctx: typer.Context,
    db: DbOption = None,
    annotator: AnnotatorOption = None,
    version: Annotated[
        bool,
        typer.Option(
            "--version", help="Print the version and exit.", callback=_print_version, is_eager=True
        ),
    ] = False,
) -> None:
    """With no command: open the store and show what it holds."""
    if annotator is not None:
        annotator_name(annotator)  # a bad name is refused before the command runs
    if ctx.invoked_subcommand is not None:
        return
    with open_store(db) as store:
        msg.info(f"Store: {store}")
        datasets = store.list_datasets()
        if not datasets:
            msg.text("No datasets yet. Import articles with: annotator import ARTICLES/")
        for dataset in datasets:
            counts = store.stats(dataset.id).documents_by_status
            total = sum(counts.values())
            done = counts.get("done", 0)
            msg.text(f"{dataset.name}: {total} documents, {done} done")


def main(argv: list[str] | None = None) -> None:
    """Run the command line; user errors print one clear message, never a traceback.

    click (inside typer) reports usage errors, `--help` and Ctrl-C itself and exits with
    its codes; an `AnnotatorError` from a command is printed here as one line. Any other
    exception is a bug: its traceback goes to the log file and the user gets one line
    saying so and where the log is.
    """
    try:
        app(args=argv, prog_name="annotator", standalone_mode=True)
    except AnnotatorError as error:
        msg.fail(str(error))
        sys.exit(1)
    except Exception as error:
        log = logs.setup_logging()
        logs.log_unexpected(error, "the command line: annotator " + " ".join(argv or sys.argv[1:]))
        msg.fail(f"Unexpected error ({logs.summary(error)}); the details are in {log}")
        sys.exit(1)
