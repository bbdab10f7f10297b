"""`annotator agreement`: how far the annotators of a dataset agree, pair by pair and overall."""

from __future__ import annotations

import json
from typing import Annotated

import typer

from annotator.cli.common import DEFAULT_DATASET, DbOption, fail, msg, open_store
from annotator.core.agreement_table import (
    LABEL_HEADER,
    PAIR_HEADER,
    as_data,
    label_rows,
    pair_rows,
)
from annotator.core.errors import NotFoundError
from annotator.services.agreement import measure


def agreement(
    dataset: Annotated[
        str | None,
        typer.Option("--dataset", "-d", help=f"The dataset (default: {DEFAULT_DATASET})."),
    ] = None,
    annotators: Annotated[
        str | None,
        typer.Option(
            "--annotators",
            help="Comma-separated names to compare, the first of each pair as the reference "
            "(default: everyone who marked documents done, by name).",
            metavar="A,B,...",
        ),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON instead of tables.")] = False,
    db: DbOption = None,
) -> None:
    """Compare the annotators' versions of the documents they marked done: span precision,
    recall and F1 (exact), token-level Cohen's kappa and Krippendorff's alpha."""
    names = None
    if annotators is not None:
        names = list(dict.fromkeys(n.strip() for n in annotators.split(",") if n.strip()))
        if len(names) < 2:
            fail(f"--annotators needs at least two names, separated by commas; got {annotators!r}")
    with open_store(db, create=False) as store:
        try:
            chosen = store.get_dataset(dataset or DEFAULT_DATASET)
        except NotFoundError as error:
            fail(f"{error}; pick one with --dataset NAME")
        result = measure(store, chosen, annotators=names)
    if as_json:
        print(json.dumps({"dataset": chosen.name, **as_data(result)}, indent=2, ensure_ascii=False))
        return
    msg.info(
        f"Agreement in dataset {chosen.name!r}: {len(result.annotators)} annotators "
        f"({', '.join(result.annotators)}), {result.documents} document(s) marked done by "
        "at least two of them"
    )
    msg.divider("Pairs and overall")
    msg.table(pair_rows(result), header=PAIR_HEADER)
    msg.divider("Per label")
    rows = label_rows(result)
    if rows:
        msg.table(rows, header=LABEL_HEADER)
    else:
        msg.text("No spans.")
    msg.text(
        "\nPrecision = matched / the second's spans, recall = matched / the first's; "
        "'-': undefined (nothing to divide by)."
    )
