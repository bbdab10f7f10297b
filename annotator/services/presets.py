"""Label presets shipped in `resources/labels/`: OntoNotes, CoNLL and a compact news set."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from annotator.core.errors import AnnotatorError
from annotator.core.model import Label, label_problem
from annotator.paths import resources_dir


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
    for label in labels:
        problem = label_problem(label.name)
        if problem:
            raise AnnotatorError(f"{path}: {problem}")
    return Preset(data["name"], data.get("title", name), labels, dict(data.get("mapping", {})))
