"""Where a suggested entity starts and ends: edges no scheme includes, and edges people cut.

Two kinds of edge fixes, both only ever applied to suggestions:

- `tidy` fixes a model's spans before anyone sees them, on edges no annotation guideline
  puts inside a name:
  - a span never crosses a dash between spaces ("SANTIAGO, Chile - Chile's Senate": the
    model read the dateline and the sentence as one name) nor a paragraph break (a
    headline read into the first paragraph); it is split there and each side that still
    has a letter or digit keeps the label;
  - a possessive at the end ("Chile's", "Kenya Airways'") is cut off, unless the dataset
    has those very words, possessive included, as an entity ("McDonald's").
- `without_article` cuts a leading "the" off the model's suggestions of the labels whose
  names the dataset's people start after it (`annotator.core.memory`): the cut learnt
  from earlier articles, before anyone has to make it again in this one.
- `Trim` is a cut the annotator made: resizing a suggestion by only cutting words off its
  start or its end ("the Senate" to "Senate", "Councillor Margaret Holloway" to "Margaret
  Holloway"). `Trim.apply` makes the same cut on another span that starts (or ends) with
  the same words. A capitalised first word matches its lowercase form only where it starts
  a sentence: cutting "the" cuts "The" off "The Senate voted", not off "in The Hague".
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, replace

from annotator.core.model import Span, SpanState, sort_key
from annotator.core.names import POSSESSIVES, starts_sentence
from annotator.core.suggestions import MEMORY_SOURCE
from annotator.core.tokens import Tokens

# Where a model's span is split: a dash between spaces, or a paragraph break (a blank
# line, or U+2029). A single line break is not one: hard-wrapped text breaks names too.
_SPLITS = re.compile(r"\s+(?:[-\u2013\u2014]+\s+)+|\s*(?:\r?\n[^\S\r\n]*\r?\n|\u2029)\s*")
_APOSTROPHES = str.maketrans("\u2019", "'")

# Whether a phrase is an entity in the dataset (so its possessive is part of the name).
Known = Callable[[str], bool]


def tidy(text: str, spans: Iterable[Span], *, known: Known = lambda _: False) -> list[Span]:
    """`spans` split at spaced dashes and paragraph breaks, and without a trailing
    possessive (see the module)."""
    tidied: list[Span] = []
    for span in spans:
        for start, end in _split_at_dashes(text, span.start, span.end):
            end = _without_possessive(text, start, end, known)
            if not any(char.isalnum() for char in text[start:end]):
                continue
            if (start, end) == (span.start, span.end):
                tidied.append(span)  # the common case: nothing to fix
            else:
                tidied.append(replace(span, start=start, end=end))
    return tidied


def _split_at_dashes(text: str, start: int, end: int) -> Iterator[tuple[int, int]]:
    for dash in _SPLITS.finditer(text, start, end):
        yield start, dash.start()
        start = dash.end()
    yield start, end


def _without_possessive(text: str, start: int, end: int, known: Known) -> int:
    if text[end - 1] not in "'\u2019sS" or start == end:
        return end  # no possessive can end here
    phrase = text[start:end]
    if known(phrase):
        return end
    for ending in POSSESSIVES:
        cut = end - len(ending)
        if phrase.endswith(ending) and cut > start and text[cut - 1].isalnum():
            if ending in ("'", "\u2019") and text[cut - 1] not in "sSzZ":
                continue  # "Dunkin'" or a quote, not a plural possessive
            return cut
    return end


def without_article(
    text: str, spans: Iterable[Span], labels: frozenset[str], tokens: Tokens | None
) -> list[Span]:
    """`spans` with a leading "the" cut off each model suggestion of `labels` ("The" too
    where it starts a sentence, as `Trim` reads it); memory suggestions keep their edges
    (people chose them) and a cut that lands on another suggestion's range is not made."""
    spans = list(spans)
    if not labels:
        return spans
    cut = Trim("the ", "")
    taken = {span.key for span in spans}
    result: list[Span] = []
    for span in spans:
        found = None
        if span.label in labels and span.state is SpanState.SUGGESTED:
            found = cut.apply(text, span, tokens) if span.source != MEMORY_SOURCE else None
        if found is not None and (*found, span.label) not in taken:
            taken.add((*found, span.label))
            result.append(replace(span, start=found[0], end=found[1]))
        else:
            result.append(span)
    return sorted(result, key=sort_key)


@dataclass(frozen=True, slots=True)
class Trim:
    """Words an annotator cut off a suggestion's start (`head`) and end (`tail`)."""

    head: str  # exactly as cut, with the space after it ("the "), or ""
    tail: str  # exactly as cut ("'s", " Ltd"), or ""

    @classmethod
    def between(cls, text: str, old: tuple[int, int], new: tuple[int, int]) -> Trim | None:
        """The cut that turned `old` into `new`; None unless `new` lies strictly inside
        `old` and the cut falls between words (a word is never cut in two)."""
        (old_start, old_end), (new_start, new_end) = old, new
        if not (old_start <= new_start < new_end <= old_end) or old == new:
            return None
        if _joined(text, new_start) or _joined(text, new_end):
            return None
        head, tail = text[old_start:new_start], text[new_end:old_end]
        if not (head.strip() or tail.strip()):
            return None  # only whitespace went: nothing to learn
        return cls(head, tail)

    def apply(self, text: str, span: Span, tokens: Tokens | None) -> tuple[int, int] | None:
        """The range `span` has after the same cut; None when the cut does not fit it
        (it does not start or end with those words, or nothing would be left)."""
        start, end = span.start, span.end
        if self.head:
            if not self._starts_with_head(text, start, end):
                return None
            start += len(self.head)
        if self.tail:
            if not _same(text[max(start, end - len(self.tail)) : end], self.tail):
                return None
            end -= len(self.tail)
        if (start, end) == (span.start, span.end) or not text[start:end].strip():
            return None
        if _joined(text, start) or _joined(text, end):
            return None
        if tokens is not None and tokens.token_span(start, end) is None:
            return None
        return start, end

    def _starts_with_head(self, text: str, start: int, end: int) -> bool:
        found = text[start : min(end, start + len(self.head))]
        if _same(found, self.head):
            return True
        # "the" learnt, "The" found: the same word when it is capitalised by a sentence start
        return (
            _same(found.lower(), self.head.lower())
            and found[:1] != self.head[:1]
            and (found[:1].islower() or starts_sentence(text, start))
        )


def _same(found: str, wanted: str) -> bool:
    return found.translate(_APOSTROPHES) == wanted.translate(_APOSTROPHES)


def _joined(text: str, position: int) -> bool:
    """True when `position` falls inside a word (letters or digits on both sides)."""
    return 0 < position < len(text) and text[position - 1].isalnum() and text[position].isalnum()
