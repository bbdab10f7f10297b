"""`annotator labels`: show and edit a dataset's labels and how model labels map onto them."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from dataclasses import replace
from typing import Annotated, Any

import typer

from annotator.cli.common import DEFAULT_DATASET, DbOption, fail, msg, open_store
from annotator.core.labels import (
    check_name,
    describe_mapping,
    edited_label,
    find_label,
    mapped,
    new_label,
)
from annotator.core.model import Dataset
from annotator.services.presets import apply_preset_to, load_preset, preset_names
from annotator.store import Store

app = typer.Typer(
    help="Show and edit a dataset's labels (colour, hotkey, description) and model mapping."
)

DatasetOption = Annotated[
    str | None, typer.Option("--dataset", "-d", help=f"The dataset (default: {DEFAULT_DATASET}).")
]
ColorOption = Annotated[str | None, typer.Option("--color", help="A colour as #RRGGBB.")]
HotkeyOption = Annotated[
    str | None, typer.Option("--hotkey", help="1-9, Shift+1 to Shift+9, or 'none'.")
]
LabelArgument = Annotated[str, typer.Argument(help="The label's name, e.g. PERSON.")]
DescriptionOption = Annotated[str | None, typer.Option("--description", help="What it marks.")]


def inherited(ctx: typer.Context, name: str, value: Any) -> Any:
    """`value`, else the same option given before the subcommand (`labels --db X add`)."""
    current: Any = ctx
    while value is None and current.parent is not None:
        current = current.parent
        value = current.params.get(name)
    return value


@contextlib.contextmanager
def _opened(
    ctx: typer.Context, dataset: str | None, db: str | None
) -> Iterator[tuple[Store, Dataset]]:
    name = inherited(ctx, "dataset", dataset) or DEFAULT_DATASET
    with open_store(inherited(ctx, "db", db), create=False) as store:
        yield store, store.get_dataset(name)


@app.callback(invoke_without_command=True)
def show(ctx: typer.Context, dataset: DatasetOption = None, db: DbOption = None) -> None:
    """List the labels, the model-label mapping and the model (the default)."""
    if ctx.invoked_subcommand is not None:
        return
    with _opened(ctx, dataset, db) as (store, chosen):
        counts = store.label_span_counts(chosen.id)
    rows = [
        (lb.name, lb.color, lb.hotkey or "-", counts.get(lb.name, 0), lb.description)
        for lb in chosen.labels
    ]
    msg.divider(f"Labels of {chosen.name!r}")
    if rows:
        msg.table(rows, header=("label", "colour", "hotkey", "spans", "description"))
    else:
        msg.text("No labels. Add one with: annotator labels add NAME")
    strays = {name: n for name, n in counts.items() if name not in chosen.label_names}
    if strays:
        used = ", ".join(f"{name} ({n})" for name, n in sorted(strays.items()))
        msg.warn(f"Spans also use labels the dataset does not list: {used}")
    _show_mapping(chosen)


def _show_mapping(dataset: Dataset) -> None:
    msg.divider("Model labels")
    if dataset.label_map:
        msg.table(describe_mapping(dataset.label_map), header=("model label", "becomes"))
    msg.text(
        "Other model labels are kept when the dataset has a label of that name, "
        "and dropped otherwise."
    )
    if dataset.model:
        msg.text(f"Model: {dataset.model}")
    else:
        msg.text(f"Model: not set (annotator datasets set-model {dataset.name} MODEL)")


@app.command("add")
def add(
    ctx: typer.Context,
    name: LabelArgument,
    color: ColorOption = None,
    hotkey: HotkeyOption = None,
    description: DescriptionOption = None,
    dataset: DatasetOption = None,
    db: DbOption = None,
) -> None:
    """Add a label (default colour by name, next free hotkey)."""
    with _opened(ctx, dataset, db) as (store, chosen):
        label = new_label(
            chosen.labels, name, color=color, hotkey=hotkey, description=description or ""
        )
        store.add_labels(chosen.id, [label])
    msg.good(f"Added label {name} to {chosen.name!r} ({label.color}, hotkey {_key(label.hotkey)})")
    if label.hotkey is None and hotkey is None:
        msg.info("All 18 hotkeys are taken, so it has none.")


def _key(hotkey: str | None) -> str:
    return hotkey or "none"


@app.command("edit")
def edit(
    ctx: typer.Context,
    name: LabelArgument,
    color: ColorOption = None,
    hotkey: HotkeyOption = None,
    description: DescriptionOption = None,
    rename: Annotated[
        str | None,
        typer.Option("--rename", help="A new name; an existing label's name merges into it."),
    ] = None,
    dataset: DatasetOption = None,
    db: DbOption = None,
) -> None:
    """Change a label; --rename also renames its spans, or merges into an existing label."""
    changed = any(value is not None for value in (color, hotkey, description))
    if rename is None and not changed:
        fail("nothing to change: give --color, --hotkey, --description or --rename")
    with _opened(ctx, dataset, db) as (store, chosen):
        label = edited_label(
            chosen.labels, name, color=color, hotkey=hotkey, description=description
        )
        if rename is not None:
            if rename in chosen.label_names and changed:
                fail(f"merging {name} into {rename} takes no other change: {rename} stays as is")
            _rename(store, chosen, name, rename)
            label = replace(label, name=rename)
        if changed:
            store.update_label(chosen.id, label)
            msg.good(
                f"Label {label.name}: {label.color}, hotkey {_key(label.hotkey)}, "
                f"description {label.description!r}"
            )


def _rename(store: Store, dataset: Dataset, old: str, new: str) -> None:
    """Rename or merge, and say what changed: neither can be undone from the window."""
    check_name(new)
    if new == old:
        fail(f"label {old} is already called {new}")
    merge = new in dataset.label_names
    moved = store.rename_label(dataset.id, old, new)
    if merge:
        msg.good(f"Merged {old} into {new} ({moved} spans moved; label {old} is gone)")
    else:
        msg.good(f"Renamed {old} to {new} ({moved} spans)")
    retargeted = sorted(m for m, t in dataset.label_map.items() if t == old)
    if retargeted:
        msg.info(f"Model labels now mapped to {new}: {', '.join(retargeted)}")


@app.command("remove")
def remove(
    ctx: typer.Context,
    name: LabelArgument,
    yes: Annotated[bool, typer.Option("--yes", "-y", help="Do not ask for confirmation.")] = False,
    dataset: DatasetOption = None,
    db: DbOption = None,
) -> None:
    """Remove a label that no span uses."""
    with _opened(ctx, dataset, db) as (store, chosen):
        find_label(chosen.labels, name)
        used = store.label_span_counts(chosen.id).get(name, 0)
        if used:
            fail(
                f"label {name} is used by {used} span(s) in {chosen.name!r}, so it was kept; "
                f"to merge them into another label: annotator labels edit {name} --rename OTHER"
            )
        if not yes:
            typer.confirm(f"Remove label {name} from dataset {chosen.name!r}?", abort=True)
        store.remove_label(chosen.id, name)
    msg.good(f"Removed label {name} from {chosen.name!r}")
    unmapped = sorted(m for m, t in chosen.label_map.items() if t == name)
    if unmapped:
        msg.info(f"Model labels no longer mapped to it: {', '.join(unmapped)}")


@app.command("map")
def map_label(
    ctx: typer.Context,
    model_label: Annotated[str, typer.Argument(help="A label the model predicts, e.g. GPE.")],
    dataset_label: Annotated[
        str | None, typer.Argument(help="The dataset label it becomes, e.g. LOC.")
    ] = None,
    drop: Annotated[bool, typer.Option("--drop", help="Drop its suggestions.")] = False,
    dataset: DatasetOption = None,
    db: DbOption = None,
) -> None:
    """Map a model label onto a dataset label, or drop it."""
    if drop == (dataset_label is not None):
        fail("give either a dataset label or --drop (not both)")
    with _opened(ctx, dataset, db) as (store, chosen):
        label_map = mapped(chosen.label_map, model_label, dataset_label, chosen.labels)
        store.save_label_map(chosen.id, label_map)
    if dataset_label is None:
        msg.good(f"Model label {model_label} is dropped: its suggestions are not shown")
    else:
        msg.good(f"Model label {model_label} -> {dataset_label}")


@app.command("unmap")
def unmap(
    ctx: typer.Context,
    model_label: Annotated[str, typer.Argument(help="A label the model predicts, e.g. GPE.")],
    dataset: DatasetOption = None,
    db: DbOption = None,
) -> None:
    """Forget a model label's mapping: kept if the dataset has a label of that name."""
    with _opened(ctx, dataset, db) as (store, chosen):
        if model_label not in chosen.label_map:
            listed = ", ".join(sorted(chosen.label_map)) or "none"
            fail(f"model label {model_label} is not mapped (mapped: {listed})")
        label_map = {m: t for m, t in chosen.label_map.items() if m != model_label}
        store.save_label_map(chosen.id, label_map)
    kept = model_label in chosen.label_names
    now = f"kept as {model_label}" if kept else "dropped (the dataset has no such label)"
    msg.good(f"Model label {model_label} is no longer mapped: it is {now}")


@app.command("preset")
def preset(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(help=f"One of: {', '.join(preset_names())}.")],
    replace_all: Annotated[
        bool, typer.Option("--replace", help="Make the labels and mapping exactly the preset's.")
    ] = False,
    dataset: DatasetOption = None,
    db: DbOption = None,
) -> None:
    """Add a preset's missing labels and mapping to the dataset."""
    chosen_preset = load_preset(name)
    with _opened(ctx, dataset, db) as (store, chosen):
        result = apply_preset_to(store, chosen, chosen_preset, replace=replace_all)
    added = ", ".join(result.added) or "none"
    msg.good(f"Applied preset {name} to {chosen.name!r}: labels added: {added}")
    if replace_all:
        gone = [n for n in chosen.label_names if n not in {lb.name for lb in result.labels}]
        msg.info(f"Labels removed: {', '.join(gone) or 'none'}; mapping replaced by the preset's")
    msg.text(f"Labels: {', '.join(label.name for label in result.labels)}")
