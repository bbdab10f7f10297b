"""Schema 2: remember which documents a suggester has been over, and with what."""

from __future__ import annotations

from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    conn = op.get_bind()
    conn.exec_driver_sql("ALTER TABLE document ADD COLUMN suggested_with VARCHAR")
    conn.exec_driver_sql("ALTER TABLE document ADD COLUMN suggested_at FLOAT")
