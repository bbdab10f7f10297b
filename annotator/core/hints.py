"""Short letter tags for jumping to any visible span with two or three keys.

As keyboard-driven browsers do for links: every span on screen gets a tag, the annotator
types it, and that span becomes current. Tags are all the same length, so none is the
start of another and a tag is complete as soon as its last letter is typed. Home-row
letters come first, so the common case (a screen with up to 9 spans) needs one letter.
"""

from __future__ import annotations

from itertools import product

# Home row first, then the rows above and below; no digit (the label keys) and none of
# the window's own letters used in this mode's trigger.
ALPHABET = "asdghjklqwertyuiopzxcvbnm"


def hint_tags(count: int, alphabet: str = ALPHABET) -> list[str]:
    """`count` distinct tags of equal, smallest length over `alphabet`."""
    if count <= 0:
        return []
    if len(set(alphabet)) != len(alphabet) or len(alphabet) < 2:
        raise ValueError("the alphabet needs two or more distinct letters")
    length = 1
    while len(alphabet) ** length < count:
        length += 1
    # The first `count` tags in an order that spreads the first letter: with two letters,
    # the first screenful differs in the first key already.
    tags = ("".join(letters) for letters in product(alphabet, repeat=length))
    return [tag for _, tag in zip(range(count), tags, strict=False)]


def matching(tags: list[str], typed: str) -> list[int]:
    """The indices of the tags that start with what was typed so far."""
    return [index for index, tag in enumerate(tags) if tag.startswith(typed)]
