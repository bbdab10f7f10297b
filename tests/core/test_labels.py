"""The label rules: hotkeys, colours, presets and the model-label mapping."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from annotator.core.labels import (
    HOTKEYS,
    LabelError,
    LabelSet,
    apply_preset,
    check_color,
    check_hotkey,
    check_mapping,
    edited_label,
    labels_in_use_outside,
    mapped,
    new_label,
    next_free_hotkey,
    retarget,
)
from annotator.core.model import Dataset, Label
from annotator.services.presets import load_preset

PER = Label("PER", "#aa9cfc", "1")
ORG = Label("ORG", "#7aecec", "2")


def test_hotkeys_are_digits_then_shifted_digits() -> None:
    assert HOTKEYS[:2] == ("1", "2")
    assert HOTKEYS[8:10] == ("9", "Shift+1")
    assert len(HOTKEYS) == 18


def test_next_free_hotkey_fills_gaps_first() -> None:
    assert next_free_hotkey([]) == "1"
    assert next_free_hotkey([ORG]) == "1"
    assert next_free_hotkey([PER, ORG]) == "3"


def test_after_eighteen_labels_there_is_no_hotkey_left() -> None:
    labels = [Label(f"L{i}", hotkey=key) for i, key in enumerate(HOTKEYS)]
    assert next_free_hotkey(labels[:17]) == "Shift+9"
    assert next_free_hotkey(labels) is None


@given(st.sets(st.sampled_from(HOTKEYS)))
def test_next_free_hotkey_is_the_first_untaken(taken: set[str]) -> None:
    labels = [Label(f"L{i}", hotkey=key) for i, key in enumerate(sorted(taken))]
    free = next_free_hotkey(labels)
    untaken = [key for key in HOTKEYS if key not in taken]
    assert free == (untaken[0] if untaken else None)


@pytest.mark.parametrize(
    ("text", "expected"),
    [("3", "3"), ("Shift+3", "Shift+3"), ("shift+9", "Shift+9"), (" SHIFT + 1 ", "Shift+1")],
)
def test_hotkeys_are_written_one_way(text: str, expected: str) -> None:
    assert check_hotkey(text, [PER]) == expected


@pytest.mark.parametrize("text", ["0", "10", "a", "Ctrl+1", "Shift+0", "", "F1"])
def test_other_hotkeys_are_refused(text: str) -> None:
    with pytest.raises(LabelError, match="not one of 1-9 or Shift"):
        check_hotkey(text, [])


def test_a_taken_hotkey_names_its_label_unless_it_is_the_owner() -> None:
    with pytest.raises(LabelError, match="hotkey 1 is already used by label PER"):
        check_hotkey("1", [PER, ORG], owner="ORG")
    assert check_hotkey("1", [PER, ORG], owner="PER") == "1"
    assert check_hotkey("none", [PER]) is None


@pytest.mark.parametrize("text", ["red", "#fff", "#12345g", "123456", "#1234567"])
def test_colours_must_be_rrggbb(text: str) -> None:
    with pytest.raises(LabelError, match="#RRGGBB"):
        check_color(text)


def test_colours_are_stored_lower_case() -> None:
    assert check_color("#FF9561") == "#ff9561"


def test_new_label_takes_the_palette_colour_and_next_hotkey() -> None:
    assert new_label([PER, ORG], "LOC") == Label("LOC", "#ff9561", "3", "")
    with pytest.raises(LabelError, match="already has a label 'PER'"):
        new_label([PER], "PER")
    with pytest.raises(LabelError, match="contains a space"):
        new_label([PER], "NEW ONE")


def test_edited_label_changes_only_what_is_given() -> None:
    edited = edited_label([PER, ORG], "ORG", hotkey="Shift+2")
    assert edited == Label("ORG", "#7aecec", "Shift+2")
    with pytest.raises(LabelError, match="no label 'LOC' \\(labels: PER, ORG\\)"):
        edited_label([PER, ORG], "LOC", color="#000000")


def test_a_preset_adds_missing_labels_and_keeps_existing_ones() -> None:
    own_per = Label("PER", "#000000", "3", "mine")
    current = LabelSet((own_per,), {"PERSON": "", "X": "PER"})
    preset = load_preset("conll")
    result = apply_preset(current, preset.labels, preset.mapping)
    assert result.labels[0] == own_per
    assert [label.name for label in result.labels] == ["PER", "ORG", "LOC", "MISC"]
    # LOC's preset hotkey 3 is taken by our PER: it gets the next free one.
    assert [label.hotkey for label in result.labels] == ["3", "2", "1", "4"]
    assert result.added == ("ORG", "LOC", "MISC")
    assert result.label_map["PERSON"] == ""  # our entry wins
    assert result.label_map["GPE"] == "LOC"
    assert result.label_map["X"] == "PER"


def test_replacing_with_a_preset_takes_its_labels_and_mapping_whole() -> None:
    current = LabelSet((Label("PER", "#000000", "3"), Label("OLD")), {"X": "PER"})
    preset = load_preset("conll")
    result = apply_preset(current, preset.labels, preset.mapping, replace_all=True)
    assert result.labels == preset.labels
    assert result.label_map == preset.mapping
    assert result.added == ("ORG", "LOC", "MISC")


def test_labels_in_use_outside_a_set() -> None:
    assert labels_in_use_outside({"PER": 3, "GPE": 2, "DATE": 0}, [PER]) == {"GPE": 2}


def test_mapping_targets_must_be_labels() -> None:
    check_mapping({"PERSON": "PER", "DATE": ""}, [PER])
    with pytest.raises(LabelError, match="GPE maps to 'LOC', which is not a label"):
        check_mapping({"GPE": "LOC"}, [PER])
    with pytest.raises(LabelError, match="no label 'LOC'"):
        mapped({}, "GPE", "LOC", [PER])
    assert mapped({}, "GPE", None, [PER]) == {"GPE": ""}


def test_retarget_follows_a_rename_or_forgets_a_removed_label() -> None:
    label_map = {"GPE": "LOC", "FAC": "LOC", "PERSON": "PER", "DATE": ""}
    assert retarget(label_map, "LOC", "PLACE") == {
        "GPE": "PLACE",
        "FAC": "PLACE",
        "PERSON": "PER",
        "DATE": "",
    }
    assert retarget(label_map, "LOC", None) == {"PERSON": "PER", "DATE": ""}


def test_conll_preset_mapping_on_a_dataset() -> None:
    preset = load_preset("conll")
    dataset = Dataset(1, "news", labels=preset.labels, label_map=preset.mapping)
    assert dataset.map_label("PERSON") == "PER"
    assert dataset.map_label("GPE") == "LOC"
    assert dataset.map_label("ORG") == "ORG"  # unlisted, and a label of the dataset
    assert dataset.map_label("DATE") is None  # unlisted, and not a label: dropped
