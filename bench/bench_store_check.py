"""`store_check`: what checking the file costs when the 100,000-document store opens.

Opening a store runs SQLite's `PRAGMA quick_check` only when the file is not as the
program left it at its last clean close (`annotator/store/integrity.py`); otherwise the
check is a `stat` of the file and the read of its small stamp. Measured in this process,
on the store `bench_startup.py` uses, after one open to bring it into the page cache
(ordinary and unchecked opens interleaved, medians):

- value: `Store.open` + `close` as every ordinary open does it (the stamp matches);
- baseline: the same open with the check left out entirely (the stamp is not read);
- `check_ms`: the open that does run `quick_check` (after a crash, a restored or copied
  file), and `quick_check_ms`, the check alone, and `integrity_check_ms`, what
  `annotator store check` runs;
- `file_mb`: the size of the store file.

Target: ratio <= 1.1 (the ordinary open barely pays for the check), and the open that
checks within 2 s (a frame is painted while the store opens: `startup`'s first paint does
not wait for it). Quick: a 10,000-document store.
"""

from __future__ import annotations

import json
import os
import statistics
import sys
import tempfile
from pathlib import Path
from typing import Any

from bench_startup import DOCUMENTS, bench_store
from common import median_seconds, result, scaled, timed

from annotator.store import Store, integrity

TARGET_RATIO = 1.1
TARGET_CHECK_MS = 2000
RUNS = {False: 41, True: 21}
CHECK_RUNS = 3


def run(quick: bool, workdir: Path) -> dict[str, Any]:
    documents = scaled(DOCUMENTS, quick)
    db = bench_store(documents, workdir)
    runs = RUNS[quick]

    def open_and_close() -> None:
        Store.open(db).close()

    open_and_close()  # warm-up: pages into the cache, and the stamp of a clean close
    assert integrity.known_clean(db), "the store was not stamped clean after closing"

    real_known_clean = integrity.known_clean

    def open_unchecked() -> None:
        integrity.known_clean = lambda path: True  # type: ignore[assignment]
        try:
            open_and_close()
        finally:
            integrity.known_clean = real_known_clean  # type: ignore[assignment]

    ordinary_runs: list[float] = []
    unchecked_runs: list[float] = []
    for number in range(runs):  # interleaved, either first in turn: noise falls on both
        pair = [(ordinary_runs, open_and_close), (unchecked_runs, open_unchecked)]
        for samples, action in pair if number % 2 else reversed(pair):
            samples.append(timed(action)[0])
    ordinary = statistics.median(ordinary_runs)
    unchecked = statistics.median(unchecked_runs)

    def open_after_a_change() -> None:
        integrity.forget_clean(db)
        open_and_close()

    checked = median_seconds(open_after_a_change, CHECK_RUNS)
    quick_check = median_seconds(lambda: integrity.problems(db), CHECK_RUNS)
    integrity_check = median_seconds(lambda: integrity.problems(db, thorough=True), 1)
    value, baseline = ordinary * 1000, unchecked * 1000
    ratio = value / baseline
    return result(
        "store_check",
        value=value,
        baseline=baseline,
        ratio=ratio,
        target=TARGET_RATIO,
        unit="ms",
        higher_is_better=False,
        ok=ratio <= TARGET_RATIO and checked * 1000 <= TARGET_CHECK_MS,
        documents=documents,
        runs=runs,
        check_ms=round(checked * 1000, 1),
        check_target_ms=TARGET_CHECK_MS,
        quick_check_ms=round(quick_check * 1000, 1),
        integrity_check_ms=round(integrity_check * 1000, 1),
        file_mb=round(db.stat().st_size / 2**20, 1),
    )


if __name__ == "__main__":
    quick = "--quick" in sys.argv
    folder = Path(os.environ.get("BENCH_WORKDIR", tempfile.mkdtemp(prefix="annotator-bench-")))
    print(json.dumps(run(quick, folder)))
