"""`annotator export`: write a dataset to Prodigy, doccano, CoNLL or spaCy files."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from annotator.cli.common import DEFAULT_DATASET, DatasetOption, DbOption, fail, msg, open_store
from annotator.cli.progress import StageBars
from annotator.core.model import Status
from annotator.services.exporting import (
    EXPORT_FORMATS,
    ExportOptions,
    ExportReport,
    export_dataset,
)

STATUS_CHOICES = ("all", *(status.value for status in Status))


def export(
    out: Annotated[
        Path, typer.Argument(help="The file to write (replaced only if the export succeeds).")
    ],
    dataset: DatasetOption = DEFAULT_DATASET,
    fmt: Annotated[
        str, typer.Option("--format", "-f", help=f"One of: {', '.join(EXPORT_FORMATS)}.")
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
    db: DbOption = None,
) -> None:
    """Export a dataset. Gold spans (accepted and drawn) are always exported."""
    if fmt not in EXPORT_FORMATS:
        fail(f"unknown format {fmt!r}; choose one of {', '.join(EXPORT_FORMATS)}")
    options = ExportOptions(fmt, parse_statuses(status or ["done"]), include_suggestions)
    with open_store(db) as store, StageBars() as bars:
        report = export_dataset(store, dataset, out, options, progress=bars)
    _print_report(report, dataset, out, options)


def parse_statuses(values: list[str]) -> frozenset[Status] | None:
    """The statuses named on the command line; None (no filter) when one is `all`."""
    unknown = [v for v in values if v not in STATUS_CHOICES]
    if unknown:
        fail(f"unknown status {unknown[0]!r}; choose from {', '.join(STATUS_CHOICES)}")
    if "all" in values:
        return None
    return frozenset(Status(v) for v in values)


def _print_report(report: ExportReport, dataset: str, out: Path, options: ExportOptions) -> None:
    msg.good(
        f"Exported {report.documents} documents and {report.spans} spans from dataset "
        f"{dataset!r} to {out} ({options.fmt})"
    )
    if report.left_out:
        reason = (
            "overlapping spans (CoNLL holds no overlaps) or spans off token boundaries"
            if options.fmt == "conll"
            else "spans whose boundaries are not token boundaries"
        )
        msg.warn(f"Left out {report.left_out} {reason}")
    if report.overlapping:
        msg.info(
            f"{report.overlapping} overlapping spans are in doc.spans['sc'] but not in doc.ents"
        )
    if options.include_suggestions and options.fmt in ("spacy", "conll"):
        msg.info(f"--include-suggestions has no effect on {options.fmt}: it holds gold spans only")
