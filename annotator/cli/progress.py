"""tqdm bars for the services' progress stages, on stderr."""

from __future__ import annotations

from tqdm import tqdm

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
