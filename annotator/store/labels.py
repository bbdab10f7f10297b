"""Label sets, model-label mappings and the dataset's model setting."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence

from sqlalchemy import ColumnElement, Connection, Engine, delete, func, select, update

from annotator.core.errors import NotFoundError, StoreError
from annotator.core.labels import labels_in_use_outside, retarget
from annotator.core.model import Label
from annotator.store.db import read_transaction, write_transaction
from annotator.store.perspective import document_columns
from annotator.store.rows import document_from_row
from annotator.store.tables import DATASET, DOCUMENT, LABEL, PATTERN, SPAN


def _in_dataset(dataset_id: int) -> ColumnElement[bool]:
    """Spans of the dataset's documents."""
    return SPAN.c.document_id.in_(select(DOCUMENT.c.id).where(DOCUMENT.c.dataset_id == dataset_id))


def _label(dataset_id: int, name: str) -> ColumnElement[bool]:
    return (LABEL.c.dataset_id == dataset_id) & (LABEL.c.name == name)


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
            changed = conn.execute(
                update(LABEL)
                .where(_label(dataset_id, label.name))
                .values(color=label.color, hotkey=label.hotkey, description=label.description)
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
            moved = conn.execute(
                update(SPAN).where(SPAN.c.label == old, _in_dataset(dataset_id)).values(label=new)
            ).rowcount
            merge = _has_label(conn, dataset_id, new)
            old_label = _label(dataset_id, old)
            statement = (
                delete(LABEL).where(old_label)
                if merge
                else update(LABEL).where(old_label).values(name=new)
            )
            if conn.execute(statement).rowcount:
                _retarget_mapping(conn, dataset_id, old, new)
                _relabel_patterns(conn, dataset_id, old, new)
                return int(moved)
        raise NotFoundError(f"the dataset has no label {old!r}")

    def remove_label(self, dataset_id: int, name: str) -> None:
        """Remove a label no span uses, with the mapping entries onto it."""
        with write_transaction(self._engine) as conn:
            used = _span_counts(conn, dataset_id).get(name, 0)
            if used:
                raise StoreError(f"label {name!r} is used by {used} span(s); it was kept")
            removed = conn.execute(delete(LABEL).where(_label(dataset_id, name))).rowcount
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
            conn.execute(delete(LABEL).where(LABEL.c.dataset_id == dataset_id))
            append_labels(conn, dataset_id, labels)
            _write_settings(conn, dataset_id, _read_settings(conn, dataset_id)[0], label_map)

    def label_span_counts(self, dataset_id: int) -> dict[str, int]:
        """How many spans of the dataset use each label (labels without spans are absent)."""
        with read_transaction(self._engine) as conn:
            return _span_counts(conn, dataset_id)


def _read_settings(conn: Connection, dataset_id: int) -> tuple[str | None, dict[str, str]]:
    text = conn.execute(select(DATASET.c.settings).where(DATASET.c.id == dataset_id)).scalar_one()
    settings = json.loads(text or "{}")
    return settings.get("model"), dict(settings.get("label_map", {}))


def _write_settings(
    conn: Connection, dataset_id: int, model: str | None, label_map: Mapping[str, str]
) -> None:
    conn.execute(
        update(DATASET)
        .where(DATASET.c.id == dataset_id)
        .values(settings=settings_json(model, label_map))
    )


def _retarget_mapping(conn: Connection, dataset_id: int, old: str, new: str | None) -> None:
    model, label_map = _read_settings(conn, dataset_id)
    _write_settings(conn, dataset_id, model, retarget(label_map, old, new))


def _relabel_patterns(conn: Connection, dataset_id: int, old: str, new: str) -> None:
    """The imported patterns of label `old` take `new`, as its spans do (one that `new`
    has already stays once)."""
    of_old = (PATTERN.c.dataset_id == dataset_id) & (PATTERN.c.label == old)
    other = PATTERN.alias("other")
    held = (
        select(other.c.id)
        .where(
            other.c.dataset_id == dataset_id,
            other.c.label == new,
            other.c.body == PATTERN.c.body,
            other.c.ent_id == PATTERN.c.ent_id,
        )
        .exists()
    )
    conn.execute(delete(PATTERN).where(of_old & held))
    conn.execute(update(PATTERN).where(of_old).values(label=new))


def _span_counts(conn: Connection, dataset_id: int) -> dict[str, int]:
    rows = conn.execute(
        select(SPAN.c.label, func.count()).where(_in_dataset(dataset_id)).group_by(SPAN.c.label)
    )
    return {str(label): int(n) for label, n in rows}


def _has_label(conn: Connection, dataset_id: int, name: str) -> bool:
    found = conn.execute(select(LABEL.c.id).where(_label(dataset_id, name))).first()
    return found is not None


def _refuse_duplicate_spans(conn: Connection, dataset_id: int, old: str, new: str) -> None:
    """Refuse a merge that would give a document two spans with the same range and label."""
    a, b = SPAN.alias("a"), SPAN.alias("b")
    a_in_dataset = a.c.document_id.in_(
        select(DOCUMENT.c.id).where(DOCUMENT.c.dataset_id == dataset_id)
    )
    clashes = conn.execute(
        select(a.c.document_id, a.c.start, a.c.end)
        .select_from(
            a.join(
                b,
                (b.c.document_id == a.c.document_id)
                & (b.c.version_id == a.c.version_id)
                & (b.c.start == a.c.start)
                & (b.c.end == a.c.end),
            )
        )
        .where(a.c.label == old, b.c.label == new, a_in_dataset)
        .order_by(a.c.document_id)
    ).all()
    if not clashes:
        return
    document_id, start, end = clashes[0]
    row = conn.execute(select(*document_columns(None)).where(DOCUMENT.c.id == document_id)).one()
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
            select(func.coalesce(func.max(LABEL.c.position) + 1, 0)).where(
                LABEL.c.dataset_id == dataset_id
            )
        ).scalar_one()
    )
    conn.execute(
        LABEL.insert(),
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
