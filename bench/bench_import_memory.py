"""`import_memory`: peak resident memory growth of `annotator import` of a large JSONL file.

1.5 million tiny Prodigy-style records (150,000 with `--quick`), one per line, as a
JSONL file of some 40 MB: the case where per-record bookkeeping, not text, decides the
memory. The import runs in a fresh child process that first imports everything the
command needs, records its peak resident memory (VmHWM), runs
`annotator import FILE --dataset NAME --db STORE` in-process exactly as `python -m
annotator` does, and records the peak again. Value: the growth in MiB; baseline: the peak
before the import; ratio: the peak over that baseline. Target: growth <= 200 MB, whatever
the file's size (before streaming: about 800 bytes a record, 1.19 GB here).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from common import cached_file, last_json, run_python, scaled

RECORDS = 1_500_000
TARGET_MB = 200.0

# Runs in the child: argv[1:] are the arguments of `annotator`.
_CHILD = """
import json, sys

def peak_mb():  # VmHWM: ru_maxrss would include the parent's peak, inherited across exec
    with open("/proc/self/status") as status:
        return next(int(l.split()[1]) for l in status if l.startswith("VmHWM:")) / 1024

import annotator.app
import annotator.cli
import annotator.services.importing
import annotator.store
before = peak_mb()
try:
    annotator.app.main(sys.argv[1:])
except SystemExit as done:
    if done.code:
        raise
print(json.dumps({"before_mb": before, "after_mb": peak_mb()}))
"""


def run(quick: bool, workdir: Path) -> dict[str, Any]:
    count = scaled(RECORDS, quick)
    source = cached_file(workdir / f"import-memory-{count}.jsonl", lambda p: _write(p, count))
    db = workdir / "import-memory.db"
    for suffix in ("", "-wal", "-shm"):
        Path(f"{db}{suffix}").unlink(missing_ok=True)
    done = run_python(["-c", _CHILD, "import", str(source), "--dataset", "bench", "--db", str(db)])
    if f"Imported {count} document(s)" not in done.stdout:
        raise RuntimeError(f"the import did not store {count} documents: {done.stdout[-300:]}")
    measured = last_json(done.stdout)
    before = float(measured["before_mb"])
    growth = float(measured["after_mb"]) - before
    return {
        "name": "import_memory",
        "value": round(growth, 1),
        "baseline": round(before, 1),
        "ratio": round((before + growth) / before, 3),  # peak over the process before
        "target": TARGET_MB,
        "ok": growth <= TARGET_MB,
        "unit": "MB",
        "peak_mb": round(before + growth, 1),
        "records": count,
        "file_mb": round(source.stat().st_size / 2**20, 1),
    }


def _write(path: Path, count: int) -> None:
    with path.open("w", encoding="utf-8") as handle:
        for number in range(count):
            handle.write(json.dumps({"text": f"Report {number}"}, separators=(",", ":")) + "\n")
