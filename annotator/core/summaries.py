"""What the document list shows and asks for: one row per document, and the row filter.

A `DocumentSummary` is a document without its text and spans: enough for a list row. A
`DocumentQuery` says which documents a list shows and in which order; the store answers it
a page at a time, so a list over 100,000 documents never holds them all.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal, get_args

from annotator.core.model import Status

SortKey = Literal["id", "title", "status", "gold", "updated"]
SORT_KEYS: tuple[SortKey, ...] = get_args(SortKey)

OPEN_STATUSES: frozenset[Status] = frozenset({Status.NEW, Status.IN_PROGRESS})

# The workflow order that sorting by status follows (not the alphabetical one).
STATUS_ORDER: tuple[Status, ...] = (
    Status.NEW,
    Status.IN_PROGRESS,
    Status.DONE,
    Status.SKIPPED,
    Status.REJECTED,
)


@dataclass(frozen=True, slots=True)
class DocumentSummary:
    """One row of the document list.

    `gold` counts accepted and drawn spans; `suggested` counts suggestions nobody has
    decided on yet.
    """

    id: int
    title: str
    status: Status
    gold: int
    suggested: int
    updated_at: float
    annotator: str | None


@dataclass(frozen=True, slots=True)
class DocumentQuery:
    """Which documents of a dataset a list shows, and in which order.

    - `statuses`: any of these; empty means every status.
    - `label`: only documents with an accepted, drawn or suggested span of this label.
    - `text`: only documents whose text or title contains it, ignoring case.
    - `sort`, `descending`: the order; ties always fall back to the document id, so the
      order is total and a descending list is exactly the ascending one reversed.
    """

    statuses: frozenset[Status] = frozenset()
    label: str | None = None
    text: str = ""
    sort: SortKey = "id"
    descending: bool = False

    def __post_init__(self) -> None:
        if self.sort not in SORT_KEYS:
            raise ValueError(f"cannot sort documents by {self.sort!r}; use one of {SORT_KEYS}")

    @property
    def is_filtered(self) -> bool:
        return bool(self.statuses or self.label or self.text)
