"""Bringing another store's versions into this one, without a server.

The other store is copied first (`merge_copy.py`: SQLite's online backup, read-only) and
the copy opened as a store, so an older one is upgraded in the copy and never in place,
and one from a newer version is refused untouched. Everything it holds comes in through one write
transaction here: all of it, or (on any error, a kill included) none.

Documents are matched by input hash within the dataset of the same name. Each version
(annotator, kind) is compared by its clock, the version vector `versions.touch` keeps:
a copy the other store has only older edits of is kept; one it has all of and more is
taken; one both stores changed since they last met is a conflict, and then both are kept:
the newer stays the version, the older is kept beside it as a "conflict" version, and the
report says so. Nothing is ever dropped silently.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Connection, delete, func, insert, select, update

from annotator.core.errors import StoreError
from annotator.store.db import read_transaction, write_transaction
from annotator.store.patterns import merge_patterns
from annotator.store.perspective import CONFLICT
from annotator.store.rows import DOCUMENT_KEYS
from annotator.store.tables import DATASET, DOCUMENT, INPUT, LABEL, SPAN, VERSION

_SPAN_FIELDS = ("start", "end", "label", "state", "source", "score")
_SPAN_KEYS = ("document_id", "version_id", *_SPAN_FIELDS)
_VERSION_FIELDS = ("annotator", "status", "created_at", "updated_at", "clock")
# A document's own columns: what an import writes (but its dataset), and the suggester's mark.
_DOCUMENT_FIELDS = (*DOCUMENT_KEYS[1:], "suggested_with", "suggested_at")


@dataclass
class MergeReport:
    datasets: list[str] = field(default_factory=list)  # merged, by name
    new_datasets: list[str] = field(default_factory=list)
    documents: int = 0  # documents this store did not have
    versions: int = 0  # versions it did not have
    updated: int = 0  # versions the other store had later edits of
    unchanged: int = 0
    spans: int = 0  # span rows written
    conflicts: list[tuple[str, int, str]] = field(default_factory=list)  # dataset, id, who
    patterns: int = 0  # imported patterns this store did not have


def merge_engines(here: Any, other: Any, dataset: str | None) -> MergeReport:
    """Bring `other`'s datasets (or only `dataset`) into `here`, in one transaction."""
    report = MergeReport()
    with read_transaction(other._engine) as theirs:
        names = [
            str(n) for n in theirs.execute(select(DATASET.c.name).order_by(DATASET.c.id)).scalars()
        ]
        if dataset is not None:
            if dataset not in names:
                found = ", ".join(names) or "none"
                raise StoreError(f"the other store has no dataset {dataset!r} (it has: {found})")
            names = [dataset]
        with write_transaction(here._engine) as ours:
            for name in names:
                _merge_dataset(ours, theirs, name, report)
    return report


def _merge_dataset(ours: Connection, theirs: Connection, name: str, report: MergeReport) -> None:
    their_set = theirs.execute(select(DATASET).where(DATASET.c.name == name)).one()
    their_labels = theirs.execute(
        select(LABEL).where(LABEL.c.dataset_id == their_set.id).order_by(LABEL.c.position)
    ).all()
    our_id = ours.execute(select(DATASET.c.id).where(DATASET.c.name == name)).scalar()
    if our_id is None:
        values = {k: v for k, v in their_set._mapping.items() if k != "id"}
        our_id = ours.execute(insert(DATASET).values(values).returning(DATASET.c.id)).scalar_one()
        for label in their_labels:
            row = {k: v for k, v in label._mapping.items() if k != "id"}
            ours.execute(insert(LABEL).values({**row, "dataset_id": our_id}))
        report.new_datasets.append(name)
    else:
        ours_have = {
            str(n)
            for n in ours.execute(
                select(LABEL.c.name).where(LABEL.c.dataset_id == our_id)
            ).scalars()
        }
        missing = [str(label.name) for label in their_labels if label.name not in ours_have]
        if missing:
            raise StoreError(
                f"dataset {name!r} of the other store has labels this one lacks: "
                f"{', '.join(missing)}; add them here first (annotator labels add) or merge "
                "the labels in the other store. Nothing was merged."
            )
    report.datasets.append(name)
    report.patterns += merge_patterns(ours, theirs, their_set.id, our_id)
    documents = theirs.execute(
        select(DOCUMENT).where(DOCUMENT.c.dataset_id == their_set.id).order_by(DOCUMENT.c.id)
    )
    while chunk := documents.fetchmany(_CHUNK):
        _merge_documents(ours, theirs, our_id, name, chunk, report)


# Documents merged together: a few statements per chunk rather than per document.
_CHUNK = 256


def _merge_documents(
    ours: Connection,
    theirs: Connection,
    our_set: int,
    name: str,
    documents: Sequence[Any],
    report: MergeReport,
) -> None:
    """Merge a chunk of the other store's documents of one dataset.

    The versions this store lacks (the common case: another person's work) are inserted
    together, their spans in one statement; a version both stores hold is settled one at
    a time (`_merge_version`), from our versions of the chunk read at once: by its clock
    alone where ours has seen every edit theirs counts (a second merge of the same store:
    1,000 documents of 3 annotators, 0.54 s against 13.2 s), by its spans otherwise.
    """
    hashes = [row.input_hash for row in documents]
    found = {
        str(input_hash): int(document_id)
        for document_id, input_hash in ours.execute(
            select(DOCUMENT.c.id, DOCUMENT.c.input_hash).where(
                DOCUMENT.c.dataset_id == our_set, DOCUMENT.c.input_hash.in_(hashes)
            )
        )
    }
    ids: dict[int, int] = {}  # their document id -> ours
    for row in documents:
        our_id = found.get(row.input_hash)
        if our_id is None:
            values = {key: row._mapping[key] for key in _DOCUMENT_FIELDS}
            our_id = ours.execute(
                insert(DOCUMENT).values(dataset_id=our_set, **values).returning(DOCUMENT.c.id)
            ).scalar_one()
            found[row.input_hash] = our_id
            report.documents += 1
            report.spans += _copy_spans(ours, theirs, row.id, INPUT, our_id, INPUT)
        ids[row.id] = our_id
    # Our versions of these documents, read once: a version both stores hold is then
    # compared without a lookup of its own.
    held: dict[tuple[int, str, str], Any] = {
        (int(row.document_id), str(row.annotator), str(row.kind)): row
        for row in ours.execute(
            select(VERSION).where(
                VERSION.c.document_id.in_(list(ids.values())), VERSION.c.kind != CONFLICT
            )
        )
    }
    versions = theirs.execute(
        select(VERSION).where(VERSION.c.document_id.in_(list(ids))).order_by(VERSION.c.id)
    ).all()
    added: list[Any] = []
    for version in versions:
        their = version._mapping
        key = (ids[their["document_id"]], str(their["annotator"]), str(their["kind"]))
        if their["kind"] != CONFLICT and key not in held:
            added.append(their)
            held[key] = None  # one version per key: a second is not added again
        else:
            mine = held.get(key) if their["kind"] != CONFLICT else None
            _merge_version(ours, theirs, (our_set, key[0]), name, version, mine, report)
    if added:
        _add_versions(ours, theirs, our_set, ids, added, report)


def _add_versions(
    ours: Connection,
    theirs: Connection,
    our_set: int,
    ids: dict[int, int],
    added: Sequence[Any],
    report: MergeReport,
) -> None:
    """Insert versions this store lacks, as they are, with their spans, in two statements."""
    last = ours.execute(select(func.coalesce(func.max(VERSION.c.id), 0))).scalar_one()
    ours.execute(
        insert(VERSION),
        [
            {
                "document_id": ids[their["document_id"]],
                "dataset_id": our_set,
                "kind": their["kind"],
                **{
                    k: their[k]
                    for k in ("annotator", "status", "created_at", "updated_at", "clock")
                },
            }
            for their in added
        ],
    )
    # Rows inserted in one statement take the next ids, in order.
    new_ids = list(
        ours.execute(
            select(VERSION.c.id).where(VERSION.c.id > last).order_by(VERSION.c.id)
        ).scalars()
    )
    if len(new_ids) != len(added):
        raise StoreError("the merge could not tell the versions it added apart; nothing merged")
    mapped = {
        their["id"]: (ids[their["document_id"]], new)
        for their, new in zip(added, new_ids, strict=True)
    }
    columns = [SPAN.c[name] for name in _SPAN_FIELDS]
    rows = [
        dict(zip(_SPAN_KEYS, (*mapped[version_id], *span), strict=True))
        for version_id, *span in theirs.execute(
            select(SPAN.c.version_id, *columns).where(
                SPAN.c.document_id.in_(list(ids)), SPAN.c.version_id != INPUT
            )
        )
        if version_id in mapped
    ]
    if rows:
        ours.execute(insert(SPAN), rows)
    report.versions += len(added)
    report.spans += len(rows)


def _merge_version(
    ours: Connection,
    theirs: Connection,
    where: tuple[int, int],
    name: str,
    version: Any,
    mine: Any,
    report: MergeReport,
) -> None:
    """Settle one version both stores may hold: `mine` is our version of it (None for a
    conflict copy); `where` is (our dataset, our document)."""
    their = version._mapping
    our_document = where[1]
    if their["kind"] == CONFLICT:
        # a conflict copy is kept as it is, once
        same = ours.execute(
            select(VERSION.c.id).where(
                VERSION.c.document_id == our_document,
                VERSION.c.annotator == their["annotator"],
                VERSION.c.kind == CONFLICT,
                VERSION.c.clock == their["clock"],
            )
        ).first()
        if same is not None:
            report.unchanged += 1
            return
    if mine is None:
        _add_version(ours, theirs, where, their, their["kind"], report)
        report.versions += 1
        return
    our = mine._mapping
    their_clock, our_clock = json.loads(their["clock"]), json.loads(our["clock"])
    if _covers(our_clock, their_clock):  # we have seen every edit they count: ours stays
        report.unchanged += 1
        return
    same_content = our["status"] == their["status"] and _spans(
        ours, our_document, our["id"]
    ) == _spans(theirs, their["document_id"], their["id"])
    if same_content:  # the same work reached both: count both clocks' edits
        joined = {
            k: max(our_clock.get(k, 0), their_clock.get(k, 0)) for k in {*our_clock, *their_clock}
        }
        ours.execute(
            update(VERSION)
            .where(VERSION.c.id == our["id"])
            .values(clock=json.dumps(joined, sort_keys=True))
        )
        report.unchanged += 1
        return
    if _covers(their_clock, our_clock):  # only the other store edited it since: take it
        _replace(ours, theirs, our["id"], our_document, their, report)
        report.updated += 1
        return
    # Both changed it since they last met: keep both, the newer as the version.
    if their["updated_at"] > our["updated_at"]:
        ours.execute(update(VERSION).where(VERSION.c.id == our["id"]).values(kind=CONFLICT))
        _add_version(ours, theirs, where, their, their["kind"], report)
    else:
        _add_version(ours, theirs, where, their, CONFLICT, report)
    report.conflicts.append((name, our_document, str(their["annotator"])))


def _covers(a: dict[str, int], b: dict[str, int]) -> bool:
    """Whether clock `a` has seen every edit clock `b` counts."""
    return all(a.get(store, 0) >= count for store, count in b.items())


def _spans(conn: Connection, document_id: int, version_id: int) -> list[tuple[Any, ...]]:
    """A version's spans, looked up in the span index (document, version) as it is keyed."""
    columns = [SPAN.c[name] for name in _SPAN_FIELDS]
    return [
        tuple(r)
        for r in conn.execute(
            select(*columns)
            .where(SPAN.c.document_id == document_id, SPAN.c.version_id == version_id)
            .order_by(*columns[:3])
        )
    ]


def _add_version(
    ours: Connection,
    theirs: Connection,
    where: tuple[int, int],
    their: Any,
    kind: str,
    report: MergeReport,
) -> None:
    our_set, our_document = where
    values = {k: their[k] for k in _VERSION_FIELDS}
    new_id = ours.execute(
        insert(VERSION)
        .values(document_id=our_document, dataset_id=our_set, kind=kind, **values)
        .returning(VERSION.c.id)
    ).scalar_one()
    report.spans += _copy_spans(
        ours, theirs, their["document_id"], their["id"], our_document, new_id
    )


def _replace(
    ours: Connection,
    theirs: Connection,
    our_version: int,
    our_document: int,
    their: Any,
    report: MergeReport,
) -> None:
    ours.execute(
        delete(SPAN).where(SPAN.c.document_id == our_document, SPAN.c.version_id == our_version)
    )
    values = {k: their[k] for k in ("status", "updated_at", "clock")}
    ours.execute(update(VERSION).where(VERSION.c.id == our_version).values(**values))
    report.spans += _copy_spans(
        ours, theirs, their["document_id"], their["id"], our_document, our_version
    )


def _copy_spans(
    ours: Connection,
    theirs: Connection,
    their_document: int,
    their_version: int,
    our_document: int,
    our_version: int,
) -> int:
    columns = [SPAN.c[name] for name in _SPAN_FIELDS]
    rows = [
        {
            "document_id": our_document,
            "version_id": our_version,
            **dict(zip(_SPAN_FIELDS, r, strict=True)),
        }
        for r in theirs.execute(
            select(*columns).where(
                SPAN.c.document_id == their_document, SPAN.c.version_id == their_version
            )
        )
    ]
    if rows:
        ours.execute(insert(SPAN), rows)
    return len(rows)
