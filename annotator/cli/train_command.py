"""`annotator train`: train a version of the dataset's own NER pipeline."""

from __future__ import annotations

import signal
from enum import StrEnum
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
from annotator.cli.progress import JsonSteps, StepBar, print_event
from annotator.cli.scores_table import print_scores
from annotator.core.errors import AnnotatorError
from annotator.paths import models_dir

if TYPE_CHECKING:
    from annotator.services.training import TrainReport


class ProgressStyle(StrEnum):
    bar = "bar"
    json = "json"


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
    progress: Annotated[
        ProgressStyle,
        typer.Option(
            help="'json': one JSON line per step and evaluation on stdout, and the result "
            "as a last line, for a program that runs the command.",
        ),
    ] = ProgressStyle.bar,
    db: DbOption = None,
    annotator: AnnotatorOption = None,
) -> None:
    """Train the dataset's own model on its done documents.

    The new version suggests from then on only if it beats the current model on the same
    held-out documents (--force: always). Ctrl-C (SIGINT) keeps the best version so far.
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
    as_json = progress is ProgressStyle.json
    if as_json:
        # A program stops the run with SIGINT, as Ctrl-C does; a parent that ignores
        # SIGINT (a job started in the background) must not make the child deaf to it.
        signal.signal(signal.SIGINT, signal.default_int_handler)
    bar = JsonSteps() if as_json else StepBar(max_steps)
    try:
        with open_store(db, create=False, annotator=annotator) as store:
            report = train_dataset(store, dataset, options, on_step=bar.update)
    except KeyboardInterrupt:
        bar.close()
        if as_json:
            print_event({"event": "stopped", "message": STOPPED})
        msg.warn(STOPPED)
        raise typer.Exit(130) from None
    except AnnotatorError as error:
        if as_json:
            print_event({"event": "error", "message": str(error)})
        raise
    finally:
        bar.close()
    if as_json:
        print_event(_report_event(report))
    else:
        _print_report(report, dataset)
    if report.stopped == "interrupted":
        raise typer.Exit(130)


STOPPED = "Stopped: no version was recorded."


def _report_event(report: TrainReport) -> dict[str, object]:
    """The result as the last JSON line: the version, its figures, whether it suggests."""
    version = report.version
    previous = report.previous_scores
    return {
        "event": "done",
        "version": version.number,
        "path": version.path,
        "seconds": version.seconds,
        "steps": report.steps + 1,
        "stopped": report.stopped,
        "train_documents": version.train_documents,
        "eval_documents": version.eval_documents,
        "f1": version.scores.micro.f,
        "per_label": {label: f.f for label, f in sorted(version.scores.per_label.items())},
        "promoted": report.promoted,
        "previous": report.previous,
        "previous_f1": previous.micro.f if previous is not None else None,
        "notes": list(report.notes),
    }


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
