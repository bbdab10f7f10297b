"""Import memory does not grow with the file: it streams, checks, then streams again.

Each import runs in a child process that reports its own peak resident memory; the peak
importing a one-record file is the baseline, measured in the same run. The full figure
(1.5 million records) is `bench/bench_import_memory.py`'s.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

RECORDS = 100_000
GROWTH_MB = 20  # measured: under 1 MB; before streaming, 78 MB and 120 MB

# The peak is the child's own VmHWM: `ru_maxrss` would include the parent's peak, which a
# child started by fork and exec inherits on Linux.
PROGRAM = """
import sys
from annotator.cli.main import main
try:
    main(["import", *sys.argv[1:]])
except SystemExit as stop:
    code = stop.code
with open("/proc/self/status") as status:
    peak = next(int(line.split()[1]) for line in status if line.startswith("VmHWM:"))
print("peak", peak / 1024, code)
"""


def peak_mb(source: Path, db: Path) -> tuple[float, str]:
    done = subprocess.run(
        [sys.executable, "-c", PROGRAM, str(source), "--db", str(db)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    last = done.stdout.strip().splitlines()[-1].split()
    assert last[0] == "peak", done.stdout + done.stderr[-2000:]
    return float(last[1]), done.stdout + done.stderr


@pytest.fixture(scope="module")
def baseline(tmp_path_factory: pytest.TempPathFactory) -> float:
    folder = tmp_path_factory.mktemp("baseline")
    one = folder / "one.jsonl"
    one.write_text('{"text": "Report 0 from Accra."}\n', encoding="utf-8")
    peak, _ = peak_mb(one, folder / "store.db")
    return peak


@pytest.mark.slow
def test_many_small_records_import_in_flat_memory(baseline: float, tmp_path: Path) -> None:
    path = tmp_path / "wire.jsonl"
    with path.open("w", encoding="utf-8") as handle:
        for n in range(RECORDS):
            handle.write(json.dumps({"text": f"Report {n} from Accra."}) + "\n")
    peak, output = peak_mb(path, tmp_path / "store.db")
    assert f"Imported {RECORDS} document(s)" in output
    assert peak - baseline < GROWTH_MB, f"{peak:.0f} MB against {baseline:.0f} MB"


def test_a_huge_article_is_refused_before_it_is_read_whole(baseline: float, tmp_path: Path) -> None:
    path = tmp_path / "corpus.txt"
    line = "The storm reached the coast at dawn and the harbour closed. " * 20 + "\n"
    with path.open("w", encoding="utf-8") as handle:
        for _ in range(60 * 1024 * 1024 // len(line)):  # 60 MB: 6 times the largest article
            handle.write(line)
    peak, output = peak_mb(path, tmp_path / "store.db")
    assert peak - baseline < GROWTH_MB, f"{peak:.0f} MB against {baseline:.0f} MB"
    assert "is larger than the 10,000,000 characters an article may have" in output
