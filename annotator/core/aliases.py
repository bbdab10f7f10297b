"""Short forms of a name in the same article: a person's surname, an acronym in brackets.

News introduces a name once in full and then shortens it: "Zikruhudo Samadov ... Samadov
said", "the World Trade Organization (WTO) ... the WTO". A model often gets the short
mentions wrong (a surname taken for a place) or misses them. The rules:

- A person's surname: for a span with a person label (PERSON, or PER in CoNLL datasets)
  of two or more words, its last word, with the particles before it ("de Gaulle" in
  "Charles de Gaulle", "Van Damme" in "Liesbeth Van Damme") and without a generational
  suffix ("Jr.", "III"). It starts with a capital letter and has two letters or more; a
  name written without spaces (佐藤陽翔) has none.
- A person's first surname: for a person of exactly three words, the middle one, as
  Spanish and Portuguese names shorten ("Valentina Ríos Aguilar ... Ríos said"); only
  when it is capitalised and the article never writes it in lowercase (a title such as
  "President" in "Vice President Harris" is a common word elsewhere).
- A person's given name, only where nothing else is suggested: after "Chloé Marchand",
  "Chloé" alone is that person (the first word of a person's name, when the article
  never writes it in lowercase: "Councillor Margaret Holloway" gives no "Councillor"
  where the article says "councillor").
- A place's own name: for a span with a place label (LOC, GPE, FAC, LOCATION) that starts
  with a word for a kind of place ("River", "Mount", "Lake", "Loch", "Col", "Mont",
  "Monte"), the words after it and its particles ("River Ouse" ... "Ouse", "Col du
  Galibier" ... "Galibier").
- An acronym: capitals in brackets right after a name of any label, whose letters are the
  initials of the name's capitalised words ("International Council for the Exploration of
  the Sea (ICES)") or of all its words.
- A suggested name whose surname stands alone elsewhere as a person more often than with
  any other label (the model took "Haruto Sato" for an organisation and "Sato" twice for
  a person) is that person: it takes the person label, then its surname's mentions do.
- A mention is every place the short form stands as whole words: not inside a mention of
  the full name, on token boundaries when tokens are known, and not part of a longer name
  ("Samadov Foundation"; see `annotator.core.names`). It gets the full name's label.

`with_aliases` applies them to a suggester's output for one text; propagation applies them
to a span an annotator accepted, drew or relabelled.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import replace

from annotator.core.gold_ranges import GoldRanges
from annotator.core.merge import SpanIndex
from annotator.core.model import Span, SpanState, sort_key
from annotator.core.names import continues_a_name, part_of_longer_name
from annotator.core.suggestions import MEMORY_SOURCE
from annotator.core.text import occurrences
from annotator.core.tokens import Tokens

PERSON_LABELS = frozenset({"PERSON", "PER"})
PLACE_LABELS = frozenset({"LOC", "GPE", "FAC", "LOCATION"})
PLACE_KINDS = frozenset({"river", "mount", "lake", "loch", "col", "mont", "monte"})
PARTICLES = frozenset(
    {"da", "das", "de", "del", "della", "der", "di", "do", "dos", "du", "la", "le", "van", "von"}
)
SUFFIXES = frozenset({"jr", "jr.", "sr", "sr.", "ii", "iii", "iv"})
_BRACKETED = re.compile(r"[ \t]*\(([A-Z][A-Z&]{1,9})\)")  # used with .match(text, end)
_SKIPPED_IN_INITIALS = frozenset({"the", "and", "&"})


def is_person(label: str) -> bool:
    return label.upper() in PERSON_LABELS


def surname(text: str, start: int, end: int) -> tuple[int, int] | None:
    """Where the surname of the full name `text[start:end]` is, or None (see the rules)."""
    words = _words(text, start, end)
    while words and text[words[-1][0] : words[-1][1]].rstrip(",").lower() in SUFFIXES:
        words.pop()
    if len(words) < 2:
        return None
    last_start, last_end = words[-1]
    last = text[last_start:last_end]
    if not last[:1].isupper() or sum(char.isalpha() for char in last) < 2:
        return None
    first = len(words) - 1
    while first > 1 and text[words[first - 1][0] : words[first - 1][1]].lower() in PARTICLES:
        first -= 1
    return words[first][0], last_end


def first_surname(text: str, start: int, end: int) -> tuple[int, int] | None:
    """The middle word of a three-word person's name, or None (see the rules)."""
    words = _words(text, start, end)
    if len(words) != 3:
        return None
    middle_start, middle_end = words[1]
    middle = text[middle_start:middle_end]
    if middle.lower() in PARTICLES or middle.lower().rstrip(",") in SUFFIXES:
        return None
    if not middle[:1].isupper() or sum(char.isalpha() for char in middle) < 2:
        return None
    lower = middle.lower()
    if not middle.isalpha() or (lower in text and re.search(rf"\b{re.escape(lower)}\b", text)):
        return None  # an initial, or a common word the article writes in lowercase
    return middle_start, middle_end


def given_name(text: str, start: int, end: int) -> tuple[int, int] | None:
    """The first word of a person's name of two or more words, or None (see the rules)."""
    words = _words(text, start, end)
    while words and text[words[-1][0] : words[-1][1]].rstrip(",").lower() in SUFFIXES:
        words.pop()
    if len(words) < 2:
        return None
    first_start, first_end = words[0]
    first = text[first_start:first_end]
    if not first.isalpha() or not first[:1].isupper() or len(first) < 2:
        return None
    lower = first.lower()
    if lower in text and re.search(rf"\b{re.escape(lower)}\b", text):
        return None  # a common word or a title ("councillor"): not a given name here
    return first_start, first_end


def gap_mentions(text: str, name: Span, tokens: Tokens | None) -> Iterator[tuple[int, int]]:
    """Where a person's given name stands alone: mentions only for where nothing else is
    suggested (a given name is a weaker sign than a surname)."""
    if not is_person(name.label):
        return
    found = given_name(text, name.start, name.end)
    if found is not None:
        full = text[name.start : name.end]
        yield from _standing_alone(text, full, text[found[0] : found[1]], tokens)


def place_name(text: str, start: int, end: int) -> tuple[int, int] | None:
    """The name after a word for a kind of place ("Ouse" in "River Ouse"), or None."""
    words = _words(text, start, end)
    if len(words) < 2 or text[words[0][0] : words[0][1]].lower() not in PLACE_KINDS:
        return None
    first = 1
    while first < len(words) - 1 and text[words[first][0] : words[first][1]] in PARTICLES:
        first += 1
    name_start = words[first][0]
    if not text[name_start : name_start + 1].isupper():
        return None
    return name_start, end


def acronym(text: str, start: int, end: int) -> tuple[int, int] | None:
    """Where the bracketed acronym right after the name `text[start:end]` is, or None."""
    if "(" not in text[end : end + 3]:
        return None  # the common case, without the pattern
    found = _BRACKETED.match(text, end)
    if found is None:
        return None
    letters = found.group(1).replace("&", "")
    words = [text[a:b] for a, b in _words(text, start, end)]
    capitalised = "".join(word[0] for word in words if word[:1].isupper())
    every = "".join(word[0] for word in words if word.lower() not in _SKIPPED_IN_INITIALS)
    if letters not in (capitalised, every.upper()) or len(words) < 2:
        return None
    return found.start(1), found.end(1)


def short_forms(text: str, name: Span) -> list[str]:
    """The surname (for a person) and the bracketed acronym of the name `name` covers."""
    forms = []
    if is_person(name.label):
        forms.append(surname(text, name.start, name.end))
        forms.append(first_surname(text, name.start, name.end))
    if name.label.upper() in PLACE_LABELS:
        forms.append(place_name(text, name.start, name.end))
    forms.append(acronym(text, name.start, name.end))
    return [text[found[0] : found[1]] for found in forms if found is not None]


def mentions(text: str, name: Span, tokens: Tokens | None) -> Iterator[tuple[int, int]]:
    """Where `name`'s short forms stand alone in `text` (see the rules), form by form."""
    full = text[name.start : name.end]
    for short in short_forms(text, name):
        yield from _standing_alone(text, full, short, tokens)


def with_aliases(text: str, suggestions: Sequence[Span], tokens: Tokens | None) -> list[Span]:
    """`suggestions` plus a suggestion on every mention of each suggested name's short
    forms (the name's label and source).

    A mention gives way to a suggestion of its label that covers any of it (already
    suggested, maybe as part of a longer name), to memory suggestions (what people
    decided), and to a longer name or phrase of another label around it ("Samadov and
    Partners" as ORG). It replaces the other model suggestions that overlap it ("Samadov"
    suggested as ORG).
    """
    suggestions = _persons_by_surname(text, suggestions, tokens)
    names = [span for span in suggestions if _may_have_short_forms(text, span)]
    if not names:
        return list(suggestions)
    index = SpanIndex(sorted(suggestions, key=sort_key))
    dropped: set[Span] = set()
    claimed = GoldRanges()
    new: list[Span] = []
    seen: set[tuple[str, str, str, str | None]] = set()
    for name in names:
        full = text[name.start : name.end]
        for short in short_forms(text, name):
            if (full, short, name.label, name.source) in seen:
                continue  # the same name again: its mentions are found already
            seen.add((full, short, name.label, name.source))
            for start, end in _standing_alone(text, full, short, tokens):
                in_way = [s for s in index.overlapping(start, end) if s not in dropped]
                if any(_gives_way(text, (start, end), name.label, s) for s in in_way):
                    continue
                if claimed.overlaps(start, end):
                    continue
                claimed.add(Span(start, end, name.label))
                dropped.update(in_way)
                new.append(Span(start, end, name.label, SpanState.SUGGESTED, name.source))
    for name in names:
        for start, end in gap_mentions(text, name, tokens):
            if claimed.overlaps(start, end) or any(index.overlapping(start, end)):
                continue
            claimed.add(Span(start, end, name.label))
            new.append(Span(start, end, name.label, SpanState.SUGGESTED, name.source))
    kept = [span for span in suggestions if span not in dropped]
    return sorted(kept + new, key=sort_key)


def _may_have_short_forms(text: str, span: Span) -> bool:
    """A quick look: a suggested person or place of several words, or a name before a
    bracket."""
    if span.state is not SpanState.SUGGESTED:
        return False
    several = " " in text[span.start : span.end]
    if several and (is_person(span.label) or span.label.upper() in PLACE_LABELS):
        return True
    return "(" in text[span.end : span.end + 3]


def _persons_by_surname(
    text: str, suggestions: Sequence[Span], tokens: Tokens | None
) -> Sequence[Span]:
    """`suggestions` with the person label on each name of another label whose surname
    stands alone suggested as a person more often than as anything else (the name's own
    label counts once against it)."""
    persons = {text[s.start : s.end] for s in suggestions if is_person(s.label)}
    last_words = {words.split()[-1] for words in persons if words.strip()}
    if not persons:
        return suggestions
    index: SpanIndex | None = None
    relabelled: dict[Span, Span] = {}
    for name in suggestions:
        words = text[name.start : name.end].split()
        if len(words) < 2 or words[-1] not in last_words or is_person(name.label):
            continue  # the common case: no suggested person has its last word
        found = surname(text, name.start, name.end) if name.source != MEMORY_SOURCE else None
        if found is None or name.state is not SpanState.SUGGESTED:
            continue
        short = text[found[0] : found[1]]
        if short not in persons:
            continue
        index = index or SpanIndex(sorted(suggestions, key=sort_key))
        votes: Counter[str] = Counter({name.label: 1})
        for start, end in _standing_alone(text, text[name.start : name.end], short, tokens):
            votes.update(
                s.label for s in index.overlapping(start, end) if (s.start, s.end) == (start, end)
            )
        person, count = max(
            ((label, n) for label, n in votes.items() if is_person(label)),
            key=lambda item: item[1],
            default=("", 0),
        )
        others = max((n for label, n in votes.items() if not is_person(label)), default=0)
        if count >= 2 and count > others:
            relabelled[name] = replace(name, label=person)
    if not relabelled:
        return suggestions
    return sorted((relabelled.get(s, s) for s in suggestions), key=sort_key)


def _standing_alone(
    text: str, full: str, short: str, tokens: Tokens | None
) -> Iterator[tuple[int, int]]:
    """Where `short` stands alone: whole words, not inside `full`, not part of a name."""
    in_full = list(occurrences(text, full))
    next_full = 0
    for start, end in occurrences(text, short):
        while next_full < len(in_full) and in_full[next_full][1] < end:
            next_full += 1  # full names ending before this one cannot hold it
        if next_full < len(in_full) and in_full[next_full][0] <= start:
            continue
        if _joined(text, start, end) or continues_a_name(text, start, end):
            continue
        if tokens is not None and tokens.token_span(start, end) is None:
            continue
        yield start, end


def _gives_way(text: str, mention: tuple[int, int], label: str, other: Span) -> bool:
    """Whether a mention of a `label` name yields to the suggestion `other` over it."""
    if other.label == label or other.source == MEMORY_SOURCE:
        return True
    if mention[0] <= other.start and other.end <= mention[1]:
        return False  # within the mention: replaced
    covers = other.start <= mention[0] and mention[1] <= other.end
    return not covers or part_of_longer_name(text, mention, (other.start, other.end))


def _words(text: str, start: int, end: int) -> list[tuple[int, int]]:
    words: list[tuple[int, int]] = []
    position = start
    for word in text[start:end].split():
        position = text.index(word, position)
        words.append((position, position + len(word)))
        position += len(word)
    return words


def _joined(text: str, start: int, end: int) -> bool:
    """True when a letter or digit touches the match: it is inside a longer word."""
    return (start > 0 and text[start - 1].isalnum()) or (end < len(text) and text[end].isalnum())
