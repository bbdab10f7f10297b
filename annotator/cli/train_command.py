"""`annotator train`: train a version of the dataset's own NER pipeline."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

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
from annotator.cli.progress import StepBar
from annotator.cli.scores_table import print_scores
from annotator.paths import models_dir

if TYPE_CHECKING:
    from annotator.services.training import TrainReport


def train(
    dataset: DatasetOption = DEFAULT_DATASET,
    base: Annotated[
        str,
        typer.Option(
            help="'blank' (a small CPU pipeline: tok2vec + ner) or a spaCy pipeline "
            "(package or folder) whose ner is fine-tuned."
        ),
    ] = "blank",
    eval_split: Annotated[
        float, typer.Option("--eval-split", help="The share of done documents held out.")
    ] = 0.2,
    eval_dataset: Annotated[
        str | None,
        typer.Option(
            "--eval-dataset", help="Hold out this dataset's done documents instead of a split."
        ),
    ] = None,
    max_minutes: Annotated[
        float | None, typer.Option("--max-minutes", help="Stop training after this long.")
    ] = None,
    max_steps: Annotated[
        int, typer.Option("--max-steps", help="Stop training after this many steps.")
    ] = 20000,
    out: Annotated[
        Path | None,
        typer.Option(
            help="The version's folder (default: models/DATASET/N in your data folder).",
            file_okay=False,
        ),
    ] = None,
    force: Annotated[
        bool,
        typer.Option(
            "--force", help="Make the new version the dataset's model even if it scores lower."
        ),
    ] = False,
    db: DbOption = None,
    annotator: AnnotatorOption = None,
) -> None:
    """Train the dataset's own model on its done documents.

    The new version suggests from then on only if it beats the current model on the same
    held-out documents (--force: always). Ctrl-C keeps the best version so far.
    """
    from annotator.services.training import TrainOptions, train_dataset

    if max_minutes is not None and max_minutes <= 0:
        fail("--max-minutes must be more than 0")
    options = TrainOptions(
        models_root=models_dir(),
        base=base,
        eval_split=eval_split,
        eval_dataset=eval_dataset,
        max_minutes=max_minutes,
        max_steps=max_steps,
        out=out,
        force=force,
    )
    bar = StepBar(max_steps)
    try:
        with open_store(db, create=False, annotator=annotator) as store:
            report = train_dataset(store, dataset, options, on_step=bar.update)
    except KeyboardInterrupt:
        bar.close()
        msg.warn("Stopped: no version was recorded.")
        raise typer.Exit(130) from None
    finally:
        bar.close()
    _print_report(report, dataset)
    if report.stopped == "interrupted":
        raise typer.Exit(130)


def _print_report(report: TrainReport, dataset: str) -> None:
    version = report.version
    if report.stopped == "interrupted":
        msg.warn(f"Stopped at step {report.steps}: kept the best version so far.")
    elif report.stopped == "time":
        msg.info(f"Time is up at step {report.steps}: kept the best version so far.")
    msg.good(
        f"Trained version {version.number} of {dataset!r} in {version.seconds:.1f} s "
        f"({report.steps + 1} steps, {version.train_documents} documents): held-out F1 "
        f"{version.scores.micro.f:.3f} on {version.eval_documents} documents"
    )
    print_scores(version.scores)
    for note in report.notes:
        msg.warn(note)
    previous = report.previous_scores
    against = (
        f" ({report.previous} scores {previous.micro.f:.3f} on the same documents)"
        if previous is not None
        else ""
    )
    if report.promoted:
        msg.good(f"Version {version.number} suggests for {dataset!r} now{against}")
    else:
        msg.warn(
            f"Version {version.number} does not suggest: it does not beat the current "
            f"model{against}; 'annotator datasets set-model {dataset} {version.path}' or "
            "--force makes it the dataset's model"
        )
    msg.info(f"Saved in {version.path}")
