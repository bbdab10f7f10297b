"""Schema 5: the pipelines `annotator train` made, with their figures; and the index that
finds an annotator's version of a document (`tables.VersionRow`), which schema 4 had as a
partial index that SQLite never used for those lookups."""

from __future__ import annotations

from alembic import op

from annotator.store import tables

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    conn = op.get_bind()
    tables.MODEL_VERSION.create(conn)
    conn.exec_driver_sql("DROP INDEX IF EXISTS ux_version_owner")
    next(i for i in tables.VERSION.indexes if i.name == "ux_version_owner").create(conn)
