"""`annotator datasets`: list, create, rename and delete datasets; set their model and language."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from typing import Annotated

import typer

from annotator.cli.common import DbOption, fail, msg, open_store
from annotator.cli.labels_command import inherited
from annotator.core.labels import new_label
from annotator.services.datasets import create_dataset, set_language
from annotator.services.presets import load_preset, preset_names

app = typer.Typer(help="List, create, rename and delete datasets.", no_args_is_help=False)


@app.callback(invoke_without_command=True)
def list_datasets(ctx: typer.Context, db: DbOption = None) -> None:
    """List the datasets (the default when no subcommand is given)."""
    if ctx.invoked_subcommand is not None:
        return
    with open_store(inherited(ctx, "db", db), create=False) as store:
        datasets = store.list_datasets()
        if not datasets:
            msg.text("No datasets.")
            return
        rows = []
        for dataset in datasets:
            counts = store.stats(dataset.id).documents_by_status
            labels = ", ".join(dataset.label_names) or "-"
            total = sum(counts.values())
            rows.append((dataset.name, dataset.lang, total, counts.get("done", 0), labels))
        msg.table(rows, header=("dataset", "lang", "documents", "done", "labels"), divider=True)


NameArgument = Annotated[str, typer.Argument(help="The dataset's name.", show_default=False)]


@app.command("create")
def create(
    ctx: typer.Context,
    name: NameArgument,
    labels: Annotated[str, typer.Option(help="Comma-separated label names.")] = "",
    preset: Annotated[
        str | None,
        typer.Option(help=f"Start from a label preset: {', '.join(preset_names())}."),
    ] = None,
    lang: Annotated[
        str, typer.Option(help="A spaCy language code (en, de, fr, ...) for the tokenizer.")
    ] = "en",
    allow_overlap: Annotated[bool, typer.Option("--allow-overlap")] = False,
    db: DbOption = None,
) -> None:
    """Create an empty dataset, with labels from a preset and/or a list."""
    chosen_preset = load_preset(preset) if preset else None
    chosen = list(chosen_preset.labels) if chosen_preset else []
    for label_name in (n.strip() for n in labels.split(",") if n.strip()):
        if label_name not in {label.name for label in chosen}:
            chosen.append(new_label(chosen, label_name))
    with open_store(inherited(ctx, "db", db)) as store:
        created = create_dataset(
            store,
            name,
            labels=chosen,
            lang=lang,
            allow_overlap=allow_overlap,
            label_map=chosen_preset.mapping if chosen_preset else None,
        )
    msg.good(f"Created dataset {name!r} (language {created.lang})")


@app.command("set-lang")
def set_lang(
    ctx: typer.Context,
    name: NameArgument,
    lang: Annotated[str, typer.Argument(help="A spaCy language code: en, de, fr, ...")],
    db: DbOption = None,
) -> None:
    """Set the language whose tokenizer a dataset uses (import checks, the window, export)."""
    with open_store(inherited(ctx, "db", db), create=False) as store:
        dataset, old = set_language(store, name, lang)
    msg.good(f"Dataset {name!r} is in language {dataset.lang} now (was {old})")
    msg.text("Documents tokenized before keep their tokens; the others use the new language.")


@app.command("set-model")
def set_model(
    ctx: typer.Context,
    name: NameArgument,
    model: Annotated[
        str | None, typer.Argument(help="A spaCy pipeline: package name or folder.")
    ] = None,
    clear: Annotated[bool, typer.Option("--clear", help="Forget the dataset's model.")] = False,
    db: DbOption = None,
) -> None:
    """Set the spaCy model that suggests entities for a dataset (or --clear it)."""
    if clear == (model is not None):
        fail("give either a model (a spaCy package name or folder) or --clear")
    with open_store(inherited(ctx, "db", db), create=False) as store:
        dataset = store.get_dataset(name)
        store.set_model(dataset.id, model)
    if model is None:
        msg.good(f"Dataset {name!r} has no model of its own now")
        return
    msg.good(f"Dataset {name!r} suggests with {model}")
    if not _looks_installed(model):
        msg.warn(f"{model} is neither an installed package nor a folder here yet")


def _looks_installed(model: str) -> bool:
    """Whether `model` is a folder or an importable package (checked without loading it)."""
    if Path(model).expanduser().is_dir():
        return True
    try:
        return model.isidentifier() and importlib.util.find_spec(model) is not None
    except (ImportError, ValueError):
        return False


@app.command("rename")
def rename(
    ctx: typer.Context,
    old: Annotated[str, typer.Argument(help="The dataset's name now.")],
    new: Annotated[str, typer.Argument(help="Its new name.")],
    db: DbOption = None,
) -> None:
    """Rename a dataset."""
    with open_store(inherited(ctx, "db", db), create=False) as store:
        store.rename_dataset(old, new)
    msg.good(f"Renamed {old!r} to {new!r}")


@app.command("delete")
def delete(
    ctx: typer.Context,
    name: NameArgument,
    yes: Annotated[bool, typer.Option("--yes", "-y", help="Do not ask for confirmation.")] = False,
    db: DbOption = None,
) -> None:
    """Delete a dataset with all its documents and annotations."""
    with open_store(inherited(ctx, "db", db), create=False) as store:
        dataset = store.get_dataset(name)
        count = store.count_documents(dataset.id)
        if not yes:
            typer.confirm(
                f"Delete dataset {name!r} and its {count} document(s)? This cannot be undone",
                abort=True,
            )
        store.delete_dataset(name)
    msg.good(f"Deleted dataset {name!r} ({count} documents)")
