"""What the document list shows and asks for: one row per document, and the row filter.

A `DocumentSummary` is a document without its text and spans: enough for a list row. A
`DocumentQuery` says which documents a list shows and in which order; the store answers it
a page at a time, so a list over 100,000 documents never holds them all.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal, get_args

from annotator.core.model import Status

SortKey = Literal["id", "title", "status", "gold", "updated", "versions"]
SORT_KEYS: tuple[SortKey, ...] = get_args(SortKey)

# Filters on several people's versions of a document (`DocumentQuery.review`):
# - "needs_review": two or more annotators marked their versions done, and the list's
#   annotator has not marked a review of it done;
# - "disagreements": two or more done versions whose gold spans differ;
# - "reviewed": someone marked a review of it done.
ReviewFilter = Literal["needs_review", "disagreements", "reviewed"]
REVIEW_FILTERS: tuple[ReviewFilter, ...] = get_args(ReviewFilter)

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
    decided on yet; `versions` counts the annotators with a version of the document.
    """

    id: int
    title: str
    status: Status
    gold: int
    suggested: int
    updated_at: float
    annotator: str | None
    versions: int = 0
    others_done: int = 0
    others_assigned: int = 0


@dataclass(frozen=True, slots=True)
class DocumentQuery:
    """Which documents of a dataset a list shows, and in which order.

    - `statuses`: any of these; empty means every status.
    - `label`: only documents with an accepted, drawn or suggested span of this label.
    - `text`: only documents whose text or title contains it, ignoring case.
    - `review`: only documents in this state of review (`ReviewFilter`).
    - `annotator`: only documents this annotator has a version of.
    - `assigned`: only documents in this annotator's queue (`annotator assign`).
    - `sort`, `descending`: the order; ties always fall back to the document id, so the
      order is total and a descending list is exactly the ascending one reversed.
    """

    statuses: frozenset[Status] = frozenset()
    label: str | None = None
    text: str = ""
    sort: SortKey = "id"
    descending: bool = False
    review: ReviewFilter | None = None
    annotator: str | None = None
    assigned: str | None = None

    def __post_init__(self) -> None:
        if self.sort not in SORT_KEYS:
            raise ValueError(f"cannot sort documents by {self.sort!r}; use one of {SORT_KEYS}")
        if self.review is not None and self.review not in REVIEW_FILTERS:
            raise ValueError(f"no review filter {self.review!r}; use one of {REVIEW_FILTERS}")

    @property
    def is_filtered(self) -> bool:
        return bool(
            self.statuses
            or self.label
            or self.text
            or self.review
            or self.annotator
            or self.assigned
        )


@dataclass(frozen=True, slots=True)
class Newest:
    """What was added to a store last: the largest dataset and document ids (0: none yet),
    and the dataset the later of the two went to (None on an empty store).

    Ids only grow as things are added, so a window that remembers the `Newest` it saw
    can tell an import or a new dataset made since (by the command line, say).
    """

    dataset_id: int = 0
    document_id: int = 0
    last_dataset_id: int | None = None

    def has_more_than(self, seen: Newest) -> bool:
        """Whether a dataset or document was added after `seen` was read."""
        return self.dataset_id > seen.dataset_id or self.document_id > seen.document_id
