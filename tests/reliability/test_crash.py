"""A killed process never costs an acknowledged edit, half an import or a partial export.

Each test runs the real program in a child process and kills it with SIGKILL at a
random (seeded) moment: no `finally`, no exit handler, no flush runs. What the child
acknowledged before it died must be in the store, and the store must pass SQLite's own
integrity check and open as usual.
"""

from __future__ import annotations

import os
import random
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import pytest

from annotator.core.hashing import input_hash
from annotator.core.model import Document, Label, Span, SpanState, Status
from annotator.store import Store

CHILDREN = Path(__file__).with_name("children.py")
sys.path.insert(0, str(CHILDREN.parent))
from children import WORD, integrity, run_child, word_text  # noqa: E402

BURST = 2000  # edits the child would make if nobody killed it
KILLS = 20
SEED = 20261130


def annotator(*args: str) -> subprocess.Popen[str]:
    return run_child("-m", "annotator", *args)


def import_by_file(*args: str) -> subprocess.Popen[str]:
    """`annotator import` committing every file on its own (the default groups ~2,000
    documents a transaction), so that a kill has commits to land between and inside."""
    program = (
        "import sys\n"
        "from annotator.services import importing\n"
        f"importing.BATCH_DOCUMENTS = {RECORDS}\n"
        "from annotator.cli import main\n"
        "main(['import', *sys.argv[1:]])\n"
    )
    return run_child("-c", program, *args)


def count_rows(path: Path, query: str) -> int:
    """A read through a separate connection (WAL: never blocks the writer)."""
    try:
        connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    except sqlite3.OperationalError:  # not created yet
        return 0
    try:
        return int(connection.execute(query).fetchone()[0])
    except sqlite3.OperationalError:  # no tables yet
        return 0
    finally:
        connection.close()


def make_burst_store(path: Path, words: int = BURST) -> int:
    """One document of `words` distinct words, each an open PERSON suggestion."""
    text = word_text(words)
    spans = tuple(
        Span(i * WORD, i * WORD + 5, "PERSON", SpanState.SUGGESTED, "model", 0.5)
        for i in range(words)
    )
    with Store.open(path) as store:
        dataset = store.create_dataset("burst", labels=(Label("PERSON"), Label("ORG")))
        document = Document(0, dataset.id, text, spans, input_hash=input_hash(text))
        store.add_documents(dataset.id, [(document, None)])
        (document_id,) = store.document_ids(dataset.id)
    return document_id


def expected_span(i: int) -> Span:
    """Word `i` after the child's edit `i` (see children.burst)."""
    start, end = i * WORD, i * WORD + 5
    if i % 3 == 0:
        return Span(start, end, "PERSON", SpanState.ACCEPTED, "model", 0.5)
    if i % 3 == 1:
        return Span(start, end, "PERSON", SpanState.REJECTED, "model", 0.5)
    return Span(start, end, "ORG", SpanState.ACCEPTED, "model", 0.5)


def untouched_span(i: int) -> Span:
    return Span(i * WORD, i * WORD + 5, "PERSON", SpanState.SUGGESTED, "model", 0.5)


def check_burst(path: Path, document_id: int, acknowledged: int) -> int:
    """Every acknowledged edit is stored; at most the one in flight after them; the count."""
    with Store.open(path) as store:
        document = store.get_document(document_id)
    by_start = {span.start: span for span in document.spans}
    assert len(by_start) == BURST == len(document.spans)
    for i in range(acknowledged):
        assert by_start[i * WORD] == expected_span(i), f"acknowledged edit {i} was lost"
    for i in range(acknowledged + 1, BURST):
        assert by_start[i * WORD] == untouched_span(i), f"edit {i} was never acknowledged"
    in_flight = acknowledged < BURST and by_start[acknowledged * WORD] != untouched_span(
        acknowledged
    )
    if in_flight:  # committed just before the kill, not yet printed: whole, not half
        assert by_start[acknowledged * WORD] == expected_span(acknowledged)
    assert document.status is (Status.IN_PROGRESS if acknowledged or in_flight else Status.NEW)
    return acknowledged + in_flight


@pytest.fixture(scope="module")
def burst_template(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, int]:
    path = tmp_path_factory.mktemp("burst") / "template.db"
    document_id = make_burst_store(path)
    assert not Path(f"{path}-wal").exists()  # closed cleanly: the file alone is the store
    return path, document_id


def kill_burst(template: Path, path: Path, document_id: int, delay: float) -> int:
    """Run the burst on a copy of the template, kill it `delay` s in; the acknowledged count."""
    shutil.copyfile(template, path)
    with run_child(str(CHILDREN), "burst", str(path), str(document_id), str(BURST)) as child:
        assert child.stdout is not None and child.stderr is not None
        first = child.stdout.readline().strip()
        assert first == "ready", child.stderr.read()
        time.sleep(delay)
        child.send_signal(signal.SIGKILL)
        # not communicate(): readline has read part of the pipe into `stdout`'s buffer
        out, err = child.stdout.read(), child.stderr.read()
    assert child.returncode in (-signal.SIGKILL, 0), err
    lines = out.split()
    numbers = [int(line) for line in lines if line.isdigit()]
    assert numbers == list(range(len(numbers))), lines[-3:]
    return len(numbers)


def test_edits_acknowledged_before_a_kill_survive_it(
    burst_template: tuple[Path, int], tmp_path: Path
) -> None:
    template, document_id = burst_template
    rng = random.Random(SEED)
    acknowledged_counts = []
    for run in range(KILLS):
        path = tmp_path / f"killed-{run}.db"
        acknowledged = kill_burst(template, path, document_id, rng.uniform(0.0, 0.5))
        assert integrity(path) == "ok"
        check_burst(path, document_id, acknowledged)
        acknowledged_counts.append(acknowledged)
        for leftover in (path, Path(f"{path}-wal"), Path(f"{path}-shm")):
            leftover.unlink(missing_ok=True)
    # the kills landed at many different places inside the burst
    assert len(set(acknowledged_counts)) >= KILLS // 2
    assert sum(0 < count < BURST for count in acknowledged_counts) >= KILLS // 2


@pytest.mark.gui
def test_the_window_opens_a_store_killed_mid_burst(
    burst_template: tuple[Path, int], tmp_path: Path, qtbot: object
) -> None:
    from PySide6.QtCore import QSettings

    from annotator.app import assemble

    template, document_id = burst_template
    path = tmp_path / "killed.db"
    acknowledged = kill_burst(template, path, document_id, 0.3)
    assert 0 < acknowledged < BURST
    settings = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
    with Store.open(path) as store:
        parts = assemble(store, settings, annotator="unknown")
        try:
            qtbot.addWidget(parts.window)  # type: ignore[attr-defined]
            parts.window.show()
            parts.session.set_dataset(store.get_dataset("burst"))
            document = parts.session.open(document_id)
            assert document is not None
            spans = {span.start: span for span in document.spans}
            assert all(spans[i * WORD] == expected_span(i) for i in range(acknowledged))
        finally:
            parts.worker.shutdown()


# -- a killed import -------------------------------------------------------------------------

FILES = 20
RECORDS = 250  # per file: 5,000 documents, written in transactions of whole files


def write_import_folder(folder: Path) -> None:
    import json

    folder.mkdir()
    for f in range(FILES):
        with (folder / f"wire-{f:03d}.jsonl").open("w", encoding="utf-8") as handle:
            for r in range(RECORDS):
                head = f"Story {f}-{r}: "
                text = head + f"Angela Merkel met officials in Berlin about item {r}. " * 3
                span = {"start": len(head), "end": len(head) + 13, "label": "PERSON"}
                handle.write(json.dumps({"text": text, "spans": [span]}) + "\n")


def per_file(path: Path) -> Counter[str]:
    with Store.open(path) as store:
        dataset = store.get_dataset("wire")
        return Counter(Path(d.source).name for d, _ in store.iter_documents(dataset.id))


def test_a_killed_import_leaves_whole_files_and_a_rerun_completes_it(tmp_path: Path) -> None:
    folder = tmp_path / "wire"
    write_import_folder(folder)
    path = tmp_path / "import.db"
    rng = random.Random(SEED)
    arguments = (str(folder), "--dataset", "wire", "--db", str(path))
    partial_seen = 0
    for _run in range(3):
        before = count_rows(path, "SELECT count(*) FROM document")
        child = import_by_file(*arguments)
        # kill once the import is writing: a random moment after its next commit
        while child.poll() is None and count_rows(path, "SELECT count(*) FROM document") <= before:
            time.sleep(0.005)
        time.sleep(rng.uniform(0.0, 0.1))
        child.send_signal(signal.SIGKILL)
        child.communicate(timeout=30)
        assert integrity(path) == "ok"
        counts = per_file(path)
        assert set(counts.values()) <= {RECORDS}, "a file is in the store in part"
        partial_seen += 0 < sum(counts.values()) < FILES * RECORDS
    assert partial_seen, "no kill landed in the middle of the import"
    rerun = annotator("import", *arguments)  # as shipped
    _, err = rerun.communicate(timeout=60)
    assert rerun.returncode == 0, err
    counts = per_file(path)
    assert counts == Counter({f"wire-{f:03d}.jsonl": RECORDS for f in range(FILES)})
    assert integrity(path) == "ok"
    hashes = count_rows(path, "SELECT count(DISTINCT input_hash) FROM document")
    assert hashes == FILES * RECORDS  # no duplicates
    assert count_rows(path, "SELECT count(*) FROM span") == FILES * RECORDS


# -- a killed export -------------------------------------------------------------------------


def test_a_killed_export_leaves_the_complete_file_or_none(tmp_path: Path) -> None:
    folder = tmp_path / "wire"
    write_import_folder(folder)
    path = tmp_path / "export.db"
    done = annotator("import", str(folder), "--dataset", "wire", "--db", str(path))
    assert done.communicate(timeout=60) and done.returncode == 0
    reference = tmp_path / "reference.jsonl"
    arguments = ("--dataset", "wire", "--status", "all", "--db", str(path))
    started = time.monotonic()
    full = annotator("export", str(reference), *arguments)
    assert full.communicate(timeout=60) and full.returncode == 0
    duration = time.monotonic() - started
    complete = reference.read_bytes()
    assert complete.count(b"\n") == FILES * RECORDS

    out_folder = tmp_path / "out"
    out_folder.mkdir()
    out = out_folder / "wire.jsonl"
    rng = random.Random(SEED)
    outcomes = Counter[str]()
    for run in range(4):
        if run == 2:  # from now on an older export stands at the destination
            out.write_bytes(b"older export\n")
        before = out.read_bytes() if out.exists() else None
        child = annotator("export", str(out), *arguments)
        time.sleep(rng.uniform(0.3, 1.0) * duration)
        child.send_signal(signal.SIGKILL)
        child.communicate(timeout=30)
        now = out.read_bytes() if out.exists() else None
        assert now in (before, complete), "a partial file stands at the destination"
        outcomes["complete" if now == complete else "unchanged"] += 1
        if run < 2:
            out.unlink(missing_ok=True)
    assert outcomes["unchanged"], "no kill landed before the export finished"
    # what a killed export leaves is a hidden temporary file, never under the real name
    others = {p.name for p in out_folder.iterdir()} - {out.name}
    assert all(name.startswith(".wire.jsonl.") and name.endswith(".partial") for name in others)
    # and the next export to the same file, a while later, clears them away
    for name in others:
        os.utime(out_folder / name, (time.time() - 3600,) * 2)
    again = annotator("export", str(out), *arguments)
    assert again.communicate(timeout=60) and again.returncode == 0
    assert [p.name for p in out_folder.iterdir()] == [out.name]
    assert out.read_bytes() == complete
    assert integrity(path) == "ok"
