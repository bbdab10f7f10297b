"""`export_memory`: peak resident memory growth of `annotator export` over the large store.

The export of `export_throughput` (same store, same command), run in a fresh child
process that first imports everything the command needs, records its peak resident
memory (VmHWM), runs the command in-process exactly as `python -m annotator` does,
and records the peak again. Value: the growth in MiB; baseline: the peak before the
export; ratio: the peak over that baseline. Target: growth (the value) <= 100 MB.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from bench_export_throughput import export_command, export_store
from common import memory_child, memory_growth, run_python, scaled

DOCUMENTS = 100_000
TARGET_MB = 100.0

_CHILD = memory_child("annotator.cli", "annotator.services.exporting")


def run(quick: bool, workdir: Path) -> dict[str, Any]:
    count = scaled(DOCUMENTS, quick)
    store = export_store(workdir, count)
    out = workdir / "export-memory.jsonl"
    done = run_python(["-c", _CHILD, *export_command(store, out)])
    out.unlink()
    return memory_growth("export_memory", done.stdout, TARGET_MB, documents=count)
