"""`annotator models`: a dataset's trained versions, their figures, and which suggests."""

from __future__ import annotations

import json
import time
from pathlib import Path

import typer

from annotator.cli.common import DEFAULT_DATASET, DatasetOption, DbOption, msg, open_store
from annotator.cli.evaluate_command import JsonOption
from annotator.core.confidence import recorded_least


def models(
    dataset: DatasetOption = DEFAULT_DATASET,
    as_json: JsonOption = False,
    db: DbOption = None,
) -> None:
    """List the dataset's trained model versions with their held-out figures, training
    time and the least probability their suggestions need, and say which pipeline
    suggests for it."""
    with open_store(db, create=False) as store:
        found = store.get_dataset(dataset)
        versions = store.model_versions(found.id)
    suggesting = next((v.number for v in versions if _same(v.path, found.model)), None)
    if as_json:
        data = {
            "dataset": dataset,
            "model": found.model,
            "suggesting_version": suggesting,
            "versions": [
                {
                    "number": v.number,
                    "path": v.path,
                    "base": v.base,
                    "created_at": v.created_at,
                    "seconds": v.seconds,
                    "train_documents": v.train_documents,
                    "eval_documents": v.eval_documents,
                    "scores": v.scores.as_json(),
                    "confidence": confidence_of(Path(v.path)),
                }
                for v in versions
            ],
        }
        typer.echo(json.dumps(data, indent=2))
        return
    if not versions:
        msg.info(f"Dataset {dataset!r} has no trained versions yet: annotator train -d {dataset}")
    else:
        rows = [
            [
                f"{v.number}{' *' if v.number == suggesting else ''}",
                time.strftime("%Y-%m-%d %H:%M", time.localtime(v.created_at)),
                v.base,
                f"{v.train_documents}/{v.eval_documents}",
                f"{v.seconds:.1f}",
                f"{v.scores.micro.f * 100:.1f}",
                _sure(confidence_of(Path(v.path))),
                ", ".join(f"{k} {f.f * 100:.1f}" for k, f in sorted(v.scores.per_label.items())),
            ]
            for v in versions
        ]
        header = [
            "version",
            "trained",
            "base",
            "train/held out",
            "seconds",
            "F1",
            "sure from",
            "per label F1",
        ]
        msg.table(rows, header=header)
    if suggesting is not None:
        msg.text(f"* suggests for {dataset!r}: {found.model}")
    elif found.model:
        msg.text(f"{dataset!r} suggests with {found.model}, not a trained version")
    else:
        msg.text(f"{dataset!r} suggests with the default model (no model of its own)")


def confidence_of(folder: Path) -> float | None:
    """The least probability the version in `folder` records (`nlp/confidence.py`), read
    from its `meta.json` without loading spaCy, which would be most of this command's
    time; None when it records none or the folder cannot be read."""
    try:
        return recorded_least(json.loads((folder / "meta.json").read_text(encoding="utf-8")))
    except (OSError, ValueError):
        return None


def _sure(least: float | None) -> str:
    """The least probability a suggestion of the version needs; "-": every one counts."""
    return "-" if least is None else f"{least:.2f}"


def _same(path: str, model: str | None) -> bool:
    if model is None:
        return False
    if path == model:
        return True
    try:
        return Path(path).resolve() == Path(model).expanduser().resolve()
    except OSError:
        return False
