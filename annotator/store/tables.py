"""The SQLite schema. Private to `annotator.store`: rows never leave it, core values do."""

from __future__ import annotations

from typing import Any

from sqlalchemy import (
    Column,
    Connection,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    UniqueConstraint,
    event,
    text,
)
from sqlmodel import Field, SQLModel


class DatasetRow(SQLModel, table=True):
    __tablename__ = "dataset"

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(unique=True)
    lang: str = "en"
    allow_overlap: bool = False
    settings: str = "{}"  # JSON: {"model": name or path, "label_map": {model label: label}}
    created_at: float


class LabelRow(SQLModel, table=True):
    __tablename__ = "label"
    __table_args__ = (UniqueConstraint("dataset_id", "name"),)

    id: int | None = Field(default=None, primary_key=True)
    dataset_id: int = Field(
        sa_column=Column(Integer, ForeignKey("dataset.id", ondelete="CASCADE"), nullable=False)
    )
    name: str
    color: str = "#dddddd"
    hotkey: str | None = None
    description: str = ""
    position: int = 0


class DocumentRow(SQLModel, table=True):
    __tablename__ = "document"
    __table_args__ = (
        UniqueConstraint("dataset_id", "input_hash"),
        # A dataset's ids in id order, from an index of ids alone (schema 7): the list's
        # ids and its count, without the input hashes of the unique key above.
        Index("ix_document_dataset", "dataset_id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    dataset_id: int = Field(
        sa_column=Column(Integer, ForeignKey("dataset.id", ondelete="CASCADE"), nullable=False)
    )
    text: str
    meta: str = "{}"  # JSON object
    extra: str = "{}"  # JSON object: other top-level fields of an imported record
    source: str = ""
    input_hash: str
    prodigy_input_hash: int | None = None
    created_at: float
    updated_at: float
    tokens: bytes | None = Field(default=None, sa_column=Column(LargeBinary, nullable=True))
    # Set when a suggester has been over the document (schema 2): `suggest` skips it then.
    suggested_with: str | None = None
    suggested_at: float | None = None
    # Prodigy's token list as UTF-8 JSON (schema 3), written with `tokens`; an export
    # copies it. TOKEN_JSON_TRIGGER clears it when `tokens` or `text` change without it.
    token_json: bytes | None = Field(default=None, sa_column=Column(LargeBinary, nullable=True))


# A write that changes a document's tokens or text but not its token JSON makes that JSON
# stale: the trigger drops it, and an export formats the tokens itself, as before schema 3.
TOKEN_JSON_TRIGGER = """
CREATE TRIGGER document_token_json_stale AFTER UPDATE OF tokens, text ON document
WHEN new.token_json IS NOT NULL AND new.token_json IS old.token_json
    AND (new.tokens IS NOT old.tokens OR new.text IS NOT old.text)
BEGIN
    UPDATE document SET token_json = NULL WHERE id = new.id;
END
"""


class VersionRow(SQLModel, table=True):
    """One person's version of a document (schema 4): their status; their spans point here.

    `kind` is "annotation" (an annotator's own), "review" (a reviewer's settled result)
    or "conflict" (an annotation version a merge found changed in both stores, the older
    of the two, kept beside the newer). `clock` is a JSON version vector, store id ->
    edits made in that store: a merge tells by it which of two copies came from the
    other, or that both changed.
    """

    __tablename__ = "version"
    __table_args__ = (
        # One version per (document, annotator, kind), conflict copies aside: the CASE
        # gives each of those its own id and every other version 0. Not a partial index
        # (WHERE kind != 'conflict'): SQLite takes one only for a query that repeats its
        # WHERE, so every "their version" lookup scanned all of the annotator's versions.
        Index(
            "ux_version_owner",
            "document_id",
            "annotator",
            "kind",
            text("(CASE WHEN kind = 'conflict' THEN id ELSE 0 END)"),
            unique=True,
        ),
        # The document list as one annotator sees a dataset (schema 7, `store/listing.py`):
        # their documents of a status, in id order, as ranges of this index ...
        Index("ix_version_list", "annotator", "kind", "dataset_id", "status", "document_id"),
        # ... and a person's version of a document with its status and last change, read
        # from the index alone (the list's join, a page's rows; ux_version_owner's search
        # with the columns a list row reads).
        Index("ix_version_seen", "document_id", "annotator", "kind", "status", "updated_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    document_id: int = Field(
        sa_column=Column(Integer, ForeignKey("document.id", ondelete="CASCADE"), nullable=False)
    )
    # The document's dataset (schema 7), so that one annotator's versions of one dataset
    # are a range of the indexes above; a document never changes dataset.
    dataset_id: int
    annotator: str
    kind: str = "annotation"
    status: str = "new"
    created_at: float
    updated_at: float
    clock: str = "{}"


class StoreInfoRow(SQLModel, table=True):
    """Facts about the store file itself: its id, made once, which version clocks count by."""

    __tablename__ = "store_info"

    key: str = Field(primary_key=True)
    value: str


class SpanRow(SQLModel, table=True):
    __tablename__ = "span"
    # The unique key doubles as the (document_id, version_id, start) index for ordered scans.
    __table_args__ = (
        UniqueConstraint("document_id", "version_id", "start", "end", "label"),
        # The document list's label filter (schema 9): a label's spans in the states it
        # counts and whose version each is in, from the index alone.
        Index("ix_span_label_seen", "label", "state", "version_id", "document_id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    document_id: int = Field(
        sa_column=Column(Integer, ForeignKey("document.id", ondelete="CASCADE"), nullable=False)
    )
    # The version the span belongs to, or INPUT (0): the document's shared suggestions,
    # which every annotator without a version of their own sees. Not a foreign key, for
    # that 0; a version's spans go with it in `store/versions.py`, and with the document
    # by the cascade above.
    version_id: int = 0
    start: int
    end: int
    label: str
    state: str = "manual"
    source: str | None = None
    score: float | None = None


class ModelVersionRow(SQLModel, table=True):
    """A pipeline `annotator train` made for a dataset (schema 5): its folder, what it
    started from, its held-out scores (JSON, `core.training.Scores`) and training time."""

    __tablename__ = "model_version"
    __table_args__ = (UniqueConstraint("dataset_id", "number"),)

    id: int | None = Field(default=None, primary_key=True)
    dataset_id: int = Field(
        sa_column=Column(Integer, ForeignKey("dataset.id", ondelete="CASCADE"), nullable=False)
    )
    number: int
    path: str
    base: str
    created_at: float
    seconds: float
    scores: str = "{}"
    train_documents: int = 0
    eval_documents: int = 0


class PatternRow(SQLModel, table=True):
    """A pattern imported into a dataset (schema 6, `core/patterns.py`): its label as the
    file gave it (mapped when it suggests), its "pattern" as canonical JSON, its "id" as
    JSON ("" when it has none: the unique key then holds, where NULLs would all differ),
    and the file it came from. The row id keeps the order of the file."""

    __tablename__ = "pattern"
    __table_args__ = (UniqueConstraint("dataset_id", "label", "body", "ent_id"),)

    id: int | None = Field(default=None, primary_key=True)
    dataset_id: int = Field(
        sa_column=Column(Integer, ForeignKey("dataset.id", ondelete="CASCADE"), nullable=False)
    )
    label: str
    body: str
    ent_id: str = ""
    file: str = ""
    imported_at: float


class AssignmentRow(SQLModel, table=True):
    """A document in one annotator's queue (schema 8, `annotator assign`): at `position`
    in their queue of the document's dataset. Only the team's lead writes these."""

    __tablename__ = "assignment"
    __table_args__ = (
        UniqueConstraint("document_id", "annotator"),
        # An annotator's queue of a dataset in order (`store/assignments.py`).
        Index("ix_assignment_queue", "annotator", "dataset_id", "position"),
    )

    id: int | None = Field(default=None, primary_key=True)
    dataset_id: int = Field(
        sa_column=Column(Integer, ForeignKey("dataset.id", ondelete="CASCADE"), nullable=False)
    )
    document_id: int = Field(
        sa_column=Column(Integer, ForeignKey("document.id", ondelete="CASCADE"), nullable=False)
    )
    annotator: str
    position: int
    assigned_at: float


# `SPAN.version_id` of the shared input: spans no person has decided on in a version.
INPUT = 0

# The tables as SQLAlchemy Core sees them: every statement of the store is built on these.
DATASET: Table = SQLModel.metadata.tables["dataset"]
LABEL: Table = SQLModel.metadata.tables["label"]
DOCUMENT: Table = SQLModel.metadata.tables["document"]
SPAN: Table = SQLModel.metadata.tables["span"]
VERSION: Table = SQLModel.metadata.tables["version"]
STORE_INFO: Table = SQLModel.metadata.tables["store_info"]
MODEL_VERSION: Table = SQLModel.metadata.tables["model_version"]
PATTERN: Table = SQLModel.metadata.tables["pattern"]
ASSIGNMENT: Table = SQLModel.metadata.tables["assignment"]

# Each assignment with the status of its annotator's version ("new" without one): a
# view (schema 8), so that on a team's server everyone reads how far the others are,
# never their spans (a view reads its tables as its owner, the lead). Not in the
# metadata: `create_assignment_status` makes it once every table is there.
ASSIGNMENT_STATUS = Table(
    "assignment_status",
    MetaData(),
    Column("dataset_id", Integer),
    Column("document_id", Integer),
    Column("annotator", String),
    Column("position", Integer),
    Column("status", String),
)
_ASSIGNMENT_STATUS_VIEW = """
CREATE VIEW assignment_status AS
SELECT a.dataset_id, a.document_id, a.annotator, a.position,
       COALESCE(v.status, 'new') AS status
FROM assignment a LEFT JOIN version v
    ON v.document_id = a.document_id AND v.annotator = a.annotator AND v.kind = 'annotation'
"""


def create_assignment_status(connection: Connection) -> None:
    connection.execute(text(_ASSIGNMENT_STATUS_VIEW))


# The same rule on PostgreSQL, whose triggers call a function (and may change the row
# before it is written, so no second UPDATE).
TOKEN_JSON_FUNCTION_PG = """
CREATE FUNCTION document_token_json_stale() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.token_json IS NOT NULL AND NEW.token_json IS NOT DISTINCT FROM OLD.token_json
        AND (NEW.tokens IS DISTINCT FROM OLD.tokens OR NEW.text IS DISTINCT FROM OLD.text)
    THEN
        NEW.token_json := NULL;
    END IF;
    RETURN NEW;
END $$
"""
TOKEN_JSON_TRIGGER_PG = """
CREATE TRIGGER document_token_json_stale BEFORE UPDATE OF tokens, text ON document
FOR EACH ROW EXECUTE FUNCTION document_token_json_stale()
"""


def _create_trigger(_table: Table, connection: Connection, **_kw: Any) -> None:
    if connection.dialect.name == "postgresql":
        connection.execute(text(TOKEN_JSON_FUNCTION_PG))
        connection.execute(text(TOKEN_JSON_TRIGGER_PG))
    else:
        connection.execute(text(TOKEN_JSON_TRIGGER))


event.listen(DOCUMENT, "after_create", _create_trigger)
event.listen(
    SQLModel.metadata,
    "after_create",
    lambda _metadata, connection, **_kw: create_assignment_status(connection),
)
