"""Stores written by every released schema open after a backup; a newer store is refused.

`tests/store/data/annotations-vN.db` is a store as schema N wrote it (v1 by annotator
0.1.0, v2 by `tests/store/data/make_fixtures.py`). Each must open in this version, with a
backup of the old file next to it whenever a migration runs. A store written by a later
version than this one must be refused with a message that says so, and left exactly as
it was: not migrated, not switched to WAL, not even touched.
"""

from __future__ import annotations

import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from annotator.core.errors import StoreError
from annotator.core.model import SpanState, Status
from annotator.store import SCHEMA_VERSION, Store

DATA = Path(__file__).parents[1] / "store" / "data"
FIXTURES = sorted(DATA.glob("annotations-v*.db"))


def pragma(path: Path, name: str) -> int | str:
    connection = sqlite3.connect(path)
    try:
        return connection.execute(f"PRAGMA {name}").fetchone()[0]  # type: ignore[no-any-return]
    finally:
        connection.close()


def rows(path: Path, table: str) -> int:
    connection = sqlite3.connect(path)
    try:
        return int(connection.execute(f"SELECT count(*) FROM {table}").fetchone()[0])
    finally:
        connection.close()


def test_every_released_schema_has_a_fixture() -> None:
    versions = sorted(int(pragma(path, "user_version")) for path in FIXTURES)
    assert versions == list(range(1, SCHEMA_VERSION + 1))


@pytest.mark.parametrize("fixture", FIXTURES, ids=lambda path: path.stem)
def test_a_store_of_each_schema_opens_with_a_backup_when_it_is_migrated(
    fixture: Path, tmp_path: Path
) -> None:
    path = tmp_path / "annotations.db"
    shutil.copyfile(fixture, path)
    version = int(pragma(path, "user_version"))
    counts = {table: rows(path, table) for table in ("dataset", "document", "span")}
    # ada decided on the first document in every fixture: the store opened as her shows
    # her version whether read by id or streamed.
    with Store.open(path, annotator="ada") as store:
        (dataset,) = store.list_datasets()
        documents = [document for document, _ in store.iter_documents(dataset.id)]
        assert len(documents) == counts["document"] > 0
        reopened = store.get_document(documents[0].id)  # one read by id, one streamed
        assert reopened == documents[0]
        # Every span is in one version, or in the shared input (which someone without a
        # version of their own sees): none lost, none made.
        versions = sum(len(v.spans) for d in documents for v in store.versions_of(d.id))
        store.annotator = "nobody"
        shared = sum(len(store.get_document(d.id).spans) for d in documents)
        assert versions + shared == counts["span"] > 0
    assert pragma(path, "user_version") == SCHEMA_VERSION
    assert pragma(path, "integrity_check") == "ok"
    backup = path.with_name(f"annotations.db.bak-v{version}")
    if version < SCHEMA_VERSION:
        assert pragma(backup, "user_version") == version
        assert {t: rows(backup, t) for t in counts} == counts
        assert backup.stat().st_mode & 0o077 == 0  # readable by the user only
    else:
        assert not backup.exists()
    made = {p.name for p in tmp_path.iterdir()} - {path.name, backup.name}
    assert made <= {"annotations.db-wal", "annotations.db-shm", ".annotations.db.checked"}


def test_the_schema_2_fixture_keeps_every_state_tokens_and_the_suggester_mark(
    tmp_path: Path,
) -> None:
    path = tmp_path / "annotations.db"
    shutil.copyfile(DATA / "annotations-v2.db", path)
    with Store.open(path) as store:
        dataset = store.get_dataset("fixture")
        assert dataset.label_names == ("PERSON", "GPE", "ORG")
        items = list(store.iter_documents(dataset.id, with_tokens=True))
        documents = [document for document, _ in items]
        assert [d.status for d in documents] == [
            Status.DONE,
            Status.IN_PROGRESS,
            Status.NEW,
            Status.REJECTED,
        ]
        states = {s.state for d in documents for s in d.spans}
        assert states == set(SpanState)
        first, second = documents[0], documents[1]
        assert [(first.covered_text(s), s.label, s.state) for s in first.spans] == [
            ("Angela Merkel", "PERSON", SpanState.ACCEPTED),
            ("Emmanuel Macron", "PERSON", SpanState.SUGGESTED),
            ("Berlin", "GPE", SpanState.SUGGESTED),
            ("Monday", "ORG", SpanState.REJECTED),
        ]
        assert second.covered_text(second.spans[0]) == "😀"  # code points, not UTF-16
        assert "\r\n" in documents[2].text  # text never rewritten
        assert [tokens is not None for _, tokens in items] == [True, True, False, False]
        assert [store.was_suggested(d.id) for d in documents] == [True, True, False, False]
        assert first.annotator == "ada"


def test_an_upgrade_to_versions_gives_each_document_to_its_annotator_else_the_opener(
    tmp_path: Path,
) -> None:
    """Schema 3 -> 4: what the documents record as theirs becomes each person's version;
    work that names nobody goes to whoever opens the store for the upgrade, so one person's
    store shows them their work unchanged; untouched suggestions become the shared input."""
    path = tmp_path / "annotations.db"
    shutil.copyfile(DATA / "annotations-v3.db", path)
    before = sqlite3.connect(path)
    try:
        recorded = dict(before.execute("SELECT id, coalesce(annotator, '') FROM document"))
        spans = dict(before.execute("SELECT document_id, count(*) FROM span GROUP BY 1"))
    finally:
        before.close()
    with Store.open(path, annotator="Opener") as store:
        dataset = store.get_dataset("fixture")
        ids = store.document_ids(dataset.id)
        owners = {i: sorted(v.annotator or "" for v in store.versions_of(i)) for i in ids}
        for document_id in ids:
            if recorded[document_id]:
                assert owners[document_id] == [recorded[document_id]]
        third = store.get_document(ids[2])  # new, nobody's: no version
        assert owners[ids[2]] == [] and third.annotator is None
        for document_id in ids:
            versions = store.versions_of(document_id)
            seen = versions[0].spans if versions else store.get_document(document_id).spans
            assert len(seen) == spans.get(document_id, 0)  # nothing lost
    assert path.with_name("annotations.db.bak-v3").is_file()


@pytest.fixture(params=["delete", "wal"])
def newer_store(request: pytest.FixtureRequest, tmp_path: Path) -> Path:
    """The schema 2 fixture as a later version would leave it: a higher user_version."""
    path = tmp_path / "annotations.db"
    shutil.copyfile(DATA / "annotations-v2.db", path)
    connection = sqlite3.connect(path)
    try:
        connection.execute(f"PRAGMA journal_mode = {request.param}")
        connection.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    finally:
        connection.close()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["annotations.db"]
    return path


def test_a_store_from_a_newer_version_is_refused_and_left_unchanged(newer_store: Path) -> None:
    before = newer_store.read_bytes()
    with pytest.raises(StoreError) as caught:
        Store.open(newer_store)
    message = str(caught.value)
    assert "newer version of annotator" in message
    assert f"schema {SCHEMA_VERSION + 1}" in message and "not changed" in message
    assert newer_store.read_bytes() == before
    assert sorted(p.name for p in newer_store.parent.iterdir()) == ["annotations.db"]


def test_the_command_line_refuses_a_newer_store_in_one_line(newer_store: Path) -> None:
    before = newer_store.read_bytes()
    done = subprocess.run(
        [sys.executable, "-m", "annotator", "datasets", "--db", str(newer_store)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode != 0
    output = done.stdout + done.stderr
    assert "newer version of annotator" in output
    assert "Traceback" not in output
    assert newer_store.read_bytes() == before
    assert sorted(p.name for p in newer_store.parent.iterdir()) == ["annotations.db"]


def test_an_upgrade_to_model_versions_starts_with_none_and_the_v5_fixture_keeps_its_figures(
    tmp_path: Path,
) -> None:
    """Schema 4 -> 5 adds the trained versions' table, empty; a schema 5 store reads back
    the version it recorded, figures and all."""
    old, new = tmp_path / "v4.db", tmp_path / "v5.db"
    shutil.copyfile(DATA / "annotations-v4.db", old)
    shutil.copyfile(DATA / "annotations-v5.db", new)
    with Store.open(old) as store:
        assert store.model_versions(store.get_dataset("fixture").id) == []
        assert store.next_model_number(store.get_dataset("fixture").id) == 1
    with Store.open(new) as store:
        dataset = store.get_dataset("fixture")
        (version,) = store.model_versions(dataset.id)
        assert (version.number, version.base, version.seconds) == (1, "blank", 12.5)
        assert version.scores.per_label["PERSON"].r == 0.5
        assert round(version.scores.micro.f, 4) == 0.6667
        assert (version.train_documents, version.eval_documents) == (8, 2)
        assert store.next_model_number(dataset.id) == 2


def test_an_upgrade_to_patterns_starts_with_none_and_the_v6_fixture_keeps_its_patterns(
    tmp_path: Path,
) -> None:
    """Schema 5 -> 6 adds the imported patterns' table, empty; a schema 6 store reads back
    the patterns it recorded, ids and all, in the order they were imported."""
    old, new = tmp_path / "v5.db", tmp_path / "v6.db"
    shutil.copyfile(DATA / "annotations-v5.db", old)
    shutil.copyfile(DATA / "annotations-v6.db", new)
    with Store.open(old) as store:
        assert store.patterns(store.get_dataset("fixture").id) == []
    with Store.open(new) as store:
        dataset = store.get_dataset("fixture")
        found = store.patterns_by_file(dataset.id)
        assert [(file, p.label, p.phrase, p.tokens, p.id) for file, p in found] == [
            ("patterns.jsonl", "ORG", "Reuters", None, "reuters"),
            ("patterns.jsonl", "GPE", None, [{"LOWER": "tokyo"}], None),
        ]
