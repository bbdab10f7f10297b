"""`annotator stats`: documents by status, spans by label and state, per annotator."""

from __future__ import annotations

import json
from typing import Annotated, Any

import typer

from annotator.cli.common import DbOption, msg, open_store
from annotator.core.model import SpanState, Status


def stats(
    dataset: Annotated[
        str | None, typer.Option("--dataset", "-d", help="Only this dataset.")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON instead of tables.")] = False,
    db: DbOption = None,
) -> None:
    """Show how far annotation has come."""
    with open_store(db, create=False) as store:
        dataset_id = store.get_dataset(dataset).id if dataset else None
        result = store.stats(dataset_id)
    data: dict[str, Any] = {
        "dataset": dataset,
        "documents": result.documents_by_status,
        "spans": result.spans_by_label,
        "annotators": result.documents_by_annotator,
    }
    if as_json:
        print(json.dumps(data, indent=2, ensure_ascii=False))
        return
    docs = result.documents_by_status
    msg.divider(f"Documents ({sum(docs.values())})")
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
