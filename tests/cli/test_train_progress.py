"""`annotator train --progress json`: the lines a program that runs the command reads."""

from __future__ import annotations

import json
from pathlib import Path

from annotator.core.training_progress import TrainingResult, TrainingStep, parse_event
from tests.cli.test_train_cli import comments, run, write_jsonl


def test_json_progress_gives_each_evaluation_per_label_and_the_version_last(
    tmp_path: Path,
) -> None:
    db = tmp_path / "annotations.db"
    data = write_jsonl(tmp_path / "c.jsonl", comments(20))
    assert run("import", data, "--db", db, "-d", "fashion", "--preset", "none").code == 0
    result = run("train", "-d", "fashion", "--db", db, "--max-steps", "4", "--progress", "json")
    assert result.code == 0, result.err
    lines = result.out.splitlines()
    events = [parse_event(line) for line in lines]
    assert None not in events  # nothing but JSON lines on stdout
    evaluations = [e for e in events if isinstance(e, TrainingStep) and e.per_label is not None]
    assert [e.step for e in evaluations] == [0, 1, 2, 3, 4]
    assert all(set(e.per_label or {}) == {"BRAND", "GPE"} for e in evaluations)
    last = events[-1]
    assert isinstance(last, TrainingResult) and last.version == 1
    assert set(last.per_label) == {"BRAND", "GPE"}
    assert "Training" not in result.err  # no progress bar beside the lines


def test_json_progress_ends_with_the_reason_nothing_was_trained(tmp_path: Path) -> None:
    db = tmp_path / "annotations.db"
    data = write_jsonl(tmp_path / "c.jsonl", comments(3))
    assert run("import", data, "--db", db, "-d", "fashion", "--preset", "none").code == 0
    result = run("train", "-d", "fashion", "--db", db, "--progress", "json")
    assert result.code == 1
    (line,) = result.out.splitlines()
    event = json.loads(line)
    assert event["event"] == "error"
    assert event["message"].startswith("training needs at least 2 done documents")
    assert event["message"] in result.err  # the same line a person sees
