"""Schema 4: spans and status per annotator (`store/versions.py`).

A document anyone decided on becomes a version of the annotator recorded on it, else of
the owner (whoever opens the store for the upgrade: on a store one person annotated, the
window then shows them their work as it was). The spans of documents nobody touched
(new, suggestions only) become the shared input.
"""

from __future__ import annotations

from alembic import op

from annotator.store import tables

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    conn = op.get_bind()
    owner = op.get_context().config.attributes["owner"]  # type: ignore[union-attr]
    tables.VERSION.create(conn)
    tables.STORE_INFO.create(conn)
    conn.exec_driver_sql(
        # The table is made as this version defines it: with its dataset (schema 7) too.
        "INSERT INTO version (document_id, dataset_id, annotator, kind, status, created_at, "
        "updated_at, clock) SELECT d.id, d.dataset_id, coalesce(d.annotator, ?), 'annotation', "
        "d.status, d.created_at, d.updated_at, '{}' FROM document d "
        "WHERE d.status != 'new' OR d.annotator IS NOT NULL OR EXISTS "
        "(SELECT 1 FROM span s WHERE s.document_id = d.id AND s.state != 'suggested')",
        (owner,),
    )
    conn.exec_driver_sql("DROP INDEX ix_span_label")
    conn.exec_driver_sql("ALTER TABLE span RENAME TO span_v3")
    tables.SPAN.create(conn)
    conn.exec_driver_sql(
        'INSERT INTO span (id, document_id, version_id, start, "end", label, state, source, '
        'score) SELECT s.id, s.document_id, coalesce(v.id, 0), s.start, s."end", s.label, '
        "s.state, s.source, s.score FROM span_v3 s LEFT JOIN version v "
        "ON v.document_id = s.document_id ORDER BY s.id"
    )
    conn.exec_driver_sql("DROP TABLE span_v3")
    conn.exec_driver_sql("DROP INDEX ix_document_dataset_status")
    conn.exec_driver_sql("ALTER TABLE document DROP COLUMN status")
    conn.exec_driver_sql("ALTER TABLE document DROP COLUMN annotator")
