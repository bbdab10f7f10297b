"""The assignment rule: balanced loads, pairs that share about as many documents, the
same deal for the same documents and names, new documents dealt on top of the old."""

from __future__ import annotations

from collections import Counter
from itertools import combinations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from annotator.core.assignment import (
    Assignment,
    AssignmentError,
    deal,
    next_in_queue,
    parse_names,
    queues,
)


def _loads(dealt: list[Assignment], names: list[str]) -> dict[str, int]:
    counted = Counter(a.annotator for a in dealt)
    return {name: counted[name] for name in names}


def _shared(dealt: list[Assignment], names: list[str]) -> dict[tuple[str, str], int]:
    holders: dict[int, list[str]] = {}
    for a in dealt:
        holders.setdefault(a.document_id, []).append(a.annotator)
    counted = Counter(p for held in holders.values() for p in combinations(sorted(held), 2))
    return {pair: counted[pair] for pair in combinations(sorted(names), 2)}


def test_three_annotators_two_each_share_every_pair_equally() -> None:
    names = ["ada", "bob", "cy"]
    dealt = deal(range(1, 31), names, 2)
    assert len(dealt) == 60
    assert _loads(dealt, names) == {"ada": 20, "bob": 20, "cy": 20}
    # Three pairs, 30 documents: each pair shares 10 (checked by hand: C(3,2) = 3).
    assert _shared(dealt, names) == {("ada", "bob"): 10, ("ada", "cy"): 10, ("bob", "cy"): 10}
    by_document = Counter(a.document_id for a in dealt)
    assert set(by_document.values()) == {2}


def test_four_annotators_two_each_make_every_pair_once_in_six_documents() -> None:
    names = ["a", "b", "c", "d"]
    dealt = deal(range(6), names, 2)
    assert _loads(dealt, names) == dict.fromkeys(names, 3)
    assert set(_shared(dealt, names).values()) == {1}  # all 6 pairs once


def test_one_annotator_each_goes_round_the_team() -> None:
    dealt = deal([10, 11, 12, 13, 14], ["x", "y"], 1)
    assert _loads(dealt, ["x", "y"]) in ({"x": 3, "y": 2}, {"x": 2, "y": 3})
    assert sorted(a.document_id for a in dealt) == [10, 11, 12, 13, 14]


def test_queues_follow_document_order_and_positions_count_from_zero() -> None:
    dealt = deal([5, 3, 9, 7], ["ada", "bob"], 2)
    assert queues(dealt) == {"ada": [3, 5, 7, 9], "bob": [3, 5, 7, 9]}
    assert sorted(a.position for a in dealt if a.annotator == "ada") == [0, 1, 2, 3]


def test_new_documents_are_dealt_on_top_of_the_old_ones() -> None:
    names = ["ada", "bob", "cy"]
    first = deal(range(10), names, 2)
    more = deal(range(13), names, 2, existing=first)
    assert {a.document_id for a in more} == {10, 11, 12}  # nothing already dealt moves
    together = first + more
    loads = _loads(together, names)
    assert max(loads.values()) - min(loads.values()) <= 1
    for name in names:  # each queue goes on after its last position
        positions = sorted(a.position for a in together if a.annotator == name)
        assert positions == list(range(len(positions)))


def test_a_newcomer_catches_up_with_the_team_on_new_documents() -> None:
    first = deal(range(6), ["ada", "bob"], 1)
    more = deal(range(12), ["ada", "bob", "cy"], 1, existing=first)
    assert _loads(more, ["ada", "bob", "cy"]) == {"ada": 1, "bob": 1, "cy": 4}


@pytest.mark.parametrize(
    ("names", "overlap", "message"),
    [
        (["ada", "bob"], 3, "--overlap 3 is more than the 2 annotators"),
        (["ada"], 0, "--overlap 0: each document needs at least 1"),
        (["ada", "bob"], -1, "--overlap -1"),
        (["ada", "ada"], 1, "'ada' is given more than once"),
        ([" ada"], 1, "cannot be empty or start or end with spaces"),
    ],
)
def test_assignments_that_cannot_be_made_say_why(
    names: list[str], overlap: int, message: str
) -> None:
    with pytest.raises(AssignmentError, match=message):
        deal(range(3), names, overlap)


@pytest.mark.parametrize(
    ("text", "message"),
    [("", "empty name"), ("a,,b", "empty name"), ("a, b,", "empty name"), ("a,b,a", "twice|once")],
)
def test_the_annotators_option_is_checked(text: str, message: str) -> None:
    with pytest.raises(AssignmentError, match=message):
        parse_names(text)


def test_the_annotators_option_takes_spaces_round_names() -> None:
    assert parse_names("bob, ada ,cy") == ["ada", "bob", "cy"]


def test_next_in_queue_skips_closed_documents_and_wraps_round() -> None:
    queue = [4, 2, 8, 6]
    assert next_in_queue(queue, set(), 2) == 8
    assert next_in_queue(queue, {8}, 2) == 6
    assert next_in_queue(queue, {8, 6}, 2) == 4  # round to the start
    assert next_in_queue(queue, {4, 8, 6}, 2) is None  # never the document itself
    assert next_in_queue(queue, set(), 99) == 4  # not in the queue: from its start


names_strategy = st.lists(
    st.text(alphabet="abcdefgh", min_size=1, max_size=3), min_size=1, max_size=7, unique=True
)


@settings(max_examples=150, deadline=None)
@given(names=names_strategy, documents=st.integers(0, 120), data=st.data())
def test_loads_differ_by_at_most_one_and_pairs_by_a_few(
    names: list[str], documents: int, data: st.DataObject
) -> None:
    overlap = data.draw(st.integers(1, len(names)))
    dealt = deal(range(documents), names, overlap)
    assert Counter(a.document_id for a in dealt) == dict.fromkeys(range(documents), overlap)
    assert all(
        len({a.annotator for a in dealt if a.document_id == d}) == overlap for d in range(documents)
    )
    loads = _loads(dealt, names).values()
    assert max(loads) - min(loads) <= 1
    shared = _shared(dealt, names).values()
    if shared:
        assert max(shared) - min(shared) <= 3


@settings(max_examples=100, deadline=None)
@given(
    names=names_strategy,
    documents=st.lists(st.integers(1, 10_000), max_size=60, unique=True),
    data=st.data(),
)
def test_the_same_documents_and_names_in_any_order_give_the_same_deal(
    names: list[str], documents: list[int], data: st.DataObject
) -> None:
    overlap = data.draw(st.integers(1, len(names)))
    shuffled_names = data.draw(st.permutations(names))
    shuffled_documents = data.draw(st.permutations(documents))
    assert deal(documents, names, overlap) == deal(shuffled_documents, shuffled_names, overlap)


@settings(max_examples=100, deadline=None)
@given(names=names_strategy, first=st.integers(0, 50), second=st.integers(0, 50), data=st.data())
def test_dealing_in_two_runs_keeps_the_loads_balanced(
    names: list[str], first: int, second: int, data: st.DataObject
) -> None:
    overlap = data.draw(st.integers(1, len(names)))
    before = deal(range(first), names, overlap)
    after = deal(range(first + second), names, overlap, existing=before)
    assert {a.document_id for a in after} == set(range(first, first + second))
    loads = _loads(before + after, names).values()
    assert max(loads) - min(loads) <= 1
