"""A merge killed at any moment leaves the store as it was before, or fully merged.

`annotator merge OTHER.db` runs in a child process on stores of a few thousand documents
with three annotators' versions, and is killed with SIGKILL at random (seeded) moments,
most of them while it holds the store's write lock: no `finally`, no rollback of its own
runs. Each time the store must pass SQLite's integrity check and hold exactly what it
held before the merge or exactly what a merge left unkilled gives; the merge run again
afterwards completes it.
"""

from __future__ import annotations

import random
import shutil
import signal
import sqlite3
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
from children import integrity, run_child  # noqa: E402

DOCUMENTS = 1500  # in both stores
NEW = 300  # only in the other store
KILLS = 4
SEED = 20261203
LABELS = (Label("PERSON"), Label("GPE"), Label("ORG"))


def article(number: int) -> str:
    return f"Report {number}: Ada Lovelace met Charles Babbage in London for the Royal Society."


def spans(number: int, *, decided: bool) -> tuple[Span, ...]:
    state = SpanState.ACCEPTED if decided else SpanState.SUGGESTED
    found = [
        Span(18, 30, "PERSON", state, "model"),
        Span(35, 50, "PERSON", state, "model"),
        Span(54, 60, "GPE", state, "model"),
    ]
    if number % 2:
        found.append(Span(69, 82, "ORG", SpanState.MANUAL if decided else state, "model"))
    return tuple(found)


def documents(numbers: range, annotator: str | None, status: Status) -> list[tuple[Document, None]]:
    return [
        (
            Document(
                0,
                0,
                article(n),
                spans=spans(n, decided=annotator is not None),
                status=status,
                input_hash=input_hash(article(n)),
                annotator=annotator,
            ),
            None,
        )
        for n in numbers
    ]


def make_stores(folder: Path) -> tuple[Path, Path]:
    """The lead's store (the shared suggestions, ada's versions) and bob's copy of it, where
    bob and cy added their versions and bob more articles."""
    lead, other = folder / "lead.db", folder / "bob.db"
    with Store.open(lead, annotator="ada") as store:
        dataset = store.create_dataset("news", labels=LABELS)
        store.add_documents(dataset.id, documents(range(DOCUMENTS), None, Status.NEW))
        store.add_documents(dataset.id, documents(range(0, DOCUMENTS, 2), "ada", Status.DONE))
    shutil.copyfile(lead, other)
    with Store.open(other, annotator="bob") as store:
        dataset = store.get_dataset("news")
        everything = range(DOCUMENTS + NEW)
        store.add_documents(dataset.id, documents(everything, None, Status.NEW))
        store.add_documents(dataset.id, documents(everything, "bob", Status.DONE))
        store.add_documents(dataset.id, documents(range(0, DOCUMENTS, 3), "cy", Status.SKIPPED))
    return lead, other


def contents(path: Path) -> Counter[tuple[object, ...]]:
    """Every document, version and span of the store, by text and owner (not by row id)."""
    connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        rows = Counter[tuple[object, ...]]()
        rows.update(connection.execute("SELECT 'document', input_hash, text FROM document"))
        rows.update(
            connection.execute(
                "SELECT 'version', d.input_hash, v.annotator, v.kind, v.status, v.clock "
                "FROM version v JOIN document d ON d.id = v.document_id"
            )
        )
        rows.update(
            connection.execute(
                "SELECT 'span', d.input_hash, v.annotator, v.kind, s.start, s.\"end\", "
                "s.label, s.state FROM span s JOIN document d ON d.id = s.document_id "
                "LEFT JOIN version v ON v.id = s.version_id"
            )
        )
        return rows
    finally:
        connection.close()


def writing(path: Path) -> bool:
    """Whether another process holds the store's write lock (this one waits for nothing)."""
    connection = sqlite3.connect(path, timeout=0, isolation_level=None)
    try:
        connection.execute("BEGIN IMMEDIATE")
    except sqlite3.OperationalError:
        return True
    finally:
        connection.close()  # (rolls back the empty transaction it may have begun)
    return False


def merge(lead: Path, other: Path) -> tuple[float, float]:
    """Merge unkilled; (seconds until it took the write lock, seconds it held it)."""
    child = run_child("-m", "annotator", "merge", str(other), "--db", str(lead))
    started = time.monotonic()
    while child.poll() is None and not writing(lead):
        time.sleep(0.005)
    locked = time.monotonic()
    _, err = child.communicate(timeout=300)
    assert child.returncode == 0, err
    return locked - started, time.monotonic() - locked


@pytest.mark.slow
def test_a_killed_merge_leaves_the_store_as_before_or_fully_merged(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A killed merge cannot remove its private copy of the other store; the next merge
    # does. Here, not in the system's temporary folder.
    monkeypatch.setenv("TMPDIR", str(tmp_path))
    lead, other = make_stores(tmp_path)
    before = contents(lead)
    reference = tmp_path / "reference.db"
    shutil.copyfile(lead, reference)
    until_lock, holding = merge(reference, other)
    merged = contents(reference)
    assert merged != before
    assert sum(1 for row in merged if row[0] == "document") == DOCUMENTS + NEW

    rng = random.Random(SEED)
    killed = tmp_path / "killed.db"
    outcomes = Counter[str]()
    for run in range(KILLS):
        for leftover in tmp_path.glob("killed.db*"):
            leftover.unlink()
        shutil.copyfile(lead, killed)
        child = run_child("-m", "annotator", "merge", str(other), "--db", str(killed))
        if run == 0:  # while it copies and opens the other store
            time.sleep(rng.uniform(0.0, 0.8) * until_lock)
        else:  # while it writes
            while child.poll() is None and not writing(killed):
                time.sleep(0.002)
            time.sleep(rng.uniform(0.0, 0.9) * holding)
        child.send_signal(signal.SIGKILL)
        child.communicate(timeout=30)
        assert integrity(killed) == "ok"
        now = contents(killed)
        assert now in (before, merged), "the store holds part of the merge"
        outcomes["merged" if now == merged else "before"] += 1
    assert outcomes["before"] >= 2, f"too few kills landed before the merge committed: {outcomes}"

    # The store of the last kill, merged again, is complete, and opens as usual.
    again = run_child("-m", "annotator", "merge", str(other), "--db", str(killed))
    _, err = again.communicate(timeout=300)
    assert again.returncode == 0, err
    assert contents(killed) == merged
    assert integrity(killed) == "ok"
    assert not list(tmp_path.glob("annotator-merge-*"))  # the killed ones' copies are gone
    with Store.open(killed, annotator="bob") as store:
        assert store.progress(store.get_dataset("news").id) == (DOCUMENTS + NEW, DOCUMENTS + NEW)
