"""A document's versions from one file: one per annotator, the last of each."""

from __future__ import annotations

from annotator.core.model import Status
from annotator.core.records import Record, one_per_annotator


def version(annotator: str | None, status: Status, *, reviewed: bool = False) -> Record:
    return Record("f.jsonl", 1, "Text.", status=status, annotator=annotator, reviewed=reviewed)


def test_each_annotator_keeps_the_last_version_in_its_place() -> None:
    versions = [
        version("ada", Status.SKIPPED),
        version("bo", Status.DONE),
        version(None, Status.SKIPPED),
        version("ada", Status.DONE),
        version(None, Status.REJECTED),
    ]
    kept = one_per_annotator(versions)
    assert [(r.annotator, r.status) for r in kept] == [
        ("bo", Status.DONE),
        ("ada", Status.DONE),
        (None, Status.REJECTED),
    ]


def test_a_reviewed_version_is_not_the_reviewer_s_own() -> None:
    versions = [version("ada", Status.DONE, reviewed=True), version("ada", Status.REJECTED)]
    assert one_per_annotator(versions) == versions
