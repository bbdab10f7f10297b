"""The store's schema versions as Alembic revisions, for a file and for a server alike.

Revision ids are the schema numbers, four digits (`0006`); `versions/` holds one
revision per step, `env.py` runs them on the connection `store/schema.py` hands over,
inside that caller's one transaction. A store file keeps the number in SQLite's
`user_version` as well, which older releases read to refuse a newer store.
"""
