"""`export_memory`: peak resident memory growth of `annotator export` over the large store.

The export of `export_throughput` (same store, same command), run in a fresh child
process that first imports everything the command needs, records its peak resident
memory (`ru_maxrss`), runs the command in-process exactly as `python -m annotator` does,
and records the peak again. Value: the growth in MiB; baseline: the peak before the
export; ratio: the peak over that baseline. Target: growth (the value) <= 100 MB.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from bench_export_throughput import export_command, export_store
from common import last_json, run_python, scaled

DOCUMENTS = 100_000
TARGET_MB = 100.0

# Runs in the child: argv[1:] are the arguments of `annotator`.
_CHILD = """
import json, resource, sys

def peak_mb():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

import annotator.app
import annotator.cli
import annotator.services.exporting
before = peak_mb()
try:
    annotator.app.main(sys.argv[1:])
except SystemExit as done:
    if done.code:
        raise
print(json.dumps({"before_mb": before, "after_mb": peak_mb()}))
"""


def run(quick: bool, workdir: Path) -> dict[str, Any]:
    count = scaled(DOCUMENTS, quick)
    store = export_store(workdir, count)
    out = workdir / "export-memory.jsonl"
    done = run_python(["-c", _CHILD, *export_command(store, out)])
    out.unlink()
    measured = last_json(done.stdout)
    before = float(measured["before_mb"])
    growth = float(measured["after_mb"]) - before
    return {
        "name": "export_memory",
        "value": round(growth, 1),
        "baseline": round(before, 1),
        "ratio": round((before + growth) / before, 3),  # peak over the process before
        "target": TARGET_MB,
        "ok": growth <= TARGET_MB,
        "unit": "MB",
        "peak_mb": round(before + growth, 1),
        "documents": count,
    }
