"""Two edits of one version at the same moment: the same person in two windows, or two
programs acting as them, each on its own connection.

On a file, BEGIN IMMEDIATE makes the second wait for the first and then check its copy
against what the first wrote. On a server the edit's transaction takes a lock on the
version first (`store/versions.py`), so the same happens there: the second edit reads
the version only once the first is committed, and an edit made on a stale copy is
refused with the same message, nothing of it written. Run these with
`--backend postgresql` too.

The first edit is held inside its transaction, after its writes and before its COMMIT,
until the second has started and is waiting: the two really overlap.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import replace

import psycopg
import pytest
from sqlalchemy.engine import make_url

from annotator.core.edits import Edit, ReplaceSpan, Restate, SetStatus
from annotator.core.errors import StoreError
from annotator.core.model import Label, Span, SpanState, Status
from annotator.store import Store, documents
from annotator.store.location import ServerAddress
from tests.store.test_store import make_document

TEXT = "Ada met Bob in Paris."
ADA = Span(0, 3, "PERSON", SpanState.SUGGESTED, "model")
BOB = Span(8, 11, "PERSON", SpanState.SUGGESTED, "model")
PARIS = Span(15, 20, "GPE", SpanState.SUGGESTED, "model")
STALE = "was changed elsewhere since it was opened"


@pytest.fixture
def two_windows(store: Store) -> Iterator[tuple[Store, Store, int]]:
    """The store twice (two connections) acting as one annotator, and an article with
    three suggestions that neither has edited yet."""
    news = store.create_dataset("news", labels=[Label("PERSON"), Label("GPE")])
    store.add_documents(news.id, [(make_document(TEXT, ADA, BOB, PARIS), None)])
    (document_id,) = store.document_ids(news.id)
    with (
        Store.open(store.location, annotator="ada") as first,
        Store.open(store.location, annotator="ada") as second,
    ):
        yield first, second, document_id


@contextmanager
def _held_before_commit() -> Iterator[tuple[threading.Event, threading.Event]]:
    """(written, release): an edit made on the thread named "first" signals `written`
    once its rows are written and waits for `release` before its COMMIT."""
    written, release = threading.Event(), threading.Event()
    original = documents.write_edit

    def holding(*args: object, **kwargs: object) -> None:
        original(*args, **kwargs)  # type: ignore[arg-type]
        if threading.current_thread().name == "first":
            written.set()
            release.wait(30)

    documents.write_edit = holding  # type: ignore[assignment]
    try:
        yield written, release
    finally:
        documents.write_edit = original


def _race(
    first: Callable[[], object], second: Callable[[], object], location: object
) -> tuple[object, object]:
    """Run `first` and, while its transaction is open, `second`; what each returned or
    raised."""
    outcomes: dict[str, object] = {}

    def run(name: str, action: Callable[[], object]) -> None:
        try:
            outcomes[name] = action()
        except Exception as error:  # the outcome under test
            outcomes[name] = error

    with _held_before_commit() as (written, release):
        one = threading.Thread(target=run, args=("first", first), name="first")
        one.start()
        assert written.wait(30), outcomes.get("first")
        two = threading.Thread(target=run, args=("second", second), name="second")
        two.start()
        _until_waiting(location)
        release.set()
        one.join(30)
        two.join(30)
    return outcomes["first"], outcomes["second"]


def _until_waiting(location: object) -> None:
    """Until the second edit waits for the first: on a server, a lock not yet granted;
    a file's BEGIN IMMEDIATE waits on the busy timeout, which nothing outside shows."""
    if not isinstance(location, ServerAddress):
        time.sleep(0.5)
        return
    url = make_url(str(location))
    query = {k: str(v) for k, v in url.query.items()}
    with psycopg.connect(dbname=url.database, user=url.username, **query) as lead:
        for _ in range(300):
            waiting = lead.execute("SELECT count(*) FROM pg_locks WHERE NOT granted").fetchone()
            if waiting and waiting[0]:
                return
            time.sleep(0.01)
    raise AssertionError("the second edit never waited for the first")


def _edit(
    store: Store, document_id: int, make: Callable[[list[Span]], Edit]
) -> Callable[[], object]:
    opened = store.get_document(document_id)  # both copies are read before either writes
    return lambda: store.apply(opened, make(list(opened.spans)))


def test_two_decisions_on_one_suggestion_at_once_one_lands_and_one_is_refused(
    two_windows: tuple[Store, Store, int],
) -> None:
    first, second, document_id = two_windows
    accept = _edit(first, document_id, lambda _spans: ReplaceSpan.accept(BOB))
    reject = _edit(second, document_id, lambda _spans: ReplaceSpan.reject(BOB))
    accepted, refused = _race(accept, reject, first.location)
    assert not isinstance(accepted, Exception), accepted
    assert isinstance(refused, StoreError) and STALE in str(refused)
    stored = first.get_document(document_id).spans
    assert BOB.with_state(SpanState.ACCEPTED) in stored
    assert BOB not in stored and BOB.with_state(SpanState.REJECTED) not in stored


def test_a_refused_edit_of_many_spans_writes_none_of_them(
    two_windows: tuple[Store, Store, int],
) -> None:
    """Accept all, made on a copy where Bob is still a suggestion, while the other window
    rejects Bob: none of its three acceptances is written."""
    first, second, document_id = two_windows
    reject = _edit(first, document_id, lambda _spans: ReplaceSpan.reject(BOB))
    accept_all = _edit(
        second,
        document_id,
        lambda spans: Restate(tuple(spans), tuple(s.with_state(SpanState.ACCEPTED) for s in spans)),
    )
    rejected, refused = _race(reject, accept_all, first.location)
    assert not isinstance(rejected, Exception), rejected
    assert isinstance(refused, StoreError) and STALE in str(refused)
    assert set(second.get_document(document_id).spans) == {
        ADA,
        BOB.with_state(SpanState.REJECTED),
        PARIS,
    }


def test_two_edits_of_different_spans_at_once_both_land_as_one_after_the_other(
    two_windows: tuple[Store, Store, int],
) -> None:
    """Neither copy is stale where its edit acts: as on a file, the second edit waits,
    then lands in the version the first made, and the version counts both edits."""
    first, second, document_id = two_windows
    accept_ada = _edit(first, document_id, lambda _spans: ReplaceSpan.accept(ADA))
    reject_paris = _edit(second, document_id, lambda _spans: ReplaceSpan.reject(PARIS))
    one, two = _race(accept_ada, reject_paris, first.location)
    assert not isinstance(one, Exception), one
    assert not isinstance(two, Exception), two
    assert set(first.get_document(document_id).spans) == {
        ADA.with_state(SpanState.ACCEPTED),
        BOB,
        PARIS.with_state(SpanState.REJECTED),
    }
    assert _edits_counted(first, document_id) == 2


def test_two_edits_of_an_existing_version_at_once_are_both_counted(
    two_windows: tuple[Store, Store, int],
) -> None:
    """The version's clock (what a merge compares) counts every edit, also two at once."""
    first, second, document_id = two_windows
    first.apply(first.get_document(document_id), ReplaceSpan.accept(BOB))
    accept_ada = _edit(first, document_id, lambda _spans: ReplaceSpan.accept(ADA))
    reject_paris = _edit(second, document_id, lambda _spans: ReplaceSpan.reject(PARIS))
    one, two = _race(accept_ada, reject_paris, first.location)
    assert not isinstance(one, Exception), one
    assert not isinstance(two, Exception), two
    assert _edits_counted(first, document_id) == 3


def _edits_counted(store: Store, document_id: int) -> int:
    """The edits the clock of the store's annotator's version of the document counts."""
    import json

    from sqlalchemy import select

    from annotator.store.tables import VERSION

    with store._engine.connect() as conn:
        clock = conn.execute(
            select(VERSION.c.clock).where(
                VERSION.c.document_id == document_id, VERSION.c.annotator == store.annotator
            )
        ).scalar_one()
    return sum(json.loads(clock).values())


def test_an_edit_made_on_a_stale_copy_of_an_existing_version_changes_nothing(
    two_windows: tuple[Store, Store, int],
) -> None:
    """Both windows have written before (on a server each edit now goes in one batch):
    the first rejects Bob, the second, on its older copy, relabels him. Nothing of the
    relabel is kept, neither the span it adds nor a count in the version's clock."""
    first, second, document_id = two_windows
    first.apply(first.get_document(document_id), ReplaceSpan.accept(ADA))
    second.apply(second.get_document(document_id), SetStatus(Status.NEW, Status.IN_PROGRESS))
    stale = second.get_document(document_id)
    first.apply(first.get_document(document_id), ReplaceSpan.reject(BOB))
    relabelled = replace(BOB, label="GPE", state=SpanState.ACCEPTED)
    with pytest.raises(StoreError, match=STALE):
        second.apply(stale, ReplaceSpan(BOB, relabelled))
    assert set(first.get_document(document_id).spans) == {
        ADA.with_state(SpanState.ACCEPTED),
        BOB.with_state(SpanState.REJECTED),
        PARIS,
    }
    assert _edits_counted(first, document_id) == 3
