"""One annotator of `bench_team_edits.py`: a process making edits through the window's
own edit path, each timed from the call to its COMMIT.

    python bench/team_annotator.py LOCATION DATASET EDITS OFFSET [--annotator NAME]
                                   [--pause-ms MS]

LOCATION is a store file or a server's URL (there the database user is the annotator).
The process opens the store, builds what the window builds for the keys (`ViewState`,
`DocumentSession`, `Editing`; no widgets), prints `ready` and waits for a line on its
standard input, so that every annotator starts at once. Then it works through the
dataset's articles from the OFFSET-th on, as a person does with the keys: on each
article, single-span decisions (accept, relabel, reject with the same words elsewhere,
draw a span on a free capitalised word), then Accept All or Mark Done (many rows at once),
until EDITS edits were made. Each is one `Editing` call, the slot a key is connected to,
timed until it returns: the edit applied, written in its transaction and committed.
With `--pause-ms` the annotator waits between edits (from half to one and a half times
MS, at random), instead of making the next at once.

Its last line is JSON: the milliseconds of each edit, the refusals, and per article the
edits the store acknowledged and the version the annotator last saw (spans and status),
which the parent compares with what the database holds.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import sys
import time
from collections.abc import Callable
from typing import Any

# A decision on one span, then the article's multi-row edit: the mix of an article.
SINGLE = ("accept", "relabel", "reject", "draw", "accept", "draw")
PER_ARTICLE = len(SINGLE) + 1
_CAPITALISED = re.compile(r"\b[A-Z][a-z]{3,}\b")


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("location")
    parser.add_argument("dataset")
    parser.add_argument("edits", type=int)
    parser.add_argument("offset", type=int)
    parser.add_argument("--annotator")
    parser.add_argument("--pause-ms", type=float, default=0.0)
    args = parser.parse_args()
    from PySide6.QtCore import QCoreApplication

    from annotator.store import Store
    from annotator.ui.controllers.editing import Editing
    from annotator.ui.controllers.session import DocumentSession
    from annotator.ui.state.view_state import ViewState

    app = QCoreApplication.instance() or QCoreApplication([])
    store = Store.open(args.location, annotator=args.annotator)
    state = ViewState()
    session = DocumentSession(store, state)
    editing = Editing(session, state)
    refusals: list[str] = []
    session.refused.connect(refusals.append)
    dataset = store.get_dataset(args.dataset)
    session.set_dataset(dataset)
    ids = list(store.document_ids(dataset.id))
    ids = ids[args.offset % len(ids) :] + ids[: args.offset % len(ids)]
    waits = _Waits(store._engine)
    print("ready", flush=True)
    sys.stdin.readline()
    pauses = random.Random(args.offset)
    latencies: list[float] = []
    articles: dict[int, dict[str, Any]] = {}
    position = 0
    while len(latencies) < args.edits and position < 3 * len(ids):
        document_id = ids[position % len(ids)]
        position += 1
        if session.open(document_id) is None:
            continue
        kinds = [*SINGLE, "accept_all" if position % 3 else "mark_done"]
        for kind in kinds:
            if len(latencies) == args.edits:
                break
            gesture = _gesture(kind, session, editing, [label.name for label in dataset.labels])
            if gesture is None:
                continue
            if args.pause_ms:
                time.sleep(pauses.uniform(0.5, 1.5) * args.pause_ms / 1000)
            before, refused = session.document, len(refusals)
            waits.start()
            started = time.perf_counter()
            gesture()
            elapsed = (time.perf_counter() - started) * 1000
            waits.stop()
            changed = session.document
            if len(refusals) > refused or changed is before or changed is None:
                if len(refusals) > refused:  # refused: counted, and timed as an edit
                    latencies.append(elapsed)
                    waits.keep()
                continue
            latencies.append(elapsed)
            waits.keep()
            seen = articles.setdefault(document_id, {"edits": 0})
            seen["edits"] += 1
            seen["spans"] = sorted([s.start, s.end, s.label, s.state.value] for s in changed.spans)
            seen["status"] = changed.status.value
        app.processEvents()
    store.close()
    print(
        json.dumps(
            {
                "annotator": store.annotator,
                "latencies_ms": [round(ms, 3) for ms in latencies],
                "refusals": refusals,
                "statement_ms": [round(ms, 3) for ms in waits.statement_ms],
                "commit_ms": [round(ms, 3) for ms in waits.commit_ms],
                "articles": articles,
            }
        )
    )
    return 0


class _Waits:
    """Per timed edit, the milliseconds spent waiting for the server's answers (psycopg's
    waits: its statements, their BEGIN, the pool's ping) and for its COMMIT. On a file
    there is no server: the SQLite statements' and COMMIT's own time instead. (Round
    trips are counted by tests/store/test_edit_statements.py, from libpq's trace.)"""

    def __init__(self, engine: Any) -> None:
        self.statement_ms: list[float] = []
        self.commit_ms: list[float] = []
        self._on = False
        self._parts = [0.0, 0.0]
        self._server = engine.dialect.name == "postgresql"
        if self._server:
            self._time_server_waits()
        else:
            self._time_statements(engine)
        commit = engine.dialect.do_commit

        def timed_commit(connection: Any) -> None:
            began = time.perf_counter()
            commit(connection)
            self._parts[1] += time.perf_counter() - began

        engine.dialect.do_commit = timed_commit

    def _time_server_waits(self) -> None:
        import psycopg

        wait = psycopg.Connection.wait

        def timed_wait(connection: Any, *args: Any, **kwargs: Any) -> Any:
            began = time.perf_counter()
            try:
                return wait(connection, *args, **kwargs)
            finally:
                if self._on:
                    self._parts[0] += time.perf_counter() - began

        psycopg.Connection.wait = timed_wait  # type: ignore[method-assign]

    def _time_statements(self, engine: Any) -> None:
        from sqlalchemy import event

        began = [0.0]

        def before(*_args: object) -> None:
            began[0] = time.perf_counter()

        def after(*_args: object) -> None:
            if self._on:
                self._parts[0] += time.perf_counter() - began[0]

        event.listen(engine, "before_cursor_execute", before)
        event.listen(engine, "after_cursor_execute", after)

    def start(self) -> None:
        self._on, self._parts = True, [0.0, 0.0]

    def stop(self) -> None:
        self._on = False

    def keep(self) -> None:
        """The edit just timed counts: keep its waits."""
        answers = self._parts[0] - (self._parts[1] if self._server else 0.0)  # COMMIT apart
        self.statement_ms.append(answers * 1000)
        self.commit_ms.append(self._parts[1] * 1000)


def _gesture(kind: str, session: Any, editing: Any, labels: list[str]) -> Callable[[], None] | None:
    """The key's slot for `kind` on the open article, its span chosen first; None when
    the article has nothing for it (then the next kind is tried)."""
    from annotator.core.model import SpanState

    document = session.document
    editing.clear()
    open_ = [s for s in document.spans if s.state is SpanState.SUGGESTED]
    if kind in ("accept", "relabel", "reject"):
        if not open_:
            return _gesture("draw", session, editing, labels)
        span = open_[len(open_) // 2]
        editing.choose(span)
        if kind == "relabel":
            other = next(name for name in labels if name != span.label)
            return lambda: editing.label(other)
        return editing.accept if kind == "accept" else editing.reject
    if kind == "draw":
        taken = [(s.start, s.end) for s in document.spans]
        for match in _CAPITALISED.finditer(document.text):
            start, end = match.span()
            if all(end <= a or b <= start for a, b in taken):
                editing.select(start, end)
                return lambda: editing.label(labels[start % len(labels)])
        return None
    if kind == "accept_all":
        return editing.accept_all if open_ else None
    return editing.mark_done


if __name__ == "__main__":
    sys.exit(main())
