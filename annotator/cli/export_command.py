"""`annotator export`: write a dataset to Prodigy, doccano, CoNLL or spaCy files."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from annotator.cli.choices import choices, chosen, parser
from annotator.cli.common import (
    DEFAULT_DATASET,
    DatasetOption,
    DbOption,
    Messages,
    fail,
    msg,
    open_store,
)
from annotator.cli.progress import StageBars
from annotator.core.model import Status
from annotator.formats.destination import STDOUT, OutputClosedError, Target, describe
from annotator.services.exporting import (
    ExportOptions,
    ExportReport,
    export_dataset,
    export_format,
    export_formats,
)

# --format's choices, from the table of formats.
EXPORT_FORMATS = choices("ExportFormat", export_formats())
if TYPE_CHECKING:
    ExportFormat = str  # the command gets a member, or the text as typed for `chosen` to refuse
else:
    ExportFormat = EXPORT_FORMATS

STATUS_CHOICES = ("all", *(status.value for status in Status))
# What a shell reports for a program stopped by SIGPIPE: `annotator export - | head -1`.
READER_GONE_EXIT = 141


def export(
    out: Annotated[
        str,
        typer.Argument(
            help="The file to write (replaced only if the export succeeds; a link's target is "
            "replaced), a pipe or device to stream into, or - for the standard output.",
            show_default=False,
            metavar="OUT",
        ),
    ],
    dataset: DatasetOption = DEFAULT_DATASET,
    fmt: Annotated[
        ExportFormat,
        typer.Option(
            "--format",
            "-f",
            help=f"One of: {', '.join(EXPORT_FORMATS)}.",
            metavar="<str>",  # what the help has always shown; the text lists the choices
            parser=parser(EXPORT_FORMATS),
        ),
    ] = "prodigy",
    status: Annotated[
        list[str] | None,
        typer.Option(
            "--status",
            "-s",
            help=f"Documents to export, repeatable: {', '.join(STATUS_CHOICES)} (default: done).",
            show_default=False,
        ),
    ] = None,
    include_suggestions: Annotated[
        bool,
        typer.Option(
            "--include-suggestions",
            help="Also export unconfirmed suggestions (and, for Prodigy, rejected spans).",
        ),
    ] = False,
    version: Annotated[
        str,
        typer.Option(
            "--version",
            help="Which version of each document: auto (the reviewed one, else yours, else "
            "the only annotator's, else the suggestions), reviewed (only documents a reviewer "
            "settled), all (one record per annotator's and reviewed version) or an "
            "annotator's name (only their versions).",
            metavar="<str>",
        ),
    ] = "auto",
    force: Annotated[
        bool,
        typer.Option("--force", help="Replace OUT even if it is read-only or an SQLite database."),
    ] = False,
    db: DbOption = None,
) -> None:
    """Export a dataset. Gold spans (accepted and drawn) are always exported."""
    options = ExportOptions(
        chosen(fmt, EXPORT_FORMATS),
        parse_statuses(status or ["done"]),
        include_suggestions,
        force=force,
        version=version,
    )
    target: Target = STDOUT if out == "-" else Path(out)
    try:
        with open_store(db, create=False) as store, StageBars() as bars:
            report = export_dataset(store, dataset, target, options, progress=bars)
    except OutputClosedError:
        raise typer.Exit(READER_GONE_EXIT) from None  # the reader chose to stop: no message
    _print_report(report, dataset, target, options)


def parse_statuses(values: list[str]) -> frozenset[Status] | None:
    """The statuses named on the command line; None (no filter) when one is `all`."""
    unknown = [v for v in values if v not in STATUS_CHOICES]
    if unknown:
        fail(f"unknown status {unknown[0]!r}; choose from {', '.join(STATUS_CHOICES)}")
    if "all" in values:
        return None
    return frozenset(Status(v) for v in values)


def _print_report(report: ExportReport, dataset: str, out: Target, options: ExportOptions) -> None:
    """The summary; on stderr when the export itself went to the standard output."""
    say = Messages(results_on_stderr=True) if out is STDOUT else msg
    what = "versions" if options.version == "all" else "documents"
    say.good(
        f"Exported {report.documents} {what} and {report.spans} spans from dataset "
        f"{dataset!r} to {describe(out)} ({options.fmt})"
    )
    writing = export_format(options.fmt)
    if report.left_out:
        msg.warn(f"Left out {report.left_out} {writing.left_out}")
    if report.overlapping:
        say.info(
            f"{report.overlapping} overlapping spans are in doc.spans['sc'] but not in doc.ents"
        )
    if options.include_suggestions and writing.gold_only:
        say.info(f"--include-suggestions has no effect on {options.fmt}: it holds gold spans only")
