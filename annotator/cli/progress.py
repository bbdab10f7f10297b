"""tqdm bars for the services' progress stages, on stderr."""

from __future__ import annotations

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
