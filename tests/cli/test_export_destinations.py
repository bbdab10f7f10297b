"""Where `annotator export` writes: the store and its files never, and links, pipes,
terminals, read-only files and the standard output each as the user meant."""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import stat
import subprocess
import sys
import tty
from pathlib import Path

import pytest

ARTICLE = "Angela Merkel met Emmanuel Macron in Berlin."
TASK = {
    "text": ARTICLE,
    "spans": [{"start": 0, "end": 13, "label": "PERSON"}],
    "answer": "accept",
}


@pytest.fixture
def filled_db(cli, db_path: Path, tmp_path: Path) -> Path:
    """A store with one done document in `news` and one open one in `other`."""
    source = tmp_path / "tasks.jsonl"
    source.write_text(json.dumps(TASK) + "\n", encoding="utf-8")
    assert cli("import", source, "-d", "news", "--db", db_path).code == 0
    source.write_text(json.dumps({"text": "Still open."}) + "\n", encoding="utf-8")
    assert cli("import", source, "-d", "other", "--db", db_path).code == 0
    source.unlink()
    return db_path


def refusal(result) -> str:
    assert result.code == 1
    text = (result.out + result.err).strip()
    assert "Traceback" not in text
    assert len(text.splitlines()) == 1, text
    return text


def store_is_intact(db_path: Path) -> None:
    with sqlite3.connect(db_path) as conn:
        names = [row[0] for row in conn.execute("SELECT name FROM dataset ORDER BY name")]
        documents = conn.execute("SELECT count(*) FROM document").fetchone()[0]
    assert names == ["news", "other"]
    assert documents == 2


def exported_texts(data: bytes) -> list[str]:
    return [json.loads(line)["text"] for line in data.decode("utf-8").splitlines()]


# -- 1. the store is never a destination --------------------------------------------------


@pytest.mark.parametrize("force", [False, True])
def test_exporting_onto_the_store_is_refused_even_with_force(
    cli, filled_db: Path, force: bool
) -> None:
    extra = ("--force",) if force else ()
    result = cli("export", filled_db, "-d", "news", "--db", filled_db, *extra)
    assert "is the store being exported" in refusal(result)
    store_is_intact(filled_db)


@pytest.mark.parametrize("suffix", ["-wal", "-shm", "-journal"])
def test_the_stores_own_files_are_refused(cli, filled_db: Path, suffix: str) -> None:
    out = filled_db.with_name(filled_db.name + suffix)
    result = cli("export", out, "-d", "news", "--db", filled_db, "--force")
    assert "is the store being exported" in refusal(result)
    store_is_intact(filled_db)


def test_a_link_or_second_name_of_the_store_is_refused(
    cli, filled_db: Path, tmp_path: Path
) -> None:
    link = tmp_path / "latest.jsonl"
    link.symlink_to(filled_db)
    hard = tmp_path / "same-inode.jsonl"
    os.link(filled_db, hard)
    for out in (link, hard):
        assert "is the store being exported" in refusal(
            cli("export", out, "-d", "news", "--db", filled_db, "--force")
        )
    store_is_intact(filled_db)
    # and a store opened through a link is recognised at its real name
    assert "is the store being exported" in refusal(
        cli("export", filled_db, "-d", "news", "--db", link)
    )
    store_is_intact(filled_db)


def test_an_sqlite_database_such_as_a_backup_needs_force(
    cli, filled_db: Path, tmp_path: Path
) -> None:
    backup = filled_db.with_name(filled_db.name + ".bak-v1")
    shutil.copyfile(filled_db, backup)
    result = cli("export", backup, "-d", "news", "--db", filled_db)
    assert "is an SQLite database" in refusal(result)
    with sqlite3.connect(backup) as conn:
        assert conn.execute("SELECT count(*) FROM document").fetchone()[0] == 2
    assert cli("export", backup, "-d", "news", "--db", filled_db, "--force").code == 0
    assert exported_texts(backup.read_bytes()) == [ARTICLE]


# -- 2. what is at the destination decides how it is written --------------------------------


def test_a_symlink_is_written_through_to_its_target(cli, filled_db: Path, tmp_path: Path) -> None:
    target = tmp_path / "v3.jsonl"
    target.write_text("old export\n")
    link = tmp_path / "latest.jsonl"
    link.symlink_to(target.name)
    assert cli("export", link, "-d", "news", "--db", filled_db).code == 0
    assert link.is_symlink() and os.readlink(link) == "v3.jsonl"
    assert exported_texts(target.read_bytes()) == [ARTICLE]


def test_a_dangling_symlink_creates_its_target(cli, filled_db: Path, tmp_path: Path) -> None:
    link = tmp_path / "latest.jsonl"
    link.symlink_to("v4.jsonl")
    assert cli("export", link, "-d", "news", "--db", filled_db).code == 0
    assert link.is_symlink()
    assert exported_texts((tmp_path / "v4.jsonl").read_bytes()) == [ARTICLE]


def test_a_fifo_gets_the_data_and_stays_a_fifo(cli, filled_db: Path, tmp_path: Path) -> None:
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    reader = os.open(fifo, os.O_RDONLY | os.O_NONBLOCK)  # a reader is waiting
    try:
        assert cli("export", fifo, "-d", "news", "--db", filled_db).code == 0
        received = os.read(reader, 1 << 16)
    finally:
        os.close(reader)
    assert stat.S_ISFIFO(fifo.lstat().st_mode)
    assert exported_texts(received) == [ARTICLE]


def test_a_character_device_is_written_into_not_replaced(cli, filled_db: Path) -> None:
    """A terminal stands in for `/dev/null`: both are character devices."""
    primary, secondary = os.openpty()
    tty.setraw(secondary)  # no "\r\n" for "\n"
    device = Path(os.ttyname(secondary))
    try:
        result = cli("export", device, "-d", "news", "--db", filled_db)
        assert result.code == 0, result.err
        assert stat.S_ISCHR(device.stat().st_mode)
        assert exported_texts(os.read(primary, 1 << 16)) == [ARTICLE]
        spacy = cli("export", device, "-d", "news", "-f", "spacy", "--db", filled_db)
        assert "the .spacy format is binary" in refusal(spacy)
    finally:
        os.close(secondary)
        os.close(primary)


def test_a_read_only_file_needs_force_and_stays_read_only(
    cli, filled_db: Path, tmp_path: Path
) -> None:
    out = tmp_path / "frozen.jsonl"
    out.write_text("keep me\n")
    out.chmod(0o444)
    assert "is read-only; use --force" in refusal(
        cli("export", out, "-d", "news", "--db", filled_db)
    )
    assert out.read_text() == "keep me\n"
    assert cli("export", out, "-d", "news", "--db", filled_db, "--force").code == 0
    assert exported_texts(out.read_bytes()) == [ARTICLE]
    assert stat.S_IMODE(out.stat().st_mode) == 0o444


def test_a_replaced_file_keeps_its_permissions(cli, filled_db: Path, tmp_path: Path) -> None:
    out = tmp_path / "shared.jsonl"
    out.write_text("old\n")
    out.chmod(0o664)
    assert cli("export", out, "-d", "news", "--db", filled_db).code == 0
    assert stat.S_IMODE(out.stat().st_mode) == 0o664
    fresh = tmp_path / "fresh.jsonl"
    assert cli("export", fresh, "-d", "news", "--db", filled_db).code == 0
    assert stat.S_IMODE(fresh.stat().st_mode) == 0o600


def test_dash_writes_the_data_to_stdout_and_the_report_to_stderr(
    cli, filled_db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    result = cli("export", "-", "-d", "news", "--db", filled_db)
    assert result.code == 0
    assert exported_texts(result.out.encode()) == [ARTICLE]
    assert "Exported 1 documents" in result.err
    assert not (tmp_path / "-").exists()
    local = cli("export", "./-", "-d", "news", "--db", filled_db)  # a file named "-"
    assert local.code == 0
    assert "Exported 1 documents" in local.out
    assert exported_texts((tmp_path / "-").read_bytes()) == [ARTICLE]


def run_annotator(*args: str | Path, **popen: object) -> subprocess.Popen[bytes]:
    command = [sys.executable, "-m", "annotator", *(str(a) for a in args)]
    return subprocess.Popen(command, stderr=subprocess.PIPE, **popen)  # type: ignore[call-overload]


def many_documents(cli, db_path: Path, tmp_path: Path) -> None:
    """300 done documents: more than a pipe holds before its reader reads."""
    source = tmp_path / "many.jsonl"
    body = "The article says Berlin is busy. " * 20
    records = [{"text": f"{n}: {body}", "answer": "accept"} for n in range(300)]
    source.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    assert cli("import", source, "--db", db_path).code == 0


def test_a_reader_that_stops_early_gets_no_traceback(cli, db_path: Path, tmp_path: Path) -> None:
    """`annotator export - | head -1`: head exits after one line."""
    many_documents(cli, db_path, tmp_path)
    process = run_annotator("export", "-", "--db", db_path, stdout=subprocess.PIPE)
    assert process.stdout is not None and process.stderr is not None
    first = process.stdout.readline()
    process.stdout.close()  # what head does after its line
    err = process.stderr.read().decode()
    process.stderr.close()
    code = process.wait(timeout=60)
    assert json.loads(first)["text"].startswith("0: ")
    assert "Traceback" not in err and "Exception" not in err, err
    assert "\u2718" not in err and "rror" not in err, err  # no message: the reader chose
    assert code == 141  # as for a program stopped by SIGPIPE: not a success


def test_spacy_to_stdout_goes_to_a_pipe_but_not_to_a_terminal(cli, filled_db: Path) -> None:
    piped = run_annotator(
        "export", "-", "-d", "news", "-f", "spacy", "--db", filled_db, stdout=subprocess.PIPE
    )
    data, err = piped.communicate(timeout=120)
    assert piped.returncode == 0, err
    assert data[:1] and "Exported 1 documents" in err.decode()
    primary, secondary = os.openpty()
    try:
        terminal = run_annotator(
            "export", "-", "-d", "news", "-f", "spacy", "--db", filled_db, stdout=secondary
        )
        _out, err = terminal.communicate(timeout=120)
    finally:
        os.close(secondary)
        os.close(primary)
    assert terminal.returncode == 1
    assert "the .spacy format is binary" in err.decode()
    assert "Traceback" not in err.decode()


def test_a_fifo_reader_that_stops_early_is_a_failure(cli, db_path: Path, tmp_path: Path) -> None:
    many_documents(cli, db_path, tmp_path)
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    process = run_annotator("export", fifo, "--db", db_path, stdout=subprocess.DEVNULL)
    assert process.stderr is not None
    with fifo.open("rb") as reader:
        first = reader.readline()
    err = process.stderr.read().decode()
    process.stderr.close()
    assert process.wait(timeout=60) == 1
    assert json.loads(first)["text"].startswith("0: ")
    assert "the program reading it closed it before the end" in err
    assert "Traceback" not in err
    assert stat.S_ISFIFO(fifo.lstat().st_mode)


def test_stdout_appended_to_the_store_is_refused(cli, filled_db: Path) -> None:
    """`annotator export - >> annotations.db`: the shell opens the store for the export."""
    with filled_db.open("ab") as store_file:
        process = run_annotator("export", "-", "-d", "news", "--db", filled_db, stdout=store_file)
        _out, err = process.communicate(timeout=120)
    assert process.returncode == 1
    assert "the standard output is the store being exported" in err.decode()
    store_is_intact(filled_db)


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="this system has no /dev/full")
def test_a_full_disk_behind_the_standard_output_is_said_in_one_line(filled_db: Path) -> None:
    with open("/dev/full", "wb") as full:
        done = run_annotator("export", "-", "-d", "news", "--db", filled_db, stdout=full)
        _out, err = done.communicate(timeout=120)
    text = err.decode()
    assert done.returncode == 1
    assert "cannot write to the standard output: No space left on device" in text
    assert "Unexpected" not in text and "Traceback" not in text and "Exception" not in text


def test_a_closed_standard_output_is_said_in_one_line(filled_db: Path) -> None:
    command = [sys.executable, "-m", "annotator", "export", "-", "-d", "news", "--db"]
    done = subprocess.run(
        ["sh", "-c", '"$@" >&-', "sh", *command, str(filled_db)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 1
    assert "the standard output is closed" in done.stderr
    assert "Unexpected" not in done.stderr and "Traceback" not in done.stderr
