"""Following other people's changes to a store on a server, and the server's presence.

Several times a second `Live` asks the store's `ChangeWatch` what others changed (a
socket read, no query); it says `changed` with the tables at most once a second, so a
busy team never makes the window redraw its list more often than that. When the server
cannot be reached it says `lost` once with the reason, and `back` when it answers again.
A store file has no watch: `Live` then does nothing.
"""

from __future__ import annotations

import contextlib
import time
from typing import Protocol

from PySide6.QtCore import QObject, QTimer, Signal, Slot

from annotator.core.errors import AnnotatorError

POLL_MS = 250
MIN_GAP_S = 1.0  # between two `changed`


class Watch(Protocol):
    def changes(self) -> set[str]: ...

    def close(self) -> None: ...


class Live(QObject):
    changed = Signal(frozenset)  # the names of the tables others changed
    lost = Signal(str)
    back = Signal()

    def __init__(self, watch: Watch | None, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._watch = watch
        self._pending: set[str] = set()
        self._last = 0.0
        self._away = False
        self._timer = QTimer(self)
        self._timer.setInterval(POLL_MS)
        self._timer.timeout.connect(self.poll)
        if watch is not None:
            # Listening now, before the window reads the store: nothing it reads can be
            # missed. This first answer is "everything", which the window is about to read.
            with contextlib.suppress(AnnotatorError):  # the first poll says so again
                watch.changes()
            self._timer.start()
            # Its connection goes with the window (a lambda: `self` is being destroyed).
            self.destroyed.connect(lambda: watch.close())

    @property
    def away(self) -> bool:
        """Whether the server could not be reached at the last look."""
        return self._away

    @Slot()
    def poll(self) -> None:
        if self._watch is None:
            return
        try:
            found = self._watch.changes()
        except AnnotatorError as error:
            if not self._away:
                self._away = True
                self.lost.emit(str(error))
            return
        if self._away:
            self._away = False
            self.back.emit()
        self._pending |= found
        now = time.monotonic()
        if self._pending and now - self._last >= MIN_GAP_S:
            self._last = now
            tables, self._pending = frozenset(self._pending), set()
            self.changed.emit(tables)

    def stop(self) -> None:
        self._timer.stop()
        if self._watch is not None:
            self._watch.close()
