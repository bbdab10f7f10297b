"""Schema 6: the patterns imported into each dataset (`annotator patterns import`)."""

from __future__ import annotations

from alembic import op

from annotator.store import tables

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    tables.PATTERN.create(op.get_bind())
