"""`startup_interactive`: launch until the window can be used, with a 100,000-document store.

"Usable" is the later of three marks in the app's process: the document list has painted
rows, the article has painted its text, and a key queued the moment both were painted
has been delivered (the event loop is free to answer keys, not busy finishing the start).
The launches are `bench_startup.py`'s (the same probe and store, a fresh settings folder
each, so the window opens the store's one dataset at its first open article), and the
baseline is the same: a bare PySide6 `QMainWindow`'s first paint, launched the same way,
interleaved with the app's launches in this run. Target: ratio <= 2.5.
Quick: a 10,000-document store and fewer launches.
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
from pathlib import Path
from typing import Any

from bench_startup import DOCUMENTS, LAUNCHES, bench_store, launch, median_ms
from common import result, scaled

TARGET_RATIO = 2.5


def run(quick: bool, workdir: Path) -> dict[str, Any]:
    documents = scaled(DOCUMENTS, quick)
    db = bench_store(documents, workdir)
    launches = LAUNCHES[quick]
    for kind in ("bare", "app"):  # warm-up: files into the page cache, not measured
        launch(kind, db, workdir)
    samples: dict[str, list[dict[str, float]]] = {"bare": [], "app": []}
    for _ in range(launches):
        for kind, runs in samples.items():
            runs.append(launch(kind, db, workdir))
    bare = median_ms(samples["bare"], "first_paint")
    interactive = median_ms(samples["app"], "interactive")
    return result(
        "startup_interactive",
        value=interactive,
        baseline=bare,
        ratio=interactive / bare,
        target=TARGET_RATIO,
        unit="ms",
        higher_is_better=False,
        documents=documents,
        launches=launches,
        first_paint_ms=median_ms(samples["app"], "first_paint"),
        list_painted_ms=median_ms(samples["app"], "list_painted"),
        article_painted_ms=median_ms(samples["app"], "article_painted"),
    )


if __name__ == "__main__":
    quick = "--quick" in sys.argv
    folder = Path(os.environ.get("BENCH_WORKDIR", tempfile.mkdtemp(prefix="annotator-bench-")))
    print(json.dumps(run(quick, folder)))
