"""A store on a real PostgreSQL server: the same commands, the same results as a file.

The server is Debian's PostgreSQL, started by the tests on a socket in a temporary folder
(tests/postgres_server.py); each test gets a new, empty database.
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from annotator.core.edits import AddSpan, SetStatus
from annotator.core.errors import StoreError
from annotator.core.model import Span, Status
from annotator.store import SCHEMA_VERSION, Store
from tests.conftest import CliResult
from tests.postgres_server import PostgresServer
from tests.store.test_store import ADD_TOPIC_COLUMN, next_release
from tests.store_contents import value

TASKS = [
    {
        "text": "Angela Merkel met Emmanuel Macron in Berlin.",
        "meta": {"source": "wire", "title": "Two leaders"},
        "spans": [
            {"start": 0, "end": 13, "label": "PERSON"},
            {"start": 18, "end": 33, "label": "PERSON", "answer": "accept"},
            {"start": 37, "end": 43, "label": "GPE", "answer": "reject"},
        ],
        "answer": "accept",
        "_annotator_id": "ada",
    },
    {"text": "Nobody has looked at this one, née Zoë 😀.", "meta": {}},
    {"text": "This one was skipped.", "meta": {}, "answer": "ignore", "_annotator_id": "ada"},
]


def _tasks_file(tmp_path: Path) -> Path:
    path = tmp_path / "tasks.jsonl"
    path.write_text("".join(json.dumps(t) + "\n" for t in TASKS), encoding="utf-8")
    return path


def _round_trip(
    cli, db: str | Path, tmp_path: Path, name: str
) -> tuple[CliResult, list[dict[str, object]]]:
    imported = cli("import", _tasks_file(tmp_path), "--dataset", "news", "--db", db)
    assert imported.code == 0, imported.err
    out = tmp_path / f"{name}.jsonl"
    exported = cli(
        "export", out, "--dataset", "news", "--db", db, "--status", "all", "--version", "all"
    )
    assert exported.code == 0, exported.err
    # Each line as written, but for the time of the import, which the two runs differ in.
    lines = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    return exported, [{k: v for k, v in line.items() if k != "_timestamp"} for line in lines]


def test_import_and_export_on_a_server_give_what_a_file_gives(
    cli, server_url: str, db_path: Path, tmp_path: Path
) -> None:
    on_server, server_lines = _round_trip(cli, server_url, tmp_path, "server")
    in_file, file_lines = _round_trip(cli, db_path, tmp_path, "file")
    assert server_lines == file_lines and len(server_lines) == 2  # the versions
    assert on_server.out == in_file.out.replace("file.jsonl", "server.jsonl")
    listed = cli("documents", "list", "--dataset", "news", "--db", server_url)
    assert listed.code == 0, listed.err
    assert "Two leaders" in listed.out and "née Zoë 😀" in listed.out


def test_each_annotator_edits_their_own_version_on_the_server(server_url: str) -> None:
    with Store.open(server_url, annotator="ada") as ada:
        news = ada.create_dataset("news")
        ada.add_documents(news.id, [(_document("Ada met Bob in Paris."), None)])
        (document_id,) = ada.document_ids(news.id)
        opened = ada.get_document(document_id)
        opened = ada.apply(opened, AddSpan(Span(0, 3, "PERSON")))
        ada.apply(opened, SetStatus(Status.NEW, Status.DONE))
    with Store.open(server_url, annotator="bob") as bob:
        theirs = bob.get_document(document_id)
        assert theirs.spans == () and theirs.status is Status.NEW
        bob.apply(theirs, AddSpan(Span(12, 17, "GPE")))
        assert sorted(bob.annotators(news.id)) == ["ada", "bob"]
    with Store.open(server_url, annotator="ada") as again:
        mine = again.get_document(document_id)
        assert [s.label for s in mine.spans] == ["PERSON"] and mine.status is Status.DONE


def test_a_password_in_the_url_is_refused_without_showing_it(cli, server_url: str) -> None:
    with_password = server_url.replace("lead@", "lead:s3cret@")
    result = cli("datasets", "--db", with_password)
    assert result.code == 1
    assert "s3cret" not in result.out + result.err
    assert "~/.pgpass" in result.err and "lead:***@" in result.err
    assert "Traceback" not in result.err


def test_a_server_that_is_not_there_is_one_clear_line(cli, tmp_path: Path) -> None:
    nowhere = f"postgresql://lead@/news?host={tmp_path}&port=5499"
    result = cli("datasets", "--db", nowhere)
    assert result.code == 1
    (line,) = result.err.strip().splitlines()
    assert "cannot open the store postgresql://lead@/news" in line
    assert "not reachable" in line and "Traceback" not in result.err


def test_another_program_s_database_is_refused_untouched(
    postgres: PostgresServer, server_url: str
) -> None:
    database = server_url.split("?")[0].rsplit("/", 1)[1]
    postgres.sql("CREATE TABLE invoices (id integer)", database)
    with pytest.raises(StoreError, match="has tables but is not an annotator store"):
        Store.open(server_url)
    tables = postgres.sql(
        "SELECT string_agg(tablename, ',') FROM pg_tables WHERE schemaname = 'public'", database
    )
    assert tables == "invoices"


def test_a_schema_the_app_does_not_know_is_refused_untouched(server_url: str) -> None:
    Store.open(server_url).close()
    with Store.open(server_url) as store:
        assert value(store, "SELECT version_num FROM alembic_version") == f"{SCHEMA_VERSION:04d}"
    newer = SCHEMA_VERSION + 1
    _set_schema(server_url, newer)
    with pytest.raises(StoreError, match=f"has schema {newer} .* upgrade annotator"):
        Store.open(server_url)
    _set_schema(server_url, SCHEMA_VERSION - 1)
    with pytest.raises(StoreError, match="upgrade the server's schema first"):
        Store.open(server_url)


def test_the_lead_upgrades_a_server_with_db_upgrade(
    cli, server_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with Store.open(server_url) as store:
        store.create_dataset("news")
    next_release(tmp_path, monkeypatch, ADD_TOPIC_COLUMN)  # this release knows one more
    with pytest.raises(StoreError, match="upgrade the server's schema first"):
        Store.open(server_url)
    upgraded = cli("db", "upgrade", "--db", server_url)
    assert upgraded.code == 0, upgraded.err
    assert f"from schema {SCHEMA_VERSION} to {SCHEMA_VERSION + 1}" in upgraded.out
    with Store.open(server_url) as store:
        assert [d.name for d in store.list_datasets()] == ["news"]
        assert value(store, "SELECT count(*) FROM document WHERE topic = 'news'") == 0
    again = cli("db", "upgrade", "--db", server_url)
    assert again.code == 0 and "already" in again.out


def _set_schema(url: str, version: int) -> None:
    import psycopg
    from sqlalchemy.engine import make_url

    parsed = make_url(url)
    query = {k: str(v) for k, v in parsed.query.items()}
    with psycopg.connect(dbname=parsed.database, user=parsed.username, **query) as connection:
        connection.execute("UPDATE alembic_version SET version_num = %s", (f"{version:04d}",))


def _document(text: str):  # type: ignore[no-untyped-def]
    from tests.store.test_store import make_document

    return make_document(text)


def test_an_export_reads_the_server_a_batch_at_a_time(server_url: str) -> None:
    """Documents and spans come through server-side cursors: psycopg's default cursor
    would hold every row of the dataset in memory before the first line is written."""
    from sqlalchemy import event

    from annotator.store.server import STREAM_BATCH

    with Store.open(server_url) as store:
        news = store.create_dataset("news")
        many = STREAM_BATCH + 5
        store.add_documents(
            news.id, [(_document(f"Article {i} about Paris."), None) for i in range(many)]
        )
        cursors: list[str] = []
        engine = store._engine  # the seam: which cursor each statement ran on
        event.listen(
            engine,
            "after_cursor_execute",
            lambda _conn, cursor, *_args: cursors.append(type(cursor).__name__),
        )
        streamed = store.stream_documents(news.id)
        first = next(streamed)
        assert first[0].text == "Article 0 about Paris."
        assert cursors[-2:] == ["ServerCursor", "ServerCursor"]
        assert sum(1 for _ in streamed) == many - 1


def test_db_upgrade_brings_a_schema_6_server_to_this_version_s_schema(
    cli, postgres: PostgresServer, server_url: str
) -> None:
    """Schema 7's step on a server (each version gets its document's dataset) and every
    later one (schema 9: the label filter's index)."""
    with Store.open(server_url, annotator="ada") as ada:
        news = ada.create_dataset("news")
        ada.add_documents(news.id, [(_document("Ada met Bob."), None)])
        (document_id,) = ada.document_ids(news.id)
        ada.apply(ada.get_document(document_id), SetStatus(Status.NEW, Status.DONE))
    database = server_url.split("?")[0].rsplit("/", 1)[1]
    for statement in (  # the shape a schema 6 store had
        "DROP INDEX ix_version_list",
        "DROP INDEX ix_version_seen",
        "DROP INDEX ix_document_dataset",
        "ALTER TABLE version DROP COLUMN dataset_id",
        "DROP INDEX ix_span_label_seen",
        "CREATE INDEX ix_span_label ON span (label)",
        "UPDATE alembic_version SET version_num = '0006'",
    ):
        postgres.sql(statement, database)
    with pytest.raises(StoreError, match="upgrade the server's schema first"):
        Store.open(server_url)
    upgraded = cli("db", "upgrade", "--db", server_url)
    assert upgraded.code == 0, upgraded.err
    assert f"from schema 6 to {SCHEMA_VERSION}" in upgraded.out
    indexes = postgres.sql("SELECT indexname FROM pg_indexes WHERE tablename = 'span'", database)
    assert "ix_span_label_seen" in indexes.split() and "ix_span_label" not in indexes.split()
    assert postgres.sql("SELECT dataset_id FROM version", database) == str(news.id)
    assert (
        postgres.sql(
            "SELECT is_nullable FROM information_schema.columns "
            "WHERE table_name = 'version' AND column_name = 'dataset_id'",
            database,
        )
        == "NO"
    )
    with Store.open(server_url, annotator="ada") as again:
        assert again.get_document(document_id).status is Status.DONE
        assert again.progress(news.id) == (1, 1)


def test_db_upgrade_brings_a_schema_7_team_server_to_schema_8(
    cli, postgres: PostgresServer, server_url: str
) -> None:
    """Schema 8's step on a team's server: the assignments, readable by the team,
    written by the lead only, and heard by the windows."""
    assert cli("server", "init", server_url).code == 0
    assert cli("server", "add-user", "ada", "--db", server_url).code == 0
    with Store.open(server_url) as lead:
        news = lead.create_dataset("news")
        lead.add_documents(news.id, [(_document("Ada met Bob."), None)])
    database = server_url.split("?")[0].rsplit("/", 1)[1]
    for statement in (  # the shape a schema 7 team's store had
        "DROP VIEW assignment_status",
        "DROP TABLE assignment",
        "UPDATE alembic_version SET version_num = '0007'",
    ):
        postgres.sql(statement, database)
    upgraded = cli("db", "upgrade", "--db", server_url)
    assert upgraded.code == 0, upgraded.err
    assert f"from schema 7 to {SCHEMA_VERSION}" in upgraded.out
    assigned = cli("assign", "--db", server_url, "-d", "news", "--annotators", "ada")
    assert assigned.code == 0, assigned.err
    assert postgres.sql("SELECT annotator FROM assignment_status", database, user="ada") == "ada"
    with pytest.raises(subprocess.CalledProcessError) as refused:
        postgres.sql("DELETE FROM assignment", database, user="ada")
    assert "permission denied for table assignment" in refused.value.stderr
    assert (
        postgres.sql(
            "SELECT count(*) FROM pg_trigger WHERE tgname = 'assignment_changed'", database
        )
        == "1"
    )


@pytest.mark.parametrize("idle", [True, False])
def test_a_connection_the_server_dropped_is_replaced_before_use(
    postgres: PostgresServer, server_url: str, monkeypatch: pytest.MonkeyPatch, idle: bool
) -> None:
    """The server ended the store's connection (a restart, an administrator): after the
    connection sat unused, the next edit pings it, finds it gone and connects anew, and
    the edit lands. Within `PING_AFTER_IDLE_S` of its last use it is not pinged: an edit
    then is refused in one line, nothing written, and the next one reconnects."""
    from annotator.store import server

    with Store.open(server_url, annotator="ada") as store:
        news = store.create_dataset("news")
        store.add_documents(news.id, [(_document("Ada met Bob."), None)])
        (document_id,) = store.document_ids(news.id)
        document = store.get_document(document_id)
        database = server_url.split("?")[0].rsplit("/", 1)[1]
        postgres.sql(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
            f" WHERE datname = '{database}' AND pid <> pg_backend_pid()"
        )
        monkeypatch.setattr(server, "PING_AFTER_IDLE_S", 0.0 if idle else 3600.0)
        edit = AddSpan(Span(0, 3, "PERSON"))
        if not idle:
            with pytest.raises(StoreError, match=r"the store .*: "):
                store.apply(document, edit)
            assert store.get_document(document_id).spans == ()
        store.apply(document, edit)
        assert [s.label for s in store.get_document(document_id).spans] == ["PERSON"]
