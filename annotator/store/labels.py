"""Label sets, model-label mappings and the dataset's model setting."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence

from sqlalchemy import Connection, Engine, func, select
from sqlmodel import col

from annotator.core.errors import NotFoundError, StoreError
from annotator.core.labels import labels_in_use_outside, retarget
from annotator.core.model import Label
from annotator.store.db import read_transaction, write_transaction
from annotator.store.rows import DOC_COLUMNS, document_from_row
from annotator.store.tables import LabelRow

_IN_DATASET = "document_id IN (SELECT id FROM document WHERE dataset_id = ?)"


class LabelQueries:
    """The label part of `Store`."""

    _engine: Engine

    def save_settings(
        self, dataset_id: int, *, model: str | None, label_map: Mapping[str, str]
    ) -> None:
        """Set the dataset's model and its model-label mapping (both replaced whole)."""
        with write_transaction(self._engine) as conn:
            _write_settings(conn, dataset_id, model, label_map)

    def set_model(self, dataset_id: int, model: str | None) -> None:
        """Set (or with None clear) the dataset's model, keeping its mapping."""
        with write_transaction(self._engine) as conn:
            _write_settings(conn, dataset_id, model, _read_settings(conn, dataset_id)[1])

    def save_label_map(self, dataset_id: int, label_map: Mapping[str, str]) -> None:
        """Replace the dataset's model-label mapping, keeping its model."""
        with write_transaction(self._engine) as conn:
            _write_settings(conn, dataset_id, _read_settings(conn, dataset_id)[0], label_map)

    def add_labels(self, dataset_id: int, labels: Sequence[Label]) -> None:
        with write_transaction(self._engine) as conn:
            append_labels(conn, dataset_id, labels)

    def update_label(self, dataset_id: int, label: Label) -> None:
        """Write a label's colour, hotkey and description; its name picks the row."""
        with write_transaction(self._engine) as conn:
            changed = conn.exec_driver_sql(
                "UPDATE label SET color = ?, hotkey = ?, description = ?"
                " WHERE dataset_id = ? AND name = ?",
                (label.color, label.hotkey, label.description, dataset_id, label.name),
            ).rowcount
            if changed == 0:
                raise NotFoundError(f"the dataset has no label {label.name!r}")

    def rename_label(self, dataset_id: int, old: str, new: str) -> int:
        """Rename label `old` with its spans and mapping targets; return the spans moved.

        When `new` is already a label this is a merge: `old`'s spans move to it and `old`
        goes. All in one transaction; refused (nothing written) when a document holds the
        same range under both labels.
        """
        with write_transaction(self._engine) as conn:
            _refuse_duplicate_spans(conn, dataset_id, old, new)
            moved = conn.exec_driver_sql(
                f"UPDATE span SET label = ? WHERE label = ? AND {_IN_DATASET}",
                (new, old, dataset_id),
            ).rowcount
            merge = _has_label(conn, dataset_id, new)
            sql = "DELETE FROM label" if merge else "UPDATE label SET name = ?"
            params = (dataset_id, old) if merge else (new, dataset_id, old)
            if conn.exec_driver_sql(f"{sql} WHERE dataset_id = ? AND name = ?", params).rowcount:
                _retarget_mapping(conn, dataset_id, old, new)
                return int(moved)
        raise NotFoundError(f"the dataset has no label {old!r}")

    def remove_label(self, dataset_id: int, name: str) -> None:
        """Remove a label no span uses, with the mapping entries onto it."""
        with write_transaction(self._engine) as conn:
            used = _span_counts(conn, dataset_id).get(name, 0)
            if used:
                raise StoreError(f"label {name!r} is used by {used} span(s); it was kept")
            removed = conn.exec_driver_sql(
                "DELETE FROM label WHERE dataset_id = ? AND name = ?", (dataset_id, name)
            ).rowcount
            if not removed:
                raise NotFoundError(f"the dataset has no label {name!r}")
            _retarget_mapping(conn, dataset_id, name, None)

    def set_labels(
        self, dataset_id: int, labels: Sequence[Label], label_map: Mapping[str, str]
    ) -> None:
        """Make `labels` (in order) and `label_map` the dataset's whole label set.

        Refused, with nothing written, when spans use a label that `labels` lacks.
        """
        with write_transaction(self._engine) as conn:
            lost = labels_in_use_outside(_span_counts(conn, dataset_id), labels)
            if lost:
                counts = ", ".join(f"{name} ({n} spans)" for name, n in lost.items())
                raise StoreError(f"spans use labels the new label set lacks: {counts}")
            conn.exec_driver_sql("DELETE FROM label WHERE dataset_id = ?", (dataset_id,))
            append_labels(conn, dataset_id, labels)
            _write_settings(conn, dataset_id, _read_settings(conn, dataset_id)[0], label_map)

    def label_span_counts(self, dataset_id: int) -> dict[str, int]:
        """How many spans of the dataset use each label (labels without spans are absent)."""
        with read_transaction(self._engine) as conn:
            return _span_counts(conn, dataset_id)


def _read_settings(conn: Connection, dataset_id: int) -> tuple[str | None, dict[str, str]]:
    text = conn.exec_driver_sql(
        "SELECT settings FROM dataset WHERE id = ?", (dataset_id,)
    ).scalar_one()
    settings = json.loads(text or "{}")
    return settings.get("model"), dict(settings.get("label_map", {}))


def _write_settings(
    conn: Connection, dataset_id: int, model: str | None, label_map: Mapping[str, str]
) -> None:
    conn.exec_driver_sql(
        "UPDATE dataset SET settings = ? WHERE id = ?",
        (settings_json(model, label_map), dataset_id),
    )


def _retarget_mapping(conn: Connection, dataset_id: int, old: str, new: str | None) -> None:
    model, label_map = _read_settings(conn, dataset_id)
    _write_settings(conn, dataset_id, model, retarget(label_map, old, new))


def _span_counts(conn: Connection, dataset_id: int) -> dict[str, int]:
    rows = conn.exec_driver_sql(
        f"SELECT label, count(*) FROM span WHERE {_IN_DATASET} GROUP BY label", (dataset_id,)
    )
    return {str(label): int(n) for label, n in rows}


def _has_label(conn: Connection, dataset_id: int, name: str) -> bool:
    found = conn.exec_driver_sql(
        "SELECT 1 FROM label WHERE dataset_id = ? AND name = ?", (dataset_id, name)
    ).first()
    return found is not None


def _refuse_duplicate_spans(conn: Connection, dataset_id: int, old: str, new: str) -> None:
    """Refuse a merge that would give a document two spans with the same range and label."""
    clashes = conn.exec_driver_sql(
        "SELECT a.document_id, a.start, a.end FROM span a JOIN span b"
        " ON b.document_id = a.document_id AND b.start = a.start AND b.end = a.end"
        f" WHERE a.label = ? AND b.label = ? AND a.{_IN_DATASET} ORDER BY a.document_id",
        (old, new, dataset_id),
    ).all()
    if not clashes:
        return
    document_id, start, end = clashes[0]
    row = conn.exec_driver_sql(
        f"SELECT {DOC_COLUMNS} FROM document WHERE id = ?", (document_id,)
    ).one()
    title = document_from_row(tuple(row), []).title
    others = len({clash[0] for clash in clashes}) - 1
    more = f" (and {others} more document(s))" if others else ""
    raise StoreError(
        f"cannot merge {old} into {new}: document {document_id} ({title!r}) has both {old} "
        f"and {new} spans at {start}-{end}{more}; remove one of them first. Nothing was changed."
    )


def settings_json(model: str | None, label_map: Mapping[str, str]) -> str:
    settings: dict[str, object] = {"label_map": dict(label_map)}
    if model is not None:
        settings["model"] = model
    return json.dumps(settings, ensure_ascii=False, sort_keys=True)


def append_labels(conn: Connection, dataset_id: int, labels: Sequence[Label]) -> None:
    """Add `labels` after the dataset's existing ones, inside the caller's transaction."""
    if not labels:
        return
    first_position = int(
        conn.execute(
            select(func.coalesce(func.max(LabelRow.position) + 1, 0)).where(
                col(LabelRow.dataset_id) == dataset_id
            )
        ).scalar_one()
    )
    conn.execute(
        LabelRow.__table__.insert(),  # type: ignore[attr-defined]
        [
            {
                "dataset_id": dataset_id,
                "name": label.name,
                "color": label.color,
                "hotkey": label.hotkey,
                "description": label.description,
                "position": first_position + i,
            }
            for i, label in enumerate(labels)
        ],
    )
