"""`relabel_during_training`: `relabel_latency` while the window trains a model.

The window of `relabel_latency` (its long article: 500,000 characters, 10,000 spans), in a
copy of its store that also holds a training dataset: Prodigy's 500 fashion-brand Reddit
comments (`projects__ner_fashion_brands__fashion_brands_eval.jsonl`, all done) when
`../shared/data/external/` is there, else 400 synthetic comments of brands and cities.
In one child process, one window, relabels of the span nearest the middle of the article
(50 per series, `--quick` 20), each timed until repainted as `relabel_latency` times it:

- `training`: while Model > Train from Done Articles runs `annotator train` on the same
  store file in its child process, as the window starts it (`nice -n 10`), once training
  is in spaCy's loop (its first step line has arrived). In chunks of 10, alternately with
  the child stopped (SIGSTOP: its memory still taken, its processor use none) and
  training, so that a change of the machine's load during the run (others share it)
  weighs on both alike: the stopped chunks are the baseline;
- `not_niced`: the same with the child at the window's own priority;
- `no_child_ms`: the same window before any training child and after both.

The value is the median while training; the ratio is against the stopped chunks. Target:
the median under 16 ms (a frame), as the issue asks; the ratio and the not-niced series
say what the child costs and what `nice` gives back. Each training child is stopped once
its series is measured. The machine has 2 cores: the child takes one, the window the
other, unless other work is running.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import signal
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from bench_open_long_document import (
    ANNOTATOR,
    DATASET,
    WINDOW_SIZE,
    long_store,
    settle_like_the_app,
    start_like_the_app,
)
from bench_relabel_latency import PaintCounter, _series
from common import REPO, clean_env, last_json, result, run_python

RELABELS = {False: 50, True: 20}
CHUNK = 10  # relabels per chunk, alternately with the child stopped and training
TARGET_MS = 16.0
FASHION = (
    REPO.parent
    / "shared"
    / "data"
    / "external"
    / "prodigy"
    / "projects__ner_fashion_brands__fashion_brands_eval.jsonl"
)
TRAINING_DATASET = "fashion"
START_TIMEOUT = 180.0  # seconds for a training child to reach spaCy's loop on a busy machine


def run(quick: bool, workdir: Path) -> dict[str, Any]:
    source = long_store(workdir)
    with tempfile.TemporaryDirectory(dir=workdir, prefix="relabel-training-") as folder:
        db = Path(folder) / "store.db"
        shutil.copyfile(source, db)
        data, origin = training_data(Path(folder))
        home = Path(folder) / "home"
        env = clean_env(XDG_DATA_HOME=str(home / "data"), XDG_CONFIG_HOME=str(home / "config"))
        imported = ["--db", str(db), "-d", TRAINING_DATASET, "--annotator", ANNOTATOR]
        run_python(
            ["-m", "annotator", "import", str(data), *imported, "--preset", "none"],
            env=env,
            timeout=300,
        )
        done = run_python(
            [str(Path(__file__).resolve()), "--child", "--db", str(db)]
            + (["--quick"] if quick else []),
            env={**env, "PROBE_BLOCK_SPACY": "1"},
            timeout=900,
        )
    measured = last_json(done.stdout)
    niced, plain = measured["training"], measured["training_not_niced"]
    value = niced["training"]["median_ms"]
    baseline = niced["stopped"]["median_ms"]
    plain_ms, plain_stopped = plain["training"]["median_ms"], plain["stopped"]["median_ms"]
    return result(
        "relabel_during_training",
        value=value,
        baseline=baseline,
        ratio=round(value / baseline, 2),
        target=TARGET_MS,
        ok=value <= TARGET_MS,
        unit="ms (median)",
        relabels=RELABELS[quick],
        training_data=origin,
        training_p90_ms=niced["training"]["p90_ms"],
        training_max_ms=niced["training"]["max_ms"],
        stopped_p90_ms=niced["stopped"]["p90_ms"],
        not_niced_ms=plain_ms,
        not_niced_stopped_ms=plain_stopped,
        not_niced_ratio=round(plain_ms / plain_stopped, 2),
        not_niced_p90_ms=plain["training"]["p90_ms"],
        no_child_ms=[measured["idle"]["median_ms"], measured["idle_after"]["median_ms"]],
        training_steps_during=[niced["steps"], plain["steps"]],
        load_average=[round(x, 2) for x in os.getloadavg()],
    )


def training_data(folder: Path) -> tuple[Path, str]:
    """The fashion-brand comments when the shared data is there, else synthetic ones."""
    if FASHION.is_file():
        return FASHION, FASHION.name
    brands = ["Gucci", "Prada", "Zara", "Uniqlo", "Levis", "Adidas", "Nike", "Chanel"]
    cities = ["Paris", "London", "Tokyo", "Berlin", "Madrid", "Rome"]
    shapes = [
        "I bought a jacket from {b} when I was in {c} last week.",
        "My sister says {b} shoes are worth it, even in {c}.",
        "Has anyone tried the {b} store in {c}? The jeans fit well.",
        "Nothing from {b} fits me, so I shop elsewhere in {c} now.",
    ]
    pick = random.Random(0)
    path = folder / "comments.jsonl"
    with path.open("w", encoding="utf-8") as out:
        for n in range(400):
            brand, city = pick.choice(brands), pick.choice(cities)
            text = f"{n}. " + pick.choice(shapes).format(b=brand, c=city)
            spans = [
                {"start": text.index(name), "end": text.index(name) + len(name), "label": label}
                for name, label in ((brand, "BRAND"), (city, "GPE"))
            ]
            out.write(json.dumps({"text": text, "spans": spans, "answer": "accept"}) + "\n")
    return path, "synthetic"


# -- the child ----------------------------------------------------------------------------


def summary(samples: list[float]) -> dict[str, float]:
    ordered = sorted(samples)
    return {
        "median_ms": round(statistics.median(samples), 2),
        "p90_ms": round(ordered[int(len(ordered) * 0.9) - 1], 2),
        "max_ms": round(ordered[-1], 2),
    }


def child(db: Path, quick: bool) -> dict[str, Any]:
    start_like_the_app()  # spaCy blocked in this process: the window never imports it here
    os.environ.pop("PROBE_BLOCK_SPACY", None)  # but the training child needs it
    from PySide6.QtCore import QSettings
    from PySide6.QtWidgets import QApplication

    from annotator.app import assemble
    from annotator.core.edits import ReplaceSpan
    from annotator.store import Store
    from annotator.ui.controllers.training import TrainingRequest, train_command

    app = QApplication.instance() or QApplication([])
    store = Store.open(db, annotator=ANNOTATOR)
    dataset = store.get_dataset(DATASET)
    long_id = int(max(store.document_ids(dataset.id)))
    folder = tempfile.mkdtemp(prefix="relabel-settings-")
    settings = QSettings(str(Path(folder) / "settings.ini"), QSettings.Format.IniFormat)
    niced = [True]

    def command(request: TrainingRequest) -> tuple[str, list[str]]:
        return train_command(request, niceness=10 if niced[0] else 0)

    built = assemble(
        store,
        settings,
        annotator=ANNOTATOR,
        training_options=("--max-steps", "100000"),
        training_command=command,
    )
    window, session, training = built.window, built.session, built.training
    window.resize(*WINDOW_SIZE)
    window.show()
    built.workflow.open_dataset(DATASET)
    built.workflow.open_document(long_id)
    view = window.article
    app.processEvents()
    view.repaint()
    deadline = time.perf_counter() + 30
    while not view.formatting_done() and time.perf_counter() < deadline:
        app.processEvents()
    document = session.document
    assert document is not None and document.id == long_id
    middle = len(document.text) // 2
    span = min(document.spans, key=lambda s: abs(s.start - middle))
    built.editing.choose(span)
    app.processEvents()
    view.viewport().repaint()
    settle_like_the_app()
    other = next(label.name for label in dataset.labels if label.name != span.label)
    names = [other, span.label] * (RELABELS[quick] // 2)
    relabelled = [span]

    def one_span(name: str) -> None:
        edit = ReplaceSpan.relabel(relabelled[-1], name)
        if session.edit(edit):
            relabelled.append(edit.new)

    def series() -> dict[str, Any]:
        return _series(app, view, one_span, names, {}, [])

    def timed(chunk: list[str]) -> list[float]:
        """Milliseconds of each relabel until repainted, as `_series` times them."""
        paints = PaintCounter(view.viewport())
        samples = []
        for name in chunk:
            paints.count = 0
            started = time.perf_counter()
            one_span(name)
            app.processEvents()
            if not paints.count:
                view.viewport().repaint()
            samples.append((time.perf_counter() - started) * 1000)
        paints.detach()
        return samples

    def while_training(nice: bool) -> dict[str, Any]:
        """Relabels in chunks, alternately with the child stopped (SIGSTOP: its memory
        there, its processor use not) and training, so that a change of the machine's
        load during the run weighs on both alike."""
        niced[0] = nice
        built.workflow.open_dataset(TRAINING_DATASET)  # train the comments' dataset...
        if not training.start():
            raise RuntimeError("training did not start")
        built.workflow.open_dataset(DATASET)  # ...while the long article is relabelled
        built.workflow.open_document(long_id)
        built.editing.choose(relabelled[-1])
        ended: list[str] = []
        training.failed.connect(ended.append)
        limit = time.perf_counter() + START_TIMEOUT
        while training.last_step is None and training.running:
            if time.perf_counter() > limit:
                raise RuntimeError("training did not reach its first step")
            app.processEvents()
            time.sleep(0.01)
        if not training.running:
            raise RuntimeError(f"training ended before the relabels: {ended}")
        pid = training._process.processId() if training._process is not None else 0
        first = training.last_step
        settle_like_the_app()
        running: list[float] = []
        stopped: list[float] = []
        for start in range(0, len(names), CHUNK):
            chunk = names[start : start + CHUNK]
            os.kill(pid, signal.SIGSTOP)
            stopped += timed(chunk)
            os.kill(pid, signal.SIGCONT)
            time.sleep(0.2)  # the child has the processor again
            running += timed(chunk)
        if not training.running:
            raise RuntimeError("training ended during the relabels")
        last = training.last_step
        training.cancel()
        training.cancel()  # the second ends the child at once: its version is not wanted
        while training.running:
            app.processEvents()
            time.sleep(0.01)
        steps = (last.step if last else 0) - (first.step if first else 0)
        return {"training": summary(running), "stopped": summary(stopped), "steps": steps}

    idle = series()
    training_niced = while_training(True)
    training_plain = while_training(False)
    idle_after = series()
    stored = store.get_document(long_id)
    labels = {s.label for s in stored.spans if (s.start, s.end) == (span.start, span.end)}
    if labels != {span.label}:
        raise RuntimeError(f"the relabels did not land: {labels}")
    built.worker.shutdown()
    store.close()
    return {
        "idle": idle,
        "training": training_niced,
        "training_not_niced": training_plain,
        "idle_after": idle_after,
    }


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--child", action="store_true")
    parser.add_argument("--db", type=Path)
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args()
    if args.child:
        print(json.dumps(child(args.db, args.quick)))
    else:
        folder = Path(os.environ.get("BENCH_WORKDIR", tempfile.mkdtemp(prefix="annotator-bench-")))
        print(json.dumps(run(args.quick, folder)))
        sys.exit(0)
