"""`export_memory_server`: `annotator export` from a team's PostgreSQL store keeps the flat
memory it has on a file.

The store of `export_throughput` (100,000 documents, 1,000,000 spans; 10,000 with
`--quick`) is built again, with the same bulk insert, in a database of a throwaway
PostgreSQL server (Debian's programs, the tests' own `PostgresServer`, on a socket in the
work folder). Measured as `export_memory` measures the file: a fresh child imports what
the command needs, notes its peak resident memory (VmHWM), runs `annotator --db URL export
OUT --status all --include-suggestions` in-process and notes the peak again. Value: that
growth in MiB; baseline: the same export's growth from the file store, in the same run;
ratio: the first over the second. Target: the growth <= 100 MB, as on a file (the export
reads through server-side cursors, a batch of rows at a time).
"""

from __future__ import annotations

import sys
import time
from pathlib import Path
from typing import Any

from bench_export_throughput import build_store, export_command, export_store
from common import BENCH, last_json, memory_child, run_python, scaled

DOCUMENTS = 100_000
TARGET_MB = 100.0

_CHILD = memory_child("annotator.cli", "annotator.services.exporting", "psycopg")


def run(quick: bool, workdir: Path) -> dict[str, Any]:
    sys.path.insert(0, str(BENCH.parent))  # tests/postgres_server.py
    from tests.postgres_server import PostgresServer, server_binaries

    binaries = server_binaries()
    if binaries is None:
        raise RuntimeError("PostgreSQL's server programs are missing (apt-get install postgresql)")
    count = scaled(DOCUMENTS, quick)
    out = workdir / "export-memory-server.jsonl"
    store = export_store(workdir, count)
    on_file = _growth(run_python(["-c", _CHILD, *export_command(store, out)]))
    server = PostgresServer(binaries)
    try:
        server.start()
        server.sql("CREATE DATABASE bench")
        url = server.url("bench").replace("postgresql+psycopg://", "postgresql://")
        started = time.perf_counter()
        build_store(url, count)
        built = time.perf_counter() - started
        done = run_python(["-c", _CHILD, *export_command(url, out)])
        size = server.sql("SELECT pg_database_size('bench')")
    finally:
        server.stop()
    lines = sum(1 for _ in out.open(encoding="utf-8"))
    out.unlink()
    if lines != count:
        raise RuntimeError(f"the export wrote {lines} lines for {count} documents")
    growth = _growth(done)
    return {
        "name": "export_memory_server",
        "value": round(growth, 1),
        "baseline": round(on_file, 1),
        "ratio": round(growth / on_file, 3) if on_file > 0 else None,
        "target": TARGET_MB,
        "ok": growth <= TARGET_MB,
        "unit": "MB",
        "documents": count,
        "peak_mb": round(float(last_json(done.stdout)["after_mb"]), 1),
        "database_mb": round(int(size) / 2**20, 1),
        "build_seconds": round(built, 1),
    }


def _growth(done: Any) -> float:
    measured = last_json(done.stdout)
    return float(measured["after_mb"]) - float(measured["before_mb"])
