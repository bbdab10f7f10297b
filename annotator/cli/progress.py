"""tqdm bars for the services' progress stages, on stderr."""

from __future__ import annotations

import json
import sys
import time
from typing import TYPE_CHECKING

from tqdm import tqdm

if TYPE_CHECKING:
    from annotator.nlp.training import Step

# A stage that finishes sooner than this shows no bar at all.
SHOW_AFTER_SECONDS = 0.5


class StageBars:
    """One bar per stage; each appears only if its stage takes a noticeable time."""

    def __init__(self) -> None:
        self._bar: tqdm[None] | None = None

    def stage(self, name: str, total: int, unit: str) -> None:
        self.close()
        self._bar = tqdm(
            total=total,
            desc=name,
            unit=unit,
            delay=SHOW_AFTER_SECONDS,
            leave=False,
            dynamic_ncols=True,
        )

    def advance(self, count: int = 1) -> None:
        if self._bar is not None:
            self._bar.update(count)

    def close(self) -> None:
        if self._bar is not None:
            self._bar.close()
            self._bar = None

    def __enter__(self) -> StageBars:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()


class StepBar:
    """A tqdm bar of training steps, with the loss and held-out F1 of the last evaluation."""

    def __init__(self, total: int) -> None:
        self._total = total
        self._bar: tqdm[None] | None = None
        self._shown = 0

    def update(self, step: Step) -> None:
        if self._bar is None:
            self._bar = tqdm(
                total=self._total + 1, desc="Training", unit="step", leave=False, dynamic_ncols=True
            )
        self._bar.update(step.step + 1 - self._shown)
        self._shown = step.step + 1
        if step.loss is not None and step.f1 is not None:
            self._bar.set_postfix_str(f"loss {step.loss:.2f}, held-out F1 {step.f1:.3f}")

    def close(self) -> None:
        if self._bar is not None:
            self._bar.close()
            self._bar = None


class JsonSteps:
    """Training's progress as JSON lines on stdout, for a program that runs the command
    (the window): `{"event": "step", ...}` at most every `every` seconds, and
    `{"event": "evaluation", ..., "per_label": {...}}` at every evaluation."""

    def __init__(self, every: float = 0.1) -> None:
        self._every = every
        self._last = 0.0

    def update(self, step: Step) -> None:
        now = time.monotonic()
        if step.per_label is None and now - self._last < self._every:
            return
        self._last = now
        event: dict[str, object] = {
            "event": "step" if step.per_label is None else "evaluation",
            "step": step.step,
            "loss": step.loss,
            "f1": step.f1,
        }
        if step.per_label is not None:
            event["per_label"] = dict(step.per_label)
        print_event(event)

    def close(self) -> None:
        """Nothing to clear: each line was complete when printed."""


def print_event(event: dict[str, object]) -> None:
    """One JSON line on stdout, flushed at once (a pipe would hold it back)."""
    sys.stdout.write(json.dumps(event) + "\n")
    sys.stdout.flush()
