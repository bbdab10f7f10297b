"""Words a model took for a name that the article itself shows are ordinary words.

Two rules, for a model's span of a name type (a person, an organisation, a place...) in
an edited text, one whose sentences start with capitals (three or more sentences, nine in
ten of them capitalised: a news article, not a comment typed in lowercase, where "uniqlo"
is a brand):

- A name has a capital letter: a span that starts with "the", "a" or "an" and has no
  capital ("the white jersey" as ORG) is a description, not a name. Scripts without
  capitals (佐藤陽翔) are left alone.
- A single word capitalised only because it starts a sentence, which the article also
  writes in lowercase ("Mackerel prices fell ... the mackerel quota"), is an ordinary
  word.
"""

from __future__ import annotations

import re

from annotator.core.names import starts_sentence

_ARTICLES = frozenset({"the", "a", "an"})
_SENTENCE_START = re.compile(r"(?:\A|[.!?][\"'\u201d\u2019]?\s+)[\"'\u201c\u2018(]?(\w)")


def is_edited(text: str) -> bool:
    """Whether `text` capitalises its sentences (see the module): the rules apply."""
    starts = [found.group(1) for found in _SENTENCE_START.finditer(text)]
    cased = [letter for letter in starts if letter.isalpha() and letter.lower() != letter.upper()]
    return len(cased) >= 3 and sum(letter.isupper() for letter in cased) >= 0.9 * len(cased)


def is_common_word(text: str, start: int, end: int) -> bool:
    """True when `text[start:end]` is no name by the rules above, in an edited text (the
    caller checks `is_edited` once per text)."""
    words = text[start:end]
    if not any(char.isupper() for char in words):  # "the white jersey": a description
        first = words.split(maxsplit=1)[0] if words.strip() else ""
        return first in _ARTICLES and len(words.split()) > 1
    if not words.isalpha() or not starts_sentence(text, start):
        return False
    lower = words.lower()
    return (
        lower != words and lower in text and re.search(rf"\b{re.escape(lower)}\b", text) is not None
    )
