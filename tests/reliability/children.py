"""Programs the reliability tests run as separate processes (and kill, or run side by side).

`python children.py burst DB DOCUMENT_ID COUNT` opens the document in a `DocumentSession`,
the object the window edits through, and decides its suggestions one by one: word `i` is
accepted, rejected or relabelled (`i % 3`). After each `edit` returns, `i` is printed and
flushed: a printed number is an edit the program acknowledged.

`python children.py hold DB SECONDS` takes the store's write lock and keeps it.
"""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

WORD = 6  # "w0000 ": each word is five characters and a space
LABELS = ("PERSON", "ORG")


def run_child(*args: str) -> subprocess.Popen[str]:
    """`python ARGS...` with Qt offscreen, its output captured as text."""
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    return subprocess.Popen(
        [sys.executable, *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env
    )


def integrity(path: Path) -> str:
    """`PRAGMA integrity_check` of the store at `path`: "ok" when the file is sound."""
    connection = sqlite3.connect(path)
    try:
        return str(connection.execute("PRAGMA integrity_check").fetchone()[0])
    finally:
        connection.close()


def word_text(count: int) -> str:
    return "".join(f"w{i:04d} " for i in range(count)).rstrip()


def burst(db: Path, document_id: int, count: int) -> None:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtGui import QGuiApplication

    from annotator.core.annotating import Gestures
    from annotator.core.model import Span, SpanState
    from annotator.store import Store
    from annotator.ui.controllers.session import DocumentSession

    app = QGuiApplication(sys.argv[:1])
    store = Store.open(db)
    session = DocumentSession(store, annotator="unknown")
    refused: list[str] = []
    session.refused.connect(refused.append)
    stored = store.get_document(document_id)
    session.set_dataset(next(d for d in store.list_datasets() if d.id == stored.dataset_id))
    session.open(document_id)
    print("ready", flush=True)
    for i in range(count):
        document = session.document
        assert document is not None
        span = Span(i * WORD, i * WORD + 5, "PERSON", SpanState.SUGGESTED, "model", 0.5)
        gestures = Gestures(document)
        if i % 3 == 0:
            edit = gestures.accept(span)
        elif i % 3 == 1:
            edit = gestures.reject(span)
        else:
            edit = gestures.relabel(span, "ORG")
        if not session.edit(edit):
            print(f"refused {i}: {refused[-1] if refused else '?'}", flush=True)
            sys.exit(3)
        print(i, flush=True)
    print("done", flush=True)
    store.close()
    del app


def hold(db: Path, seconds: float) -> None:
    """Another process in the middle of a long write: BEGIN IMMEDIATE, then wait."""
    connection = sqlite3.connect(db, isolation_level=None)
    connection.execute("BEGIN IMMEDIATE")
    print("locked", flush=True)
    time.sleep(seconds)
    connection.execute("ROLLBACK")
    connection.close()


if __name__ == "__main__":
    command, path, *rest = sys.argv[1:]
    if command == "burst":
        burst(Path(path), int(rest[0]), int(rest[1]))
    elif command == "hold":
        hold(Path(path), float(rest[0]))
    else:
        raise SystemExit(f"unknown command {command}")
