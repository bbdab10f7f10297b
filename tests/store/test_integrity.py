"""The store knows when its file is missing, damaged, replaced or moved away."""

from __future__ import annotations

import contextlib
import os
import random
import shutil
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from annotator.core.errors import StoreDamagedError, StoreError, StoreMovedError
from annotator.core.hashing import input_hash
from annotator.core.model import Document, Label, Span, Status
from annotator.store import Store, integrity

# -- a store that is not there --------------------------------------------------------------


def test_opening_without_create_refuses_a_missing_path_and_creates_nothing(
    tmp_path: Path,
) -> None:
    missing = tmp_path / "typo" / "anotations.db"
    with pytest.raises(StoreError, match=f"no store at {missing}"):
        Store.open(missing, create=False)
    assert not missing.exists()
    assert not missing.parent.exists()


def test_opening_without_create_refuses_an_empty_file_and_leaves_it_empty(
    db_path: Path,
) -> None:
    db_path.touch()
    with pytest.raises(StoreError, match=rf"^{db_path} is empty \(0 bytes\), not a store$"):
        Store.open(db_path, create=False)
    assert db_path.stat().st_size == 0


def test_opening_without_create_opens_an_existing_store(db_path: Path) -> None:
    with Store.open(db_path) as store:
        store.create_dataset("news")
    with Store.open(db_path, create=False) as store:
        assert [d.name for d in store.list_datasets()] == ["news"]


# -- a damaged file -------------------------------------------------------------------------


def article(number: int, words: int = 60) -> tuple[Document, None]:
    text = " ".join(f"Zaha Hadid spoke in Glasgow on day {number}." for _ in range(words // 8))
    document = Document(
        id=0,
        dataset_id=0,
        text=text,
        spans=(),
        status=Status.NEW,
        meta={},
        source="wire.txt",
        input_hash=input_hash(text),
        annotator=None,
        created_at=1.0,
        updated_at=1.0,
    )
    return document, None


@contextlib.contextmanager
def held_open_elsewhere(path: Path, statement: str) -> Iterator[None]:
    """Another program has the store open (after running `statement` on it) meanwhile."""
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys; from pathlib import Path; from annotator.store import Store\n"
            f"store = Store.open(Path(sys.argv[1])); {statement}\n"
            "print('open', flush=True); sys.stdin.read(); store.close()",
            str(path),
        ],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "open"
        yield
    finally:
        holder.communicate("")
    assert holder.returncode == 0


def filled_store(path: Path, documents: int = 300) -> None:
    with Store.open(path) as store:
        dataset = store.create_dataset("news", labels=[Label("PERSON")])
        store.add_documents(dataset.id, [article(n) for n in range(documents)])


def sql(path: Path, query: str) -> Any:
    connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return connection.execute(query).fetchone()[0]
    finally:
        connection.close()


def corrupt_document_table(path: Path, *, keep_time: bool = False) -> None:
    """Write garbage over the header of the document table's root page, as a bad disk may."""
    root = sql(path, "SELECT rootpage FROM sqlite_master WHERE name = 'document'")
    page_size = sql(path, "PRAGMA page_size")
    before = path.stat()
    with path.open("r+b") as file:
        file.seek((root - 1) * page_size)
        file.write(b"\xff" * 64)
    if keep_time:  # bit rot: the file's size and time do not change
        os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))


def files(folder: Path) -> dict[str, bytes]:
    """The folder's files, but the `-shm` index (SQLite rebuilds it from the log) and an
    empty `-wal` (a read-only connection leaves one; it holds nothing)."""
    found = {p.name: p.read_bytes() for p in sorted(folder.iterdir()) if p.is_file()}
    return {
        name: content
        for name, content in found.items()
        if not name.endswith("-shm") and not (name.endswith("-wal") and not content)
    }


def test_a_corrupted_page_is_found_on_opening_and_nothing_is_written(db_path: Path) -> None:
    filled_store(db_path)
    corrupt_document_table(db_path)
    before = files(db_path.parent)
    with pytest.raises(StoreDamagedError) as caught:
        Store.open(db_path)
    message = str(caught.value)
    assert f"the store {db_path} is damaged" in message
    assert "store check" in message and "store recover" in message
    assert "\n" not in message
    assert files(db_path.parent) == before


def crashed_with_a_backup_restored_over_it(db_path: Path) -> Path:
    """A store whose program died with changes in its log, then `cp backup store`."""
    filled_store(db_path)
    backup = db_path.with_name("annotations.db.bak")
    shutil.copy(db_path, backup)
    with Store.open(db_path) as store:  # later work, checkpointed into the file
        dataset = store.find_dataset("news")
        assert dataset is not None
        store.add_documents(dataset.id, [article(n, 80) for n in range(1000, 1300)])
    crashed = db_path.parent / "crashed"
    crashed.mkdir()
    store = Store.open(db_path)
    dataset = store.find_dataset("news")
    assert dataset is not None
    store.add_documents(dataset.id, [article(n, 70) for n in range(2000, 2300)])
    for suffix in ("", "-wal", "-shm"):  # the files as a crash leaves them
        shutil.copy(f"{db_path}{suffix}", crashed / f"annotations.db{suffix}")
    store.close()
    restored = crashed / "annotations.db"
    shutil.copy(backup, restored)
    return restored


def test_a_backup_restored_beside_a_stale_log_is_found_damaged_and_left_alone(
    db_path: Path,
) -> None:
    restored = crashed_with_a_backup_restored_over_it(db_path)
    before = files(restored.parent)
    assert "annotations.db-wal" in before
    with pytest.raises(StoreDamagedError, match="is damaged"):
        Store.open(restored)
    # The log was not checkpointed into the file: the backup is still the backup.
    assert files(restored.parent) == before


CRASH_WITH_CHANGES = """
import os, sqlite3, sys
connection = sqlite3.connect(sys.argv[1], isolation_level=None)
connection.execute("PRAGMA wal_autocheckpoint = 0")
connection.execute("BEGIN")
connection.execute("UPDATE document SET text = text || ' Changed later.'")
connection.execute("COMMIT")
os._exit(0)
"""


def crashed_with_changes_in_its_log(path: Path) -> Path:
    """A clean store, a copy of it, then a program that died with saved changes in `-wal`."""
    filled_store(path, documents=50)
    backup = path.with_name("backup.db")
    shutil.copy(path, backup)
    subprocess.run([sys.executable, "-c", CRASH_WITH_CHANGES, str(path)], check=True)
    assert integrity.wal_path(path).stat().st_size > 0
    return backup


def set_times(path: Path, *, file_after_log: float) -> None:
    log = integrity.wal_path(path).stat().st_mtime
    os.utime(path, (log + file_after_log, log + file_after_log))


def changed_texts(path: Path) -> int:
    with Store.open(path) as store:
        dataset = store.get_dataset("news")
        return sum(
            document.text.endswith("Changed later.")
            for document, _ in store.iter_documents(dataset.id)
        )


def test_a_backup_copied_over_a_crashed_store_is_refused_and_left_alone(cli, db_path: Path) -> None:
    backup = crashed_with_changes_in_its_log(db_path)
    shutil.copyfile(backup, db_path)  # `cp backup store`, a minute after the crash
    set_times(db_path, file_after_log=60)
    before = files(db_path.parent)
    with pytest.raises(StoreError) as caught:
        Store.open(db_path)
    message = str(caught.value)
    assert f"the store {db_path} was replaced after its log {db_path}-wal" in message
    assert "move" in message and "store restore BACKUP" in message
    assert "\n" not in message
    out = db_path.parent / "recovered.db"
    for command in (["stats"], ["store", "check"], ["store", "recover", str(out)]):
        result = cli("--db", db_path, *command)
        assert result.code == 1, command
        assert "was replaced after its log" in result.err
        assert len(result.err.strip().splitlines()) == 1
    assert files(db_path.parent) == before  # the backup is still the backup
    assert not out.exists()
    # Moving the log away, as the message says, opens the backup as it is.
    integrity.wal_path(db_path).rename(db_path.with_name("kept-wal"))
    integrity.shm_path(db_path).unlink(missing_ok=True)
    assert changed_texts(db_path) == 0


def test_store_restore_puts_a_backup_back_beside_a_stale_log(cli, db_path: Path) -> None:
    backup = crashed_with_changes_in_its_log(db_path)
    shutil.copyfile(backup, db_path)
    set_times(db_path, file_after_log=60)
    result = cli("--db", db_path, "store", "restore", backup, "--yes")
    assert result.code == 0, result.err
    assert changed_texts(db_path) == 0
    assert cli("--db", db_path, "store", "check").code == 0


def test_a_store_another_program_has_open_is_never_taken_for_a_replaced_one(
    db_path: Path,
) -> None:
    """Its log is in use: the file's time (touched by anything) proves nothing then."""
    filled_store(db_path, documents=5)
    with held_open_elsewhere(db_path, "store.create_dataset('sport')"):
        set_times(db_path, file_after_log=60)
        with Store.open(db_path) as store:
            assert [d.name for d in store.list_datasets()] == ["news", "sport"]


@pytest.mark.parametrize("file_after_log", [-30, 0, 1.5])
def test_a_crashed_store_opens_with_the_changes_its_log_holds(
    db_path: Path, file_after_log: float
) -> None:
    """The log newer than the file, or the file written by a checkpoint just after it."""
    crashed_with_changes_in_its_log(db_path)
    set_times(db_path, file_after_log=file_after_log)
    assert changed_texts(db_path) == 50


def test_damage_found_while_reading_refuses_every_later_write(db_path: Path) -> None:
    filled_store(db_path)
    with Store.open(db_path) as store:  # opened as known clean: no check
        corrupt_document_table(db_path, keep_time=True)
        dataset = store.find_dataset("news")
        assert dataset is not None
        with pytest.raises(StoreDamagedError, match=r"is damaged .*malformed"):
            list(store.iter_documents(dataset.id))
        before = files(db_path.parent)
        with pytest.raises(StoreDamagedError, match="nothing more is written"):
            store.create_dataset("sport")
        assert files(db_path.parent) == before


def test_a_clean_store_is_not_checked_again_until_it_changes(
    db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    filled_store(db_path)
    checks: list[Path] = []
    real = integrity.problems
    monkeypatch.setattr(integrity, "problems", lambda path: checks.append(path) or real(path))
    Store.open(db_path).close()
    assert checks == []
    with db_path.open("r+b") as file:  # any write from outside the program
        file.seek(0, os.SEEK_END)
        file.write(b"\0" * 4096)
    Store.open(db_path).close()
    assert checks == [db_path]


def test_the_command_line_names_a_damaged_store_in_one_line(cli, db_path: Path) -> None:
    filled_store(db_path)
    corrupt_document_table(db_path)
    before = files(db_path.parent)
    for command in (["stats"], ["datasets"], ["export", str(db_path.parent / "out.jsonl")]):
        result = cli("--db", db_path, *command)
        assert result.code == 1
        assert "is damaged" in result.err
        assert "Unexpected" not in result.err
        assert len(result.err.strip().splitlines()) == 1
    assert files(db_path.parent) == before


def test_an_import_into_a_damaged_store_writes_nothing(cli, db_path: Path, tmp_path: Path) -> None:
    filled_store(db_path)
    corrupt_document_table(db_path)
    before = files(db_path.parent)
    incoming = tmp_path / "incoming"
    incoming.mkdir()
    (incoming / "a.txt").write_text("Zaha Hadid opened the Riverside Museum in Glasgow.")
    result = cli("--db", db_path, "import", incoming)
    assert result.code == 1 and "is damaged" in result.err
    assert files(db_path.parent) == before


# -- a file moved, deleted or replaced while open ---------------------------------------------


@pytest.mark.parametrize("how", ["moved", "deleted", "replaced"])
def test_a_write_after_the_file_went_away_is_refused_and_not_saved(
    db_path: Path, tmp_path: Path, how: str
) -> None:
    filled_store(db_path, documents=5)
    elsewhere = tmp_path / "synced" / "annotations.db"
    elsewhere.parent.mkdir()
    with Store.open(db_path) as store:
        if how == "moved":
            db_path.rename(elsewhere)
        elif how == "deleted":
            db_path.unlink()
        else:
            other = tmp_path / "other.db"
            Store.open(other).close()
            other.replace(db_path)
        with pytest.raises(StoreMovedError) as caught:
            store.create_dataset("sport")
        message = str(caught.value)
        assert f"the store {db_path} was" in message
        assert "not saved" in message
        assert [d.name for d in store.list_datasets()] == ["news"]  # nothing acknowledged
    if how == "moved":
        with Store.open(elsewhere) as moved:
            assert [d.name for d in moved.list_datasets()] == ["news"]


def test_an_import_into_a_store_moved_away_meanwhile_is_not_reported_done(
    db_path: Path, tmp_path: Path
) -> None:
    filled_store(db_path, documents=5)
    moved = tmp_path / "moved.db"
    with Store.open(db_path) as store:
        dataset = store.find_dataset("news")
        assert dataset is not None

        def documents_while_the_file_moves():
            yield article(100)
            db_path.rename(moved)
            yield article(101)

        with pytest.raises(StoreMovedError):
            store.add_documents(dataset.id, documents_while_the_file_moves())
    assert sql(moved, "SELECT count(*) FROM document") == 5


def test_a_read_after_the_file_was_deleted_never_leaves_an_empty_store_there(
    db_path: Path,
) -> None:
    """A read that needs a new connection (another one is busy streaming) must not make
    SQLite create an empty file where the store was: a sync client would upload it."""
    filled_store(db_path, documents=5)
    with Store.open(db_path) as store:
        dataset = store.find_dataset("news")
        assert dataset is not None
        streaming = store.iter_documents(dataset.id)
        next(streaming)  # holds the connection the store has open
        db_path.unlink()
        with pytest.raises(StoreMovedError, match="deleted or moved away"):
            store.list_datasets()
        streaming.close()
    assert not db_path.exists()


# -- annotator store check / backup / recover / restore --------------------------------------


def corrupt_a_leaf_of(path: Path, table: str) -> int:
    """Garbage over one leaf page in the middle of `table`; how many rows it held."""
    connection = sqlite3.connect(path)
    try:
        leaves = connection.execute(
            "SELECT pageno, ncell FROM dbstat WHERE name = ? AND pagetype = 'leaf' ORDER BY pageno",
            (table,),
        ).fetchall()
        page_size = connection.execute("PRAGMA page_size").fetchone()[0]
    finally:
        connection.close()
    assert len(leaves) > 4
    page, cells = leaves[len(leaves) // 2]
    with path.open("r+b") as file:
        file.seek((page - 1) * page_size)
        file.write(b"\x0d" + random.Random(5).randbytes(page_size - 1))
    return int(cells)


def with_spans(path: Path, documents: int) -> None:
    with Store.open(path) as store:
        dataset = store.create_dataset("news", labels=[Label("PERSON"), Label("GPE")])
        rows = []
        for number in range(documents):
            document, _ = article(number)
            spans = (Span(0, 10, "PERSON"), Span(20, 27, "GPE"))
            rows.append((replace(document, spans=spans), None))
        store.add_documents(dataset.id, rows)


def test_store_check_says_a_whole_store_is_whole(cli, db_path: Path) -> None:
    filled_store(db_path, documents=5)
    result = cli("--db", db_path, "store", "check")
    assert result.code == 0
    assert f"The store {db_path} is whole" in result.out


def test_store_check_lists_the_problems_and_what_to_do(cli, db_path: Path) -> None:
    filled_store(db_path)
    corrupt_document_table(db_path)
    result = cli("--db", db_path, "store", "check")
    assert result.code == 1
    assert f"The store {db_path} is damaged" in result.err
    assert "store recover NEW.db" in result.out and "store restore BACKUP" in result.out


def test_store_recover_into_a_missing_folder_is_said_in_one_line(
    cli, db_path: Path, tmp_path: Path
) -> None:
    filled_store(db_path, documents=5)
    result = cli("--db", db_path, "store", "recover", tmp_path / "nodir" / "r.db")
    assert result.code == 1
    assert f"the folder {tmp_path / 'nodir'} does not exist" in result.err
    assert "Unexpected" not in result.err


def test_store_recover_saves_every_readable_document_into_a_store_that_opens(
    cli, db_path: Path, tmp_path: Path
) -> None:
    with_spans(db_path, documents=2000)
    lost = corrupt_a_leaf_of(db_path, "document")
    before = files(db_path.parent)
    out = tmp_path / "elsewhere" / "recovered.db"
    out.parent.mkdir()
    result = cli("--db", db_path, "store", "recover", out)
    assert result.code == 0, result.err
    assert f"Recovered into {out}" in result.out
    assert files(db_path.parent) == before  # the damaged store is left as it was
    assert integrity.problems(out, thorough=True) == []
    with Store.open(out) as recovered:
        dataset = recovered.get_dataset("news")
        documents = [document for document, _ in recovered.iter_documents(dataset.id)]
    assert len(documents) == 2000 - lost  # the rows of the damaged page, and no other
    assert all(len(document.spans) == 2 for document in documents)
    assert sql(out, "SELECT count(*) FROM span") == 2 * len(documents)  # no orphans


def test_store_backup_copies_a_store_in_use_with_what_its_log_holds(
    cli, db_path: Path, tmp_path: Path
) -> None:
    filled_store(db_path, documents=5)
    out = tmp_path / "copy.db"
    with Store.open(db_path) as store:  # another program, with changes in the -wal
        store.create_dataset("sport")
        assert cli("--db", db_path, "store", "backup", out).code == 0
    with Store.open(out) as copy:
        assert [d.name for d in copy.list_datasets()] == ["news", "sport"]
    assert out.stat().st_mode & 0o077 == 0
    again = cli("--db", db_path, "store", "backup", out)
    assert again.code == 1 and "already exists" in again.err


def test_store_restore_puts_a_backup_back_without_the_stale_log(cli, db_path: Path) -> None:
    restored = crashed_with_a_backup_restored_over_it(db_path)
    store = restored.parent / "annotations.db"
    backup = db_path.with_name("annotations.db.bak")
    result = cli("--db", store, "store", "restore", backup, "--yes")
    assert result.code == 0, result.err
    with Store.open(store) as reopened:
        dataset = reopened.get_dataset("news")
        assert reopened.count_documents(dataset.id) == 300  # the backup, whole
    (aside,) = restored.parent.glob("annotations.db.replaced-*[0-9]")
    assert f"kept as {aside}" in result.out
    assert Path(f"{aside}-wal").exists()  # the old file keeps its log


def test_store_restore_leaves_no_files_beside_the_backup(
    cli, db_path: Path, tmp_path: Path
) -> None:
    filled_store(db_path, documents=5)
    kept = tmp_path / "kept"
    kept.mkdir()
    backup = kept / "backup.db"
    assert cli("--db", db_path, "store", "backup", backup).code == 0
    before = [p.name for p in kept.iterdir()]
    result = cli("--db", db_path, "store", "restore", backup, "--yes")
    assert result.code == 0, result.err
    assert sorted(p.name for p in kept.iterdir()) == sorted(before)  # no -wal, no -shm
    with Store.open(db_path) as store:
        assert store.count_documents(store.get_dataset("news").id) == 5


def test_store_restore_is_refused_while_another_program_has_the_store_open(
    cli, db_path: Path, tmp_path: Path
) -> None:
    filled_store(db_path, documents=5)
    backup = tmp_path / "backup.db"
    with Store.open(db_path) as store:
        store.backup(backup)
    with held_open_elsewhere(db_path, "store.list_datasets()"):
        result = cli("--db", db_path, "store", "restore", backup, "--yes")
    assert result.code == 1
    assert "is open in another annotator" in result.err
    assert not list(tmp_path.glob("*.replaced-*"))
