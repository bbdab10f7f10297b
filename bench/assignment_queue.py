"""Work assignment over a large dataset: dealing it, and what the window reads of a queue.

    python bench/assignment_queue.py [--db PATH] [--annotators 3] [--overlap 2]

Works on a copy of the store `document_list.py` builds (100,000 articles; built first
if missing), made in the same folder and deleted afterwards. Measures, median of 5
(assign: once):

- `assign` of every document to OVERLAP of ANNOTATORS annotators, in one transaction;
- the document list's ids with "Assigned to me", in id order, with the open statuses,
  and sorted by status, against the same lists without it (the baseline);
- a page of 200 rows (their summaries, with the others' progress);
- the next open document of the queue, from its start and from its middle;
- each queue's progress (`annotator assign` without --annotators, `stats`).

Prints one JSON object.
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).parent))

from annotator.core.assignment import queues
from annotator.core.summaries import OPEN_STATUSES, DocumentQuery
from annotator.store import Store

DEFAULT_DB = Path("/tmp") / "annotator-bench" / "document-list.db"


def _median_ms(run: Callable[[], object], repeat: int = 5) -> float:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        run()
        times.append(time.perf_counter() - started)
    return round(statistics.median(times) * 1000, 1)


def measure(path: Path, annotators: int, overlap: int) -> dict[str, Any]:
    names = [f"annotator{i}" for i in range(annotators)]
    ms: dict[str, float] = {}
    with Store.open(path, annotator=names[0]) as store:
        dataset = store.get_dataset("bench")
        started = time.perf_counter()
        report = store.assign(dataset.id, names, overlap, replace=True)
        ms["assign"] = round((time.perf_counter() - started) * 1000, 1)
        queue = queues(report.dealt)[names[0]]
        mine = names[0]
        for title, query in (
            ("ids, id order", DocumentQuery()),
            ("ids, open", DocumentQuery(statuses=OPEN_STATUSES)),
            ("ids, by status", DocumentQuery(sort="status")),
        ):
            ms[f"{title}: every document"] = _median_ms(
                lambda q=query: store.matching_ids(dataset.id, q)
            )
            assigned = DocumentQuery(statuses=query.statuses, sort=query.sort, assigned=mine)
            ms[f"{title}: assigned to me"] = _median_ms(
                lambda q=assigned: store.matching_ids(dataset.id, q)
            )
        page = queue[len(queue) // 2 : len(queue) // 2 + 200]
        ms["a page of 200 rows with the others' progress"] = _median_ms(
            lambda: store.summaries_of(page)
        )
        ms["next in queue, from its start"] = _median_ms(
            lambda: store.next_in_queue(dataset.id, None)
        )
        ms["next in queue, from its middle"] = _median_ms(
            lambda: store.next_in_queue(dataset.id, queue[len(queue) // 2])
        )
        ms["each queue's progress"] = _median_ms(lambda: store.queue_progress(dataset.id))
        documents = store.count_documents(dataset.id)
    return {
        "name": "assignment_queue",
        "documents": documents,
        "annotators": annotators,
        "overlap": overlap,
        "assigned to the first": len(queue),
        "ms": ms,
    }


def main(argv: list[str] | None = None) -> dict[str, Any]:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", type=Path, default=DEFAULT_DB)
    parser.add_argument("--annotators", type=int, default=3)
    parser.add_argument("--overlap", type=int, default=2)
    args = parser.parse_args(argv)
    if not args.db.exists():
        builder = Path(__file__).with_name("document_list.py")
        subprocess.run(
            [sys.executable, str(builder), "--role", "build", "--db", str(args.db)], check=True
        )
    copy = args.db.with_name(args.db.stem + "-assigned.db")
    shutil.copyfile(args.db, copy)
    try:
        result = measure(copy, args.annotators, args.overlap)
    finally:
        for pattern in (f"{copy.name}*", f".{copy.name}*"):  # its -wal, backups, stamp
            for leftover in copy.parent.glob(pattern):
                leftover.unlink()
    print(json.dumps(result, indent=2, ensure_ascii=False))
    return result


if __name__ == "__main__":
    main()
