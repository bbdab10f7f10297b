"""How sure a trained version must be of an entity for suggesting it to pay.

Each suggestion the annotator sees is worth one input when it is right (nothing to
draw), costs one when it is no entity at all (a reject), and is worth nothing when it
stands on an entity but its edges or its label are wrong (a resize or a relabel instead of
drawing it). On the held-out documents, with the probability the version's beam gives
each entity it finds (`annotator.nlp.confidence`), the least probability a suggestion
needs is the one that makes the suggestions kept worth the most; the surer of two equally
good ones, so that fewer suggestions ask for the same result.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass

RIGHT, NEAR, WRONG = 1, 0, -1  # a suggestion's worth, in inputs saved
CONFIDENCE_KEY = "annotator_confidence"  # in a version's meta.json: its least probability


def recorded_least(meta: object) -> float | None:
    """The least probability a version's `meta.json` (as parsed) says its suggestions
    need, or None when it records none that is a probability."""
    value = meta.get(CONFIDENCE_KEY) if isinstance(meta, dict) else None
    if isinstance(value, int | float) and not isinstance(value, bool) and 0.0 <= value <= 1.0:
        return float(value)
    return None


@dataclass(frozen=True, slots=True)
class Found:
    """An entity a version found on a held-out document, with its probability."""

    start: int
    end: int
    label: str
    probability: float


def worth(found: Found, gold: Collection[tuple[int, int, str]]) -> int:
    """What suggesting `found` saves the annotator of a document whose gold is `gold`."""
    if (found.start, found.end, found.label) in gold:
        return RIGHT
    if any(start < found.end and found.start < end for start, end, _ in gold):
        return NEAR
    return WRONG


def least_probability(scored: Iterable[tuple[float, int]]) -> float | None:
    """The least probability that makes the suggestions kept worth the most, from each
    one's (probability, worth). 1.0 when none is worth suggesting (only what every
    parse of the beam agrees on); None when there is nothing to judge by."""
    ordered = sorted(scored, key=lambda item: -item[0])
    if not ordered:
        return None
    best, best_total, total = 1.0, 0, 0
    for index, (probability, value) in enumerate(ordered):
        total += value
        following = ordered[index + 1][0] if index + 1 < len(ordered) else None
        if following == probability:
            continue  # equal probabilities stand or fall together
        if total > best_total:
            best, best_total = probability, total
    return best
