"""Privacy: no network at run time, private files, and no writes where imported data points.

The socket layer is blocked (every way to open a connection raises and is recorded), and
the whole offline workflow runs: import, suggest with a spaCy pipeline saved as a folder,
export in every format, and the window opened on the result. Files annotator creates are
readable by their owner only, and paths inside imported records are never written to.
"""

from __future__ import annotations

import json
import os
import socket
import stat
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import spacy
from PySide6.QtCore import QSettings
from pytestqt.qtbot import QtBot

from annotator.store import Store

pytestmark = pytest.mark.gui

ARTICLE = "Angela Merkel visited Apple in Berlin on Monday."


@pytest.fixture
def attempts(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    """Block every network connection; the list records each attempt (it must stay empty)."""
    seen: list[str] = []

    def refuse(name: str) -> Callable[..., Any]:
        def blocked(*args: object, **kwargs: object) -> Any:
            seen.append(f"{name}{args[1:] if name.startswith('socket.') else args}")
            raise OSError(f"network blocked by the test: {name}")

        return blocked

    monkeypatch.setattr(socket.socket, "connect", refuse("socket.connect"))
    monkeypatch.setattr(socket.socket, "connect_ex", refuse("socket.connect_ex"))
    monkeypatch.setattr(socket, "create_connection", refuse("create_connection"))
    monkeypatch.setattr(socket, "getaddrinfo", refuse("getaddrinfo"))
    yield seen
    assert seen == [], f"network connections were attempted: {seen}"


@pytest.fixture
def rules_model(tmp_path: Path) -> Path:
    """A real pipeline saved as a folder: a blank English model with an entity ruler."""
    nlp = spacy.blank("en")
    ruler = nlp.add_pipe("entity_ruler")
    ruler.add_patterns(  # type: ignore[attr-defined]
        [
            {"label": "PERSON", "pattern": "Angela Merkel"},
            {"label": "ORG", "pattern": "Apple"},
            {"label": "GPE", "pattern": "Berlin"},
        ]
    )
    folder = tmp_path / "rules-model"
    nlp.to_disk(folder)
    return folder


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def _files(folder: Path) -> set[Path]:
    return {path for path in folder.rglob("*") if path.is_file()}


def test_import_suggest_export_and_the_window_work_offline_with_private_files(
    tmp_path: Path,
    attempts: list[str],
    rules_model: Path,
    cli: Callable[..., Any],
    qtbot: QtBot,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(os, "umask", os.umask)  # restored whatever happens below
    previous = os.umask(0o022)  # the usual default: files readable by everyone
    try:
        work = tmp_path / "work"
        work.mkdir()
        source = work / "news.txt"
        source.write_text(ARTICLE + "\n", encoding="utf-8")
        db = work / "store.db"

        created = cli("datasets", "create", "default", "--labels", "PERSON,ORG,GPE", "--db", db)
        assert created.code == 0, created.out
        imported = cli("import", source, "--db", db)
        assert imported.code == 0, imported.out
        suggested = cli("suggest", "--model", rules_model, "--db", db)
        assert suggested.code == 0, suggested.out
        assert "Traceback" not in suggested.out + suggested.err

        outputs = {fmt: work / f"out.{fmt}" for fmt in ("prodigy", "doccano", "spacy", "conll")}
        for fmt, out in outputs.items():
            exported = cli(
                "export",
                out,
                "--format",
                fmt,
                "--status",
                "all",
                "--include-suggestions",
                "--db",
                db,
            )
            assert exported.code == 0, exported.out + exported.err
            assert _mode(out) == 0o600, f"{out.name} is {oct(_mode(out))}"
        prodigy = json.loads(outputs["prodigy"].read_text(encoding="utf-8"))
        assert {span["label"] for span in prodigy["spans"]} == {"PERSON", "ORG", "GPE"}

        for path in [db, *work.glob("store.db-*")]:
            assert _mode(path) == 0o600, f"{path.name} is {oct(_mode(path))}"
    finally:
        os.umask(previous)

    from annotator.app import assemble

    with Store.open(db) as store:
        settings = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
        parts = assemble(store, settings, annotator="unknown")
        try:
            qtbot.addWidget(parts.window)
            parts.window.show()
            qtbot.waitExposed(parts.window)
            parts.workflow.reopen_last()
            qtbot.waitUntil(lambda: parts.session.document is not None, timeout=10_000)
            assert parts.session.document is not None
            assert parts.session.document.text.startswith(ARTICLE)
        finally:
            parts.worker.shutdown()


def test_paths_inside_imported_records_are_never_written_to(
    tmp_path: Path, attempts: list[str], cli: Callable[..., Any]
) -> None:
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    targets = [elsewhere / "meta-path.txt", elsewhere / "meta-file.jsonl", elsewhere / "top.db"]
    record = {
        "text": ARTICLE,
        "answer": "accept",
        "spans": [{"start": 0, "end": 13, "label": "PERSON"}],
        "path": str(targets[2]),
        "meta": {
            "path": str(targets[0]),
            "file": str(targets[1]),
            "source": "../../elsewhere/escape.txt",
            "html": "<script>open('/tmp/x', 'w')</script>",
        },
    }
    work = tmp_path / "work"
    work.mkdir()
    source = work / "task.jsonl"
    source.write_text(json.dumps(record) + "\n", encoding="utf-8")
    db = work / "store.db"
    before = _files(tmp_path)

    assert cli("import", source, "--db", db).code == 0
    outputs = [work / f"out.{fmt}" for fmt in ("prodigy", "doccano", "spacy", "conll")]
    for out in outputs:
        fmt = out.suffix.removeprefix(".")
        assert cli("export", out, "--format", fmt, "--db", db).code == 0

    created = _files(tmp_path) - before
    assert {path.name for path in created} <= {
        "store.db",
        "store.db-wal",
        "store.db-shm",
        ".store.db.checked",  # the stamp of a clean close (store/integrity.py)
        *(out.name for out in outputs),
    }
    assert not any(path.exists() for path in targets)
    assert list(elsewhere.iterdir()) == []
    exported = json.loads(outputs[0].read_text(encoding="utf-8"))
    assert exported["meta"]["path"] == str(targets[0])  # kept as data, never used
