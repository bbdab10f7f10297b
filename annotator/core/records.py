"""What a reader hands to the importer: records exactly as the file gave them.

Readers (in `annotator.formats`) only parse and check types; `validation.check_record`
decides whether the offsets, labels and tokens make sense. Keeping the two apart means
every format gets the same checks and the same messages.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from annotator.core.model import SpanState, Status
from annotator.core.tokens import Tokens


@dataclass(frozen=True, slots=True)
class RawSpan:
    """A span as written in the file: not yet checked against the text."""

    start: int
    end: int
    label: str
    state: SpanState = SpanState.MANUAL
    source: str | None = None
    score: float | None = None
    text: str | None = None  # the covered text, when the file states it


@dataclass(frozen=True, slots=True)
class Record:
    """One document to import, with where it came from for messages."""

    path: str
    line: int | None
    text: str
    spans: tuple[RawSpan, ...] = ()
    status: Status = Status.NEW
    meta: dict[str, Any] = field(default_factory=dict)
    extra: dict[str, Any] = field(default_factory=dict)
    tokens: Tokens | None = None
    prodigy_input_hash: int | None = None
    annotator: str | None = None  # who the file says made this version, as it writes it
    # The reviewer's settled version, not an annotator's own (Prodigy's `review` output).
    reviewed: bool = False
    timestamp: float | None = None
    # What the file held that annotator does not import (e.g. {"relation": 2}): reported.
    not_imported: dict[str, int] = field(default_factory=dict)

    @property
    def location(self) -> str:
        return self.path if self.line is None else f"{self.path}:{self.line}"


def one_per_annotator(records: Iterable[Record]) -> list[Record]:
    """The versions of one document, only the last of each annotator's (nobody counts as one).

    A file may hold two versions of a document by the same person; the last is theirs, so
    nobody gets two. It keeps its place among the others. A reviewed version is apart from
    the reviewer's own.
    """
    chosen = list(records)
    last = {(record.annotator, record.reviewed): n for n, record in enumerate(chosen)}
    return [
        record for n, record in enumerate(chosen) if last[record.annotator, record.reviewed] == n
    ]
