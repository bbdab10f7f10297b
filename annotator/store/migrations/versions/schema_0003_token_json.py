"""Schema 3: Prodigy's token list kept as JSON beside the tokens, for exports.

Documents keep NULL until their tokens are saved again; an export formats those itself,
as before.
"""

from __future__ import annotations

from alembic import op

from annotator.store import tables

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    conn = op.get_bind()
    conn.exec_driver_sql("ALTER TABLE document ADD COLUMN token_json BLOB")
    conn.exec_driver_sql(tables.TOKEN_JSON_TRIGGER)
