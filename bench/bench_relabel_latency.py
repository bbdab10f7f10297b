"""`relabel_latency`: relabel one span of the long article until it is repainted.

The article is `bench_open_long_document.py`'s (500,000 characters, 10,000 spans), in a
copy of its store made for each child, so the edits never change the shared file. In a
fresh process the child opens it, lets the view format its blocks off screen (what it does
in idle slices during the first third of a second, before an annotator's first key),
makes the span nearest the middle of the text current (the view scrolls to it) and
relabels it 50 times, back and forth between two labels
(`--quick`: 20 times, and the label key 10).
Each relabel is timed until Qt has repainted what changed: the call, then
`processEvents()`, which delivers the update requests the relabel posted and so paints
the dirty part of the article (an event filter checks that a paint came; if none did,
the viewport would be repainted by force, and `forced_repaints` counts that).

Two series in each child, 50 relabels each, median kept:

- `edit` (the value): only that span changes. `DocumentSession.edit(ReplaceSpan.relabel)`
  writes the edit to the store file in its own transaction, pushes it on the undo stack
  and announces it; the window's slots update the article, the span list, the document's
  row and the title.
- `key` (`label_key_*`): `Editing.label`, what the label key does, which also gives the
  same words' other suggestions the new label (propagation, one edit):
  `label_key_spans_changed` says how many spans that edit adds and removes.

and two children: `window`, the real `MainWindow` (the figures reported first), and
`view`, the session, `Editing` and the `ArticleView` alone, wired as the window wires
them (`view_ms`, `label_key_view_ms`): what the article itself costs. The window child
also reports where the time goes (medians per relabel): the store write (`Store.apply`,
which checks the edit against the document and writes it), the article's `update_spans`,
the span list, and the document list's row and progress.

Each relabel also makes the document list read the dataset's progress again (one query
over the dataset's rows): nothing with the two articles here, so `progress_query_ms`
times that query on the 100,000-document store of `bench_startup.py` (10,000 with
`--quick`), as an addition a large dataset makes to every edit.

spaCy is kept out, as in `open_long_document`. No baseline; target: <= 16 ms (a frame).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from bench_open_long_document import (
    ANNOTATOR,
    DATASET,
    VIEW_SIZE,
    WINDOW_SIZE,
    long_store,
    settle_like_the_app,
    start_like_the_app,
    timing,
)
from bench_startup import DATASET as STARTUP_DATASET
from bench_startup import DOCUMENTS, bench_store
from common import clean_env, last_json, result, run_python, scaled

RELABELS = {False: 50, True: 20}  # of the one-span edit
KEY_RELABELS = {False: 50, True: 10}  # of the label key, which changes hundreds of spans
TARGET_MS = 16.0


def run(quick: bool, workdir: Path) -> dict[str, Any]:
    source = long_store(workdir)
    window = measure_in_child("window", source, workdir, quick)
    view = measure_in_child("view", source, workdir, quick)
    value = window["edit"]["median_ms"]
    documents = scaled(DOCUMENTS, quick)
    progress_ms = _progress_query_ms(bench_store(documents, workdir))
    return result(
        "relabel_latency",
        value=value,
        baseline=None,
        ratio=None,
        target=TARGET_MS,
        ok=value <= TARGET_MS,
        unit="ms (median)",
        relabels=RELABELS[quick],
        label_key_relabels=KEY_RELABELS[quick],
        spans=window["spans"],
        relabelled=window["span"],
        window_p90_ms=window["edit"]["p90_ms"],
        window_parts_ms=window["edit"]["parts_ms"],
        forced_repaints=window["edit"]["forced_repaints"] + window["key"]["forced_repaints"],
        view_ms=view["edit"]["median_ms"],
        label_key_ms=window["key"]["median_ms"],
        label_key_spans_changed=window["key"]["spans_changed"],
        label_key_parts_ms=window["key"]["parts_ms"],
        label_key_view_ms=view["key"]["median_ms"],
        # Each edit also re-reads the dataset's progress for the list's footer: free with
        # the two articles here, this much per edit in a large dataset (not in the value).
        progress_query_ms=progress_ms,
        progress_query_documents=documents,
    )


def _progress_query_ms(db: Path, runs: int = 21) -> float:
    """Median milliseconds of `Store.progress` (what the list's footer reads after an edit)."""
    from annotator.store import Store

    with Store.open(db) as store:
        dataset = store.get_dataset(STARTUP_DATASET)
        store.progress(dataset.id)  # the pages into the cache, as after the first edit
        times = []
        for _ in range(runs):
            started = time.perf_counter()
            store.progress(dataset.id)
            times.append((time.perf_counter() - started) * 1000)
    return round(statistics.median(times), 2)


def measure_in_child(kind: str, source: Path, workdir: Path, quick: bool) -> dict[str, Any]:
    with tempfile.TemporaryDirectory(dir=workdir, prefix="relabel-") as folder:
        db = Path(folder) / "store.db"
        shutil.copyfile(source, db)
        done = run_python(
            [str(Path(__file__).resolve()), "--child", kind, "--db", str(db)]
            + (["--quick"] if quick else []),
            env=clean_env(PROBE_BLOCK_SPACY="1"),
            timeout=300,
        )
    return last_json(done.stdout)


# -- the child ----------------------------------------------------------------------------


def child(kind: str, db: Path, quick: bool) -> dict[str, Any]:
    start_like_the_app()
    from PySide6.QtCore import QSettings
    from PySide6.QtWidgets import QApplication

    from annotator.core.edits import ReplaceSpan
    from annotator.store import Store

    app = QApplication.instance() or QApplication([])
    store = Store.open(db, annotator=ANNOTATOR)
    dataset = store.get_dataset(DATASET)
    long_id = int(max(store.document_ids(dataset.id)))
    folder = tempfile.mkdtemp(prefix="relabel-settings-")
    settings = QSettings(str(Path(folder) / "settings.ini"), QSettings.Format.IniFormat)
    timers: dict[str, list[float]] = {}
    if kind == "window":
        from annotator.app import assemble

        built = assemble(store, settings, annotator=ANNOTATOR)
        window, session, editing = built.window, built.session, built.editing
        window.resize(*WINDOW_SIZE)
        window.show()
        built.workflow.open_dataset(DATASET)
        built.workflow.open_document(long_id)
        view = window.article
        timers = _time_parts(store, window)
        shutdown = built.worker.shutdown
    else:
        from annotator.ui.article.view import ArticleView
        from annotator.ui.controllers.editing import Editing
        from annotator.ui.controllers.session import DocumentSession
        from annotator.ui.state.view_state import ViewState

        state = ViewState()
        session = DocumentSession(store, state, annotator=ANNOTATOR)
        editing = Editing(session, state)
        view = ArticleView()
        view.resize(*VIEW_SIZE)
        _wire(state, editing, view)
        view.show()
        session.set_dataset(dataset)
        session.open(long_id)
        shutdown = _nothing
    app.processEvents()
    view.repaint()
    # The blocks off screen are formatted in slices while the window is idle (a third of
    # a second here): an annotator reads before the first key, so measure after that.
    deadline = time.perf_counter() + 30
    while not view.formatting_done() and time.perf_counter() < deadline:
        app.processEvents()
    document = session.document
    assert document is not None and document.id == long_id
    middle = len(document.text) // 2
    span = min(document.spans, key=lambda s: abs(s.start - middle))
    editing.choose(span)
    app.processEvents()
    view.viewport().repaint()
    settle_like_the_app()
    other = next(label.name for label in dataset.labels if label.name != span.label)
    edits, keys = RELABELS[quick], KEY_RELABELS[quick]
    changed = _count_changes(store)

    relabelled = [span]

    def one_span(name: str) -> None:
        """Only this span changes: `DocumentSession.edit` of a `ReplaceSpan`."""
        edit = ReplaceSpan.relabel(relabelled[-1], name)
        if session.edit(edit):
            relabelled.append(edit.new)

    series = {
        # Back and forth: the span has its stored label again at the end.
        "edit": _series(app, view, one_span, [other, span.label] * (edits // 2), timers, changed),
        "key": _series(
            app, view, editing.label, [other, span.label] * (keys // 2), timers, changed
        ),
    }
    stored = store.get_document(long_id)
    labels = {s.label for s in stored.spans if (s.start, s.end) == (span.start, span.end)}
    if labels != {span.label} or view.current_span() is None:
        raise RuntimeError(f"the relabels did not land: {labels}")
    shutdown()
    store.close()
    return {
        "kind": kind,
        "spans": len(document.spans),
        "span": [span.start, span.end, span.label, document.text[span.start : span.end]],
        **series,
    }


def _series(
    app: Any,
    view: Any,
    relabel: Callable[[str], None],
    names: list[str],
    timers: dict[str, list[float]],
    changed: list[int],
) -> dict[str, Any]:
    """Relabel once per name, each until repainted: the milliseconds and their parts."""
    changed.clear()
    for timer in timers.values():
        timer.clear()
    paints = PaintCounter(view.viewport())
    samples = []
    forced = 0
    for name in names:
        paints.count = 0
        started = time.perf_counter()
        relabel(name)
        app.processEvents()  # the updates the relabel posted: Qt repaints what changed
        if not paints.count:  # nothing was repainted: force it (never seen so far)
            view.viewport().repaint()
            forced += 1
        samples.append((time.perf_counter() - started) * 1000)
    paints.detach()
    ordered = sorted(samples)
    return {
        "median_ms": round(statistics.median(samples), 2),
        "forced_repaints": forced,
        "p90_ms": round(ordered[int(len(ordered) * 0.9) - 1], 2),
        "max_ms": round(ordered[-1], 2),
        # One edit each; a label key also changes the words' other occurrences.
        "spans_changed": statistics.median(changed) if changed else 0,
        "parts_ms": {
            name: round(statistics.median(t) * 1000, 2) for name, t in timers.items() if t
        },
    }


class PaintCounter:
    """Counts the paint events a widget receives."""

    def __init__(self, widget: Any) -> None:
        from PySide6.QtCore import QEvent, QObject

        paint = QEvent.Type.Paint
        counter = self

        class Filter(QObject):
            def eventFilter(self, _watched: Any, event: Any) -> bool:
                if event.type() == paint:
                    counter.count += 1
                return False

        self.count = 0
        self._widget = widget
        self._filter = Filter()
        widget.installEventFilter(self._filter)

    def detach(self) -> None:
        self._widget.removeEventFilter(self._filter)


def _count_changes(store: Any) -> list[int]:
    """Record how many spans each edit written to `store` changes (added + removed)."""
    counts: list[int] = []
    apply = store.apply

    def counting(document: Any, edit: Any, **kwargs: Any) -> Any:
        changes = edit.changes()
        counts.append(len(changes.added) + len(changes.removed))
        return apply(document, edit, **kwargs)

    store.apply = counting
    return counts


def _wire(state: Any, editing: Any, view: Any) -> None:
    """The window's connections between the view state, the keys and the article."""

    def opened(document: Any) -> None:
        if document is None:
            view.show_document("", (), state.labels)
        else:
            view.show_document(document.text, document.spans, state.labels)

    state.document_opened.connect(opened)
    state.document_changed.connect(lambda document: view.update_spans(document.spans))
    state.current_span_changed.connect(view.set_current_span)
    view.selection_made.connect(editing.select)
    view.span_clicked.connect(editing.choose)


def _time_parts(store: Any, window: Any) -> dict[str, list[float]]:
    """Wrap the steps of a relabel so that each call's milliseconds are kept."""
    timers: dict[str, list[float]] = {}
    steps = {
        "store write (Store.apply)": (store, "apply"),
        "article (update_spans)": (window.article, "update_spans"),
        "span list (show_document)": (window.spans, "show_document"),
        # The panel's own slot is connected directly: its parts are wrapped instead.
        "document list row (model.refresh_document)": (window.documents.model, "refresh_document"),
        "document list progress": (window.documents, "_show_progress"),
    }
    for name, (owner, attribute) in steps.items():
        timers[name] = []
        setattr(owner, attribute, timing(getattr(owner, attribute), timers[name]))
    return timers


def _nothing() -> None:
    return None


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--child", choices=["window", "view"])
    parser.add_argument("--db", type=Path)
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args()
    if args.child:
        print(json.dumps(child(args.child, args.db, args.quick)))
    else:
        folder = Path(os.environ.get("BENCH_WORKDIR", tempfile.mkdtemp(prefix="annotator-bench-")))
        print(json.dumps(run(args.quick, folder)))
