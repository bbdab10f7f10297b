"""The phrase memory: what the annotators of a dataset have decided, phrase by phrase.

Every gold span (accepted or drawn) teaches the memory that its exact words are an entity
with that label; every rejected suggestion teaches it that those words are not one with
that label. The memory then suggests the phrases it knows in documents not yet done, and
stops the model from proposing what people keep rejecting.

Rules (the README quotes them):
- Matching is exact and case-sensitive, on whole tokens: "Apple" taught as ORG suggests
  "Apple" but not "apple" or "Applebee's".
- A phrase taught with several labels suggests the one it was given most often (ties: the
  alphabetically first, so the result never depends on the order rows come in).
- A (phrase, label) rejected more often than accepted is never suggested, by the memory
  or by the model.
- Phrases with no letter or digit are not learnt (a stray "-" is not a name).
- A label whose names people start after a "the" (two times or more, and more often than
  they start them with it: "the Chamber of Deputies" labelled "Chamber of Deputies") loses
  a leading "the" in the model's suggestions ("the Environment Agency" is suggested as
  "Environment Agency"; see `annotator.core.boundaries.without_article`).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from annotator.core.model import SpanState

PhraseCount = tuple[str, str, SpanState, int]  # phrase, label, state, how many spans
ArticleCount = tuple[str, int, int]  # label, gold spans starting with "the", after "the"


@dataclass(frozen=True, slots=True)
class PhraseMemory:
    labels: Mapping[str, str] = field(default_factory=dict)  # phrase -> label to suggest
    rejected: frozenset[tuple[str, str]] = frozenset()  # (phrase, label) never to suggest
    without_article: frozenset[str] = frozenset()  # labels whose names leave "the" out

    def __len__(self) -> int:
        return len(self.labels)

    def allows(self, phrase: str, label: str) -> bool:
        """False when people have rejected these words with this label more than accepted."""
        return (phrase, label) not in self.rejected

    @classmethod
    def from_counts(
        cls, counts: Iterable[PhraseCount], articles: Iterable[ArticleCount] = ()
    ) -> PhraseMemory:
        accepted: dict[str, Counter[str]] = defaultdict(Counter)
        rejected: Counter[tuple[str, str]] = Counter()
        for phrase, label, state, count in counts:
            if not any(char.isalnum() for char in phrase):
                continue
            if state.is_gold:
                accepted[phrase][label] += count
            elif state is SpanState.REJECTED:
                rejected[(phrase, label)] += count
        refused = frozenset(
            key for key, count in rejected.items() if count > accepted[key[0]][key[1]]
        )
        labels: dict[str, str] = {}
        for phrase, by_label in accepted.items():
            ranked = sorted(by_label.items(), key=lambda item: (-item[1], item[0]))
            chosen = next((name for name, _ in ranked if (phrase, name) not in refused), None)
            if chosen is not None:
                labels[phrase] = chosen
        left_out = frozenset(label for label, kept, cut in articles if cut >= 2 and cut > kept)
        return cls(labels, refused, left_out)
