"""Schema 7: each version names its document's dataset, and the document list reads one
annotator's versions of a dataset as ranges of two indexes (`tables.VersionRow`,
`store/listing.py`) instead of looking a version up for each document; a dataset's ids
get an index of their own.

On a file the version table is made again with its new column (SQLite adds a NOT NULL
column only with a default, which would let a version without its dataset go
unnoticed), unless an earlier step of this upgrade made it so already; a server adds
the column, fills it and then makes it NOT NULL.
"""

from __future__ import annotations

from alembic import op
from sqlalchemy import inspect

from annotator.store import tables

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    conn = op.get_bind()
    columns = {column["name"] for column in inspect(conn).get_columns("version")}
    if "dataset_id" not in columns and conn.dialect.name == "sqlite":
        conn.exec_driver_sql("DROP INDEX IF EXISTS ux_version_owner")
        conn.exec_driver_sql("DROP INDEX IF EXISTS ix_version_annotator")
        conn.exec_driver_sql("ALTER TABLE version RENAME TO version_v6")
        tables.VERSION.create(conn)
        conn.exec_driver_sql(
            "INSERT INTO version (id, document_id, dataset_id, annotator, kind, status, "
            "created_at, updated_at, clock) SELECT v.id, v.document_id, d.dataset_id, "
            "v.annotator, v.kind, v.status, v.created_at, v.updated_at, v.clock "
            "FROM version_v6 v JOIN document d ON d.id = v.document_id ORDER BY v.id"
        )
        conn.exec_driver_sql("DROP TABLE version_v6")
    elif "dataset_id" not in columns:
        conn.exec_driver_sql(
            "ALTER TABLE version ADD COLUMN dataset_id INTEGER "
            "REFERENCES dataset (id) ON DELETE CASCADE"
        )
        conn.exec_driver_sql(
            "UPDATE version SET dataset_id = d.dataset_id FROM document d "
            "WHERE d.id = version.document_id"
        )
        conn.exec_driver_sql("ALTER TABLE version ALTER COLUMN dataset_id SET NOT NULL")
    # Read by name (reflection skips the expression index ux_version_owner, with a warning).
    made = {
        row[0]
        for row in conn.exec_driver_sql(
            "SELECT name FROM sqlite_master WHERE type = 'index'"
            if conn.dialect.name == "sqlite"
            else "SELECT indexname FROM pg_indexes WHERE schemaname = current_schema()"
        )
    }
    for index in (*tables.VERSION.indexes, *tables.DOCUMENT.indexes):
        if index.name not in made:
            index.create(conn)
