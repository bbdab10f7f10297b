"""The SQLite store on real files: settings, datasets, documents, edits, schema, locking."""

from __future__ import annotations

import hashlib
import random
import shutil
import sqlite3
import stat
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from annotator.core.edits import AddSpan, Batch, RemoveSpan, ReplaceSpan, SetStatus
from annotator.core.errors import EditError, NotFoundError, StoreError
from annotator.core.hashing import input_hash
from annotator.core.model import Dataset, Document, Label, Span, SpanState, Status
from annotator.core.tokens import Tokens
from annotator.store import SCHEMA_VERSION, AddResult, Store
from annotator.store import db as store_db
from annotator.store import schema as store_schema
from tests.store_contents import digest, value

# -- helpers ------------------------------------------------------------------------------


@pytest.fixture(autouse=True)
def _as_ana(request: pytest.FixtureRequest) -> None:
    """The store acts as ana, who decided on the documents the tests add."""
    if "store" in request.fixturenames:
        request.getfixturevalue("store").annotator = "ana"


def make_document(
    text: str,
    *spans: Span,
    status: Status = Status.NEW,
    meta: dict[str, Any] | None = None,
    annotator: str | None = None,
) -> Document:
    return Document(
        id=0,
        dataset_id=0,
        text=text,
        spans=tuple(sorted(spans, key=lambda s: s.key)),
        status=status,
        meta=meta or {},
        source="wire.txt",
        input_hash=input_hash(text),
        annotator=annotator,
        created_at=1.0,
        updated_at=1.0,
    )


ARTICLE = "Zaha Hadid opened the Riverside Museum in Glasgow 😀 in June 2011."
PERSON = Span(0, 10, "PERSON")
FAC = Span(22, 38, "FAC", SpanState.SUGGESTED, "model", 0.5)
LABELS = (Label("PERSON", "#ff0000", "1"), Label("FAC"), Label("GPE"))


def sql(path: Path, query: str, *params: object) -> Any:
    """One value read with a plain sqlite3 connection, independent of the store's engine."""
    connection = sqlite3.connect(path)
    try:
        return connection.execute(query, params).fetchone()[0]
    finally:
        connection.close()


def counts(store: Store | Path) -> tuple[int, int, int, int]:
    """Datasets, labels, documents and spans, read apart from the store's engine."""
    return tuple(  # type: ignore[return-value]
        value(store, f"SELECT count(*) FROM {table}")
        for table in ("dataset", "label", "document", "span")
    )


def file_digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def one_document(store: Store, dataset: Dataset) -> Document:
    store.add_documents(dataset.id, [(make_document(ARTICLE, PERSON, FAC), None)])
    (document_id,) = store.document_ids(dataset.id)
    return store.get_document(document_id)


@pytest.fixture
def dataset(store: Store) -> Dataset:
    return store.create_dataset("news", labels=LABELS)


# -- the file and its settings ------------------------------------------------------------


def test_connection_settings_read_back(db_path: Path) -> None:
    engine = store_db.open_engine(db_path)
    try:
        with engine.connect() as conn:
            read = {
                name: conn.exec_driver_sql(f"PRAGMA {name}").scalar_one()
                for name in ("journal_mode", "foreign_keys", "busy_timeout", "synchronous")
            }
    finally:
        engine.dispose()
    assert read == {
        "journal_mode": "wal",
        "foreign_keys": 1,
        "busy_timeout": 5000,
        "synchronous": 1,
    }
    assert sql(db_path, "PRAGMA journal_mode") == "wal"  # kept in the file
    assert sql(db_path, "PRAGMA user_version") == SCHEMA_VERSION


@pytest.mark.sqlite_only
def test_store_file_is_private(store: Store, dataset: Dataset, db_path: Path) -> None:
    one_document(store, dataset)
    assert stat.S_IMODE(db_path.stat().st_mode) == 0o600
    for companion in (
        db_path.with_name(db_path.name + "-wal"),
        db_path.with_name(db_path.name + "-shm"),
    ):
        if companion.exists():
            assert stat.S_IMODE(companion.stat().st_mode) & 0o077 == 0


def test_store_creates_missing_parent_directories(tmp_path: Path) -> None:
    path = tmp_path / "a" / "b" / "annotations.db"
    with Store.open(path) as store:
        assert store.list_datasets() == []
    assert path.is_file()


# -- datasets -----------------------------------------------------------------------------


def test_create_dataset_keeps_labels_in_order(store: Store) -> None:
    created = store.create_dataset("news", labels=LABELS, lang="de", allow_overlap=True)
    assert created.labels == LABELS
    assert (created.lang, created.allow_overlap) == ("de", True)
    assert store.get_dataset("news") == created
    assert [d.name for d in store.list_datasets()] == ["news"]


@pytest.mark.parametrize("name", ["", "  ", " news", "news "])
def test_dataset_names_cannot_be_blank_or_padded(store: Store, name: str) -> None:
    with pytest.raises(StoreError, match="cannot be empty or start or end with spaces"):
        store.create_dataset(name)


@pytest.mark.parametrize(
    ("name", "shown"),
    [
        ("news\nwire", "the character U+000A"),
        ("news\x07", "the character U+0007"),
        ("\u202enews", "the character U+202E"),
        ("news\tsport", "the character U+0009"),
        ("news\u00a0sport", "the character U+00A0"),
        # Invisible: "def\u200bault" looks exactly like "default" in every listing.
        ("def\u200bault", "the character U+200B"),
        ("\u061cnews", "the character U+061C"),
        ("news\u2060", "the character U+2060"),
        ("ne\u00adws", "the character U+00AD"),
        ("\ufeffnews", "the character U+FEFF"),
        ("ne\u034fws", "the character U+034F"),
        ("news\U000e0041", "the character U+E0041"),
        ("news\u200d", "the character U+200D"),
    ],
)
def test_dataset_names_refuse_what_label_names_refuse(
    store: Store, dataset: Dataset, name: str, shown: str
) -> None:
    """A line break, a bell or a right-to-left override in a name garbles every listing."""
    expected = f"dataset name {name!r} contains {shown}, which dataset names cannot hold"
    with pytest.raises(StoreError) as refused:
        store.create_dataset(name)
    assert str(refused.value) == expected
    with pytest.raises(StoreError, match="which dataset names cannot hold"):
        store.rename_dataset("news", name)
    assert [d.name for d in store.list_datasets()] == ["news"]
    assert store.create_dataset("news 2024").name == "news 2024"  # a plain space is fine
    # A joiner between two letters is part of the spelling (Persian "mi\u200cravam").
    assert store.create_dataset("\u0645\u06cc\u200c\u0631\u0648\u0645").name.count("\u200c") == 1


def test_duplicate_dataset_name_is_refused(store: Store, dataset: Dataset) -> None:
    with pytest.raises(StoreError, match="a dataset named 'news' already exists"):
        store.create_dataset("news")


def test_missing_dataset_names_the_ones_that_exist(store: Store, dataset: Dataset) -> None:
    with pytest.raises(NotFoundError, match=r"no dataset named 'sport' \(datasets: news\)"):
        store.get_dataset("sport")
    assert store.find_dataset("sport") is None


def test_rename_dataset(store: Store, dataset: Dataset) -> None:
    one_document(store, dataset)
    renamed = store.rename_dataset("news", "news-2024")
    assert (renamed.id, renamed.labels) == (dataset.id, dataset.labels)
    assert store.find_dataset("news") is None
    assert store.count_documents(renamed.id) == 1


def test_rename_refuses_an_existing_or_blank_name(store: Store, dataset: Dataset) -> None:
    store.create_dataset("sport")
    with pytest.raises(StoreError, match="already exists"):
        store.rename_dataset("news", "sport")
    with pytest.raises(StoreError, match="cannot be empty"):
        store.rename_dataset("news", " ")
    with pytest.raises(NotFoundError):
        store.rename_dataset("weather", "climate")
    assert sorted(d.name for d in store.list_datasets()) == ["news", "sport"]


def test_delete_dataset_cascades_to_documents_spans_and_labels(
    store: Store, dataset: Dataset
) -> None:
    other = store.create_dataset("sport", labels=[Label("TEAM")])
    store.add_documents(
        dataset.id, [(make_document(f"{ARTICLE} {i}", PERSON), None) for i in range(3)]
    )
    store.add_documents(other.id, [(make_document("Ajax won.", Span(0, 4, "TEAM")), None)])
    assert counts(store) == (2, 4, 4, 4)
    assert store.delete_dataset("news") == 3
    assert counts(store) == (1, 1, 1, 1)
    assert store.count_documents(other.id) == 1
    with pytest.raises(NotFoundError):
        store.delete_dataset("news")


def test_add_labels_appends_after_existing(store: Store, dataset: Dataset) -> None:
    store.add_labels(dataset.id, [Label("DATE"), Label("MONEY")])
    assert store.get_dataset("news").label_names == ("PERSON", "FAC", "GPE", "DATE", "MONEY")


# -- documents ----------------------------------------------------------------------------


def test_add_documents_round_trips_every_field(store: Store, dataset: Dataset) -> None:
    tokens = Tokens.from_pairs([(0, 4), (5, 10)])
    original = make_document(
        ARTICLE,
        PERSON,
        FAC,
        status=Status.DONE,
        meta={"title": "Über", "n": [1, 2]},
        annotator="ana",
    )
    assert store.add_documents(dataset.id, [(original, tokens)]) == AddResult(1, 0)
    (document_id,) = store.document_ids(dataset.id)
    stored = store.get_document(document_id)
    assert stored.text == ARTICLE
    assert stored.spans == original.spans
    assert (stored.status, stored.meta, stored.annotator) == (Status.DONE, original.meta, "ana")
    assert (stored.source, stored.input_hash) == ("wire.txt", input_hash(ARTICLE))
    assert store.get_tokens(document_id) == tokens
    with pytest.raises(NotFoundError, match="no document with id 999"):
        store.get_document(999)


def test_duplicate_input_hash_is_skipped_and_counted(store: Store, dataset: Dataset) -> None:
    first, second = make_document("one"), make_document("two")
    assert store.add_documents(dataset.id, [(first, None), (second, None), (first, None)]) == (
        AddResult(2, 1)
    )
    assert store.add_documents(dataset.id, [(make_document("three"), None), (second, None)]) == (
        AddResult(1, 1)
    )
    assert store.count_documents(dataset.id) == 3
    other = store.create_dataset("other")
    assert store.add_documents(other.id, [(first, None)]) == AddResult(1, 0)  # per dataset


def test_add_documents_is_all_or_nothing(store: Store, dataset: Dataset) -> None:
    one_document(store, dataset)
    before = counts(store)

    def documents() -> Iterator[tuple[Document, Tokens | None]]:
        for i in range(5):
            yield make_document(f"article {i}", Span(0, 7, "PERSON")), None
        raise ValueError("line 6 is not JSON")

    with pytest.raises(ValueError, match="line 6"):
        store.add_documents(dataset.id, documents(), new_labels=[Label("DATE")])
    assert counts(store) == before
    assert store.get_dataset("news").label_names == ("PERSON", "FAC", "GPE")


@pytest.mark.sqlite_only
def test_a_full_disk_is_a_store_error_and_writes_nothing(
    db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with Store.open(db_path) as store:
        dataset_id = store.create_dataset("news").id
    configure = store_db._configure_connection

    def small_disk(dbapi_connection: Any, record: Any) -> None:
        configure(dbapi_connection, record)
        dbapi_connection.execute("PRAGMA max_page_count = 40")

    monkeypatch.setattr(store_db, "_configure_connection", small_disk)
    big = [(make_document(f"{i} " + "news " * 2000), None) for i in range(40)]
    with Store.open(db_path) as store, pytest.raises(StoreError, match="full"):
        store.add_documents(dataset_id, big)
        assert counts(store)[2] == 0


# -- edits --------------------------------------------------------------------------------


def test_applied_edits_survive_reopening(db_path: Path) -> None:
    with Store.open(db_path, annotator="ana") as store:
        dataset = store.create_dataset("news", labels=LABELS)
        document = one_document(store, dataset)
        document = store.apply(document, ReplaceSpan.accept(FAC))
        document = store.apply(document, AddSpan(Span(42, 49, "GPE")))
        document = store.apply(document, RemoveSpan(PERSON))
        document = store.apply(document, SetStatus(Status.NEW, Status.DONE))
    with Store.open(db_path, annotator="ana") as reopened:
        stored = reopened.get_document(document.id)
    assert stored.spans == document.spans
    assert [(s.label, s.state) for s in stored.spans] == [
        ("FAC", SpanState.ACCEPTED),
        ("GPE", SpanState.MANUAL),
    ]
    assert (stored.status, stored.annotator) == (Status.DONE, "ana")
    assert stored.updated_at > 1.0


def test_batch_and_its_undo_write_the_net_rows(store: Store, dataset: Dataset) -> None:
    document = one_document(store, dataset)
    gpe = Span(42, 49, "GPE")
    batch = Batch(
        (ReplaceSpan.accept(FAC), AddSpan(gpe), RemoveSpan(gpe), AddSpan(Span(11, 17, "GPE"))),
        "Accept all",
    )
    changed = store.apply(document, batch)
    assert store.get_document(document.id).spans == changed.spans
    restored = store.apply(changed, batch.inverted())
    assert store.get_document(document.id).spans == restored.spans == document.spans


def test_an_invalid_edit_leaves_the_store_unchanged(store: Store, dataset: Dataset) -> None:
    document = one_document(store, dataset)
    before = digest(store), store.get_document(document.id)
    for edit in (
        AddSpan(Span(5, 15, "GPE")),  # overlaps PERSON
        RemoveSpan(Span(42, 49, "GPE")),
        SetStatus(Status.DONE, Status.NEW),
        Batch((AddSpan(Span(42, 49, "GPE")), AddSpan(Span(42, 49, "GPE"))), "twice"),
    ):
        with pytest.raises(EditError):
            store.apply(document, edit)
    assert (digest(store), store.get_document(document.id)) == before


def test_a_stale_document_is_refused_and_nothing_is_written(store: Store, dataset: Dataset) -> None:
    document = one_document(store, dataset)
    gpe = Span(42, 49, "GPE")
    store.apply(document, AddSpan(gpe))
    before = store.get_document(document.id)
    with pytest.raises(StoreError, match="changed elsewhere since it was opened"):
        store.apply(document, Batch((SetStatus(Status.NEW, Status.DONE), AddSpan(gpe)), "b"))
    assert store.get_document(document.id) == before


def test_an_edit_of_a_deleted_document_is_not_acknowledged(store: Store, dataset: Dataset) -> None:
    document = one_document(store, dataset)
    store.delete_dataset("news")
    for edit in (SetStatus(Status.NEW, Status.DONE), AddSpan(Span(42, 49, "GPE"))):
        with pytest.raises(NotFoundError, match="no longer in the store"):
            store.apply(document, edit)


# -- reading ------------------------------------------------------------------------------


def test_iter_documents_streams_spans_with_their_documents(store: Store, dataset: Dataset) -> None:
    rng = random.Random(5)
    statuses = list(Status)
    originals = []
    for i in range(120):
        spans = [] if i % 3 == 0 else [Span(0, 3, "PERSON"), Span(4, 6, rng.choice(["FAC", "GPE"]))]
        if i % 7 == 0:
            spans.append(Span(1, 5, "GPE", SpanState.SUGGESTED, "model", 0.25))
        originals.append(make_document(f"doc {i:03d} 😀", *spans, status=statuses[i % 5]))
    store.add_documents(dataset.id, [(d, Tokens.from_pairs([(0, 3), (4, 7)])) for d in originals])
    streamed = list(store.iter_documents(dataset.id, with_tokens=True))
    assert [d.text for d, _ in streamed] == [d.text for d in originals]
    assert [d.spans for d, _ in streamed] == [d.spans for d in originals]
    assert all(tokens == Tokens.from_pairs([(0, 3), (4, 7)]) for _, tokens in streamed)
    for document, _ in streamed[:10]:
        assert store.get_document(document.id) == document

    done = list(store.iter_documents(dataset.id, {Status.DONE, Status.SKIPPED}))
    expected = [d for d in originals if d.status in (Status.DONE, Status.SKIPPED)]
    assert [(d.text, d.spans) for d, _ in done] == [(d.text, d.spans) for d in expected]
    assert all(tokens is None for _, tokens in done)
    assert store.count_documents(dataset.id, [Status.DONE]) == 24
    assert store.document_ids(dataset.id, [Status.DONE]) == [
        d.id for d, _ in streamed if d.status is Status.DONE
    ]


def test_iter_documents_of_another_dataset_is_empty(store: Store, dataset: Dataset) -> None:
    one_document(store, dataset)
    other = store.create_dataset("other")
    assert list(store.iter_documents(other.id)) == []


def test_stats(store: Store, dataset: Dataset) -> None:
    other = store.create_dataset("other")
    store.add_documents(
        dataset.id,
        [
            (make_document("a b", Span(0, 1, "PERSON"), status=Status.DONE, annotator="ana"), None),
            (make_document("c d", Span(0, 1, "PERSON"), FAC_SHORT, annotator="ana"), None),
            (make_document("e f"), None),
        ],
    )
    store.add_documents(other.id, [(make_document("x y", Span(0, 1, "TEAM")), None)])
    stats = store.stats(dataset.id)
    assert stats.documents_by_status == {"done": 1, "new": 2}
    assert stats.spans_by_label == {"PERSON": {"manual": 2}, "FAC": {"suggested": 1}}
    assert stats.documents_by_annotator == {"ana": {"done": 1, "new": 1}}
    everything = store.stats()
    assert everything.documents_by_status == {"done": 1, "new": 3}
    assert everything.spans_by_label["TEAM"] == {"manual": 1}


FAC_SHORT = Span(2, 3, "FAC", SpanState.SUGGESTED)


# -- schema: what the store refuses to open -----------------------------------------------


def make_newer_store(path: Path, journal_mode: str) -> None:
    with Store.open(path) as store:
        store.create_dataset("future")
    connection = sqlite3.connect(path, isolation_level=None)
    connection.execute(f"PRAGMA journal_mode = {journal_mode}")
    connection.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    connection.close()


@pytest.mark.parametrize("journal_mode", ["wal", "delete"])
def test_newer_store_is_refused_and_left_alone(db_path: Path, journal_mode: str) -> None:
    make_newer_store(db_path, journal_mode)
    before = file_digest(db_path)
    with pytest.raises(StoreError) as caught:
        Store.open(db_path)
    message = str(caught.value)
    assert f"schema {SCHEMA_VERSION + 1}, this version knows {SCHEMA_VERSION}" in message
    assert "it was not changed" in message
    assert "Traceback" not in message
    assert file_digest(db_path) == before
    assert sql(db_path, "PRAGMA journal_mode") == journal_mode


@pytest.mark.parametrize(
    "content",
    [
        random.Random(3).randbytes(8192),
        b"id,name\n1,Zaha Hadid\n2,Riverside Museum\n" * 40,
        b"SQLite format 3\x00" + b"\xff" * 200,  # the right magic, then garbage
    ],
    ids=["random-bytes", "text", "bad-header"],
)
def test_a_file_that_is_not_sqlite_is_refused_unchanged(db_path: Path, content: bytes) -> None:
    db_path.write_bytes(content)
    with pytest.raises(StoreError, match="not an annotator store"):
        Store.open(db_path)
    assert db_path.read_bytes() == content
    assert not db_path.with_name(db_path.name + "-wal").exists()


def test_an_sqlite_file_of_another_program_is_refused_unchanged(db_path: Path) -> None:
    connection = sqlite3.connect(db_path)
    connection.execute("CREATE TABLE contacts (name TEXT)")
    connection.execute("INSERT INTO contacts VALUES ('Zaha')")
    connection.commit()
    connection.close()
    before = file_digest(db_path)
    with pytest.raises(StoreError, match="is an SQLite file but not an annotator store"):
        Store.open(db_path)
    assert file_digest(db_path) == before
    assert sql(db_path, "PRAGMA journal_mode") == "delete"


def test_a_directory_is_refused(tmp_path: Path) -> None:
    with pytest.raises(StoreError, match="is a directory, not a store file"):
        Store.open(tmp_path)


def test_a_path_under_a_file_is_a_store_error(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x")
    with pytest.raises(StoreError, match="cannot create the store"):
        Store.open(blocker / "annotations.db")


# -- schema: migrations -------------------------------------------------------------------


ADD_TOPIC_COLUMN = (
    "conn.exec_driver_sql(\"ALTER TABLE document ADD COLUMN topic TEXT DEFAULT 'news'\")"
)
ADD_COLUMN_THEN_FAIL = f"{ADD_TOPIC_COLUMN}\n    raise RuntimeError('step 1 -> 2 failed half-way')"


def next_release(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, step: str) -> None:
    """A release one schema newer: the real revisions, and `step` as the next one."""
    location = tmp_path / "migrations"
    shutil.copytree(
        store_schema.SCRIPT_LOCATION, location, ignore=shutil.ignore_patterns("__pycache__")
    )
    (location / "versions" / f"schema_{NEXT:04d}_next.py").write_text(
        "from alembic import op\n"
        f"revision = '{NEXT:04d}'\ndown_revision = '{CURRENT:04d}'\n"
        "branch_labels = None\ndepends_on = None\n\n"
        f"def upgrade() -> None:\n    conn = op.get_bind()\n    {step}\n",
        encoding="utf-8",
    )
    monkeypatch.setattr(store_schema, "SCRIPT_LOCATION", location)
    monkeypatch.setattr(store_db, "SCHEMA_VERSION", NEXT)


def columns(path: Path, table: str) -> list[str]:
    connection = sqlite3.connect(path)
    try:
        return [row[1] for row in connection.execute(f"PRAGMA table_info({table})")]
    finally:
        connection.close()


CURRENT = store_db.SCHEMA_VERSION
NEXT = CURRENT + 1


@pytest.fixture
def current_store(db_path: Path) -> Path:
    with Store.open(db_path) as store:
        dataset = store.create_dataset("news", labels=LABELS)
        one_document(store, dataset)
    assert sql(db_path, "PRAGMA user_version") == CURRENT
    return db_path


def test_migration_backs_up_then_upgrades(
    current_store: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    next_release(tmp_path, monkeypatch, ADD_TOPIC_COLUMN)
    with Store.open(current_store) as store:
        (document,) = [d for d, _ in store.iter_documents(store.get_dataset("news").id)]
        assert document.spans == (PERSON, FAC)
    assert sql(current_store, "PRAGMA user_version") == NEXT
    assert "topic" in columns(current_store, "document")
    assert sql(current_store, "SELECT topic FROM document") == "news"

    backup = current_store.with_name(f"annotations.db.bak-v{CURRENT}")
    assert backup.is_file()
    assert stat.S_IMODE(backup.stat().st_mode) == 0o600
    assert sql(backup, "PRAGMA user_version") == CURRENT
    assert "topic" not in columns(backup, "document")
    assert counts(backup) == (1, 3, 1, 2)

    with Store.open(current_store) as again:  # already current: no second migration
        assert again.count_documents(again.get_dataset("news").id) == 1


def test_a_failing_migration_rolls_back_completely(
    current_store: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    next_release(tmp_path, monkeypatch, ADD_COLUMN_THEN_FAIL)
    with pytest.raises(StoreError) as caught:
        Store.open(current_store)
    message = str(caught.value)
    assert f"schema {CURRENT} to {NEXT}" in message and "half-way" in message
    assert f"annotations.db.bak-v{CURRENT}" in message
    assert "topic" not in columns(current_store, "document")
    assert sql(current_store, "PRAGMA user_version") == CURRENT
    assert counts(current_store) == (1, 3, 1, 2)

    monkeypatch.setattr(store_db, "SCHEMA_VERSION", CURRENT)
    with Store.open(current_store) as store:  # the old version still opens it
        assert store.get_dataset("news").label_names == ("PERSON", "FAC", "GPE")


def test_a_store_written_by_schema_1_opens_after_a_backup(tmp_path: Path) -> None:
    """`data/annotations-v1.db` was written by annotator 0.1.0's first schema."""
    original = Path(__file__).parent / "data" / "annotations-v1.db"
    path = tmp_path / "annotations.db"
    shutil.copyfile(original, path)
    with Store.open(path) as store:
        dataset = store.get_dataset("fixture")
        documents = [d for d, _ in store.iter_documents(dataset.id)]
    assert sql(path, "PRAGMA user_version") == CURRENT
    assert {"suggested_with", "suggested_at"} <= set(columns(path, "document"))
    assert [d.text[:13] for d in documents] == ["Angela Merkel", "The 😀 emoji p", "Raw text with"]
    assert [(s.start, s.end, s.label, s.state.value) for s in documents[0].spans] == [
        (0, 13, "PERSON", "manual"),
        (18, 33, "PERSON", "manual"),
        (37, 42, "GPE", "rejected"),
    ]
    assert documents[1].covered_text(documents[1].spans[0]) == "Berlin"
    backup = path.with_name("annotations.db.bak-v1")
    assert sql(backup, "PRAGMA user_version") == 1
    assert backup.read_bytes() != path.read_bytes()


# -- another process holds the write lock -------------------------------------------------


@pytest.mark.sqlite_only
def test_a_locked_store_gives_a_busy_error_without_hanging(
    store: Store, db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store.create_dataset("news")
    store.close()
    monkeypatch.setattr(store_db, "BUSY_TIMEOUT_MS", 200)
    other = sqlite3.connect(db_path, isolation_level=None)
    try:
        other.execute("BEGIN IMMEDIATE")
        other.execute(
            "INSERT INTO dataset (name, lang, allow_overlap, settings, created_at)"
            " VALUES ('theirs', 'en', 0, '{}', 0)"
        )
        with Store.open(db_path) as locked:
            assert [d.name for d in locked.list_datasets()] == ["news"]  # reads still work
            with pytest.raises(StoreError) as caught:  # its wait: bench/bench_busy_refusal.py
                locked.create_dataset("sport")
            message = str(caught.value)
            assert "the store is busy" in message
            assert "0.2 s" in message
            assert "Traceback" not in message and "sqlite3" not in message
        other.execute("ROLLBACK")
        with Store.open(db_path) as free:
            free.create_dataset("sport")
            assert [d.name for d in free.list_datasets()] == ["news", "sport"]
    finally:
        other.close()


def test_newest_tells_which_dataset_was_added_to_last(store: Store) -> None:
    from dataclasses import replace

    from annotator.core.summaries import Newest

    def added_now(text: str) -> list[tuple[Document, None]]:
        return [(replace(make_document(text), created_at=time.time()), None)]

    assert store.newest() == Newest()
    news = store.create_dataset("news")
    assert store.newest() == Newest(news.id, 0, news.id)
    wires = store.create_dataset("wires")
    store.add_documents(news.id, added_now("Rain in Lima."))
    newest = store.newest()
    assert newest.last_dataset_id == news.id  # its article came after the empty "wires"
    assert newest.dataset_id == wires.id and newest.document_id > 0
    assert not newest.has_more_than(newest)
    store.add_documents(wires.id, added_now("Markets fell."))
    assert store.newest().has_more_than(newest)
    assert store.newest().last_dataset_id == wires.id
    later = store.create_dataset("later")
    assert store.newest().last_dataset_id == later.id


def test_deleting_a_document_takes_its_spans_and_tokens_in_one_go(store: Store) -> None:
    from annotator.core.errors import NotFoundError
    from annotator.core.hashing import input_hash
    from annotator.core.model import Document, Label, Span
    from annotator.core.tokens import Tokens

    dataset = store.create_dataset("news", labels=[Label("GPE")])
    texts = ["Accra is hot.", "Kumasi is not."]
    store.add_documents(
        dataset.id,
        [
            (
                Document(0, 0, t, spans=(Span(0, 5, "GPE"),), input_hash=input_hash(t)),
                Tokens((0,), (5,)),
            )
            for t in texts
        ],
    )
    first, second = store.document_ids(dataset.id)
    assert store.delete_document(first) == 1
    assert store.document_ids(dataset.id) == [second]
    assert store.stats(dataset.id).spans_by_label == {"GPE": {"manual": 1}}
    assert store.get_document(second).spans == (Span(0, 5, "GPE"),)
    with pytest.raises(NotFoundError):
        store.delete_document(first)


def test_the_schema_number_is_the_newest_revision() -> None:
    """`SCHEMA_VERSION` (read without loading the revisions) is the newest revision."""
    assert store_schema.newest() == store_db.SCHEMA_VERSION
