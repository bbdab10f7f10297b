"""`annotator import`: add articles and annotations to a dataset."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from annotator.cli.choices import choices, chosen, parser
from annotator.cli.common import (
    DEFAULT_DATASET,
    AnnotatorOption,
    DatasetOption,
    DbOption,
    annotator_name,
    fail,
    msg,
    open_store,
)
from annotator.cli.progress import StageBars
from annotator.formats import AUTO, import_formats
from annotator.services.importing import (
    DEFAULT_PRESET,
    ImportOptions,
    ImportReport,
    import_paths,
)

_MAX_LISTED = 20

# --format's choices, from the table of formats.
IMPORT_FORMATS = choices("ImportFormat", import_formats())
if TYPE_CHECKING:
    ImportFormat = str  # the command gets a member, or the text as typed for `chosen` to refuse
else:
    ImportFormat = IMPORT_FORMATS


def import_files(
    paths: Annotated[
        list[Path],
        typer.Argument(help="Files or folders to import.", show_default=False, metavar="PATH"),
    ],
    dataset: DatasetOption = DEFAULT_DATASET,
    fmt: Annotated[
        ImportFormat,
        typer.Option(
            "--format",
            "-f",
            help=f"One of: {', '.join(IMPORT_FORMATS)}.",
            metavar="<str>",  # what the help has always shown; the text lists the choices
            parser=parser(IMPORT_FORMATS),
        ),
    ] = AUTO,
    encoding: Annotated[str, typer.Option(help="Text encoding of the files.")] = "utf-8",
    skip_invalid: Annotated[
        bool, typer.Option("--skip-invalid", help="Import the valid records and list the others.")
    ] = False,
    add_labels: Annotated[
        bool, typer.Option("--add-labels", help="Add labels the dataset does not have yet.")
    ] = False,
    allow_overlap: Annotated[
        bool, typer.Option("--allow-overlap", help="Let a new dataset hold overlapping entities.")
    ] = False,
    lang: Annotated[str, typer.Option(help="Tokenizer language of a new dataset.")] = "en",
    preset: Annotated[
        str,
        typer.Option(
            help="Labels of a new dataset whose files bring none (plain articles): "
            "news, conll, ontonotes, or none."
        ),
    ] = DEFAULT_PRESET,
    db: DbOption = None,
    annotator: AnnotatorOption = None,
) -> None:
    """Import .txt/.md articles, Prodigy or doccano JSONL, Label Studio JSON or brat files.

    By default a file with any invalid record is refused and nothing is imported.
    Documents the files mark as decided (done, skipped, rejected) without naming who
    decided get --annotator's name.
    """
    chosen_preset = None if preset.lower() == "none" else preset
    options = ImportOptions(
        chosen(fmt, IMPORT_FORMATS),
        encoding,
        skip_invalid,
        add_labels,
        allow_overlap,
        lang,
        chosen_preset,
        annotator_name(annotator),
    )
    try:
        with open_store(db, annotator=annotator) as store, StageBars() as bars:
            report = import_paths(store, paths, dataset, options, progress=bars)
    except KeyboardInterrupt:
        msg.warn(
            "Stopped. Files saved before the stop are in the store whole, the others not at "
            "all; run the same import again to finish (nothing is imported twice)."
        )
        raise typer.Exit(130) from None
    _print_report(report, dataset, skip_invalid)


def _print_report(report: ImportReport, dataset: str, skip_invalid: bool) -> None:
    for problem in report.problems[:_MAX_LISTED]:
        msg.fail(str(problem))
    if len(report.problems) > _MAX_LISTED:
        msg.fail(f"... and {len(report.problems) - _MAX_LISTED} more problems")
    if report.refused:
        fail(
            f"Nothing imported: {len(report.problems)} problem(s) in the input. Fix them, or "
            "pass --skip-invalid to import the valid records only."
        )
    if report.added:
        msg.good(f"Imported {report.added} document(s) into dataset {dataset!r}")
    else:
        msg.info(f"No new documents for dataset {dataset!r}")
    if report.versions:
        msg.info(f"Wrote {report.versions} annotator version(s) of documents (see `stats`)")
    if report.duplicates:
        msg.info(f"Skipped {report.duplicates} duplicate document(s) (same text)")
    if report.duplicate_spans:
        msg.info(f"Dropped {report.duplicate_spans} span(s) given twice in the same record")
    if report.not_imported:
        kinds = ", ".join(f"{kind} ({n})" for kind, n in sorted(report.not_imported.items()))
        msg.warn(f"Not imported (annotator keeps continuous entity spans only): {kinds}")
    if report.new_labels:
        msg.info(f"New labels: {', '.join(report.new_labels)}")
    if report.preset is not None:
        names = ", ".join(label.name for label in report.preset.labels)
        msg.info(
            f"The new dataset has the {report.preset.name} labels ({names}); "
            f"'annotator labels -d {dataset} preset NAME --replace' gives it others"
        )
    if report.problems and skip_invalid:
        msg.warn(f"Skipped {len(report.problems)} invalid record(s) or file(s), listed above")
