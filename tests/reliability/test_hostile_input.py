"""`annotator import` against hostile files: one clear line, exit code 1, store unchanged.

The corpus (tests/reliability/hostile.py) is generated once per run, the 50 MB article
included. Refused files are imported into one store holding a baseline dataset, and a dump
of every table is compared before and after; legitimate files go into a fresh store and
must come out with exactly their text.
"""

from __future__ import annotations

import importlib.util
import sqlite3
import sys
from collections.abc import Callable
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from annotator.store import Store


def _load_corpus() -> ModuleType:
    location = Path(__file__).with_name("hostile.py")
    spec = importlib.util.spec_from_file_location("hostile_corpus", location)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up by name
    spec.loader.exec_module(module)
    return module


hostile = _load_corpus()
CASES = {case.name: case for case in hostile.CASES}
REFUSED = [
    pytest.param(
        name,
        marks=[pytest.mark.xfail(strict=True, reason=case.pending)] if case.pending else [],
    )
    for name, case in CASES.items()
    if case.refused
]
IMPORTED = [name for name, case in CASES.items() if not case.refused]


def test_the_corpus_is_large_enough() -> None:
    assert len(CASES) >= 40


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    return hostile.write_corpus(tmp_path_factory.mktemp("hostile"))  # type: ignore[no-any-return]


@pytest.fixture(scope="module")
def baseline_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A store that already holds a dataset with a document, a label and a span."""
    folder = tmp_path_factory.mktemp("baseline")
    source = folder / "base.jsonl"
    source.write_text(
        '{"text": "Ada met Grace.", "answer": "accept", '
        '"spans": [{"start": 0, "end": 3, "label": "PER"}]}\n',
        encoding="utf-8",
    )
    db = folder / "store.db"
    from annotator.cli.main import main

    with pytest.raises(SystemExit) as stop:
        main(["import", str(source), "--db", str(db)])
    assert stop.value.code in (0, None)
    return db


def _dump(db: Path) -> dict[str, Any]:
    """Every row of every table, and the schema version."""
    with sqlite3.connect(db) as connection:
        tables = [
            name
            for (name,) in connection.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name"
            )
        ]
        rows = {t: sorted(map(repr, connection.execute(f'SELECT * FROM "{t}"'))) for t in tables}
        rows["user_version"] = connection.execute("PRAGMA user_version").fetchall()
    connection.close()
    return rows


@pytest.mark.parametrize("name", REFUSED)
def test_a_hostile_file_is_refused_with_one_clear_line(
    name: str, corpus: dict[str, Path], baseline_store: Path, cli: Callable[..., Any]
) -> None:
    case = CASES[name]
    path = corpus[name]
    before = _dump(baseline_store)

    result = cli("import", path, "--db", baseline_store, *case.args)

    output = result.out + result.err
    assert result.code == 1, output
    assert "Traceback" not in output
    named = [line for line in output.splitlines() if path.name in line or path.stem in line]
    assert named, f"no line names the file:\n{output}"
    message = named[0]
    for word in case.words:
        assert word in message, f"{word!r} not in {message!r}"
    if case.line is not None:
        assert f"{case.names or path.name}:{case.line}:" in message, message
    assert len(message) < 400, "one readable line, not a dump"
    assert _dump(baseline_store) == before


@pytest.mark.parametrize("name", IMPORTED)
def test_a_legitimate_odd_file_imports_exactly(
    name: str, corpus: dict[str, Path], tmp_path: Path, cli: Callable[..., Any]
) -> None:
    case = CASES[name]
    db = tmp_path / "fresh.db"

    result = cli("import", corpus[name], "--db", db, *case.args)

    assert result.code == 0, result.out + result.err
    with Store.open(db) as store:
        (dataset,) = store.list_datasets()
        documents = [document for document, _ in store.iter_documents(dataset.id)]
    assert len(documents) == case.imports
    if case.text is not None:
        assert documents[0].text == case.text
