"""Reading `annotator train --progress json`'s lines back as values."""

from __future__ import annotations

from annotator.core.training_progress import (
    TrainingEnded,
    TrainingResult,
    TrainingStep,
    last_problem,
    parse_event,
)


def test_steps_and_evaluations_are_told_apart_by_their_per_label_figures() -> None:
    step = parse_event('{"event": "step", "step": 3, "loss": null, "f1": null}')
    assert step == TrainingStep(3, None, None, None)
    evaluation = parse_event(
        '{"event": "evaluation", "step": 200, "loss": 12.5, "f1": 0.5,'
        ' "per_label": {"BRAND": 0.75, "GPE": 0.25}}'
    )
    assert evaluation == TrainingStep(200, 12.5, 0.5, {"BRAND": 0.75, "GPE": 0.25})


def test_the_last_line_says_which_version_was_made_and_whether_it_suggests() -> None:
    result = parse_event(
        '{"event": "done", "version": 4, "path": "/m/4", "f1": 0.8, "per_label": {"B": 0.8},'
        ' "promoted": true, "previous": "en_core_web_sm", "previous_f1": 0.6,'
        ' "stopped": "interrupted", "steps": 120, "seconds": 9.5, "notes": ["a note"]}'
    )
    assert isinstance(result, TrainingResult)
    assert (result.version, result.path, result.promoted, result.stopped) == (
        4,
        "/m/4",
        True,
        "interrupted",
    )
    assert result.previous_f1 == 0.6 and result.notes == ("a note",)


def test_an_error_or_a_stop_before_anything_was_kept_ends_the_run() -> None:
    assert parse_event('{"event": "error", "message": "no"}') == TrainingEnded("error", "no")
    assert parse_event('{"event": "stopped", "message": "s"}') == TrainingEnded("stopped", "s")


def test_lines_that_are_no_event_are_passed_over() -> None:
    for line in (
        "",
        "UserWarning: something",
        "{not json",
        "[1, 2]",
        '{"event": "step", "step": "three"}',
        '{"event": "unknown"}',
    ):
        assert parse_event(line) is None


def test_the_commands_own_failure_line_is_found_among_warnings() -> None:
    stderr = "some warning\n\u2718 training needs at least 2 done documents\nlater noise\n"
    assert last_problem(stderr) == "training needs at least 2 done documents"
    assert last_problem("only this\n\n") == "only this"
    assert last_problem("") == ""
