"""Alembic's entry: the migrations run on the connection and in the transaction that
`store/schema.py` gives (never a connection of their own)."""

from __future__ import annotations

from alembic import context
from sqlmodel import SQLModel

from annotator.store import tables  # noqa: F401  (registers the tables on the metadata)

connection = context.config.attributes["connection"]
context.configure(
    connection=connection,
    target_metadata=SQLModel.metadata,
    render_as_batch=True,  # SQLite's ALTER TABLE, for revisions that need a batch
)
with context.begin_transaction():  # the caller's: Alembic opens none of its own
    context.run_migrations()
