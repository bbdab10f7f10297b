"""A news article's dateline: the place it was written, in capitals before a dash.

Wire copy opens with the place a story was filed from: "SANTIAGO, Chile - ...",
"BERLIN - ...", "SÃO PAULO (Reuters) - ...". A model often reads the capitals as an
organisation or misses them. The rules:

- A dateline opens the text: one to three words in capitals (two letters or more each),
  then optionally a comma and a region or country in capitalised words without digits,
  then optionally an agency in brackets, then a dash between spaces. Anything else
  ("LONDON, May 5 -", capitals that run on into a sentence) is not one, nor is a word
  that names the kind of story ("EXCLUSIVE -", "UPDATE -").
- The city, and the region after the comma, are places: `with_dateline` suggests each
  with the dataset's place label, replacing a model's other guess over it. So is the
  city where the story names it again in ordinary capitals ("SÃO PAULO" ... "São Paulo"),
  standing alone (not part of a longer name: "University of São Paulo"), unless a
  longer suggestion covers it. A suggestion from the memory (people's words) is left as
  it is.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from annotator.core.model import Span, SpanState, sort_key
from annotator.core.names import continues_a_name
from annotator.core.suggestions import MEMORY_SOURCE
from annotator.core.text import occurrences

# Capitals before a dash that wire copy uses for the kind of story, not its place.
NOT_PLACES = frozenset(
    {"ANALYSIS", "BREAKING", "CORRECTION", "EDITORIAL", "EXCLUSIVE", "FACTBOX", "UPDATE"}
)
_CAPS_WORD = r"[^\W\d_a-z][^\W\d_]*"
_NAME_WORD = "[^\\W\\d_](?:[^\\W\\d_]|['\u2019.-])*"
_DATELINE = re.compile(
    rf"\s*(?P<city>{_CAPS_WORD}(?: {_CAPS_WORD}){{0,2}})"
    rf"(?:, (?P<region>{_NAME_WORD}(?: {_NAME_WORD}){{0,3}}))?"
    r"(?: \([^()\n]{1,40}\))?"
    r" [-\u2013\u2014]+ "
)


def dateline(text: str) -> list[tuple[int, int]]:
    """Where the city and the region of the text's dateline are; empty when it has none."""
    found = _DATELINE.match(text)
    if found is None:
        return []
    city = found.group("city")
    if not city.isupper() or any(sum(c.isalpha() for c in w) < 2 for w in city.split()):
        return []
    if city in NOT_PLACES:
        return []
    places = [found.span("city")]
    region = found.group("region")
    if region is not None and all(word[:1].isupper() for word in region.split()):
        places.append(found.span("region"))
    return places


def with_dateline(
    text: str, suggestions: Sequence[Span], label: str | None, source: str | None
) -> list[Span]:
    """`suggestions` with the dateline's places suggested as `label` by `source` (see the
    rules); unchanged when the dataset has no place label (`label` None) or the text no
    dateline."""
    places = dateline(text) if label is not None else []
    if label is None or not places:
        return list(suggestions)
    kept = list(suggestions)
    city = places[0]
    for start, end in [*places, *_named_again(text, text[city[0] : city[1]], city[1])]:
        over = [s for s in kept if s.start < end and start < s.end]
        if any(s.source == MEMORY_SOURCE or s.key == (start, end, label) for s in over):
            continue
        if (start, end) not in places and any(s.start < start or end < s.end for s in over):
            continue  # a longer suggestion around the name: left to the annotator
        kept = [s for s in kept if s not in over]
        kept.append(Span(start, end, label, SpanState.SUGGESTED, source))
    return sorted(kept, key=sort_key)


def _named_again(text: str, city: str, after: int) -> list[tuple[int, int]]:
    """Where the story names the dateline's city again in ordinary capitals, alone."""
    again = " ".join(word[:1] + word[1:].lower() for word in city.split())
    found = []
    for start, end in occurrences(text, again):
        if start < after or _inside_word(text, start, end):
            continue
        if not continues_a_name(text, start, end):
            found.append((start, end))
    return found


def _inside_word(text: str, start: int, end: int) -> bool:
    return (start > 0 and text[start - 1].isalnum()) or (end < len(text) and text[end].isalnum())
