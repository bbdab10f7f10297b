"""The seam between annotator and whatever proposes entities.

A suggester reads texts and returns, for each, its tokens and the spans it proposes, with
labels already mapped onto the dataset's labels (unmapped ones are dropped before they
get here). The spaCy implementation lives in `annotator.nlp`; tests may pass anything
with the same shape.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Protocol

from annotator.core.model import Span
from annotator.core.tokens import Tokens

# A suggestion's `source`: "memory" for the phrase memory and propagation, "patterns" for
# the dataset's imported patterns (`core/patterns.py`), otherwise the name of the pipeline
# that proposed it (e.g. "en_core_web_sm"), as Prodigy records it.
MEMORY_SOURCE = "memory"
PATTERNS_SOURCE = "patterns"
# What people taught (their decisions, the rules they wrote): it ranks above a model.
TAUGHT_SOURCES = frozenset({MEMORY_SOURCE, PATTERNS_SOURCE})


@dataclass(frozen=True, slots=True)
class Analysis:
    """What a suggester found in one text."""

    tokens: Tokens
    suggestions: tuple[Span, ...]  # state SUGGESTED, dataset labels, `source` set
    problem: str = ""  # why the text could not be analysed (then nothing else is set)


class Suggester(Protocol):
    @property
    def name(self) -> str:
        """What suggested: the model's name and version, or "memory" alone."""
        ...

    def analyse(
        self, texts: Iterable[str], *, batch_size: int = 64, n_process: int = 1
    ) -> Iterator[Analysis]:
        """One `Analysis` per text, in order; one that failed says why in `problem`."""
        ...
