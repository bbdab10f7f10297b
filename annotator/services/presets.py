"""Label presets shipped in `resources/labels/`: OntoNotes, CoNLL and a compact news set.

A preset gives a dataset its labels (name, colour, hotkey, description) and a mapping of
model labels onto them (CoNLL maps GPE to LOC), either when the dataset is created or later.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, replace
from pathlib import Path

from annotator.core.errors import AnnotatorError
from annotator.core.labels import (
    LabelError,
    LabelSet,
    apply_preset,
    check_color,
    check_hotkey,
    check_mapping,
    labels_in_use_outside,
)
from annotator.core.model import Dataset, Label, label_problem
from annotator.paths import resources_dir
from annotator.store import Store


@dataclass(frozen=True, slots=True)
class Preset:
    name: str
    title: str
    labels: tuple[Label, ...]
    mapping: dict[str, str]  # model label -> preset label (e.g. GPE -> LOC)


def preset_names(folder: Path | None = None) -> list[str]:
    folder = folder or resources_dir() / "labels"
    return sorted(path.stem for path in folder.glob("*.json"))


def load_preset(name: str, folder: Path | None = None) -> Preset:
    folder = folder or resources_dir() / "labels"
    path = folder / f"{name}.json"
    if not path.is_file():
        raise AnnotatorError(
            f"there is no label preset {name!r} (presets: {', '.join(preset_names(folder))})"
        )
    data = json.loads(path.read_text(encoding="utf-8"))
    labels = tuple(
        Label(item["name"], item["color"], item.get("hotkey"), item.get("description", ""))
        for item in data["labels"]
    )
    mapping = {str(k): str(v) for k, v in data.get("mapping", {}).items()}
    try:
        labels = _checked(labels)
        check_mapping(mapping, labels)
    except LabelError as error:
        raise AnnotatorError(f"{path}: {error}") from None
    return Preset(data["name"], data.get("title", name), labels, mapping)


def _checked(labels: tuple[Label, ...]) -> tuple[Label, ...]:
    """The labels with their names, colours and hotkeys checked and written one way."""
    done: list[Label] = []
    for label in labels:
        problem = label_problem(label.name)
        if problem:
            raise LabelError(problem)
        hotkey = None if label.hotkey is None else check_hotkey(label.hotkey, done)
        done.append(replace(label, color=check_color(label.color), hotkey=hotkey))
    return tuple(done)


def apply_preset_to(store: Store, dataset: Dataset, preset: Preset, *, replace: bool) -> LabelSet:
    """Give `dataset` the preset's labels and mapping; return the label set it now has.

    Without `replace` the preset's missing labels and mapping entries are added; with it
    the dataset's labels and mapping become the preset's, refused while spans use a label
    the preset lacks.
    """
    if replace:
        lost = labels_in_use_outside(store.label_span_counts(dataset.id), preset.labels)
        if lost:
            used = ", ".join(f"{name} ({n} spans)" for name, n in lost.items())
            raise AnnotatorError(
                f"the {preset.name} preset lacks labels that spans use: {used}. Merge them "
                "into preset labels first (annotator labels edit LABEL --rename NEW), or apply "
                "the preset without --replace to keep them"
            )
    current = LabelSet(dataset.labels, dict(dataset.label_map))
    result = apply_preset(current, preset.labels, preset.mapping, replace_all=replace)
    store.set_labels(dataset.id, result.labels, result.label_map)
    return result
