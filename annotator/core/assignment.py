"""Who annotates which document: the rule `annotator assign` applies.

Each document goes to `overlap` distinct annotators. The documents are dealt in id order
(the order they were imported), one at a time, to the annotators with the fewest
documents so far, so that every annotator's load differs from every other's by at most
one. Among annotators with equal loads the deal prefers the one who shares the fewest
documents with those already chosen for the document, so that each pair of annotators
shares about as many documents as every other pair (agreement is measured on those).
What ties still goes by an order shuffled for each document by a generator seeded with
the names and the overlap: breaking it by name instead dealt 6 annotators, 2 each, into
the same pairs over and over (one pair shared 67 of 500 documents, another 16); the
shuffle keeps every pair within 3 documents of every other in every case tried.

The result depends only on the set of names, not on the order they were given in (they
are sorted first), and on the documents and what each annotator already has: the same
call always gives the same deal. Assigning again after an import passes the earlier
assignments as `existing`: the new documents are dealt on top of them, loads and shared
counts included, and nothing already assigned moves. Each annotator's queue is their
documents in the order dealt (document order), new ones after the old.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from itertools import combinations
from random import Random

from annotator.core.errors import AnnotatorError
from annotator.core.model import annotator_name_problem


class AssignmentError(AnnotatorError):
    """An assignment that cannot be made (too few annotators, a bad name...)."""


@dataclass(frozen=True, slots=True)
class Assignment:
    """One document in one annotator's queue, at `position` (0 first)."""

    document_id: int
    annotator: str
    position: int


@dataclass(frozen=True, slots=True)
class QueueProgress:
    """How far one annotator is with their queue in a dataset."""

    annotator: str
    assigned: int
    done: int
    closed: int  # done, skipped or rejected: no longer in the queue's way

    @property
    def open(self) -> int:
        return self.assigned - self.closed


def parse_names(text: str) -> list[str]:
    """The names of `--annotators a,b,c`, checked: none empty, none twice."""
    names = [name.strip() for name in text.split(",")]
    if not text.strip() or any(not name for name in names):
        raise AssignmentError(f"--annotators {text!r} has an empty name; give a,b,c")
    return check_names(names)


def check_names(names: Sequence[str]) -> list[str]:
    """`names` sorted, after the checks every name passes."""
    for name in names:
        problem = annotator_name_problem(name)
        if problem is not None:
            raise AssignmentError(problem)
    twice = sorted(name for name, n in Counter(names).items() if n > 1)
    if twice:
        raise AssignmentError(f"{', '.join(map(repr, twice))} is given more than once")
    return sorted(names)


def check_overlap(overlap: int, annotators: int) -> None:
    if overlap < 1:
        raise AssignmentError(f"--overlap {overlap}: each document needs at least 1 annotator")
    if overlap > annotators:
        raise AssignmentError(
            f"--overlap {overlap} is more than the {annotators} annotator"
            f"{'s' if annotators != 1 else ''} given: each document goes to "
            "that many different people"
        )


def deal(
    documents: Iterable[int],
    annotators: Sequence[str],
    overlap: int,
    existing: Iterable[Assignment] = (),
) -> list[Assignment]:
    """The new assignments of `documents` (those without any in `existing`) to
    `overlap` of `annotators` each, in the order dealt.

    `existing` counts in the loads and in the documents each pair shares (an annotator
    it names who is not in `annotators` gets nothing new), and each queue goes on after
    its last position.
    """
    names = check_names(annotators)
    check_overlap(overlap, len(names))
    load = dict.fromkeys(names, 0)
    shared: Counter[tuple[str, str]] = Counter()
    next_position: dict[str, int] = dict.fromkeys(names, 0)
    by_document: dict[int, list[str]] = {}
    for old in existing:
        by_document.setdefault(old.document_id, []).append(old.annotator)
        if old.annotator in load:
            load[old.annotator] += 1
            next_position[old.annotator] = max(next_position[old.annotator], old.position + 1)
    for holders in by_document.values():
        shared.update(combinations(sorted(holders), 2))
    dealt: list[Assignment] = []
    draw = Random(f"{overlap}:{','.join(names)}")  # str seeds hash the same everywhere
    for document_id in sorted(set(documents) - by_document.keys()):
        chosen = _choose(names, overlap, load, shared, draw)
        shared.update(combinations(sorted(chosen), 2))
        for name in chosen:
            load[name] += 1
            dealt.append(Assignment(document_id, name, next_position[name]))
            next_position[name] += 1
    return dealt


def _choose(
    names: list[str],
    overlap: int,
    load: Mapping[str, int],
    shared: Counter[tuple[str, str]],
    draw: Random,
) -> list[str]:
    """`overlap` of `names`: the least loaded, ties to the fewest documents shared with
    those chosen already, then to the name."""
    chosen: list[str] = []
    order = names[:]
    draw.shuffle(order)
    rank = {name: i for i, name in enumerate(order)}
    while len(chosen) < overlap:
        lowest = min(load[name] for name in names if name not in chosen)
        tied = [name for name in names if load[name] == lowest and name not in chosen]

        def together(name: str) -> tuple[int, int]:
            return sum(shared[_pair(name, other)] for other in chosen), rank[name]

        chosen.append(min(tied, key=together))
    return chosen


def _pair(a: str, b: str) -> tuple[str, str]:
    return (a, b) if a < b else (b, a)


def queues(assignments: Iterable[Assignment]) -> dict[str, list[int]]:
    """Each annotator's documents in queue order."""
    found: dict[str, list[Assignment]] = {}
    for assignment in assignments:
        found.setdefault(assignment.annotator, []).append(assignment)
    return {
        name: [a.document_id for a in sorted(held, key=lambda a: a.position)]
        for name, held in sorted(found.items())
    }


def next_in_queue(queue: Sequence[int], closed: set[int], after: int | None) -> int | None:
    """The first document of `queue` after `after` that is not in `closed`, wrapping
    round to the start (never `after` itself); from the start when `after` is not in it."""
    start = queue.index(after) + 1 if after in queue else 0
    for document_id in (*queue[start:], *queue[:start]):
        if document_id != after and document_id not in closed:
            return document_id
    return None
