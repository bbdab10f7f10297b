"""`annotator stats`: documents by status, spans by label and state, per annotator."""

from __future__ import annotations

import json
from typing import Annotated, Any

import typer

from annotator.cli.assign_command import queue_table
from annotator.cli.common import DEFAULT_DATASET, AnnotatorOption, DbOption, fail, msg, open_store
from annotator.core.errors import NotFoundError
from annotator.core.model import SpanState, Status


def stats(
    dataset: Annotated[
        str | None,
        typer.Option("--dataset", "-d", help=f"The dataset (default: {DEFAULT_DATASET})."),
    ] = None,
    every: Annotated[
        bool, typer.Option("--all", help="Every dataset together, instead of one.")
    ] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON instead of tables.")] = False,
    db: DbOption = None,
    annotator: AnnotatorOption = None,
) -> None:
    """Show how far annotation has come in one dataset (or, with --all, in all of them)."""
    if every and dataset is not None:
        fail("give either --dataset NAME or --all, not both")
    with open_store(db, create=False, annotator=annotator) as store:
        who = store.annotator
        queues = []
        if every:
            names = [d.name for d in store.list_datasets()]
            result = store.stats(None)
            shown = f"all {len(names)} datasets ({', '.join(names)})" if names else "no datasets"
        else:
            try:
                chosen = store.get_dataset(dataset or DEFAULT_DATASET)
            except NotFoundError as error:
                fail(f"{error}; pick one with --dataset NAME, or see them all with --all")
            names = [chosen.name]
            result = store.stats(chosen.id)
            queues = store.queue_progress(chosen.id)
            shown = f"dataset {chosen.name!r}"
    data: dict[str, Any] = {
        "dataset": None if every else names[0],
        "annotator": who,  # whose statuses and spans "documents" and "spans" count
        "datasets": names,
        "documents": result.documents_by_status,
        "spans": result.spans_by_label,
        "annotators": result.documents_by_annotator,
        "versions": result.versions_by_kind,
        "assignments": {
            q.annotator: {"assigned": q.assigned, "done": q.done, "open": q.open} for q in queues
        },
    }
    if as_json:
        print(json.dumps(data, indent=2, ensure_ascii=False))
        return
    msg.info(f"Statistics of {shown}")
    docs = result.documents_by_status
    msg.divider(f"Documents ({sum(docs.values())}), as {who} has them")
    msg.table([(s.value, docs.get(s.value, 0)) for s in Status], header=("status", "count"))
    msg.divider("Spans by label")
    states = [s.value for s in SpanState]
    rows = [
        (label, *(by.get(s, 0) for s in states))
        for label, by in sorted(result.spans_by_label.items())
    ]
    if rows:
        msg.table(rows, header=("label", *states))
    else:
        msg.text("No spans.")
    if result.documents_by_annotator:
        msg.divider("Annotators")
        rows = [
            (name, *(by.get(s.value, 0) for s in Status))
            for name, by in sorted(result.documents_by_annotator.items())
        ]
        msg.table(rows, header=("annotator", *(s.value for s in Status)))
    if queues:
        msg.divider("Assignments (annotator assign)")
        queue_table(queues)
    reviews, conflicts = (
        result.versions_by_kind.get("review", 0),
        result.versions_by_kind.get("conflict", 0),
    )
    if reviews or conflicts:
        msg.divider("Versions")
        msg.table(
            [
                ("annotators'", result.versions_by_kind.get("annotation", 0)),
                ("reviewed", reviews),
                ("conflict copies (from merges)", conflicts),
            ],
            header=("kind", "count"),
        )
