"""`--annotator NAME`: the name a command records on the documents it changes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from annotator import identity
from annotator.core.model import Status
from annotator.store import Store

pytestmark = pytest.mark.usefixtures("no_annotator_in_environment")

TASKS = [
    {"text": "Ada Lovelace wrote in London.", "answer": "accept"},
    {"text": "Grace Hopper sailed.", "answer": "accept", "_annotator_id": "grace"},
    {"text": "Nobody decided this one yet."},
]


@pytest.fixture
def tasks(tmp_path: Path) -> Path:
    path = tmp_path / "tasks.jsonl"
    path.write_text("\n".join(json.dumps(t) for t in TASKS) + "\n", encoding="utf-8")
    return path


def annotators(db: Path) -> dict[str, tuple[Status, str | None]]:
    """Each stored document's first word, status and annotator, read back from the store."""
    with Store.open(db, create=False) as store:
        dataset = store.get_dataset("default")
        found = {}
        for document, _, _ in store.stream_documents(dataset.id):
            found[document.text.split()[0]] = (document.status, document.annotator)
        return found


@pytest.mark.parametrize(
    "where",
    [
        ("import", "{tasks}", "--annotator", "Ada Lovelace", "--db", "{db}"),
        ("--annotator", "Ada Lovelace", "import", "{tasks}", "--db", "{db}"),
        ("--db", "{db}", "--annotator=Ada Lovelace", "import", "{tasks}"),
    ],
)
def test_import_records_the_name_on_the_documents_it_brings_decided(
    cli, tasks: Path, db_path: Path, where: tuple[str, ...]
) -> None:
    args = [a.format(tasks=tasks, db=db_path) for a in where]
    result = cli(*args)
    assert result.code == 0, result.err
    assert annotators(db_path) == {
        "Ada": (Status.DONE, "Ada Lovelace"),
        "Grace": (Status.DONE, "grace"),  # the file says who decided it
        "Nobody": (Status.NEW, None),  # nothing was decided, nobody to name
    }


def test_without_the_option_the_variable_then_the_saved_name_is_recorded(
    cli, tasks: Path, db_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    identity.save_name("Saved Name")
    monkeypatch.setenv(identity.NAME_ENV, "From Env")
    assert cli("import", tasks, "--db", db_path).code == 0
    assert annotators(db_path)["Ada"] == (Status.DONE, "From Env")
    monkeypatch.delenv(identity.NAME_ENV)
    other = tmp_path / "other.db"
    assert cli("import", tasks, "--db", other).code == 0
    assert annotators(other)["Ada"] == (Status.DONE, "Saved Name")


@pytest.mark.parametrize("before", [True, False])
def test_a_bad_name_is_refused_in_one_line_and_nothing_is_written(
    cli, tasks: Path, db_path: Path, before: bool
) -> None:
    option = ["--annotator", "Ada\u202eLovelace"]
    command = ["import", str(tasks), "--db", str(db_path)]
    result = cli(*(option + command if before else command + option))
    assert result.code == 1
    assert result.err.count("\n") == 1 and "U+202E" in result.err
    assert "Traceback" not in result.err
    assert not db_path.exists()


def test_a_bad_variable_is_refused_by_a_command_that_records_it(
    cli, tasks: Path, db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(identity.NAME_ENV, "tab\there")
    result = cli("import", tasks, "--db", db_path)
    assert result.code == 1
    assert result.err.strip().startswith(f"\u2718 {identity.NAME_ENV}: annotator name")
    assert not db_path.exists()
