"""`annotator suggest`: pre-annotate a dataset's open documents."""

from __future__ import annotations

from typing import Annotated

import typer

from annotator.cli.common import (
    DEFAULT_DATASET,
    AnnotatorOption,
    DatasetOption,
    DbOption,
    fail,
    msg,
    open_store,
)
from annotator.cli.progress import StageBars
from annotator.services.suggesting import SuggestOptions, SuggestReport, suggest_dataset


def suggest(
    dataset: DatasetOption = DEFAULT_DATASET,
    model: Annotated[
        str | None,
        typer.Option(help="A spaCy pipeline: an installed package name or a folder."),
    ] = None,
    n_process: Annotated[int, typer.Option("--n-process", help="Processes for spaCy.")] = 1,
    batch_size: Annotated[
        int, typer.Option("--batch-size", help="Texts per spaCy batch (and per save).")
    ] = 64,
    force: Annotated[
        bool,
        typer.Option(
            "--force",
            help="Suggest again for every open document; accepted, drawn and rejected spans stay.",
        ),
    ] = False,
    db: DbOption = None,
    annotator: AnnotatorOption = None,
) -> None:
    """Suggest entities for every open document that has none yet.

    Stopping it (Ctrl-C) keeps what is done; the next run carries on.
    """
    if n_process < 1 or batch_size < 1:
        fail("--n-process and --batch-size must be at least 1")
    options = SuggestOptions(model, force, batch_size, n_process)
    try:
        with open_store(db, create=False, annotator=annotator) as store, StageBars() as bars:
            report = suggest_dataset(store, dataset, options, progress=bars)
    except KeyboardInterrupt:
        msg.warn("Stopped. Suggestions saved so far are kept; run suggest again to carry on.")
        raise typer.Exit(130) from None
    _print_report(report, dataset)


def _print_report(report: SuggestReport, dataset: str) -> None:
    if report.notice:
        msg.warn(report.notice)
    _print_skipped(report)
    if not report.documents and report.skipped:
        return
    if not report.documents:
        msg.info(f"Nothing to suggest in {dataset!r}: every open document has suggestions")
        msg.text("Use --force to suggest again.")
        return
    total = sum(report.added.values())
    by_source = ", ".join(f"{n} from {source}" for source, n in sorted(report.added.items()))
    msg.good(
        f"Suggested {total} entities in {report.documents} document(s) of {dataset!r}"
        + (f" ({by_source})" if by_source else "")
    )
    msg.info(f"Phrase memory: {report.memory_phrases} phrase(s) learnt from your annotations")
    if report.patterns:
        msg.info(f"Patterns: {report.patterns} imported (see 'annotator patterns list')")


SHOWN_SKIPPED = 20  # named one per line; the rest are counted


def _print_skipped(report: SuggestReport) -> None:
    if not report.skipped:
        return
    msg.warn(
        f"Skipped {len(report.skipped)} document(s) that could not be suggested; "
        "they stay open and the next run tries them again:"
    )
    for skipped in report.skipped[:SHOWN_SKIPPED]:
        title = f" {skipped.title[:60]!r}" if skipped.title else ""
        msg.text(f"  document {skipped.document_id}{title}: {skipped.reason}")
    if len(report.skipped) > SHOWN_SKIPPED:
        msg.text(f"  ... and {len(report.skipped) - SHOWN_SKIPPED} more")
    msg.text(
        "  See one with 'annotator documents show ID'; remove it with "
        "'annotator documents delete ID'."
    )
