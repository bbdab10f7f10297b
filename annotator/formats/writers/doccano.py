"""doccano sequence-labelling JSONL, as doccano (>= 1.7) exports and imports it.

`{"text": ..., "label": [[start, end, "LABEL"], ...], ...meta}`: doccano flattens a
document's metadata into the top level, so the meta keys follow, minus any that would
clash with `text` or `label`. Offsets are code points; doccano counts UTF-16 units unless
the project counts grapheme clusters, so texts outside the BMP shift there.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from annotator.core.model import Document, Span
from annotator.formats.writers.prodigy import dumps

RESERVED_KEYS = frozenset({"text", "label"})


def record(document: Document, spans: Sequence[Span]) -> dict[str, Any]:
    task: dict[str, Any] = {
        "text": document.text,
        "label": [[s.start, s.end, s.label] for s in sorted(spans, key=lambda s: s.key)],
    }
    for key, value in document.meta.items():
        if key not in RESERVED_KEYS:
            task[key] = value
    return task


def line(document: Document, spans: Sequence[Span]) -> tuple[str, int]:
    """One JSONL line (with its newline) and the number of spans left out (always 0)."""
    return dumps(record(document, spans)), 0
