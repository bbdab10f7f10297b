"""Work assignment in a store (a file, or a server with --backend postgresql): the deal
written and kept, each queue's progress, the next open document of a queue, and the
document list's "assigned to me" filter and others' progress."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from annotator.core.assignment import AssignmentError, queues
from annotator.core.edits import SetStatus
from annotator.core.model import Label, Status
from annotator.core.summaries import STATUS_ORDER, DocumentQuery, SortKey
from annotator.store import Store
from tests.store.test_store import make_document


def _dataset(store: Store, count: int, name: str = "news") -> int:
    dataset = store.create_dataset(name, labels=[Label("PERSON")])
    store.add_documents(
        dataset.id, [(make_document(f"{name} story {i:02d}."), None) for i in range(count)]
    )
    return dataset.id


def _set_status(store: Store, who: str, document_id: int, status: Status) -> None:
    before = store.annotator
    store.annotator = who
    try:
        document = store.get_document(document_id)
        store.apply(document, SetStatus(document.status, status))
    finally:
        store.annotator = before


def test_assigning_writes_the_deal_and_keeps_it_when_documents_are_added(store: Store) -> None:
    news = _dataset(store, 9)
    report = store.assign(news, ["cy", "ada", "bob"], 2)
    assert (report.kept, len(report.dealt), report.removed) == (0, 18, 0)
    first = store.assignments(news)
    assert sorted(first, key=lambda a: (a.annotator, a.position)) == sorted(
        report.dealt, key=lambda a: (a.annotator, a.position)
    )
    assert {p.annotator: p.assigned for p in store.queue_progress(news)} == {
        "ada": 6,
        "bob": 6,
        "cy": 6,
    }
    dataset = store.get_dataset("news")
    store.add_documents(dataset.id, [(make_document(f"later {i}."), None) for i in range(3)])
    again = store.assign(news, ["ada", "bob", "cy"], 2)
    assert again.kept == 18 and len(again.dealt) == 6
    assert set(first) <= set(store.assignments(news))  # nothing dealt before moved
    new_ids = set(store.document_ids(news)[-3:])
    assert {a.document_id for a in again.dealt} == new_ids
    assert store.assign(news, ["ada", "bob", "cy"], 2).dealt == []  # all assigned already


def test_replace_deals_every_document_again(store: Store) -> None:
    news = _dataset(store, 4)
    store.assign(news, ["ada", "bob"], 2)
    report = store.assign(news, ["cy", "dan"], 1, replace=True)
    assert report.removed == 8 and report.kept == 0
    assert {a.annotator for a in store.assignments(news)} == {"cy", "dan"}
    assert len(store.assignments(news)) == 4


def test_an_assignment_that_cannot_be_made_writes_nothing(store: Store) -> None:
    news = _dataset(store, 3)
    store.assign(news, ["ada", "bob"], 1)
    before = store.assignments(news)
    with pytest.raises(AssignmentError, match="more than the 2 annotators"):
        store.assign(news, ["ada", "bob"], 3, replace=True)
    assert store.assignments(news) == before


def test_queue_progress_counts_done_and_open_from_each_version(store: Store) -> None:
    news = _dataset(store, 6)
    store.assign(news, ["ada", "bob"], 1)
    ada = queues(store.assignments(news))["ada"]
    _set_status(store, "ada", ada[0], Status.DONE)
    _set_status(store, "ada", ada[1], Status.SKIPPED)
    _set_status(store, "bob", ada[2], Status.DONE)  # not in bob's queue: not counted
    progress = {p.annotator: (p.assigned, p.done, p.open) for p in store.queue_progress(news)}
    assert progress == {"ada": (3, 1, 1), "bob": (3, 0, 3)}
    store.annotator = "ada"
    assert store.queue_counts(news) == (1, 3)  # the list's footer under "Assigned to me"
    store.annotator = "bob"
    assert store.queue_counts(news) == (0, 3)  # his done one is not in his queue


def test_next_in_queue_follows_the_annotators_queue_skipping_closed_ones(store: Store) -> None:
    news = _dataset(store, 8)
    other = _dataset(store, 2, name="other")
    store.assign(news, ["ada", "bob"], 1)
    store.assign(other, ["ada"], 1)
    queue = queues(store.assignments(news))["ada"]
    store.annotator = "ada"
    assert store.has_queue(news)
    assert store.next_in_queue(news, None) == queue[0]
    assert store.next_in_queue(news, queue[0]) == queue[1]
    _set_status(store, "ada", queue[1], Status.DONE)
    _set_status(store, "ada", queue[2], Status.REJECTED)
    assert store.next_in_queue(news, queue[0]) == queue[3]
    assert store.next_in_queue(news, queue[3]) == queue[0]  # round to the start
    not_mine = next(i for i in store.document_ids(news) if i not in queue)
    assert store.next_in_queue(news, not_mine) == queue[0]
    for document_id in (queue[0], queue[3]):
        _set_status(store, "ada", document_id, Status.DONE)
    assert store.next_in_queue(news, queue[0]) is None
    store.annotator = "eve"
    assert not store.has_queue(news) and store.next_in_queue(news, None) is None
    assert store.assigned(news) == (True, False)  # others have queues, eve none
    store.annotator = "ada"
    assert store.assigned(news) == (True, True)
    assert store.assigned(_dataset(store, 1, name="unassigned")) == (False, False)


SORTS: tuple[SortKey, ...] = ("id", "title", "status", "gold", "updated", "versions")


def test_the_list_shows_only_the_annotators_queue_under_every_filter_and_order(
    store: Store,
) -> None:
    news = _dataset(store, 12)
    _dataset(store, 3, name="other")
    store.assign(news, ["ada", "bob", "cy"], 1)
    store.annotator = "ada"
    queue = set(queues(store.assignments(news))["ada"])
    _set_status(store, "ada", min(queue), Status.DONE)
    _set_status(store, "ada", max(queue), Status.IN_PROGRESS)
    for sort in SORTS:
        for statuses in (frozenset(), frozenset({Status.NEW}), frozenset({Status.DONE})):
            plain = DocumentQuery(statuses=statuses, sort=sort)
            mine = DocumentQuery(statuses=statuses, sort=sort, assigned="ada")
            expected = [i for i in store.matching_ids(news, plain) if i in queue]
            assert store.matching_ids(news, mine) == expected, (sort, statuses)
            assert store.count_matching(news, mine) == len(expected)
            shown = [s.id for s in store.summaries(news, mine, 0, 100)]
            assert shown == expected
    assert DocumentQuery(assigned="ada").is_filtered
    by_status = DocumentQuery(sort="status", assigned="ada")
    assert [store.get_document(i).status for i in store.matching_ids(news, by_status)] == sorted(
        (store.get_document(i).status for i in queue), key=STATUS_ORDER.index
    )


def test_each_row_tells_how_many_others_assigned_the_document_are_done(store: Store) -> None:
    news = _dataset(store, 3)
    store.assign(news, ["ada", "bob", "cy"], 3)
    first, second, third = store.document_ids(news)
    _set_status(store, "bob", first, Status.DONE)
    _set_status(store, "cy", first, Status.DONE)
    _set_status(store, "ada", first, Status.DONE)  # her own: not among the others
    _set_status(store, "cy", second, Status.IN_PROGRESS)
    store.annotator = "ada"
    rows = {s.id: (s.others_done, s.others_assigned) for s in store.summaries_of([first, second])}
    assert rows == {first: (2, 2), second: (0, 2)}
    store.annotator = "dan"  # assigned nothing: everyone assigned counts as others
    (row,) = store.summaries_of([first])
    assert (row.others_done, row.others_assigned) == (3, 3)
    unassigned = _dataset(store, 1, name="other")
    (row,) = store.summaries_of(store.document_ids(unassigned))
    assert (row.others_done, row.others_assigned) == (0, 0)
    del third


def test_deleting_a_dataset_or_document_takes_its_assignments(store: Store) -> None:
    news = _dataset(store, 3)
    store.assign(news, ["ada", "bob"], 2)
    first = store.document_ids(news)[0]
    store.delete_document(first)
    assert first not in {a.document_id for a in store.assignments(news)}
    assert len(store.assignments(news)) == 4


def test_a_schema_7_file_upgraded_takes_assignments(tmp_path: Path) -> None:
    path = tmp_path / "annotations.db"
    shutil.copyfile(Path(__file__).parent / "data" / "annotations-v7.db", path)
    with Store.open(path, annotator="ada") as store:
        (dataset,) = store.list_datasets()
        report = store.assign(dataset.id, ["ada", "grace"], 1)
        assert len(report.dealt) == len(store.document_ids(dataset.id))
        following = store.next_in_queue(dataset.id, None)
        queue = queues(report.dealt)["ada"]
        first_open = next(i for i in queue if store.get_document(i).status is not Status.DONE)
        assert following == first_open
