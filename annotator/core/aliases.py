"""A person named in full, then by surname: "Zikruhudo Samadov ... Samadov said".

News introduces a person once by full name and then calls them by surname alone, and a
model often gets those short mentions wrong (a place, an organisation) or misses them. The
rules, for a span whose label is a person label (PERSON, or PER in CoNLL datasets):

- The surname is the last word of a name of two or more words, with the particles before
  it ("de Gaulle" in "Charles de Gaulle", "Van Damme" in "Liesbeth Van Damme"), and
  without a generational suffix ("Jr.", "III"). It must start with a capital letter and
  have two letters or more; a name written without spaces (佐藤陽翔) has none.
- A mention is every other place the surname stands as whole words: not inside the name
  itself or another mention of the full name, on token boundaries when tokens are known,
  and not part of a longer name ("Samadov Foundation"; see `annotator.core.names`).

`with_surnames` applies them to a suggester's output for one text; propagation applies
them to a person span an annotator accepted, drew or relabelled.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from annotator.core.merge import SpanIndex
from annotator.core.model import Span, SpanState, sort_key
from annotator.core.names import continues_a_name
from annotator.core.suggestions import MEMORY_SOURCE
from annotator.core.tokens import Tokens

PERSON_LABELS = frozenset({"PERSON", "PER"})
PARTICLES = frozenset(
    {"da", "das", "de", "del", "della", "der", "di", "do", "dos", "du", "la", "le", "van", "von"}
)
SUFFIXES = frozenset({"jr", "jr.", "sr", "sr.", "ii", "iii", "iv"})


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


def mentions(text: str, name: Span, tokens: Tokens | None) -> Iterator[tuple[int, int]]:
    """Where `name`'s surname stands alone elsewhere in `text`, in order."""
    found = surname(text, name.start, name.end)
    if found is None:
        return
    full, short = text[name.start : name.end], text[found[0] : found[1]]
    in_full_names = [(start, start + len(full)) for start in _find(text, full)]
    for start in _find(text, short):
        end = start + len(short)
        if any(a <= start and end <= b for a, b in in_full_names):
            continue
        if _joined(text, start, end) or continues_a_name(text, start, end):
            continue
        if tokens is not None and tokens.token_span(start, end) is None:
            continue
        yield start, end


def with_surnames(text: str, suggestions: Sequence[Span], tokens: Tokens | None) -> list[Span]:
    """`suggestions` plus, for each suggested person, a suggestion on every mention of the
    surname (same label and source).

    A mention gives way to a person suggestion that covers any of it (already a person,
    maybe a longer name) and to memory suggestions (what people decided). It replaces the
    model suggestions of other labels that overlap it ("Samadov" suggested as ORG).
    """
    index = SpanIndex(sorted(suggestions, key=sort_key))
    dropped: set[Span] = set()
    added: list[Span] = []
    for name in suggestions:
        if not is_person(name.label) or name.state is not SpanState.SUGGESTED:
            continue
        for start, end in mentions(text, name, tokens):
            in_way = [s for s in index.overlapping(start, end) if s not in dropped]
            if any(is_person(s.label) or s.source == MEMORY_SOURCE for s in in_way):
                continue
            if any(s.start < end and start < s.end for s in added):
                continue
            dropped.update(in_way)
            added.append(Span(start, end, name.label, SpanState.SUGGESTED, name.source))
    kept = [span for span in suggestions if span not in dropped]
    return sorted(kept + added, key=sort_key)


def _words(text: str, start: int, end: int) -> list[tuple[int, int]]:
    words: list[tuple[int, int]] = []
    position = start
    for word in text[start:end].split():
        position = text.index(word, position)
        words.append((position, position + len(word)))
        position += len(word)
    return words


def _find(text: str, needle: str) -> Iterator[int]:
    start = text.find(needle)
    while start >= 0:
        yield start
        start = text.find(needle, start + 1)


def _joined(text: str, start: int, end: int) -> bool:
    """True when a letter or digit touches the match: it is inside a longer word."""
    return (start > 0 and text[start - 1].isalnum()) or (end < len(text) and text[end].isalnum())
