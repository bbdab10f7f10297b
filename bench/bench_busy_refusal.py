"""`busy_refusal`: how long a write waits before a store another program holds says so.

While another connection holds the store's write lock, a write must give up after the
busy timeout with "the store is busy" instead of hanging (`annotator/store/db.py`). The
tests check the refusal and its message; the wait is measured here, in this process, with
the busy timeout set to 200 ms (medians):

- value: `Store.create_dataset` on the locked store, until it raises `StoreError`;
- baseline: a bare `sqlite3` connection with the same timeout starting a write
  transaction on the same locked file, until SQLite raises "database is locked".

Target: ratio <= 1.5 (the store waits no longer than SQLite's own timeout: no retries on
top of it, no wait that grows with the store). Quick: fewer runs.
"""

from __future__ import annotations

import sqlite3
import statistics
from pathlib import Path
from typing import Any

from common import result, timed

from annotator.core.errors import StoreError
from annotator.store import Store
from annotator.store import db as store_db

BUSY_MS = 200
TARGET_RATIO = 1.5
RUNS = {False: 15, True: 5}


def run(quick: bool, workdir: Path) -> dict[str, Any]:
    path = workdir / "busy_refusal.db"
    path.unlink(missing_ok=True)
    with Store.open(path) as store:
        store.create_dataset("news")
    store_db.BUSY_TIMEOUT_MS = BUSY_MS
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    holder.execute(
        "INSERT INTO dataset (name, lang, allow_overlap, settings, created_at)"
        " VALUES ('theirs', 'en', 0, '{}', 0)"
    )
    try:
        with Store.open(path) as locked:

            def refused_write() -> None:
                try:
                    locked.create_dataset("sport")
                except StoreError as error:
                    assert "the store is busy" in str(error), error
                else:
                    raise AssertionError("a locked store took a write")

            def bare_write() -> None:
                bare = sqlite3.connect(path, timeout=BUSY_MS / 1000, isolation_level=None)
                try:
                    bare.execute("BEGIN IMMEDIATE")
                except sqlite3.OperationalError as error:
                    assert "locked" in str(error), error
                else:
                    raise AssertionError("a locked file took a write")
                finally:
                    bare.close()

            store_runs: list[float] = []
            bare_runs: list[float] = []
            for number in range(RUNS[quick]):  # interleaved: noise falls on both
                pair = [(store_runs, refused_write), (bare_runs, bare_write)]
                for samples, action in pair if number % 2 else reversed(pair):
                    samples.append(timed(action)[0])
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    value = statistics.median(store_runs) * 1000
    baseline = statistics.median(bare_runs) * 1000
    ratio = value / baseline
    return result(
        "busy_refusal",
        value=value,
        baseline=baseline,
        ratio=ratio,
        target=TARGET_RATIO,
        unit="ms",
        higher_is_better=False,
        busy_timeout_ms=BUSY_MS,
    )
