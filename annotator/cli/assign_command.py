"""`annotator assign`: give each document of a dataset to some of the team's annotators,
and show how far each is with their queue."""

from __future__ import annotations

from typing import Annotated

import typer

from annotator.cli.common import DEFAULT_DATASET, DbOption, fail, msg, open_store
from annotator.core.assignment import AssignmentError, QueueProgress, parse_names
from annotator.core.errors import NotFoundError
from annotator.store import SCHEMA_VERSION, Store
from annotator.store.location import ServerAddress
from annotator.store.team_roles import outside_team


def assign(
    dataset: Annotated[
        str | None,
        typer.Option("--dataset", "-d", help=f"The dataset (default: {DEFAULT_DATASET})."),
    ] = None,
    annotators: Annotated[
        str | None,
        typer.Option(
            "--annotators",
            metavar="a,b,c",
            help="The annotators, comma-separated (on a server: their database users). "
            "Without it: show each one's assigned and done documents.",
        ),
    ] = None,
    overlap: Annotated[
        int,
        typer.Option("--overlap", help="How many annotators each document goes to."),
    ] = 1,
    replace: Annotated[
        bool,
        typer.Option(
            "--replace",
            help="Deal every document again, dropping the queues made before "
            "(what people did in their versions stays).",
        ),
    ] = False,
    db: DbOption = None,
) -> None:
    """Give each document of the dataset to --overlap of the --annotators: as many
    documents each (give or take one), each pair sharing about as many documents, the
    same result for the same documents and names in any order. Run again after an import, it
    keeps the documents already assigned and deals only the new ones. Each annotator's
    window then goes through their queue. On a team's server, only the lead may assign."""
    try:
        names = None if annotators is None else parse_names(annotators)
    except AssignmentError as error:
        fail(str(error))
    with open_store(db, create=False) as store:
        try:
            chosen = store.get_dataset(dataset or DEFAULT_DATASET)
        except NotFoundError as error:
            fail(str(error))
        if names is None:
            _show(store, chosen.id, chosen.name)
            return
        try:
            report = store.assign(chosen.id, names, overlap, replace=replace)
        except AssignmentError as error:
            fail(str(error))
        if isinstance(store.location, ServerAddress):
            for name in outside_team(store.location, names, SCHEMA_VERSION):
                msg.warn(
                    f"{name} is no login of the team on this server: nobody sees that queue "
                    f"until the lead runs annotator server add-user {name}"
                )
        documents = len({a.document_id for a in report.dealt})
        if report.removed:
            msg.info(f"Dropped the {report.removed} assignments made before (--replace)")
        plural = "s" if documents != 1 else ""
        if not documents and not report.kept:
            fail(f"the dataset {chosen.name!r} has no documents to assign; import some first")
        if not documents:
            msg.good(
                f"Every document of {chosen.name!r} is assigned already ({report.kept} "
                "assignments kept); --replace deals them all again"
            )
        elif report.kept:
            msg.good(
                f"Kept the {report.kept} assignments made before and assigned only the "
                f"{documents} new document{plural} to {overlap} of {len(names)} annotators each"
            )
        else:
            msg.good(
                f"Assigned {documents} document{plural} of {chosen.name!r} to {overlap} of "
                f"{len(names)} annotators each"
            )
        _show(store, chosen.id, chosen.name)


def _show(store: Store, dataset_id: int, name: str) -> None:
    progress = store.queue_progress(dataset_id)
    if not progress:
        msg.text(
            f"No document of {name!r} is assigned; assign them with "
            f"annotator assign --dataset {name} --annotators a,b,c --overlap 2"
        )
        return
    msg.divider(f"Queues of {name!r}")
    queue_table(progress)


def queue_table(progress: list[QueueProgress]) -> None:
    """Each annotator's assigned, done and still open documents (`stats` shows it too)."""
    msg.table(
        [(p.annotator, p.assigned, p.done, p.open) for p in progress],
        header=("annotator", "assigned", "done", "open"),
    )
