"""One name, one label in an article: a model's odd guess for words it labels otherwise.

An article that names "Savanna" five times means the same company each time, yet a model
may read four of them as an organisation, one as a person and miss a sixth. The rules,
over the model's suggestions of one article with exactly the same words:

- When one label has two or more of them and more than half, the others take that label.
  A tie changes nothing.
- Those words then get that label where they stand alone unsuggested: whole words on
  token boundaries, with a capital, not part of a longer name ("Savanna" in "Savanna
  Freight Holdings"; see `annotator.core.names`). So do the words of a name of two or
  more words the model suggests only once ("the Faroe Islands" where the article
  repeats it).

Suggestions from the memory (words people decided) neither vote nor change.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import replace

from annotator.core.merge import SpanIndex
from annotator.core.model import Span, SpanState, sort_key
from annotator.core.names import continues_a_name
from annotator.core.suggestions import MEMORY_SOURCE
from annotator.core.text import occurrences
from annotator.core.tokens import Tokens


def one_label_per_name(
    text: str, suggestions: Sequence[Span], tokens: Tokens | None = None
) -> list[Span]:
    """`suggestions` with the minority labels of the same words changed and the words'
    unsuggested mentions added (see the rules)."""
    by_words: dict[str, list[Span]] = defaultdict(list)
    for span in suggestions:
        if span.state is SpanState.SUGGESTED and span.source != MEMORY_SOURCE:
            by_words[text[span.start : span.end]].append(span)
    winners = {
        words: label for words, spans in by_words.items() if (label := _winner(words, spans))
    }
    if not winners:
        return list(suggestions)
    relabelled: dict[Span, Span] = {}
    added: list[Span] = []
    taken = SpanIndex(sorted(suggestions, key=sort_key))  # mentions stay out of these
    for words, label in winners.items():
        spans = by_words[words]
        relabelled.update({s: replace(s, label=label) for s in spans if s.label != label})
        if not any(char.isupper() for char in words):
            continue
        source = spans[0].source
        for start, end in occurrences(text, words):
            if any(taken.overlapping(start, end)) or not _alone(text, start, end, tokens):
                continue
            mention = Span(start, end, label, SpanState.SUGGESTED, source)
            taken.add(mention)
            added.append(mention)
    if not relabelled and not added:
        return list(suggestions)
    kept = (relabelled.get(s, s) for s in suggestions)
    return sorted(dict.fromkeys([*kept, *added]), key=sort_key)


def _winner(words: str, spans: list[Span]) -> str | None:
    """The label two or more of `spans` and more than half of them have, if any; the label
    of a name of several words suggested once."""
    if len(spans) == 1:
        return spans[0].label if len(words.split()) > 1 else None
    (label, count), *_ = Counter(s.label for s in spans).most_common(1)
    return label if count >= 2 and 2 * count > len(spans) else None


def _alone(text: str, start: int, end: int, tokens: Tokens | None) -> bool:
    """Whole words on token boundaries, not part of a longer name."""
    if (start > 0 and text[start - 1].isalnum()) or (end < len(text) and text[end].isalnum()):
        return False
    if tokens is not None and tokens.token_span(start, end) is None:
        return False
    return not continues_a_name(text, start, end)
