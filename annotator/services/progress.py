"""How long operations report progress, without knowing who draws it."""

from __future__ import annotations

from typing import Protocol


class Progress(Protocol):
    """Stages of known length, advanced step by step (the CLI draws tqdm bars)."""

    def stage(self, name: str, total: int, unit: str) -> None: ...

    def advance(self, count: int = 1) -> None: ...


class NoProgress:
    """For callers that show nothing (tests, the window's background jobs)."""

    def stage(self, name: str, total: int, unit: str) -> None:
        pass

    def advance(self, count: int = 1) -> None:
        pass
