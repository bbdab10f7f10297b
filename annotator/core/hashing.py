"""Stable hashes of documents: the same text gives the same hash on every machine."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable

from annotator.core.model import Span


def input_hash(text: str) -> str:
    """De-duplication key of a text within a dataset (hex SHA-1 of its UTF-8 bytes)."""
    return hashlib.sha1(text.encode("utf-8", "surrogatepass"), usedforsecurity=False).hexdigest()


def _signed32(digest: bytes) -> int:
    return int.from_bytes(digest[:4], "big", signed=True)


def prodigy_input_hash(text: str) -> int:
    """A 32-bit signed `_input_hash` for records that did not bring Prodigy's own."""
    return _signed32(hashlib.sha1(text.encode("utf-8", "surrogatepass")).digest())


def prodigy_task_hash(input_hash_value: int, spans: Iterable[Span]) -> int:
    """A 32-bit signed `_task_hash`: changes whenever the exported spans change."""
    material = [str(input_hash_value)]
    material += [f"{s.start}:{s.end}:{s.label}" for s in spans]
    return _signed32(hashlib.sha1("\x1f".join(material).encode("utf-8", "surrogatepass")).digest())
