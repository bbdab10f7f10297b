"""Schema 1: the first release's store (datasets, labels, documents, spans).

Nothing to run: a store at schema 1 has these tables already, and a new store is made at
the newest schema directly. This revision is where older stores start from.
"""

from __future__ import annotations

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass
