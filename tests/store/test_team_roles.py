"""A team's store on a real PostgreSQL server: the server itself refuses forbidden writes.

The lead runs `annotator server init` and `add-user`; then each test connects as an
annotator or a reviewer, through the app and with plain SQL (as any other program
could), and checks what the server lets through.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import psycopg
import pytest

from annotator.core.edits import AddSpan, SetStatus
from annotator.core.errors import StoreError
from annotator.core.model import Label, Span, Status
from annotator.store import Store
from tests.postgres_server import PostgresServer
from tests.store.test_store import make_document

TEXT = "Ada met Bob in Paris."


def _as(url: str, user: str) -> str:
    return url.replace("//lead@", f"//{user}@", 1)


@pytest.fixture
def team(cli, server_url: str) -> str:
    """A team's store: a dataset with one article, ada and bob annotate, rita reviews;
    ada and bob have each made their version."""
    ran = cli("server", "init", server_url)
    assert ran.code == 0, ran.err
    assert "ENABLE ROW LEVEL SECURITY" in ran.out and "CREATE POLICY" in ran.out
    for name, role in (("ada", "annotator"), ("bob", "annotator"), ("rita", "reviewer")):
        added = cli("server", "add-user", name, "--role", role, "--db", server_url)
        assert added.code == 0, added.err
        assert f"GRANT {role}s TO" in added.out
    with Store.open(server_url) as lead:
        news = lead.create_dataset("news", labels=[Label("PERSON"), Label("GPE")])
        lead.add_documents(news.id, [(make_document(TEXT), None)])
    for name, span in (("ada", Span(0, 3, "PERSON")), ("bob", Span(15, 20, "GPE"))):
        with Store.open(_as(server_url, name)) as store:
            assert store.annotator == name  # on a server, the database user
            (document_id,) = store.document_ids(news.id)
            store.apply(store.get_document(document_id), AddSpan(span))
    return server_url


def _sql(url: str, user: str) -> Callable[..., Any]:
    """Run one statement as `user` with plain psycopg; its rows (or row count)."""
    from sqlalchemy.engine import make_url

    parsed = make_url(url)
    query = {k: str(v) for k, v in parsed.query.items()}

    def run(statement: str, *params: object) -> Any:
        with psycopg.connect(dbname=parsed.database, user=user, **query) as connection:
            cursor = connection.execute(statement, params)
            return cursor.fetchall() if cursor.description else cursor.rowcount

    return run


def _refused(run: Callable[..., Any], statement: str, *params: object) -> None:
    with pytest.raises(psycopg.errors.InsufficientPrivilege):
        run(statement, *params)


def test_an_annotator_writes_only_their_own_versions(team: str) -> None:
    ada = _sql(team, "ada")
    lead = _sql(team, "lead")
    assert ada("SELECT DISTINCT annotator FROM version") == [("ada",)]  # bob's unseen
    # Bob's version: invisible to Ada, so her UPDATE and DELETE reach no row.
    assert ada("UPDATE version SET status = 'done' WHERE annotator = 'bob'") == 0
    assert ada("DELETE FROM span WHERE version_id IN (SELECT id FROM version)") == 1  # own
    assert lead(
        "SELECT count(*) FROM span s JOIN version v ON v.id = s.version_id "
        "WHERE v.annotator = 'bob'"
    ) == [(1,)]
    (bob_version,) = lead("SELECT id FROM version WHERE annotator = 'bob'")[0]
    _refused(
        ada,
        'INSERT INTO span (document_id, version_id, start, "end", label, state) '
        "VALUES (1, %s, 0, 3, 'PERSON', 'manual')",
        bob_version,
    )
    _refused(
        ada,
        "INSERT INTO version (document_id, dataset_id, annotator, kind, status, "
        "created_at, updated_at, clock) VALUES (1, 1, 'bob', 'annotation', 'done', 0, 0, '{}')",
    )
    _refused(
        ada,
        "INSERT INTO version (document_id, dataset_id, annotator, kind, status, "
        "created_at, updated_at, clock) VALUES (1, 1, 'ada', 'review', 'done', 0, 0, '{}')",
    )


@pytest.mark.parametrize("user", ["ada", "rita"])
def test_only_the_lead_changes_datasets_labels_documents_and_patterns(team: str, user: str) -> None:
    run = _sql(team, user)
    _refused(run, "DELETE FROM dataset")
    _refused(run, "UPDATE dataset SET name = 'mine'")
    _refused(
        run, "INSERT INTO label (dataset_id, name, color, position) VALUES (1, 'ORG', '#000000', 9)"
    )
    _refused(run, "DELETE FROM document")
    _refused(run, "UPDATE document SET text = 'changed'")
    _refused(
        run,
        "INSERT INTO pattern (dataset_id, label, body, ent_id, file, imported_at) "
        "VALUES (1, 'GPE', '\"Paris\"', '', 'x', 0)",
    )
    _refused(run, "UPDATE store_info SET value = 'all'")


def test_a_reviewer_reads_every_version_and_writes_only_reviews(team: str) -> None:
    rita = _sql(team, "rita")
    assert rita("SELECT annotator FROM version ORDER BY annotator") == [("ada",), ("bob",)]
    assert rita("SELECT count(*) FROM span WHERE version_id <> 0") == [(2,)]
    assert rita("UPDATE version SET status = 'done'") == 0  # nobody's review yet
    _refused(
        rita,
        "INSERT INTO version (document_id, dataset_id, annotator, kind, status, "
        "created_at, updated_at, clock) VALUES (1, 1, 'rita', 'annotation', 'done', 0, 0, '{}')",
    )
    assert (
        rita(
            "INSERT INTO version (document_id, dataset_id, annotator, kind, status, "
            "created_at, updated_at, clock) VALUES (1, 1, 'rita', 'review', 'done', 0, 0, '{}')"
        )
        == 1
    )


def test_the_lead_may_let_annotators_see_each_other(cli, team: str) -> None:
    ada = _sql(team, "ada")
    assert ada("SELECT count(*) FROM version") == [(1,)]
    again = cli("server", "init", team, "--annotators-see", "all")
    assert again.code == 0, again.err
    assert ada("SELECT annotator FROM version ORDER BY annotator") == [("ada",), ("bob",)]
    assert ada("UPDATE version SET status = 'done' WHERE annotator = 'bob'") == 0  # read only


def test_the_app_says_in_one_line_what_the_server_refused(team: str) -> None:
    with Store.open(_as(team, "ada")) as ada:
        with pytest.raises(StoreError, match="the server refused the change: permission denied"):
            ada.create_dataset("mine")
        (dataset,) = ada.list_datasets()
        (document_id,) = ada.document_ids(dataset.id)
        mine = ada.get_document(document_id)
        assert [s.label for s in mine.spans] == ["PERSON"]  # her own version, not bob's
        ada.apply(mine, SetStatus(Status.NEW, Status.DONE))
    with Store.open(_as(team, "ada"), annotator="bob") as posing:
        theirs = posing.get_document(document_id)  # bob's version is hidden from ada
        with pytest.raises(StoreError, match="the server refused the change"):
            posing.apply(theirs, AddSpan(Span(8, 11, "PERSON")))


def test_the_rules_find_a_spans_version_by_its_id_not_by_reading_every_version(
    team: str,
) -> None:
    """The server checks, at each edit and each article opened, whose version each span
    is in: by the version's id (its primary key), not by reading all the versions the
    annotator has, which grows with the store."""
    lead = _sql(team, "lead")
    lead(
        "INSERT INTO version (document_id, dataset_id, annotator, kind, status, created_at,"
        " updated_at, clock) SELECT 1, 1, 'ada', 'conflict', 'new', n, n, '{}'"
        " FROM generate_series(1, 5000) AS n"
    )
    lead("ANALYZE version")
    ada = _sql(team, "ada")
    (version,) = ada("SELECT id FROM version WHERE annotator = 'ada' AND kind = 'annotation'")[0]
    for statement in (
        "SELECT * FROM span WHERE document_id = 1 AND version_id = %s",
        "DELETE FROM span WHERE document_id = 1 AND version_id = %s AND start = -1",
    ):
        plan = "\n".join(row[0] for row in ada(f"EXPLAIN {statement}", version))
        assert "Seq Scan on version" not in plan, plan
        assert "version_pkey" in plan, plan


def test_the_app_s_reads_under_the_rules_are_not_jit_compiled(team: str) -> None:
    """The server's estimate of the rules' lookups is far above what they take: with its
    JIT compiler on, a count of the spans an annotator may read spent 600 ms compiling a
    7 ms query. The app's connections turn it off, and keep the URL's own settings."""
    from sqlalchemy import text

    lead = _sql(team, "lead")
    lead(
        'INSERT INTO span (document_id, version_id, start, "end", label, state) SELECT 1,'
        " 0, n, n + 1, 'PERSON', 'suggested' FROM generate_series(100, 30000) AS n"
    )
    lead("ANALYZE span")
    costly = "EXPLAIN (ANALYZE, FORMAT JSON) SELECT count(*) FROM span"
    plain = _sql(team, "ada")(costly)[0][0][0]
    assert plain["Plan"]["Total Cost"] > 100_000 and "JIT" in plain  # the server's default
    with (
        Store.open(_as(team, "ada") + "&options=-c%20work_mem%3D8MB") as ada,
        ada._engine.connect() as conn,
    ):
        plan = conn.execute(text(costly)).scalar_one()[0]
        assert conn.execute(text("SHOW work_mem")).scalar_one() == "8MB"
    assert "JIT" not in plan


def test_db_upgrade_gives_a_schema_9_teams_server_the_rules_by_version_id(cli, team: str) -> None:
    lead = _sql(team, "lead")
    old = "version_id = 0 OR version_id IN (SELECT id FROM version{})"
    for statement in (  # the rules a schema 9 team store had
        "DROP POLICY span_read ON span",
        f"CREATE POLICY span_read ON span FOR SELECT USING ({old.format('')})",
        "DROP POLICY span_write ON span",
        "CREATE POLICY span_write ON span FOR ALL TO annotators, reviewers USING"
        f" ({old.format(' WHERE annotator = current_user')})"
        f" WITH CHECK ({old.format(' WHERE annotator = current_user')})",
        "UPDATE alembic_version SET version_num = '0009'",
    ):
        lead(statement)
    upgraded = cli("db", "upgrade", "--db", team)
    assert upgraded.code == 0, upgraded.err
    rules = lead("SELECT policyname, qual FROM pg_policies WHERE tablename = 'span'")
    assert sorted(name for name, _ in rules) == ["span_read", "span_write"]
    assert all("EXISTS" in qual and "IN (SELECT" not in qual for _, qual in rules), rules
    ada = _sql(team, "ada")  # who may do what is unchanged
    assert ada("SELECT count(*) FROM span WHERE version_id <> 0") == [(1,)]
    assert ada("DELETE FROM span WHERE version_id <> 0") == 1  # her own span, not bob's
    assert lead("SELECT count(*) FROM span WHERE version_id <> 0") == [(1,)]


def test_an_edit_of_a_version_the_server_lets_one_read_but_not_change_is_refused(
    team: str,
) -> None:
    """A review version in ada's name (the lead made it): she may read it and its spans,
    but an annotator may not change a review's row. Her edit of it as a reviewer is one
    line, and nothing of it is kept, spans included."""
    lead = _sql(team, "lead")
    lead(
        "INSERT INTO version (document_id, dataset_id, annotator, kind, status, created_at,"
        " updated_at, clock) VALUES (1, 1, 'ada', 'review', 'new', 0, 0, '{}')"
    )
    with Store.open(_as(team, "ada")) as ada:
        ada.get_document(1)  # the store's id, read once
        ada.reviewing = True
        review = ada.get_document(1)
        with pytest.raises(StoreError, match="the server refused the change"):
            ada.apply(review, AddSpan(Span(8, 11, "PERSON")))
    assert lead(
        "SELECT count(*) FROM span s JOIN version v ON v.id = s.version_id WHERE v.kind = 'review'"
    ) == [(0,)]


def test_add_user_on_a_store_file_is_refused(cli, db_path: Any) -> None:
    result = cli("server", "add-user", "ada", "--db", db_path)
    assert result.code == 1
    assert "roles are for a store on a server" in result.err


def test_init_is_for_a_server(cli, postgres: PostgresServer, tmp_path: Any) -> None:
    result = cli("server", "init", tmp_path / "team.db")
    assert result.code == 1 and "is not a postgresql:// URL" in result.err


@pytest.mark.parametrize("user", ["ada", "rita"])
def test_only_the_lead_assigns_documents_and_everyone_reads_the_queues(
    cli, team: str, user: str
) -> None:
    """The lead's `annotator assign`; an annotator's or a reviewer's write to the
    assignments is refused by the server itself, through the app or with plain SQL."""
    assigned = cli(
        "assign", "--db", team, "-d", "news", "--annotators", "ada,bob", "--overlap", "2"
    )
    assert assigned.code == 0, assigned.err
    run = _sql(team, user)
    (document_id,) = run("SELECT id FROM document")[0]
    _refused(
        run,
        "INSERT INTO assignment (dataset_id, document_id, annotator, position, assigned_at) "
        "SELECT dataset_id, id, %s, 5, 0 FROM document",
        user,
    )
    _refused(run, "UPDATE assignment SET annotator = 'bob' WHERE annotator = 'ada'")
    _refused(run, "DELETE FROM assignment")
    theirs = cli("assign", "--db", _as(team, user), "-d", "news", "--annotators", user, "--replace")
    assert theirs.code == 1
    assert "the server refused the change: permission denied for table assignment" in theirs.err
    assert len(theirs.err.strip().splitlines()) == 1
    with Store.open(_as(team, "bob")) as bob:
        document = bob.get_document(document_id)
        bob.apply(document, SetStatus(document.status, Status.DONE))
    # Everyone reads every queue, and how far each person is, never the others' spans.
    assert sorted(run("SELECT annotator FROM assignment")) == [("ada",), ("bob",)]
    assert sorted(run("SELECT annotator, status FROM assignment_status")) == [
        ("ada", "new"),
        ("bob", "done"),
    ]
    if user == "ada":
        assert run("SELECT DISTINCT annotator FROM version") == [("ada",)]
        with Store.open(_as(team, "ada")) as ada:
            (row,) = ada.summaries_of([document_id])
            assert (row.others_done, row.others_assigned) == (1, 1)
            (news,) = ada.list_datasets()
            progress = [(p.annotator, p.done) for p in ada.queue_progress(news.id)]
            assert progress == [("ada", 0), ("bob", 1)]


def test_assigning_to_a_name_that_is_no_login_of_the_team_warns(cli, team: str) -> None:
    assigned = cli("assign", "--db", team, "-d", "news", "--annotators", "ada,Bob")
    assert assigned.code == 0, assigned.err
    said = assigned.out + assigned.err
    assert "Bob is no login of the team on this server" in said
    assert "annotator server add-user Bob" in said and "ada is no login" not in said


def test_a_server_store_without_the_teams_rules_assigns_any_name(cli, server_url: str) -> None:
    with Store.open(server_url) as lead:
        news = lead.create_dataset("news")
        lead.add_documents(news.id, [(make_document(TEXT), None)])
    assigned = cli("assign", "--db", server_url, "-d", "news", "--annotators", "ada,zed")
    assert assigned.code == 0, assigned.err
    assert "no login" not in assigned.out + assigned.err
