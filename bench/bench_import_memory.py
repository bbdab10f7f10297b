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

from common import cached_file, memory_child, memory_growth, run_python, scaled

RECORDS = 1_500_000
TARGET_MB = 200.0

_CHILD = memory_child("annotator.cli", "annotator.services.importing", "annotator.store")


def run(quick: bool, workdir: Path) -> dict[str, Any]:
    count = scaled(RECORDS, quick)
    source = cached_file(workdir / f"import-memory-{count}.jsonl", lambda p: _write(p, count))
    db = workdir / "import-memory.db"
    for suffix in ("", "-wal", "-shm"):
        Path(f"{db}{suffix}").unlink(missing_ok=True)
    done = run_python(["-c", _CHILD, "import", str(source), "--dataset", "bench", "--db", str(db)])
    if f"Imported {count} document(s)" not in done.stdout:
        raise RuntimeError(f"the import did not store {count} documents: {done.stdout[-300:]}")
    file_mb = round(source.stat().st_size / 2**20, 1)
    return memory_growth("import_memory", done.stdout, TARGET_MB, records=count, file_mb=file_mb)


def _write(path: Path, count: int) -> None:
    with path.open("w", encoding="utf-8") as handle:
        for number in range(count):
            handle.write(json.dumps({"text": f"Report {number}"}, separators=(",", ":")) + "\n")
