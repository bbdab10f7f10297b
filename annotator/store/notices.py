"""The notices a store on a server sends when its content changes.

Every statement that changes a version (each edit bumps its version's clock), a
document, a dataset, a label, a pattern or an assignment sends a notice on the channel
`annotator` (PostgreSQL's NOTIFY, from a statement-level trigger: one notice per
statement, and the server folds a transaction's repeats into one), with the table's
name as its payload.
Made with the tables (`server.py`); `changes.py` listens.
"""

from __future__ import annotations

from sqlalchemy import Connection

CHANNEL = "annotator"
WATCHED = ("version", "document", "dataset", "label", "pattern", "assignment")

_FUNCTION = f"""
CREATE OR REPLACE FUNCTION annotator_notify() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('{CHANNEL}', TG_TABLE_NAME);
    RETURN NULL;
END $$
"""


def notice_statements() -> list[str]:
    """The trigger function and one statement-level trigger per watched table."""
    return [statement for table in WATCHED for statement in table_notice_statements(table)]


def table_notice_statements(table: str) -> list[str]:
    """The trigger function (made again) and `table`'s trigger, which a schema step adds
    for a table it makes."""
    name = f"{table}_changed"
    return [
        _FUNCTION,
        f"DROP TRIGGER IF EXISTS {name} ON {table}",
        f"CREATE TRIGGER {name} AFTER INSERT OR UPDATE OR DELETE ON {table} "
        "FOR EACH STATEMENT EXECUTE FUNCTION annotator_notify()",
    ]


def create_notices(conn: Connection) -> None:
    for statement in notice_statements():
        conn.exec_driver_sql(statement)
