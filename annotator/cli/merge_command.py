"""`annotator merge OTHER.db`: another person's store's versions into this one."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from annotator.cli.common import AnnotatorOption, DbOption, msg, open_store


def merge(
    other: Annotated[
        Path,
        typer.Argument(help="The other store file (another annotator's).", show_default=False),
    ],
    dataset: Annotated[
        str | None,
        typer.Option("--dataset", "-d", help="Merge only this dataset (default: all of them)."),
    ] = None,
    db: DbOption = None,
    annotator: AnnotatorOption = None,
) -> None:
    """Bring every annotator's versions from another store into this one, in one
    transaction. Documents are matched by their text; a version both stores changed since
    they last met is kept twice (the newer as the version) and reported, never dropped."""
    with open_store(db, annotator=annotator) as store:
        report = store.merge_from(other.expanduser(), dataset)
    for name in report.new_datasets:
        msg.info(f"New dataset {name!r} from {other}")
    msg.good(
        f"Merged {other}: {report.documents} new document(s), {report.versions} new "
        f"version(s), {report.updated} updated, {report.unchanged} unchanged; "
        f"{report.spans} span(s) written"
    )
    if report.patterns:
        msg.info(f"{report.patterns} pattern(s) this store did not have (patterns list)")
    for name, document_id, annotator in report.conflicts:
        msg.warn(
            f"Conflict: {annotator}'s version of document {document_id} ({name}) changed in "
            "both stores; both are kept, the newer as theirs, the older as a conflict copy"
        )
