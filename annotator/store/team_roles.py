"""Who may write what in a store on a PostgreSQL server, enforced by the server itself.

`annotator server init` (run by the team lead, who owns the tables) makes two group
roles, `annotators` and `reviewers`, grants them what the app needs and turns on
row-level security on the versions and their spans; `annotator server add-user` makes a
login role in one of them. The rules, checked by the server for every statement whatever
program sends it:

- everyone in the team reads datasets, labels, documents, patterns and model versions,
  and writes the shared suggestions (a version of 0: what a model or the patterns
  suggest when a window opens an article), and a document's suggestion marks and tokens;
- an annotator writes only their own annotation versions (`annotator = current_user`)
  and their spans, and reads only those, unless the lead let annotators see each
  other's work (`--annotators-see all`);
- a reviewer reads every version and writes only their own review versions;
- nobody but the lead (the tables' owner, whom row-level security does not bind)
  creates, renames or deletes datasets, labels, documents and patterns, records
  model versions, or assigns documents (`annotator assign`);
- everyone reads the assignments, and through the view `assignment_status` the status
  of each assigned version (how far the others are, never their spans: the view reads
  the versions as its owner, the lead).

An annotator's name on a server is therefore their database user: the window and the
commands act as `current_user` there.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from sqlalchemy import Connection

from annotator.store.location import ServerAddress
from annotator.store.server import open_server_engine, server_transaction
from annotator.store.versions import store_id

Quote = Callable[[str], str]  # the dialect's quoting of an identifier

ANNOTATORS = "annotators"
REVIEWERS = "reviewers"
ROLES = {"annotator": ANNOTATORS, "reviewer": REVIEWERS}
# store_info key: "own" (annotators see only their own versions) or "all".
VISIBILITY_KEY = "team.annotators_see"
VISIBILITIES = ("own", "all")

_EVERYONE = f"{ANNOTATORS}, {REVIEWERS}"
_READ_ONLY = ("dataset", "label", "store_info", "model_version", "pattern", "alembic_version")
# What a window writes to a document while annotating: the time of a change to the
# shared suggestions, the marks of a suggester's pass, and tokens read once.
_DOCUMENT_COLUMNS = "updated_at, suggested_with, suggested_at, tokens, token_json"
_SEES_ALL = f"EXISTS (SELECT 1 FROM store_info WHERE key = '{VISIBILITY_KEY}' AND value = 'all')"


def init_statements(database: str, quote: Quote) -> list[str]:
    """The SQL that sets up the team's roles and rules on `database` (idempotent)."""
    statements = [_create_group(ANNOTATORS), _create_group(REVIEWERS)]
    statements += [
        f"GRANT CONNECT ON DATABASE {quote(database)} TO {_EVERYONE}",
        f"GRANT USAGE ON SCHEMA public TO {_EVERYONE}",
        f"GRANT SELECT ON document, version, span, {', '.join(_READ_ONLY)} TO {_EVERYONE}",
        f"GRANT UPDATE ({_DOCUMENT_COLUMNS}) ON document TO {_EVERYONE}",
        f"GRANT INSERT, UPDATE, DELETE ON version, span TO {_EVERYONE}",
        f"GRANT USAGE ON ALL SEQUENCES IN SCHEMA public TO {_EVERYONE}",
        "ALTER TABLE version ENABLE ROW LEVEL SECURITY",
        "ALTER TABLE span ENABLE ROW LEVEL SECURITY",
    ]
    statements += policy_statements()
    statements += assignment_statements()
    return statements


def assignment_statements() -> list[str]:
    """Everyone in the team reads the assignments and their statuses; nobody but the
    lead writes them (schema 8, which runs these on a team's server made before it)."""
    return [f"GRANT SELECT ON assignment, assignment_status TO {_EVERYONE}"]


def visibility_statements(visibility: str) -> list[str]:
    """Whether annotators read each other's versions (the lead's choice)."""
    if visibility not in VISIBILITIES:
        raise ValueError(visibility)
    return [
        f"DELETE FROM store_info WHERE key = '{VISIBILITY_KEY}'",
        f"INSERT INTO store_info (key, value) VALUES ('{VISIBILITY_KEY}', '{visibility}')",
    ]


def add_user_statements(name: str, role: str, quote: Quote) -> list[str]:
    """A login role `name` in the group of `role` ("annotator" or "reviewer"); its
    password is set apart, by the lead (`\\password NAME` in psql), never here."""
    group = ROLES[role]
    other = REVIEWERS if group == ANNOTATORS else ANNOTATORS
    user = quote(name)
    return [
        "DO $$ BEGIN "
        f"IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = {_literal(name)}) THEN "
        f"CREATE ROLE {user} LOGIN; END IF; END $$",
        f"REVOKE {other} FROM {user}",
        f"GRANT {group} TO {user}",
    ]


def policy_statements() -> Sequence[str]:
    """The row rules of versions and spans (idempotent: each policy is made anew)."""
    own = "annotator = current_user"
    # A span's version is looked up by its id, one index probe per span (or, for a large
    # read, one pass over the versions: the planner picks): `version_id IN (SELECT id
    # FROM version ...)` read every version of the store at every edit (schema 10).
    its_version = "SELECT 1 FROM version WHERE version.id = span.version_id"
    mine = f"version_id = 0 OR EXISTS ({its_version} AND version.{own})"
    policies = {
        "version_read": (
            "version FOR SELECT",
            f"{own} OR pg_has_role('{REVIEWERS}', 'MEMBER') OR {_SEES_ALL}",
            None,
        ),
        "version_annotators_write": (
            f"version FOR ALL TO {ANNOTATORS}",
            f"{own} AND kind = 'annotation'",
            f"{own} AND kind = 'annotation'",
        ),
        "version_reviewers_write": (
            f"version FOR ALL TO {REVIEWERS}",
            f"{own} AND kind = 'review'",
            f"{own} AND kind = 'review'",
        ),
        # The spans of the versions the reader may read (the subquery sees only those).
        "span_read": (
            "span FOR SELECT",
            f"version_id = 0 OR EXISTS ({its_version})",
            None,
        ),
        "span_write": (f"span FOR ALL TO {_EVERYONE}", mine, mine),
    }
    statements = []
    for name, (target, using, check) in policies.items():
        table = target.split()[0]
        statements.append(f"DROP POLICY IF EXISTS {name} ON {table}")
        rule = f"CREATE POLICY {name} ON {target} USING ({using})"
        statements.append(rule if check is None else f"{rule} WITH CHECK ({check})")
    return statements


def _create_group(name: str) -> str:
    return (
        f"DO $$ BEGIN IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '{name}') "
        f"THEN CREATE ROLE {name} NOLOGIN; END IF; END $$"
    )


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def is_team_store(conn: Connection) -> bool:
    """Whether `annotator server init` made this database a team's store (the roles are
    the server's, shared by its databases; the versions' row-level security is its own)."""
    return bool(
        conn.exec_driver_sql(
            "SELECT relrowsecurity FROM pg_class WHERE oid = 'version'::regclass"
        ).scalar_one()
    )


def set_up_team(address: ServerAddress, visibility: str, schema_version: int) -> list[str]:
    """Make the database at `address` a team's store (its tables, if it has none yet)
    with the roles and rules above; the SQL that ran, for the lead to read."""
    engine = open_server_engine(address, schema_version)
    try:
        with server_transaction(engine) as conn:
            store_id(conn)  # made now: nobody else may write store_info later
            quote = conn.dialect.identifier_preparer.quote
            ran = [*init_statements(address.database, quote), *visibility_statements(visibility)]
            for statement in ran:
                conn.exec_driver_sql(statement)
        return ran
    finally:
        engine.dispose()


def add_team_member(address: ServerAddress, name: str, role: str, schema_version: int) -> list[str]:
    """Make `name` a login role of the team as an annotator or a reviewer; the SQL run."""
    engine = open_server_engine(address, schema_version)
    try:
        with server_transaction(engine) as conn:
            ran = add_user_statements(name, role, conn.dialect.identifier_preparer.quote)
            for statement in ran:
                conn.exec_driver_sql(statement)
        return ran
    finally:
        engine.dispose()


def outside_team(address: ServerAddress, names: Sequence[str], schema_version: int) -> list[str]:
    """The `names` that are no login of the team's groups on a team's server (each is a
    queue nobody would see); none on a server without the team's roles."""
    engine = open_server_engine(address, schema_version)
    try:
        with server_transaction(engine) as conn:
            if not is_team_store(conn):
                return []
            members = {
                str(name)
                for (name,) in conn.exec_driver_sql(
                    "SELECT r.rolname FROM pg_roles r WHERE r.rolcanlogin AND ("
                    f"pg_has_role(r.oid, '{ANNOTATORS}', 'MEMBER') "
                    f"OR pg_has_role(r.oid, '{REVIEWERS}', 'MEMBER'))"
                )
            }
        return [name for name in names if name not in members]
    finally:
        engine.dispose()
