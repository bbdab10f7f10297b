"""The command line as a user types it: import, datasets, stats, errors."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from annotator import __version__


def test_version(cli) -> None:
    result = cli("--version")
    assert (result.code, result.out.strip()) == (0, f"annotator {__version__}")


def test_python_dash_m_is_the_same_program(tmp_path: Path) -> None:
    env = {**os.environ, "ANNOTATOR_DB": str(tmp_path / "s.db")}
    done = subprocess.run(
        [sys.executable, "-m", "annotator", "--version"], capture_output=True, text=True, env=env
    )
    assert done.returncode == 0
    assert done.stdout.strip() == f"annotator {__version__}"


def test_start_shows_the_store_and_its_datasets(cli, db_path: Path, tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("Kyiv hosted the talks.", encoding="utf-8")
    assert cli("import", tmp_path / "a.txt", "--dataset", "news", "--db", db_path).code == 0
    result = cli("--db", db_path)
    assert result.code == 0
    assert str(db_path) in result.out
    assert "news: 1 documents, 0 done" in result.out


def test_the_environment_variable_points_at_the_store(cli, tmp_path: Path, monkeypatch) -> None:
    target = tmp_path / "elsewhere.db"
    monkeypatch.setenv("ANNOTATOR_DB", str(target))
    (tmp_path / "a.txt").write_text("Quito is high.", encoding="utf-8")
    assert cli("import", tmp_path / "a.txt").code == 0
    assert target.is_file()


def test_import_reports_counts_and_refusals(cli, db_path: Path, tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("Lagos traffic.", encoding="utf-8")
    (tmp_path / "b.txt").write_bytes(b"\xff\xfe\x00")
    refused = cli("import", tmp_path, "--db", db_path)
    assert refused.code == 1
    assert f"{tmp_path / 'b.txt'}: is UTF-16" in refused.err
    assert "Nothing imported" in refused.err
    assert "Traceback" not in refused.out + refused.err

    partial = cli("import", tmp_path, "--skip-invalid", "--db", db_path)
    assert partial.code == 0
    assert "Imported 1 document(s) into dataset 'default'" in partial.out
    assert "Skipped 1 invalid" in partial.err


def test_unknown_format_is_refused(cli, db_path: Path, tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("x y", encoding="utf-8")
    result = cli("import", tmp_path / "a.txt", "--format", "excel", "--db", db_path)
    assert result.code == 1
    assert "unknown format 'excel'" in result.err


def test_datasets_create_list_rename_delete(cli, db_path: Path) -> None:
    assert cli("datasets", "create", "news", "--labels", "PERSON,ORG", "--db", db_path).code == 0
    listing = cli("datasets", "--db", db_path)
    assert "news" in listing.out
    assert "PERSON, ORG" in listing.out

    duplicate = cli("datasets", "create", "news", "--db", db_path)
    assert duplicate.code == 1
    assert "already exists" in duplicate.err

    assert cli("datasets", "rename", "news", "world", "--db", db_path).code == 0
    assert "world" in cli("datasets", "--db", db_path).out

    assert cli("datasets", "delete", "world", "--yes", "--db", db_path).code == 0
    assert "No datasets" in cli("datasets", "--db", db_path).out


def test_delete_asks_first(db_path: Path) -> None:
    env = {**os.environ, "ANNOTATOR_DB": str(db_path)}
    run = [sys.executable, "-m", "annotator"]
    subprocess.run([*run, "datasets", "create", "keep"], env=env, check=True, capture_output=True)
    answered_no = subprocess.run(
        [*run, "datasets", "delete", "keep"], input="n\n", text=True, capture_output=True, env=env
    )
    assert answered_no.returncode == 1
    listing = subprocess.run([*run, "datasets"], env=env, capture_output=True, text=True)
    assert "keep" in listing.stdout


def test_bad_label_names_are_refused(cli, db_path: Path) -> None:
    result = cli("datasets", "create", "news", "--labels", "GOOD,BAD LABEL", "--db", db_path)
    assert result.code == 1
    assert "'BAD LABEL' contains a space" in result.err


def test_unknown_dataset_names_the_existing_ones(cli, db_path: Path) -> None:
    cli("datasets", "create", "alpha", "--db", db_path)
    result = cli("datasets", "rename", "beta", "gamma", "--db", db_path)
    assert result.code == 1
    assert "no dataset named 'beta' (datasets: alpha)" in result.err


def test_stats_json(cli, db_path: Path, tmp_path: Path) -> None:
    for name, text in (("a.txt", "One."), ("b.txt", "Two.")):
        (tmp_path / name).write_text(text, encoding="utf-8")
    cli("import", tmp_path, "--dataset", "news", "--db", db_path)
    result = cli("stats", "--dataset", "news", "--json", "--db", db_path)
    assert result.code == 0
    assert json.loads(result.out)["documents"] == {"new": 2}


def test_a_store_that_is_not_a_store_is_named(cli, tmp_path: Path) -> None:
    bogus = tmp_path / "notes.db"
    bogus.write_text("these are my notes, not a database\n" * 100, encoding="utf-8")
    before = bogus.read_bytes()
    result = cli("stats", "--db", bogus)
    assert result.code == 1
    assert "not an annotator store" in result.err
    assert bogus.read_bytes() == before


def test_a_dataset_can_start_from_a_label_preset(cli, db_path: Path) -> None:
    result = cli(
        "datasets", "create", "wire", "--preset", "conll", "--labels", "DATE", "--db", db_path
    )
    assert result.code == 0
    assert "PER, ORG, LOC, MISC, DATE" in cli("datasets", "--db", db_path).out
    unknown = cli("datasets", "create", "other", "--preset", "nope", "--db", db_path)
    assert unknown.code == 1
    assert "no label preset 'nope' (presets: conll, news, ontonotes)" in unknown.err


def test_a_preset_dataset_refuses_labels_it_does_not_have(
    cli, db_path: Path, tmp_path: Path
) -> None:
    cli("datasets", "create", "wire", "--preset", "conll", "--db", db_path)
    record = {
        "text": "Ada Lovelace wrote notes.",
        "spans": [{"start": 0, "end": 12, "label": "PERSON"}],
    }
    (tmp_path / "a.jsonl").write_text(json.dumps(record) + "\n", encoding="utf-8")
    refused = cli("import", tmp_path / "a.jsonl", "--dataset", "wire", "--db", db_path)
    assert refused.code == 1
    assert f"{tmp_path / 'a.jsonl'}:1: span 0-12 'PERSON': unknown label 'PERSON'" in refused.err
    accepted = cli(
        "import", tmp_path / "a.jsonl", "--dataset", "wire", "--add-labels", "--db", db_path
    )
    assert accepted.code == 0
    assert "New labels: PERSON" in accepted.out


def test_starting_the_command_line_does_not_load_spacy() -> None:
    """spaCy takes about a second to import; only commands that tokenize may pay for it."""
    probe = "import sys, annotator.cli; print(sorted({'spacy', 'thinc'} & set(sys.modules)))"
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"


def test_import_says_what_it_did_not_import(cli, db_path: Path, tmp_path: Path) -> None:
    (tmp_path / "doc.txt").write_text("Sony bought Ericsson.\n", encoding="utf-8")
    (tmp_path / "doc.ann").write_text(
        "T1\tOrganization 0 4\tSony\nT2\tOrganization 12 20\tEricsson\n"
        "R1\tBought Arg1:T1 Arg2:T2\n",
        encoding="utf-8",
    )
    result = cli("import", tmp_path / "doc.txt", "--db", db_path)
    assert result.code == 0
    assert "Not imported (annotator keeps continuous entity spans only): relation (1)" in result.err


def test_usage_errors_are_explained_without_a_traceback(cli) -> None:
    for args in (("import", "--bogus"), ("nosuchcommand",)):
        result = cli(*args)
        assert result.code == 2
        assert "Error:" in result.err
        assert "Traceback" not in result.out + result.err


def test_db_given_before_the_command_is_used_by_it(cli, tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("Accra is coastal.", encoding="utf-8")
    target = tmp_path / "chosen.db"
    assert cli("--db", target, "import", tmp_path / "a.txt").code == 0
    result = cli("--db", target, "stats", "--json")
    assert json.loads(result.out)["documents"] == {"new": 1}


def test_stopping_suggest_says_what_is_kept(cli, db_path: Path, monkeypatch) -> None:
    def stopped(*_args: object, **_kwargs: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr("annotator.cli.suggest_command.suggest_dataset", stopped)
    assert cli("datasets", "create", "default", "--db", db_path).code == 0
    result = cli("suggest", "--db", db_path)
    assert result.code == 130
    assert "Suggestions saved so far are kept; run suggest again" in result.err


def test_plain_articles_in_a_new_dataset_get_the_news_labels(
    cli, db_path: Path, tmp_path: Path
) -> None:
    (tmp_path / "a.txt").write_text("Lagos traffic slowed on Monday.", encoding="utf-8")
    result = cli("import", tmp_path / "a.txt", "--dataset", "wire", "--db", db_path)
    assert result.code == 0
    assert "has the news labels (PERSON, ORG, GPE" in result.out
    labels = cli("labels", "--dataset", "wire", "--db", db_path).out
    assert "PERSON" in labels and "EVENT" in labels

    # another preset, or none; an existing dataset keeps the labels it has
    for name, preset in (("c", "conll"), ("n", "none")):
        imported = cli(
            "import", tmp_path / "a.txt", "-d", name, "--preset", preset, "--db", db_path
        )
        assert imported.code == 0
    (tmp_path / "b.txt").write_text("Quito is high.", encoding="utf-8")
    again = cli("import", tmp_path / "b.txt", "--dataset", "c", "--db", db_path)
    assert "labels (" not in again.out
    listed = cli("datasets", "--db", db_path).out
    assert "PER, ORG, LOC, MISC" in listed
    assert [line.split()[-1] for line in listed.splitlines() if line.startswith("n ")] == ["-"]


def test_an_unknown_preset_is_refused_before_anything_is_written(
    cli, db_path: Path, tmp_path: Path
) -> None:
    (tmp_path / "a.txt").write_text("Lagos traffic.", encoding="utf-8")
    result = cli("import", tmp_path / "a.txt", "--preset", "sports", "--db", db_path)
    assert result.code == 1
    assert "there is no label preset 'sports' (presets: conll, news, ontonotes)" in result.err
    assert "Traceback" not in result.out + result.err
    assert "default" not in cli("datasets", "--db", db_path).out


@pytest.mark.parametrize(
    "command",
    [
        ("stats",),
        ("stats", "--json"),
        ("datasets",),
        ("labels",),
        ("documents", "list"),
        ("documents", "show", "1"),
        ("suggest",),
        ("datasets", "set-lang", "default", "de"),
        ("export", "out.jsonl"),
        ("store", "backup", "copy.db"),
    ],
)
def test_a_command_that_needs_a_store_leaves_none_at_a_mistyped_path(
    cli, tmp_path: Path, command: tuple[str, ...]
) -> None:
    mistyped = tmp_path / "anotations.db"
    command = tuple(str(tmp_path / a) if a.endswith((".jsonl", ".db")) else a for a in command)
    result = cli(*command, "--db", mistyped)
    assert result.code == 1
    assert result.err.strip().startswith(f"\u2718 no store at {mistyped}")
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(
    "command",
    [
        ("stats",),
        ("datasets",),
        ("documents", "list"),
        ("export", "out.jsonl"),
        ("store", "check"),
        ("store", "backup", "copy.db"),
        ("store", "recover", "new.db"),
    ],
)
def test_a_command_that_needs_a_store_says_an_empty_file_is_empty(
    cli, tmp_path: Path, command: tuple[str, ...]
) -> None:
    empty = tmp_path / "annotations.db"
    empty.touch()
    command = tuple(str(tmp_path / a) if a.endswith((".jsonl", ".db")) else a for a in command)
    result = cli(*command, "--db", empty)
    assert result.code == 1
    assert result.err.strip() == f"\u2718 {empty} is empty (0 bytes), not a store"
    assert [p.name for p in tmp_path.iterdir()] == ["annotations.db"]
    assert empty.stat().st_size == 0


def test_stats_shows_one_dataset_like_every_command_and_says_which(
    cli, db_path: Path, tmp_path: Path
) -> None:
    """It used to total every dataset, unannounced, where other commands use `default`."""
    for name, dataset in (("a.txt", "default"), ("b.txt", "default"), ("c.txt", "wire")):
        (tmp_path / name).write_text(f"Article {name}.", encoding="utf-8")
        assert cli("import", tmp_path / name, "-d", dataset, "--db", db_path).code == 0
    plain = cli("stats", "--db", db_path)
    assert plain.out.splitlines()[0] == "\u2139 Statistics of dataset 'default'"
    assert "Documents (2)" in plain.out
    wire = json.loads(cli("stats", "-d", "wire", "--json", "--db", db_path).out)
    assert (wire["dataset"], wire["datasets"], wire["documents"]) == ("wire", ["wire"], {"new": 1})
    every = cli("stats", "--all", "--db", db_path)
    assert every.out.splitlines()[0] == "\u2139 Statistics of all 2 datasets (default, wire)"
    assert "Documents (3)" in every.out
    assert cli("stats", "--all", "-d", "wire", "--db", db_path).code == 1
    cli("datasets", "rename", "default", "news", "--db", db_path)
    missing = cli("stats", "--db", db_path)
    assert missing.err.strip() == (
        "\u2718 there is no dataset named 'default' (datasets: news, wire); "
        "pick one with --dataset NAME, or see them all with --all"
    )
