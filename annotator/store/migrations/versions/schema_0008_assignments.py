"""Schema 8: work assignment (`annotator assign`): each annotator's queue of documents,
table `assignment`, and the view `assignment_status` that gives each assigned document's
status in its annotator's version.

The same step for a file and for a server; on a team's server (one `annotator server
init` set up: row-level security on its versions) it also lets the team read both and
makes the table's changes heard by the windows, as `server init` does on a new one.
"""

from __future__ import annotations

from alembic import op
from sqlalchemy import inspect

from annotator.store import tables
from annotator.store.notices import table_notice_statements
from annotator.store.team_roles import assignment_statements, is_team_store

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    conn = op.get_bind()
    tables.ASSIGNMENT.create(conn, checkfirst=True)  # (made already when an earlier
    if tables.ASSIGNMENT_STATUS.name not in inspect(conn).get_view_names():  # step of
        tables.create_assignment_status(conn)  # this upgrade made every table anew)
    if conn.dialect.name != "postgresql":
        return
    for statement in table_notice_statements(tables.ASSIGNMENT.name):
        conn.exec_driver_sql(statement)
    if is_team_store(conn):
        for statement in assignment_statements():
            conn.exec_driver_sql(statement)
