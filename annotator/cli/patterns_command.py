"""`annotator patterns`: import, export, list and remove a dataset's entity patterns."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from annotator.cli.common import (
    DEFAULT_DATASET,
    AnnotatorOption,
    DatasetOption,
    DbOption,
    Messages,
    fail,
    msg,
    open_store,
)
from annotator.formats.destination import STDOUT, Target, describe
from annotator.services.patterns import (
    PatternImport,
    export_patterns,
    import_patterns,
    pattern_files,
    remove_patterns,
)

app = typer.Typer(
    help="Entity patterns (spaCy EntityRuler / Prodigy patterns.jsonl) that suggest "
    "entities in a dataset, beside the model and the phrase memory.",
    no_args_is_help=True,
)
_MAX_LISTED = 20


@app.command("import")
def import_file(
    file: Annotated[
        Path, typer.Argument(help="A patterns.jsonl file.", show_default=False, metavar="FILE")
    ],
    dataset: DatasetOption = DEFAULT_DATASET,
    add_labels: Annotated[
        bool, typer.Option("--add-labels", help="Add labels the dataset does not have yet.")
    ] = False,
    encoding: Annotated[str, typer.Option(help="The file's text encoding.")] = "utf-8",
    db: DbOption = None,
) -> None:
    """Import phrase and token patterns; they suggest entities from then on, shown with the
    source "patterns". Nothing is imported unless every line is a good pattern."""
    with open_store(db, create=False) as store:
        report = import_patterns(store, dataset, file, add_labels=add_labels, encoding=encoding)
    _print_import(report, dataset)


@app.command("export")
def export(
    out: Annotated[
        str,
        typer.Argument(
            help="The patterns.jsonl file to write (replaced only if the export succeeds), "
            "or - for the standard output.",
            show_default=False,
            metavar="OUT",
        ),
    ],
    dataset: DatasetOption = DEFAULT_DATASET,
    db: DbOption = None,
    annotator: AnnotatorOption = None,
) -> None:
    """Write the phrase memory (the annotator's decisions) and the imported patterns as a
    patterns.jsonl file spaCy's EntityRuler loads as it is, with the dataset's labels."""
    target: Target = STDOUT if out == "-" else Path(out)
    with open_store(db, create=False, annotator=annotator) as store:
        report = export_patterns(store, dataset, target)
    say = Messages(results_on_stderr=True) if target is STDOUT else msg
    say.good(
        f"Wrote {report.lines} pattern(s) of {dataset!r} to {describe(target)} "
        f"({report.memory} from the phrase memory)"
    )
    if report.dropped:
        say.warn(f"Left out {report.dropped} pattern(s) whose label the dataset's mapping drops")


@app.command("list")
def list_patterns(
    dataset: DatasetOption = DEFAULT_DATASET,
    db: DbOption = None,
) -> None:
    """List the files the dataset's patterns came from, with their counts and labels."""
    with open_store(db, create=False) as store:
        files = pattern_files(store, dataset)
    if not files:
        msg.info(f"No patterns in {dataset!r}. Import some with: annotator patterns import FILE")
        return
    msg.table(
        [(f.file, f.phrases, f.token_patterns, ", ".join(f.labels)) for f in files],
        header=("file", "phrases", "token patterns", "labels"),
    )


@app.command("remove")
def remove(
    file: Annotated[
        str | None,
        typer.Argument(help="The file name `patterns list` shows.", show_default=False),
    ] = None,
    all_files: Annotated[
        bool, typer.Option("--all", help="Remove every pattern of the dataset.")
    ] = False,
    dataset: DatasetOption = DEFAULT_DATASET,
    db: DbOption = None,
) -> None:
    """Remove the patterns one file brought (or --all). Suggestions they made stay until
    suggested again; decisions people made on them always stay."""
    if (file is None) == (not all_files):
        fail("give either a file name (see 'annotator patterns list') or --all")
    with open_store(db, create=False) as store:
        removed = remove_patterns(store, dataset, None if all_files else file)
    if not removed:
        fail(f"no patterns of {dataset!r} came from {file!r}; see 'annotator patterns list'")
    msg.good(f"Removed {removed} pattern(s) from {dataset!r}")


def _print_import(report: PatternImport, dataset: str) -> None:
    for problem in report.problems[:_MAX_LISTED]:
        msg.fail(str(problem))
    if len(report.problems) > _MAX_LISTED:
        msg.fail(f"... and {len(report.problems) - _MAX_LISTED} more problems")
    if report.refused:
        fail(f"Nothing imported: {len(report.problems)} problem(s) in the file.")
    if report.added:
        msg.good(f"Imported {report.added} pattern(s) into dataset {dataset!r}")
    else:
        msg.info(f"No new patterns for dataset {dataset!r}: it has all {report.read} already")
    if report.new_labels:
        msg.info(f"New labels: {', '.join(report.new_labels)}")
    for label, count in sorted(report.dropped.items()):
        msg.warn(f"{count} pattern(s) of label {label} suggest nothing: the mapping drops {label}")
    if report.needs_pipeline:
        attributes = ", ".join(sorted(report.needs_pipeline))
        msg.warn(
            f"{sum(report.needs_pipeline.values())} pattern(s) read {attributes}, which "
            "annotator never computes (it runs a pipeline's entity components only): kept "
            "for the export, they suggest nothing here"
        )
    msg.text(
        "Open articles get the patterns' suggestions when opened in the window; "
        "'annotator suggest' gives them to articles not suggested yet (--force: to all)."
    )
