"""What `annotator train --progress json` prints, read back as values.

The command prints one JSON object per line: `step` (where training is), `evaluation`
(the same with each label's held-out F1), then one of `done` (the version made),
`error` (why nothing was trained, in one line) or `stopped` (interrupted before anything
was kept). The window runs the command in a child process and reads its lines here.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field


@dataclass(frozen=True, slots=True)
class TrainingStep:
    """A step of training; `per_label` (label -> held-out F1) only at an evaluation."""

    step: int
    loss: float | None
    f1: float | None
    per_label: Mapping[str, float] | None = None


@dataclass(frozen=True, slots=True)
class TrainingResult:
    """The version a run made, its held-out figures, and whether it suggests now."""

    version: int
    path: str
    f1: float
    per_label: Mapping[str, float] = field(default_factory=dict)
    promoted: bool = False
    previous: str | None = None  # the pipeline that suggested before
    previous_f1: float | None = None  # its F1 on the same held-out documents
    stopped: str = ""  # "", "interrupted" (cancelled: the best so far kept) or "time"
    steps: int = 0
    seconds: float = 0.0
    train_documents: int = 0
    eval_documents: int = 0
    notes: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class TrainingEnded:
    """The run ended without a version: `error` (a reason in one line) or `stopped`."""

    kind: str  # "error" or "stopped"
    message: str


TrainingEvent = TrainingStep | TrainingResult | TrainingEnded


def parse_event(line: str) -> TrainingEvent | None:
    """The event one output line holds; None for a line that is not one (a warning
    a library printed, say)."""
    text = line.strip()
    if not text.startswith("{"):
        return None
    try:
        data = json.loads(text)
    except ValueError:
        return None
    if not isinstance(data, dict):
        return None
    try:
        return _event(data)
    except (KeyError, TypeError, ValueError):
        return None


def _event(data: dict[str, object]) -> TrainingEvent | None:
    kind = data.get("event")
    if kind in ("step", "evaluation"):
        per_label = data.get("per_label")
        return TrainingStep(
            int(_number(data["step"])),
            _optional(data.get("loss")),
            _optional(data.get("f1")),
            _scores(per_label) if kind == "evaluation" else None,
        )
    if kind == "done":
        notes = data.get("notes") or []
        previous = data.get("previous")
        return TrainingResult(
            version=int(_number(data["version"])),
            path=str(data["path"]),
            f1=_number(data["f1"]),
            per_label=_scores(data.get("per_label")),
            promoted=bool(data.get("promoted")),
            previous=str(previous) if previous is not None else None,
            previous_f1=_optional(data.get("previous_f1")),
            stopped=str(data.get("stopped") or ""),
            steps=int(_number(data.get("steps", 0))),
            seconds=_number(data.get("seconds", 0.0)),
            train_documents=int(_number(data.get("train_documents", 0))),
            eval_documents=int(_number(data.get("eval_documents", 0))),
            notes=tuple(str(note) for note in notes) if isinstance(notes, list) else (),
        )
    if kind in ("error", "stopped"):
        return TrainingEnded(str(kind), str(data.get("message", "")))
    return None


def _number(value: object) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise TypeError(f"not a number: {value!r}")
    return float(value)


def _optional(value: object) -> float | None:
    return None if value is None else _number(value)


def _scores(value: object) -> dict[str, float]:
    if not isinstance(value, dict):
        return {}
    return {str(label): _number(f) for label, f in value.items()}


def last_problem(stderr: str) -> str:
    """The line a failed command printed to say why (its "✘" line), else its last line:
    what the window shows when a run ends without saying so in an event."""
    lines = [line.strip() for line in stderr.splitlines() if line.strip()]
    for line in reversed(lines):
        if line.startswith("\u2718"):
            return line.removeprefix("\u2718").strip()
    return lines[-1] if lines else ""
