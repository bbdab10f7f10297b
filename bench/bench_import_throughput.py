"""`import_throughput`: `annotator import` of text files and of a Prodigy JSONL, docs/s.

The same 20,000 synthetic news articles (about 600 words each; 2,000 with `--quick`) as
one `.txt` file each in a folder, and as one Prodigy JSONL of input tasks (`text`, `meta`
and Prodigy's hashes, one line per article). Each is imported as a user does, by a new
process `python -m annotator import PATH --dataset NAME --db FILE` into a new store, and
timed from launch to exit.

The baseline, in this process with no store: list the folder and read and decode each
file; read the JSONL and `json.loads` each line. Target, for both inputs: ratio (import
docs/s over baseline docs/s) >= 0.5, and >= 2,000 docs/s. `value` and `ratio` are those
of the worse input; both are reported.

`limits` says how close any import started as a command could come: the start-up of
`python -m annotator --version` (median of 3), and the least a store write costs (each
text hashed and inserted by plain `sqlite3` into a store's own schema, in transactions of
2,000 documents, nothing else). `best_ratio` is the baseline over baseline + start-up +
that write: the ratio an import with no work of its own beyond reading would reach.

`spans`: the files people import usually carry annotations. 10,000 of the same articles
(1,000 with `--quick`), each with its first 10 names, places, organisations and dates as
accepted spans, as one Prodigy JSONL; every gold span is checked against spaCy's tokens.
Its baseline is spaCy's tokenizer alone over the same texts on the same cores (one
process per core, each with its share of the texts already read, timed from a common
start to the last one done). Target: import seconds over tokenizer seconds <= 1.5 (a
time ratio: lower is better), with the import's peak memory (its own and its worker
processes') under 200 MB each. It is reported beside the others and counts in `ok`.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from common import (
    cached_file,
    clean_env,
    last_json,
    name_spans,
    run_annotator,
    run_python,
    scaled,
    timed,
)
from synthetic import articles

DOCUMENTS = 20_000
WORDS = 600
TARGET_RATIO = 0.5
TARGET_DOCS_PER_SECOND = 2000.0
SPAN_DOCUMENTS = 10_000
SPANS_PER_DOCUMENT = 10
TARGET_SPANS_RATIO = 1.5  # import seconds over tokenizer seconds
TARGET_PEAK_MB = 200.0


def run(quick: bool, workdir: Path) -> dict[str, Any]:
    count = scaled(DOCUMENTS, quick)
    data = workdir / f"import-{count}x{WORDS}"
    folder = cached_file(data / "articles", lambda path: _write_texts(path, count))
    jsonl = cached_file(data / "articles.jsonl", lambda path: _write_jsonl(path, count))
    inputs = {"txt": (folder, _read_texts), "jsonl": (jsonl, _read_jsonl)}
    figures: dict[str, dict[str, Any]] = {}
    for kind, (source, baseline_read) in inputs.items():
        baseline, read = timed(lambda read=baseline_read, source=source: read(source))
        if read != count:
            raise RuntimeError(f"the baseline read {read} {kind} documents, not {count}")
        figures[kind] = _figures(count, baseline, _import(source, data / f"{kind}.db", count))
    startup = statistics.median(run_annotator("--version") for _ in range(3))
    write = _least_write(folder, data / "least-write.db")
    for item in figures.values():
        baseline = item["seconds"]["baseline"]
        item["best_ratio"] = round(baseline / (baseline + startup + write), 3)
    limits = {"startup_s": round(startup, 2), "least_write_s": round(write, 2)}
    worse = min(figures.values(), key=lambda item: (item["ok"], item["ratio"]))
    spans = _with_spans(quick, workdir)
    return {
        "name": "import_throughput",
        "value": worse["docs/s"],
        "baseline": worse["baseline docs/s"],
        "ratio": worse["ratio"],
        "target": TARGET_RATIO,
        "ok": all(item["ok"] for item in figures.values()) and spans["ok"],
        "unit": "docs/s",
        "target_docs_per_second": TARGET_DOCS_PER_SECOND,
        "documents": count,
        "words": WORDS,
        **figures,
        "spans": spans,
        "limits": limits,
    }


def _figures(count: int, baseline: float, measured: float) -> dict[str, Any]:
    ratio = baseline / measured
    rate = count / measured
    return {
        "docs/s": round(rate),
        "baseline docs/s": round(count / baseline),
        "ratio": round(ratio, 3),
        "ok": ratio >= TARGET_RATIO and rate >= TARGET_DOCS_PER_SECOND,
        "seconds": {"import": round(measured, 2), "baseline": round(baseline, 2)},
    }


def _import(source: Path, db: Path, count: int) -> float:
    """Seconds for `annotator import` of `source` into a new store at `db`."""
    for suffix in ("", "-wal", "-shm"):
        Path(f"{db}{suffix}").unlink(missing_ok=True)
    seconds = run_annotator("import", str(source), "--dataset", "bench", "--db", str(db))
    _check_count(db, count)
    return seconds


def _check_count(db: Path, count: int) -> None:
    from annotator.store import Store

    with Store.open(db) as store:
        dataset = store.get_dataset("bench")
        held = store.count_documents(dataset.id)
    if held != count:
        raise RuntimeError(f"the import stored {held} documents, not {count}")


# -- with spans: against spaCy's tokenizer alone -------------------------------------------

# Runs the import in a child that reports its own peak memory and its workers' (for these,
# `ru_maxrss`, which may include what they inherited: an upper bound).
_IMPORT_CHILD = """
import json, resource, sys, time
started = time.perf_counter()
from annotator.app import main
try:
    main(sys.argv[1:])
except SystemExit as done:
    if done.code:
        raise
with open("/proc/self/status") as status:  # not ru_maxrss: it keeps the parent's peak
    peak = next(int(line.split()[1]) for line in status if line.startswith("VmHWM:")) / 1024
print(json.dumps({
    "seconds": time.perf_counter() - started,
    "peak_mb": peak,
    "workers_peak_mb": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024,
}))
"""

# One tokenizer process per core: read its share, wait for the start, tokenize, report.
_TOKENIZER_CHILD = """
import json, sys, time
import spacy
path, share, shares, start_at = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), float(sys.argv[4])
with open(path, encoding="utf-8") as handle:
    texts = [json.loads(line)["text"] for n, line in enumerate(handle) if n % shares == share]
nlp = spacy.blank("en")
if time.time() > start_at:
    raise SystemExit("not ready at the start: give the processes longer")
while time.time() < start_at:
    time.sleep(0.001)
for doc in nlp.tokenizer.pipe(texts, batch_size=256):
    pass
print(json.dumps({"done_at": time.time(), "texts": len(texts)}))
"""


def _with_spans(quick: bool, workdir: Path) -> dict[str, Any]:
    from annotator.nlp import worker_count

    count = scaled(SPAN_DOCUMENTS, quick)
    source = cached_file(
        workdir / f"import-spans-{count}x{WORDS}.jsonl", lambda p: _write_spans(p, count)
    )
    cores = worker_count()
    tokenizer = _tokenizer_seconds(source, cores)
    db = workdir / "import-spans.db"
    for suffix in ("", "-wal", "-shm"):
        Path(f"{db}{suffix}").unlink(missing_ok=True)
    done = run_python(
        ["-c", _IMPORT_CHILD, "import", str(source), "--dataset", "bench", "--db", str(db)]
    )
    measured = last_json(done.stdout)
    _check_count(db, count)
    seconds = float(measured["seconds"])
    ratio = seconds / tokenizer
    peaks = float(measured["peak_mb"]), float(measured["workers_peak_mb"])
    return {
        "documents": count,
        "spans": count * SPANS_PER_DOCUMENT,
        "file_mb": round(source.stat().st_size / 2**20, 1),
        "cores": cores,
        "docs/s": round(count / seconds),
        "seconds": {"import": round(seconds, 2), "tokenizer": round(tokenizer, 2)},
        "ratio": round(ratio, 3),
        "target": TARGET_SPANS_RATIO,
        "peak_mb": round(peaks[0], 1),
        "workers_peak_mb": round(peaks[1], 1),
        "ok": ratio <= TARGET_SPANS_RATIO and max(peaks) <= TARGET_PEAK_MB,
    }


def _tokenizer_seconds(source: Path, cores: int) -> float:
    """Wall seconds for spaCy's tokenizer over the file's texts, one process per core."""
    start_at = time.time() + 20  # every process has read its texts and loaded spaCy by then
    children = [
        subprocess.Popen(
            [
                sys.executable,
                "-c",
                _TOKENIZER_CHILD,
                str(source),
                str(n),
                str(cores),
                str(start_at),
            ],
            stdout=subprocess.PIPE,
            text=True,
            env=clean_env(),
        )
        for n in range(cores)
    ]
    finished = [json.loads(child.communicate()[0].strip().splitlines()[-1]) for child in children]
    if any(child.returncode for child in children):
        raise RuntimeError("a tokenizer process failed")
    return max(item["done_at"] for item in finished) - start_at


def _write_spans(path: Path, count: int) -> None:
    with path.open("w", encoding="utf-8") as handle:
        for number, text in enumerate(articles(count, words=WORDS)):
            spans = [
                {"start": start, "end": end, "label": label}
                for start, end, label in name_spans(text, SPANS_PER_DOCUMENT)
            ]
            task = {"text": text, "spans": spans, "answer": "accept", "meta": {"id": number}}
            handle.write(json.dumps(task, ensure_ascii=False) + "\n")


# -- the baseline: the same bytes read and parsed, nothing stored -------------------------


def _read_texts(folder: Path) -> int:
    read = 0
    for path in sorted(folder.iterdir()):
        if path.read_bytes().decode("utf-8"):
            read += 1
    return read


def _read_jsonl(path: Path) -> int:
    read = 0
    with path.open(encoding="utf-8") as handle:
        for line in handle:
            if line.strip() and json.loads(line):
                read += 1
    return read


def _least_write(folder: Path, db: Path) -> float:
    """Seconds to hash and insert the folder's texts with plain sqlite3 (the store's schema)."""
    from annotator.store import Store

    for suffix in ("", "-wal", "-shm"):
        Path(f"{db}{suffix}").unlink(missing_ok=True)
    with Store.open(db) as store:
        dataset_id = store.create_dataset("bench").id
    texts = [path.read_text(encoding="utf-8") for path in sorted(folder.iterdir())]
    connection = sqlite3.connect(db, isolation_level=None)
    connection.execute("PRAGMA synchronous = NORMAL")
    started = time.perf_counter()
    for first in range(0, len(texts), 2000):
        now = time.time()
        connection.execute("BEGIN IMMEDIATE")
        connection.executemany(
            "INSERT INTO document (dataset_id, text, meta, extra, source, input_hash,"
            " created_at, updated_at) VALUES (?, ?, '{}', '{}', '', ?, ?, ?)",
            (
                (dataset_id, text, hashlib.sha1(text.encode()).hexdigest(), now, now)
                for text in texts[first : first + 2000]
            ),
        )
        connection.execute("COMMIT")
    seconds = time.perf_counter() - started
    connection.close()
    return seconds


# -- the data --------------------------------------------------------------------------


def _write_texts(folder: Path, count: int) -> None:
    folder.mkdir(parents=True)
    for number, text in enumerate(articles(count, words=WORDS)):
        # newline="" keeps the articles' own line endings (some are CRLF)
        with (folder / f"article-{number:05d}.txt").open("w", encoding="utf-8", newline="") as f:
            f.write(text)


def _write_jsonl(path: Path, count: int) -> None:
    with path.open("w", encoding="utf-8") as handle:
        for number, text in enumerate(articles(count, words=WORDS)):
            task = {
                "text": text,
                "meta": {"source": "wire", "id": number},
                "_input_hash": number - 2**31,
                "_task_hash": number,
            }
            handle.write(json.dumps(task, ensure_ascii=False) + "\n")
