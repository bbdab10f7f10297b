"""The rules of a dataset's label set: names, colours, hotkeys, presets and the model mapping.

Pure functions over `Label` values. Each check raises `LabelError` with a message a user
can act on; nothing here reads or writes the store.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace

from annotator.core.errors import AnnotatorError
from annotator.core.model import Label, label_problem
from annotator.core.palette import color_for

# The keys that pick a label in the window, in the order new labels receive them.
HOTKEYS: tuple[str, ...] = (
    *(str(n) for n in range(1, 10)),
    *(f"Shift+{n}" for n in range(1, 10)),
)
NO_HOTKEY = "none"  # what a user types to take a label's hotkey away

_COLOR = re.compile(r"#[0-9a-fA-F]{6}")
_HOTKEY = re.compile(r"(?:shift\s*\+\s*)?([1-9])", re.IGNORECASE)


class LabelError(AnnotatorError):
    """A label change the rules refuse; nothing was written."""


def check_name(name: str) -> str:
    problem = label_problem(name)
    if problem:
        raise LabelError(problem)
    return name


def check_color(text: str) -> str:
    """`text` as a lower-case `#rrggbb` colour."""
    if not _COLOR.fullmatch(text):
        raise LabelError(f"colour {text!r} is not of the form #RRGGBB (e.g. #ff9561)")
    return text.lower()


def check_hotkey(text: str, labels: Sequence[Label], *, owner: str | None = None) -> str | None:
    """`text` as a hotkey (or None for "none"), refused when another label than `owner` has it."""
    if text.strip().lower() == NO_HOTKEY:
        return None
    found = _HOTKEY.fullmatch(text.strip())
    if not found:
        raise LabelError(f"hotkey {text!r} is not one of 1-9 or Shift+1 to Shift+9 (or 'none')")
    hotkey = f"Shift+{found.group(1)}" if "+" in text else found.group(1)
    held = label_with_hotkey(labels, hotkey, besides=owner)
    holder = held.name if held is not None else None
    if holder is not None:
        raise LabelError(
            f"hotkey {hotkey} is already used by label {holder}; "
            f"give {holder} another hotkey (or 'none') first"
        )
    return hotkey


def label_with_hotkey(
    labels: Sequence[Label], hotkey: str, *, besides: str | None = None
) -> Label | None:
    """The label (other than the one named `besides`) that `hotkey` labels with, if any."""
    return next((lb for lb in labels if lb.hotkey == hotkey and lb.name != besides), None)


def next_free_hotkey(labels: Sequence[Label]) -> str | None:
    """The first of 1..9, Shift+1..Shift+9 that no label has; None when all 18 are taken."""
    taken = {label.hotkey for label in labels}
    return next((key for key in HOTKEYS if key not in taken), None)


def find_label(labels: Sequence[Label], name: str) -> Label:
    for label in labels:
        if label.name == name:
            return label
    known = ", ".join(label.name for label in labels) or "none yet"
    raise LabelError(f"the dataset has no label {name!r} (labels: {known})")


def new_label(
    labels: Sequence[Label],
    name: str,
    *,
    color: str | None = None,
    hotkey: str | None = None,
    description: str = "",
) -> Label:
    """A label to add to `labels`, with the default colour and the next free hotkey."""
    check_name(name)
    if any(label.name == name for label in labels):
        raise LabelError(f"the dataset already has a label {name!r}")
    return Label(
        name,
        check_color(color) if color is not None else color_for(name),
        check_hotkey(hotkey, labels) if hotkey is not None else next_free_hotkey(labels),
        description,
    )


def edited_label(
    labels: Sequence[Label],
    name: str,
    *,
    color: str | None = None,
    hotkey: str | None = None,
    description: str | None = None,
) -> Label:
    """Label `name` with the given fields changed (None leaves a field as it is)."""
    label = find_label(labels, name)
    if color is not None:
        label = replace(label, color=check_color(color))
    if hotkey is not None:
        label = replace(label, hotkey=check_hotkey(hotkey, labels, owner=name))
    if description is not None:
        label = replace(label, description=description)
    return label


@dataclass(frozen=True, slots=True)
class LabelSet:
    """A dataset's labels with its model-label mapping, as a preset leaves them."""

    labels: tuple[Label, ...]
    label_map: dict[str, str]
    added: tuple[str, ...] = ()  # names of the labels that were not there before


def apply_preset(
    current: LabelSet,
    preset_labels: Sequence[Label],
    preset_map: Mapping[str, str],
    *,
    replace_all: bool = False,
) -> LabelSet:
    """The label set after applying a preset.

    By default the preset's missing labels are added: existing labels keep their colour,
    hotkey and description, and existing mapping entries win over the preset's; a preset
    hotkey that is taken becomes the next free one. `replace_all` makes the label set and
    mapping exactly the preset's (the caller checks that no span loses its label).
    """
    before = {label.name for label in current.labels}
    if replace_all:
        added = tuple(label.name for label in preset_labels if label.name not in before)
        return LabelSet(tuple(preset_labels), dict(preset_map), added)
    labels = list(current.labels)
    for label in preset_labels:
        if label.name in before:
            continue
        if label.hotkey is None or label.hotkey in {other.hotkey for other in labels}:
            label = replace(label, hotkey=next_free_hotkey(labels))
        labels.append(label)
    label_map = {**preset_map, **current.label_map}
    check_mapping(label_map, labels)
    added = tuple(label.name for label in labels if label.name not in before)
    return LabelSet(tuple(labels), label_map, added)


def labels_in_use_outside(
    span_counts: Mapping[str, int], labels: Sequence[Label]
) -> dict[str, int]:
    """The labels spans use that are not in `labels`, with their span counts."""
    names = {label.name for label in labels}
    return {name: n for name, n in sorted(span_counts.items()) if n and name not in names}


def check_mapping(label_map: Mapping[str, str], labels: Sequence[Label]) -> None:
    """Every mapping target is a label of the dataset ("" drops the model label)."""
    names = {label.name for label in labels}
    for model_label, target in sorted(label_map.items()):
        if target and target not in names:
            raise LabelError(
                f"model label {model_label} maps to {target!r}, which is not a label of the "
                f"dataset (labels: {', '.join(sorted(names)) or 'none yet'})"
            )


def mapped(
    label_map: Mapping[str, str], model_label: str, target: str | None, labels: Sequence[Label]
) -> dict[str, str]:
    """The mapping with `model_label` sent to `target` (None: dropped)."""
    check_name(model_label)
    if target is not None:
        find_label(labels, target)
    return {**label_map, model_label: target or ""}


def retarget(label_map: Mapping[str, str], old: str, new: str | None) -> dict[str, str]:
    """The mapping after label `old` became `new`; entries onto `old` go when `new` is None."""
    if new is None:
        return {model: target for model, target in label_map.items() if target != old}
    return {model: new if target == old else target for model, target in label_map.items()}


def describe_mapping(label_map: Mapping[str, str]) -> list[tuple[str, str]]:
    """(model label, what it becomes) rows, "dropped" for the model labels not shown."""
    return [(model, target or "dropped") for model, target in sorted(label_map.items())]
