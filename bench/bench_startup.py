"""`startup`: launch to the first painted window with a 100,000-document store.

The baseline is a bare PySide6 `QMainWindow` launched the same way on the same machine.
Both run as fresh processes (`python -c PROBE`), interleaved so that the machine's noise
falls on both alike, and the median of several launches is kept. The parent notes the
monotonic clock just before it spawns a child; the child notes it again when the first
Paint event reaches any widget (Linux's monotonic clock is one clock for every process),
so the figure includes the interpreter's own start, as a user waits for it.

The probe creates the `QApplication` (the app reuses an existing one) and installs an event
filter on it, then either shows a bare window or calls `annotator.app.main(["--db", ...])`
exactly as the `annotator` command does. Besides the first paint it notes when the
document list first paints rows and when the article first paints text, and queues a key
as soon as both are painted, noting when it is delivered: the window as an annotator uses
it (`bench_startup_interactive.py` reports that mark as its own figure). A third kind of
launch, `eager`, does what `run_window` did before the startup frame existed (open the
store, build the whole window, show it), so every run also reports the figure this
benchmark started from.

Each child gets its own empty settings folder (no remembered dataset or geometry), and a
child exits as soon as it has its figures, before the model could write suggestions.
Target: ratio <= 1.5. Quick: a 10,000-document store and fewer launches.
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from common import cached_file, clean_env, last_json, result, scaled

DOCUMENTS = 100_000
WORDS = 600  # about 3,600 characters an article
TARGET_RATIO = 1.5
LAUNCHES = {False: 9, True: 5}  # of the bare window and of the app; fewer of `eager`
EAGER_LAUNCHES = {False: 3, True: 2}
TIMES = ("_paint", "_painted", "interactive")  # marks that are times, not sizes
SHARED_STORE = Path("/tmp") / "annotator-bench" / "document-list.db"  # bench/document_list.py
DATASET = "bench"

# The child. Kept free of any import beyond Qt's until the app itself is called.
PROBE = r"""
import json, os, sys, time
from PySide6.QtCore import QEvent, QObject, Qt, QTimer
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QAbstractItemView, QApplication, QPlainTextEdit

kind, db, settle_ms = sys.argv[1], sys.argv[2], int(sys.argv[3])
if os.environ.get("PROBE_BLOCK_SPACY"):
    sys.modules["spacy"] = None  # the pipeline stays out: its import fails at once

def rss_mb(field):
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith(field + ":"):
                return int(line.split()[1]) / 1024
    return 0.0

class Probe(QObject):
    def __init__(self, wanted):
        super().__init__()
        self.marks = {}
        self.wanted = wanted
        self.finishing = False
        self.key_sent = False

    def eventFilter(self, watched, event):
        kind = event.type()
        if kind == QEvent.Type.Paint and watched.isWidgetType():
            self.painted(watched)
        elif kind == QEvent.Type.KeyPress and event.key() == Qt.Key.Key_F24:
            self.marks.setdefault("interactive", time.monotonic())
            self.check()
            return True  # the probe's own key: nothing else sees it
        return False

    def painted(self, widget):
        now = time.monotonic()
        self.marks.setdefault("first_paint", now)
        parent = widget.parentWidget()
        if isinstance(parent, QAbstractItemView) and parent.model() is not None:
            if parent.model().rowCount() > 0:
                self.marks.setdefault("list_painted", now)
        if isinstance(parent, QPlainTextEdit) and parent.document().characterCount() > 1:
            self.marks.setdefault("article_painted", now)
        if not self.key_sent and "list_painted" in self.marks and "article_painted" in self.marks:
            # A key, queued like one typed now: it is answered when the event loop is free.
            self.key_sent = True
            target = QApplication.focusWidget() or widget.window()
            press = QKeyEvent(QEvent.Type.KeyPress, Qt.Key.Key_F24, Qt.KeyboardModifier.NoModifier)
            QApplication.postEvent(target, press)
        self.check()

    def check(self):
        if not self.finishing and all(name in self.marks for name in self.wanted):
            self.finishing = True
            QTimer.singleShot(settle_ms, self.finish)

    def finish(self):
        marks = dict(self.marks)
        marks["rss_mb"] = rss_mb("VmRSS")
        marks["peak_rss_mb"] = rss_mb("VmHWM")
        marks["kind"] = kind
        print(json.dumps(marks), flush=True)
        os._exit(0)

app = QApplication(sys.argv[:1])
wanted = ["first_paint"]
if kind != "bare":
    wanted += ["list_painted", "article_painted", "interactive"]
probe = Probe(wanted)
app.installEventFilter(probe)
if kind == "bare":
    from PySide6.QtWidgets import QLabel, QMainWindow
    window = QMainWindow()
    window.setWindowTitle("annotator")
    window.setCentralWidget(QLabel("annotator"))
    window.resize(1380, 860)
    window.show()
    app.exec()
elif kind == "app":
    from annotator.app import main
    main(["--db", db])
else:  # "eager": what run_window did before the startup frame
    from pathlib import Path
    from PySide6.QtCore import QSettings
    from annotator.store import Store
    from annotator.app import assemble
    store = Store.open(Path(db))
    parts = assemble(store, QSettings(), annotator="bench")
    parts.window.show()
    QTimer.singleShot(0, parts.workflow.reopen_last)
    app.exec()
"""


def run(quick: bool, workdir: Path) -> dict[str, Any]:
    documents = scaled(DOCUMENTS, quick)
    db = bench_store(documents, workdir)
    launches = LAUNCHES[quick]
    for kind in ("bare", "app"):  # warm-up: files into the page cache, not measured
        launch(kind, db, workdir)
    samples: dict[str, list[dict[str, float]]] = {"bare": [], "app": [], "eager": []}
    for number in range(launches):
        for kind in samples:
            if kind != "eager" or number < EAGER_LAUNCHES[quick]:
                samples[kind].append(launch(kind, db, workdir))
    bare = median_ms(samples["bare"], "first_paint")
    app = median_ms(samples["app"], "first_paint")
    ratio = app / bare
    return result(
        "startup",
        value=app,
        baseline=bare,
        ratio=ratio,
        target=TARGET_RATIO,
        unit="ms",
        higher_is_better=False,
        documents=documents,
        launches=launches,
        eager_launches=EAGER_LAUNCHES[quick],
        app_list_painted_ms=median_ms(samples["app"], "list_painted"),
        app_article_painted_ms=median_ms(samples["app"], "article_painted"),
        eager_first_paint_ms=median_ms(samples["eager"], "first_paint"),
        eager_ratio=round(median_ms(samples["eager"], "first_paint") / bare, 3),
        eager_list_painted_ms=median_ms(samples["eager"], "list_painted"),
        eager_article_painted_ms=median_ms(samples["eager"], "article_painted"),
    )


def launch(
    kind: str, db: Path, workdir: Path, *, settle_ms: int = 0, block_spacy: bool = False
) -> dict[str, float]:
    """One fresh process of `kind` (bare, app, eager): its marks in ms from the spawn."""
    with tempfile.TemporaryDirectory(dir=workdir, prefix="home-") as home:
        env = clean_env(
            XDG_CONFIG_HOME=str(Path(home) / "config"),
            XDG_DATA_HOME=str(Path(home) / "data"),
            XDG_CACHE_HOME=str(Path(home) / "cache"),
            # An annotator named as on every start after the first (which asks who it is).
            ANNOTATOR_NAME="bench",
        )
        # Compiled modules are cached, as for an installed app (pip compiles them when it
        # installs): compiling the app's sixty-odd modules again at every launch, as a
        # PYTHONDONTWRITEBYTECODE environment would, is no part of a start. The warm-up
        # launch writes the caches.
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        if block_spacy:
            env["PROBE_BLOCK_SPACY"] = "1"
        command = [sys.executable, "-c", PROBE, kind, str(db), str(settle_ms)]
        spawned = time.monotonic()
        done = subprocess.run(
            command, env=env, capture_output=True, text=True, timeout=120, check=False
        )
    if done.returncode != 0:
        tail = " | ".join(done.stderr.strip().splitlines()[-5:])
        raise RuntimeError(f"the {kind} launch exited {done.returncode}: {tail}")
    marks = last_json(done.stdout)
    return {
        key: (value - spawned) * 1000 if key.endswith(TIMES) else value
        for key, value in marks.items()
        if isinstance(value, float)
    }


def median_ms(samples: list[dict[str, float]], mark: str) -> float:
    return round(statistics.median(sample[mark] for sample in samples), 1)


# -- the store ----------------------------------------------------------------------------


def bench_store(documents: int, workdir: Path) -> Path:
    """A store of `documents` synthetic articles with spans (`bench/document_list.py`'s).

    The full-size one is shared with that benchmark at its own location when it is there
    already (building it takes most of a minute); otherwise it is built in `workdir`.
    """
    if documents == DOCUMENTS and _holds(SHARED_STORE, documents):
        return SHARED_STORE
    path = workdir / f"store-{documents}-documents.db"
    cached_file(path, lambda target: _build(target, documents))
    # Opened and closed once under its final name, as a user's store is after the window
    # closed: stamped clean, so a launch does not run the open-time check
    # (`annotator/store/integrity.py`; `_holds` does the same for the shared store).
    _holds(path, documents)
    return path


def _build(target: Path, documents: int) -> None:
    code = (
        "import sys; from pathlib import Path; import document_list; "
        f"document_list.build(Path(sys.argv[1]), {documents}, {WORDS})"
    )
    done = subprocess.run(
        [sys.executable, "-c", code, str(target)],
        env=clean_env(),
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        raise RuntimeError(f"building the store failed: {done.stderr.strip()[-500:]}")


def _holds(path: Path, documents: int) -> bool:
    """Whether `path` is a finished store with `documents` documents in the bench dataset.

    (A write-ahead log beside it is no sign of a build in progress: a probe that exits at
    once leaves one, and SQLite takes it back at the next open. A build under way has
    fewer documents.)
    """
    if not path.exists():
        return False
    code = (
        "import sys; from pathlib import Path; from annotator.store import Store\n"
        "with Store.open(Path(sys.argv[1])) as store:\n"
        f"    found = store.find_dataset({DATASET!r})\n"
        "    print(store.count_documents(found.id) if found else 0)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code, str(path)],
        env=clean_env(),
        capture_output=True,
        text=True,
        check=False,
    )
    return done.returncode == 0 and done.stdout.strip() == str(documents)


if __name__ == "__main__":
    quick = "--quick" in sys.argv
    folder = Path(os.environ.get("BENCH_WORKDIR", tempfile.mkdtemp(prefix="annotator-bench-")))
    print(json.dumps(run(quick, folder)))
