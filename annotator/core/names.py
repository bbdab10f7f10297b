"""Telling a name from part of a longer name, for suggestions learnt from people.

When annotators mark "Chile" as a place, the same word inside "AFP Chile" or "University
of Chile" is not a place: it is part of a longer name. The rules here decide that from the
words around a match, so the phrase memory and propagation do not suggest name fragments:

- A name word starts with a capital letter and is not an article ("The", "A", "An"):
  "Angela" is one, "The" is not. A word that starts a sentence is capitalised anyway, so
  before a match it counts only when it is an acronym ("AFP Chile"), not in "In Chile".
- A match continues a longer name when the word right before it or right after it is a
  name word ("AFP Chile", "Savanna Freight Holdings"), or when it is joined to a name word
  by a connecting word ("University of Chile", "Col de la Croix"). Punctuation between
  them (a comma, a closing quote, a full stop) ends a name: in `the Senate," Fuentes said`
  "Fuentes" stands alone.
- A longer span is a longer name (or phrase) when it adds words other than an article
  before or a possessive after: "Angela Merkel" around "Merkel", "last May" around "May";
  but "the Environment Agency" and "Chile's" only add what a name leaves out.

The rules read capitalisation, so they fit languages that capitalise names and not other
nouns (English, French, Spanish...); elsewhere they only ever remove suggestions.
"""

from __future__ import annotations

import re

ARTICLES = frozenset({"The", "A", "An"})
_LOWER_ARTICLES = frozenset({"the", "a", "an"})
POSSESSIVES = ("'s", "\u2019s", "'", "\u2019")  # what follows a name and is never part of it
# Words that join the parts of one name ("and" is not one: "Chile and Peru" are two).
CONNECTORS = frozenset({"of", "de", "du", "des", "del", "della", "la", "le", "von", "van", "der"})
_WORD_BEFORE = re.compile(r"(\S+)[ \t]+$")
_WORD_AFTER = re.compile(r"[ \t]+(\S+)")  # used with .match(text, pos)
_EDGE_PUNCTUATION = ".,;:!?\"'()[]{}\u2018\u2019\u201c\u201d"


def is_name_word(word: str) -> bool:
    word = word.strip(_EDGE_PUNCTUATION)
    return word[:1].isupper() and word not in ARTICLES


def continues_a_name(text: str, start: int, end: int) -> bool:
    """True when `text[start:end]` is part of a longer name (see the module rules)."""
    return _name_before(text, start) or _name_after(text, end)


def part_of_longer_name(text: str, inner: tuple[int, int], outer: tuple[int, int]) -> bool:
    """True when `outer` covers `inner` and adds more than an article before it or a
    possessive after it ("Angela" Merkel, "last" May; not "the" Environment Agency)."""
    if not (outer[0] <= inner[0] and inner[1] <= outer[1]) or outer == inner:
        return False
    before = (word.strip(_EDGE_PUNCTUATION) for word in text[outer[0] : inner[0]].split())
    if any(word and word.lower() not in _LOWER_ARTICLES for word in before):
        return True
    after = text[inner[1] : outer[1]].strip()
    return after not in POSSESSIVES and bool(after.strip(_EDGE_PUNCTUATION))


def starts_sentence(text: str, position: int) -> bool:
    """True when the word at `position` opens the text, a line, a sentence, a quotation or
    the clause after a spaced dash (so its capital says nothing about being a name)."""
    before = text[max(0, position - 4) : position]
    stripped = before.rstrip(" \t")
    if not stripped or stripped[-1] in ".!?\n\r\u201d\u201c\"'":
        return True
    spaced = stripped != before and (len(stripped) < 2 or stripped[-2].isspace())
    return spaced and stripped[-1] in "-\u2013\u2014"  # "BERLIN - The", not "Berlin-The"


def _name_before(text: str, start: int) -> bool:
    found = _WORD_BEFORE.search(text, max(0, start - 80), start)
    if found is None or not found.group(1)[-1].isalnum():
        return False  # punctuation ends a name: `Senate," Fuentes`, `said. Chile`
    word = found.group(1)
    if is_name_word(word):
        return not starts_sentence(text, found.start()) or _is_acronym(word)
    if word.lower() in CONNECTORS:
        earlier = _WORD_BEFORE.search(text, max(0, found.start() - 80), found.start())
        return earlier is not None and is_name_word(earlier.group(1))
    return False


def _is_acronym(word: str) -> bool:
    letters = [char for char in word if char.isalpha()]
    return len(letters) > 1 and all(char.isupper() for char in letters)


def _name_after(text: str, end: int) -> bool:
    if end < len(text) and text[end] in ".,;:!?)\u2019'\"":
        return False
    found = _WORD_AFTER.match(text, end, min(len(text), end + 80))
    if found is None:
        return False
    word = found.group(1)
    if is_name_word(word):
        return True
    if word.lower() in CONNECTORS:
        later = _WORD_AFTER.match(text, found.end(), min(len(text), found.end() + 80))
        return later is not None and is_name_word(later.group(1))
    return False
