"""doccano sequence-labelling JSONL, as doccano (>= 1.7) exports and imports it.

`{"text": ..., "label": [[start, end, "LABEL"], ...], ...}`: doccano flattens a
document's metadata into the top level, so the other fields of an imported record
(`id`, `Comments`, ...) and then the meta keys follow, minus any that would clash with
`text` or `label`. Prodigy's bookkeeping fields (`_session_id`, ...) are not carried over.

Offsets are code points; doccano counts UTF-16 units unless the project counts grapheme
clusters, so offsets after a character outside the BMP (an emoji) differ there.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from annotator.core.model import Document, Span
from annotator.core.tokens import Tokens
from annotator.formats.writers import LineWriter
from annotator.formats.writers.prodigy import dumps

RESERVED_KEYS = frozenset({"text", "label"})


def record(document: Document, spans: Sequence[Span]) -> dict[str, Any]:
    task: dict[str, Any] = {
        "text": document.text,
        "label": [[s.start, s.end, s.label] for s in sorted(spans, key=lambda s: s.key)],
    }
    extra = {k: v for k, v in document.extra.items() if not k.startswith("_")}
    for fields in (extra, document.meta):
        for key, value in fields.items():
            if key not in RESERVED_KEYS and key not in task:
                task[key] = value
    return task


def line(document: Document, spans: Sequence[Span]) -> tuple[str, int]:
    """One JSONL line (with its newline) and the number of spans left out (always 0)."""
    return dumps(record(document, spans)), 0


class Writer(LineWriter):
    """One record per line; doccano needs no tokens."""

    def lines(
        self,
        document: Document,
        tokens: Tokens | None,
        token_json: bytes | None,
        spans: Sequence[Span],
    ) -> tuple[bytes, int]:
        text, left_out = line(document, spans)
        return text.encode("utf-8"), left_out
