"""SQL functions the store needs whose spelling differs between SQLite and PostgreSQL.

Each is a small SQLAlchemy construct compiled for the connection's dialect, so that the
store's queries are written once: a JSON field as text, trimming a set of characters,
where a string occurs in another, a case-blind sort key and a case-blind LIKE; and an
INSERT that skips duplicates.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, Insert, String, Table
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.functions import FunctionElement, GenericFunction
from sqlalchemy.types import Boolean, Integer

_POSTGRESQL = "postgresql"


def string_constant(value: str) -> str:
    """`value` as an SQL string literal (both dialects: quotes doubled, no escapes)."""
    if "\0" in value:
        raise ValueError("an SQL string cannot hold NUL")
    return "'" + value.replace("'", "''") + "'"


class json_text(GenericFunction[str]):
    """The text of a top-level field of a JSON object column (NULL if absent)."""

    type = String()
    inherit_cache = True
    name = "json_text"


@compiles(json_text)
def _json_text_sqlite(element: json_text, compiler: Any, **kw: Any) -> str:
    column, key = list(element.clauses)
    return f"json_extract({compiler.process(column, **kw)}, '$.' || {compiler.process(key, **kw)})"


@compiles(json_text, _POSTGRESQL)
def _json_text_pg(element: json_text, compiler: Any, **kw: Any) -> str:
    column, key = list(element.clauses)
    return f"(CAST({compiler.process(column, **kw)} AS jsonb) ->> {compiler.process(key, **kw)})"


class json_is_string(GenericFunction[bool]):
    """True when a top-level field of a JSON object column is a string."""

    type = Boolean()
    inherit_cache = True
    name = "json_is_string"


@compiles(json_is_string)
def _json_is_string_sqlite(element: json_is_string, compiler: Any, **kw: Any) -> str:
    column, key = list(element.clauses)
    path = f"'$.' || {compiler.process(key, **kw)}"
    return f"(json_type({compiler.process(column, **kw)}, {path}) = 'text')"


@compiles(json_is_string, _POSTGRESQL)
def _json_is_string_pg(element: json_is_string, compiler: Any, **kw: Any) -> str:
    column, key = list(element.clauses)
    field = f"(CAST({compiler.process(column, **kw)} AS jsonb) -> {compiler.process(key, **kw)})"
    return f"(jsonb_typeof{field} = 'string')"


class trim_chars(GenericFunction[str]):
    """`text` without any of `characters` at either end."""

    type = String()
    inherit_cache = True
    name = "trim_chars"


@compiles(trim_chars)
def _trim_sqlite(element: trim_chars, compiler: Any, **kw: Any) -> str:
    return f"trim({compiler.process(element.clauses, **kw)})"


@compiles(trim_chars, _POSTGRESQL)
def _trim_pg(element: trim_chars, compiler: Any, **kw: Any) -> str:
    return f"btrim({compiler.process(element.clauses, **kw)})"


class position_in(GenericFunction[int]):
    """Where `needle` first occurs in `haystack`, counted from 1 (0: nowhere)."""

    type = Integer()
    inherit_cache = True
    name = "position_in"


@compiles(position_in)
def _position_sqlite(element: position_in, compiler: Any, **kw: Any) -> str:
    return f"instr({compiler.process(element.clauses, **kw)})"


@compiles(position_in, _POSTGRESQL)
def _position_pg(element: position_in, compiler: Any, **kw: Any) -> str:
    return f"strpos({compiler.process(element.clauses, **kw)})"


class caseless(FunctionElement[str]):
    """A sort key that ignores case (SQLite's NOCASE: ASCII letters; PostgreSQL: lower())."""

    type = String()
    inherit_cache = True
    name = "caseless"


@compiles(caseless)
def _caseless_sqlite(element: caseless, compiler: Any, **kw: Any) -> str:
    return f"({compiler.process(element.clauses, **kw)} COLLATE NOCASE)"


@compiles(caseless, _POSTGRESQL)
def _caseless_pg(element: caseless, compiler: Any, **kw: Any) -> str:
    return f"lower({compiler.process(element.clauses, **kw)})"


class like_caseless(FunctionElement[bool]):
    """`text LIKE pattern ESCAPE '\\'`, blind to the case of ASCII letters as SQLite's
    LIKE is (PostgreSQL: ILIKE, which is blind to every letter's case)."""

    type = Boolean()
    inherit_cache = True
    name = "like_caseless"


@compiles(like_caseless)
def _like_sqlite(element: like_caseless, compiler: Any, **kw: Any) -> str:
    text, pattern = (compiler.process(c, **kw) for c in element.clauses)
    return f"({text} LIKE {pattern} ESCAPE '\\')"


@compiles(like_caseless, _POSTGRESQL)
def _like_pg(element: like_caseless, compiler: Any, **kw: Any) -> str:
    text, pattern = (compiler.process(c, **kw) for c in element.clauses)
    return f"({text} ILIKE {pattern} ESCAPE '\\')"


def insert_or_ignore(conn: Connection, table: Table) -> Insert:
    """An INSERT that skips rows whose unique key the table holds already, for the
    connection's dialect (SQLite and PostgreSQL both spell it ON CONFLICT DO NOTHING)."""
    make = postgresql.insert if conn.dialect.name == _POSTGRESQL else sqlite.insert
    return make(table).on_conflict_do_nothing()
