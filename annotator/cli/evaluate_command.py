"""`annotator evaluate`: a pipeline's per-label figures on the dataset's done documents."""

from __future__ import annotations

import json
from typing import Annotated

import typer

from annotator.cli.common import (
    DEFAULT_DATASET,
    AnnotatorOption,
    DatasetOption,
    DbOption,
    msg,
    open_store,
)
from annotator.cli.scores_table import print_scores

JsonOption = Annotated[bool, typer.Option("--json", help="Print the figures as JSON.")]


def evaluate(
    dataset: DatasetOption = DEFAULT_DATASET,
    model: Annotated[
        str | None,
        typer.Option(
            help="A spaCy package, a pipeline folder, or the number of one of the dataset's "
            "trained versions (default: the dataset's model)."
        ),
    ] = None,
    as_json: JsonOption = False,
    db: DbOption = None,
    annotator: AnnotatorOption = None,
) -> None:
    """Precision, recall and F1 per label of a model on the dataset's done documents
    (spaCy's scorer: the figures 'spacy evaluate' gives on their .spacy export)."""
    from annotator.services.evaluating import evaluate_dataset

    with open_store(db, create=False, annotator=annotator) as store:
        found = evaluate_dataset(store, dataset, model)
    if as_json:
        typer.echo(json.dumps({"model": found.model, **found.scores.as_json()}, indent=2))
        return
    msg.info(f"{found.model} on the {found.scores.documents} done documents of {dataset!r}")
    print_scores(found.scores)
