"""`annotator documents`: list a dataset's documents, show one, delete one."""

from __future__ import annotations

import json
from typing import Annotated

import typer

from annotator.cli.common import DEFAULT_DATASET, AnnotatorOption, DbOption, fail, msg, open_store
from annotator.cli.labels_command import inherited
from annotator.core.errors import NotFoundError, UnreadableDocument
from annotator.core.model import Document, Status
from annotator.core.summaries import DocumentQuery
from annotator.store import Store

app = typer.Typer(
    help="List a dataset's documents, show one with its spans, or delete one.",
    no_args_is_help=False,
)

IdArgument = Annotated[
    int, typer.Argument(help="The document's id (as `documents list` shows it).", metavar="ID")
]
SHOWN_META_LINES = 20


@app.callback(invoke_without_command=True)
def default(ctx: typer.Context, db: DbOption = None) -> None:
    """List the documents of the default dataset (the default when no subcommand is given)."""
    if ctx.invoked_subcommand is None:
        list_documents(ctx, DEFAULT_DATASET, None, "", 50, db)


@app.command("list")
def list_documents(
    ctx: typer.Context,
    dataset: Annotated[
        str, typer.Option("--dataset", "-d", help="The dataset to list.")
    ] = DEFAULT_DATASET,
    status: Annotated[
        Status | None, typer.Option("--status", help="Only documents with this status.")
    ] = None,
    search: Annotated[
        str, typer.Option("--search", help="Only documents whose text or title contains it.")
    ] = "",
    limit: Annotated[int, typer.Option("--limit", min=1, help="At most this many rows.")] = 50,
    db: DbOption = None,
    annotator: AnnotatorOption = None,
) -> None:
    """List a dataset's documents as the annotator has them: id, status, spans and title."""
    query = DocumentQuery(statuses=frozenset({status} if status else ()), text=search)
    with open_store(inherited(ctx, "db", db), create=False, annotator=annotator) as store:
        chosen = store.get_dataset(dataset)
        total = store.count_matching(chosen.id, query)
        rows = store.summaries(chosen.id, query, 0, limit)
    msg.divider(f"Documents of {chosen.name!r} ({total})")
    if not rows:
        msg.text("No documents.")
        return
    msg.table(
        [(r.id, r.status.value, r.gold, r.suggested, r.title[:60]) for r in rows],
        header=("id", "status", "gold", "suggested", "title"),
    )
    if total > len(rows):
        msg.text(f"... and {total - len(rows)} more (--limit, --status and --search narrow it)")


@app.command("show")
def show(
    ctx: typer.Context,
    document_id: IdArgument,
    spans: Annotated[
        int, typer.Option("--spans", min=0, help="Show at most this many spans.")
    ] = 100,
    db: DbOption = None,
    annotator: AnnotatorOption = None,
) -> None:
    """Show one document as the annotator has it: its dataset, status, title, meta, text
    length and spans (their version, else the shared suggestions)."""
    with open_store(inherited(ctx, "db", db), create=False, annotator=annotator) as store:
        try:
            document = _document(store, document_id)
        except UnreadableDocument as error:
            fail(f"{error}; 'annotator documents delete {document_id}' removes it")
        dataset = _dataset_name(store, document.dataset_id)
    _print_document(document, dataset, max(spans, 0))


@app.command("delete")
def delete(
    ctx: typer.Context,
    document_id: IdArgument,
    yes: Annotated[bool, typer.Option("--yes", "-y", help="Do not ask for confirmation.")] = False,
    db: DbOption = None,
) -> None:
    """Delete one document with its spans; its dataset and the other documents stay."""
    with open_store(inherited(ctx, "db", db), create=False) as store:
        try:
            document = _document(store, document_id)
        except UnreadableDocument as error:  # the very document a user wants gone
            msg.warn(str(error))
            described = f"document {document_id}"
        else:
            dataset = _dataset_name(store, document.dataset_id)
            described = f"document {document_id} {document.title[:60]!r} of dataset {dataset!r}"
            described += f" with its {len(document.spans)} span(s)"
        if not yes:
            typer.confirm(f"Delete {described}? This cannot be undone", abort=True)
        store.delete_document(document_id)
    msg.good(f"Deleted {described}")


def _document(store: Store, document_id: int) -> Document:
    try:
        return store.get_document(document_id)
    except NotFoundError:
        fail(f"there is no document with id {document_id}; 'annotator documents list' shows them")


def _dataset_name(store: Store, dataset_id: int) -> str:
    return next((d.name for d in store.list_datasets() if d.id == dataset_id), "?")


def _print_document(document: Document, dataset: str, limit: int) -> None:
    msg.divider(f"Document {document.id}")
    rows: list[tuple[str, object]] = [
        ("dataset", dataset),
        ("status", document.status.value),
        ("annotator", document.annotator or "-"),
        ("title", document.title),
        ("text", f"{len(document.text):,} characters"),
        ("source", document.source or "-"),
    ]
    for name, value in rows:
        msg.text(f"{name:<10} {value}")
    if document.meta:
        msg.divider("Meta")
        lines = json.dumps(document.meta, indent=2, ensure_ascii=False).splitlines()
        msg.text("\n".join(lines[:SHOWN_META_LINES]))
        if len(lines) > SHOWN_META_LINES:
            msg.text(f"... ({len(lines) - SHOWN_META_LINES} more lines)")
    msg.divider(f"Spans ({len(document.spans)})")
    if not document.spans:
        msg.text("No spans.")
        return
    msg.table(
        [
            (
                s.start,
                s.end,
                s.label,
                s.state.value,
                s.source or "-",
                _shown(document, s.start, s.end),
            )
            for s in document.spans[:limit]
        ],
        header=("start", "end", "label", "state", "source", "text"),
    )
    if len(document.spans) > limit:
        msg.text(f"... and {len(document.spans) - limit} more (--spans N shows more)")


def _shown(document: Document, start: int, end: int) -> str:
    """A span's words on one line, shortened when long."""
    words = " ".join(document.text[start:end].split())
    return words if len(words) <= 60 else words[:57] + "..."
