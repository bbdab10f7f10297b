"""How sure a trained version must be of an entity for suggesting it to pay."""

from __future__ import annotations

from annotator.core.confidence import NEAR, RIGHT, WRONG, Found, least_probability, worth

GOLD = {(0, 5, "BRAND"), (20, 35, "BRAND")}


def test_a_suggestion_is_worth_an_input_when_right_and_costs_one_when_no_entity() -> None:
    assert worth(Found(0, 5, "BRAND", 0.9), GOLD) == RIGHT
    assert worth(Found(20, 28, "BRAND", 0.9), GOLD) == NEAR  # a resize instead of drawing
    assert worth(Found(0, 5, "PLACE", 0.9), GOLD) == NEAR  # a relabel instead of drawing
    assert worth(Found(8, 12, "BRAND", 0.9), GOLD) == WRONG  # a reject, nothing saved


def test_the_least_probability_keeps_the_suggestions_worth_the_most() -> None:
    scored = [(0.99, RIGHT), (0.95, RIGHT), (0.9, WRONG), (0.8, RIGHT), (0.8, RIGHT)]
    scored += [(0.6, WRONG), (0.5, WRONG), (0.4, RIGHT)]
    # From 0.8 on: four right, one wrong (3); from 0.99: 1; from 0.4: 2.
    assert least_probability(scored) == 0.8


def test_of_two_equally_good_the_surer_is_chosen_and_ties_stand_together() -> None:
    assert least_probability([(0.9, RIGHT), (0.7, WRONG), (0.6, RIGHT)]) == 0.9
    # Two suggestions of the same probability are kept or dropped together.
    assert least_probability([(0.9, RIGHT), (0.8, WRONG), (0.8, WRONG), (0.7, RIGHT)]) == 0.9
    assert least_probability([(0.8, RIGHT), (0.8, RIGHT), (0.8, WRONG)]) == 0.8


def test_when_no_suggestion_pays_only_what_the_whole_beam_agrees_on_is_kept() -> None:
    assert least_probability([(0.9, WRONG), (0.7, NEAR), (0.5, RIGHT)]) == 1.0
    assert least_probability([]) is None  # nothing to judge by: greedy, as before
