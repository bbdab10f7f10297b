"""`store_memory`: resident memory of the window with a 100,000-document store open.

Fresh processes, launched like `bench_startup.py`'s (the same probe): the app opens the
store, shows its first dataset's document list and the first article, then waits half a
second and reads its resident memory (`VmRSS`, and the peak `VmHWM`) from `/proc`. The
baseline is a bare PySide6 window, painted, read the same way. The value is the growth.

The spaCy pipeline is kept out of these launches (the probe makes `import spacy` fail, so
the worker reports the model as missing at once): its memory does not depend on the store
and it loads whenever it is ready. What it adds is measured on its own in the same run,
in a child that loads the pipeline the worker would, and reported as `model_mb`
(informational: `with_model_growth_mb` adds it to the growth).

Target: growth <= 150 MB. Quick: a 10,000-document store, fewer launches.
"""

from __future__ import annotations

import json
import os
import statistics
import sys
import tempfile
from pathlib import Path
from typing import Any

from bench_startup import DOCUMENTS, bench_store, launch
from common import last_json, result, run_python, scaled

TARGET_GROWTH_MB = 150
LAUNCHES = {False: 3, True: 2}
SETTLE_MS = 1500  # past the app's own settling (`annotator.ui.shell.launch.SETTLE_MS`)

# Resident memory a Qt application gains by loading the worker's pipeline.
MODEL_PROBE = r"""
import json
from PySide6.QtWidgets import QApplication
app = QApplication([])

def rss_mb():
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024

before = rss_mb()
from annotator.nlp.models import load_pipeline, resolve_model
choice = resolve_model(None, None)
nlp = None if choice is None else load_pipeline(choice)
if nlp is not None:
    nlp("Anna Berg met officials of the Red Cross in Nairobi on 3 May 2024.")
print(json.dumps({"model": None if choice is None else choice.name, "mb": rss_mb() - before}))
"""


def run(quick: bool, workdir: Path) -> dict[str, Any]:
    documents = scaled(DOCUMENTS, quick)
    db = bench_store(documents, workdir)
    bare: list[dict[str, float]] = []
    app: list[dict[str, float]] = []
    for _ in range(LAUNCHES[quick]):
        bare.append(launch("bare", db, workdir, settle_ms=SETTLE_MS))
        app.append(launch("app", db, workdir, settle_ms=SETTLE_MS, block_spacy=True))
    bare_mb = statistics.median(sample["rss_mb"] for sample in bare)
    app_mb = statistics.median(sample["rss_mb"] for sample in app)
    growth = app_mb - bare_mb
    model = last_json(run_python(["-c", MODEL_PROBE]).stdout)
    model_mb = float(model["mb"])
    return result(
        "store_memory",
        value=round(growth, 1),
        baseline=round(bare_mb, 1),
        ratio=None,
        target=TARGET_GROWTH_MB,
        ok=growth <= TARGET_GROWTH_MB,
        unit="MB growth (RSS)",
        documents=documents,
        app_rss_mb=round(app_mb, 1),
        bare_rss_mb=round(bare_mb, 1),
        app_peak_rss_mb=round(statistics.median(s["peak_rss_mb"] for s in app), 1),
        store_mb=round(db.stat().st_size / 2**20),
        model=model["model"],
        model_mb=round(model_mb, 1),
        with_model_growth_mb=round(growth + model_mb, 1),
    )


if __name__ == "__main__":
    quick = "--quick" in sys.argv
    folder = Path(os.environ.get("BENCH_WORKDIR", tempfile.mkdtemp(prefix="annotator-bench-")))
    print(json.dumps(run(quick, folder)))
