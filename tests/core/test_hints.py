"""Jump tags: every visible span reachable with as few letters as the count allows."""

from __future__ import annotations

import pytest

from annotator.core.hints import ALPHABET, hint_tags, matching


@pytest.mark.parametrize("count", [0, 1, 9, 25, 26, 300, 625, 626])
def test_tags_are_distinct_equal_length_and_no_prefix_of_another(count: int) -> None:
    tags = hint_tags(count)
    assert len(tags) == count == len(set(tags))
    assert len({len(tag) for tag in tags}) <= 1
    for tag in tags:
        assert all(not other.startswith(tag) for other in tags if other != tag)
        assert set(tag) <= set(ALPHABET) and not any(c.isdigit() for c in tag)


def test_the_shortest_length_is_used() -> None:
    assert {len(t) for t in hint_tags(len(ALPHABET))} == {1}
    assert {len(t) for t in hint_tags(len(ALPHABET) + 1)} == {2}
    assert {len(t) for t in hint_tags(len(ALPHABET) ** 2 + 1)} == {3}
    assert hint_tags(3)[0] == "a"  # the home row comes first


def test_typing_narrows_to_one_tag() -> None:
    tags = hint_tags(40)
    assert matching(tags, "") == list(range(40))
    first = tags[30]
    assert len(matching(tags, first[0])) > 1
    assert matching(tags, first) == [30]
    assert matching(tags, "f") == []  # not a letter tags use


def test_an_alphabet_must_have_two_distinct_letters() -> None:
    with pytest.raises(ValueError):
        hint_tags(3, "aa")
