"""`annotator assign` and the queues `annotator stats` shows, on a store file."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from annotator.core.edits import SetStatus
from annotator.core.model import Status
from annotator.store import Store


@pytest.fixture
def news(cli, tmp_path: Path, db_path: Path) -> Path:
    for i in range(9):
        (tmp_path / f"a{i}.txt").write_text(f"Article {i} about Paris.\n", encoding="utf-8")
    imported = cli("--db", db_path, "import", *sorted(tmp_path.glob("a*.txt")), "-d", "news")
    assert imported.code == 0, imported.err
    return db_path


def _queue_rows(out: str) -> dict[str, list[str]]:
    rows = {}
    for line in out.splitlines():
        cells = line.split()
        if len(cells) == 4 and cells[1].isdigit():
            rows[cells[0]] = cells[1:]
    return rows


def test_assign_deals_each_document_to_overlap_annotators_and_prints_each_load(
    cli, news: Path
) -> None:
    ran = cli("assign", "--db", news, "-d", "news", "--annotators", "cy,ada,bob", "--overlap", "2")
    assert ran.code == 0, ran.err
    assert "Assigned 9 documents of 'news' to 2 of 3 annotators each" in ran.out
    assert _queue_rows(ran.out) == {
        "ada": ["6", "0", "6"],
        "bob": ["6", "0", "6"],
        "cy": ["6", "0", "6"],
    }


def test_assigning_again_after_an_import_deals_only_the_new_documents(
    cli, news: Path, tmp_path: Path
) -> None:
    assert cli("assign", "--db", news, "-d", "news", "--annotators", "ada,bob").code == 0
    again = cli("assign", "--db", news, "-d", "news", "--annotators", "ada,bob")
    assert "Every document of 'news' is assigned already (9 assignments kept)" in again.out
    (tmp_path / "later.txt").write_text("A later article.\n", encoding="utf-8")
    assert cli("--db", news, "import", tmp_path / "later.txt", "-d", "news").code == 0
    more = cli("assign", "--db", news, "-d", "news", "--annotators", "bob,ada")
    assert "Kept the 9 assignments made before and assigned only the 1 new document" in more.out
    assert _queue_rows(more.out) == {"ada": ["5", "0", "5"], "bob": ["5", "0", "5"]}
    redone = cli("assign", "--db", news, "-d", "news", "--annotators", "cy", "--replace")
    assert "Dropped the 10 assignments made before (--replace)" in redone.out
    assert _queue_rows(redone.out) == {"cy": ["10", "0", "10"]}


def test_assign_without_annotators_and_stats_show_each_queues_progress(cli, news: Path) -> None:
    shown = cli("assign", "--db", news, "-d", "news")
    assert "No document of 'news' is assigned" in shown.out
    assert cli("assign", "--db", news, "-d", "news", "--annotators", "ada,bob").code == 0
    with Store.open(news, annotator="ada") as store:
        (dataset,) = store.list_datasets()
        for document_id in store.document_ids(dataset.id):
            document = store.get_document(document_id)
            if any(
                a.document_id == document_id and a.annotator == "ada"
                for a in store.assignments(dataset.id)
            ):
                store.apply(document, SetStatus(document.status, Status.DONE))
                break
    shown = cli("assign", "--db", news, "-d", "news")
    assert _queue_rows(shown.out) == {"ada": ["5", "1", "4"], "bob": ["4", "0", "4"]}
    stats = cli("stats", "--db", news, "-d", "news")
    assert "Assignments" in stats.out
    assert _queue_rows(stats.out)["ada"] == ["5", "1", "4"]
    data = json.loads(cli("stats", "--db", news, "-d", "news", "--json").out)
    assert data["assignments"]["bob"] == {"assigned": 4, "done": 0, "open": 4}


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (("-d", "news", "--annotators", "ada,bob", "--overlap", "3"), "--overlap 3 is more than"),
        (("-d", "news", "--annotators", "ada", "--overlap", "0"), "--overlap 0"),
        (("-d", "nope", "--annotators", "ada"), "there is no dataset named 'nope'"),
        (("-d", "news", "--annotators", "ada,,bob"), "has an empty name"),
        (("-d", "news", "--annotators", "ada,bob,ada"), "'ada' is given more than once"),
    ],
)
def test_an_assignment_that_cannot_be_made_is_one_line(
    cli, news: Path, arguments: tuple[str, ...], message: str
) -> None:
    ran = cli("assign", "--db", news, *arguments)
    assert ran.code == 1
    assert message in ran.err and len(ran.err.strip().splitlines()) == 1
    with Store.open(news) as store:
        assert all(not store.assignments(d.id) for d in store.list_datasets())


def test_an_empty_dataset_has_nothing_to_assign(cli, db_path: Path) -> None:
    assert cli("--db", db_path, "datasets", "create", "empty").code == 0
    ran = cli("assign", "--db", db_path, "-d", "empty", "--annotators", "ada")
    assert ran.code == 1
    assert "the dataset 'empty' has no documents to assign; import some first" in ran.err
