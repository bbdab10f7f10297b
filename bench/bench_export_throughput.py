"""`export_throughput`: `annotator export` of a large store to Prodigy JSONL, against `sqlite3`.

The store: 100,000 synthetic news items of about 150 words (about 1,000 characters and
165 tokens each; 10,000 with `--quick`), ten entity spans each (1,000,000 spans) in every
state, documents in every status, tokens (and their Prodigy JSON) stored as `annotator
suggest` leaves them. It is
built once per run with the store's bulk insert and shared with `export_memory`.

Measured: `python -m annotator export OUT --status all --include-suggestions` (every
document and every span), launch to exit, as a user runs it. Baseline: the `sqlite3`
command-line shell running the two queries the export runs (documents with their tokens,
spans in document order) with `.mode json` into a file; it leaves out the token JSON the
store keeps for the export (schema 3), which the export copies rather than computes.
Target: time ratio <= 2.0.
"""

from __future__ import annotations

import random
import sys
import time
from collections.abc import Iterator
from itertools import islice
from pathlib import Path
from typing import Any

from common import (
    cached_file,
    name_spans,
    run_annotator,
    run_command,
    scaled,
    sqlite3_shell,
    timed,
    word_tokens,
)
from synthetic import articles

DOCUMENTS = 100_000
SPANS_PER_DOCUMENT = 10
WORDS = 150
DATASET = "bench"
TARGET_RATIO = 2.0
BATCH = 5000


def run(quick: bool, workdir: Path) -> dict[str, Any]:
    shell = sqlite3_shell()
    if shell is None:
        raise RuntimeError(
            "the sqlite3 command-line shell (the baseline) is missing: apt-get install sqlite3"
        )
    count = scaled(DOCUMENTS, quick)
    store = export_store(workdir, count)
    out = workdir / "export.jsonl"
    baseline, baseline_bytes = _sqlite3_dump(shell, store, workdir / "export-baseline.json")
    measured = export_seconds(store, out)
    lines = _count_lines(out)
    written = out.stat().st_size
    out.unlink()
    if lines != count:
        raise RuntimeError(f"the export wrote {lines} lines for {count} documents")
    ratio = measured / baseline
    return {
        "name": "export_throughput",
        "value": round(measured, 2),
        "baseline": round(baseline, 2),
        "ratio": round(ratio, 3),
        "target": TARGET_RATIO,
        "ok": ratio <= TARGET_RATIO,
        "unit": "s",
        "documents": count,
        "spans": count * SPANS_PER_DOCUMENT,
        "docs/s": round(count / measured),
        "store_mb": round(store.stat().st_size / 2**20, 1),
        # Prodigy's token list (text, offsets, index, "ws" per token) is most of the file.
        "output_mb": round(written / 2**20, 1),
        "baseline_output_mb": round(baseline_bytes / 2**20, 1),
    }


def export_command(store: Path | str, out: Path) -> list[str]:
    """The arguments of `annotator` that export every document and span of the store."""
    return [
        "export", str(out), "--dataset", DATASET, "--format", "prodigy",
        "--status", "all", "--include-suggestions", "--db", str(store),
    ]  # fmt: skip


def export_seconds(store: Path, out: Path) -> float:
    return run_annotator(*export_command(store, out))


def _sqlite3_dump(shell: str, store: Path, out: Path) -> tuple[float, int]:
    """Seconds for the sqlite3 shell to write the export's rows as JSON, and the bytes."""
    script = "\n".join(
        [
            ".mode json",
            f".output {out}",
            "SELECT id, dataset_id, text, meta, extra, source, input_hash, prodigy_input_hash,"
            " created_at, updated_at, hex(tokens) AS tokens"
            " FROM document d WHERE d.dataset_id = 1 ORDER BY id;",
            "SELECT v.id, v.document_id, v.annotator, v.kind, v.status, v.updated_at"
            " FROM document d JOIN version v ON v.document_id = d.id"
            " WHERE d.dataset_id = 1 ORDER BY d.id, v.id;",
            "SELECT s.document_id, s.version_id, s.start, s.end, s.label, s.state, s.source,"
            " s.score"
            " FROM document d JOIN span s ON s.document_id = d.id"
            " WHERE d.dataset_id = 1 ORDER BY d.id, s.start, s.end, s.label;",
            ".output stdout",
        ]
    )
    seconds, _done = timed(lambda: run_command([shell, "-bail", str(store)], input=script))
    written = out.stat().st_size
    if written == 0:
        raise RuntimeError("the sqlite3 shell wrote nothing")
    out.unlink()
    return seconds, written


def _count_lines(path: Path) -> int:
    with path.open("rb") as handle:
        return sum(chunk.count(b"\n") for chunk in iter(lambda: handle.read(1 << 20), b""))


# -- the store, built once per run and shared with export_memory -------------------------


def export_store(workdir: Path, count: int) -> Path:
    """The store of `count` documents under `workdir`, built the first time it is asked for."""
    path = workdir / f"export-{count}x{WORDS}.db"
    return cached_file(path, lambda target: build_store(target, count))


def build_store(location: Path | str, count: int) -> None:
    """The benchmark's documents in a new store: a file, or a team's server by its URL."""
    from annotator.core.model import Label
    from annotator.store import Store

    started = time.perf_counter()
    labels = [Label(name) for name in ("PERSON", "GPE", "ORG", "DATE")]
    with Store.open(location) as store:
        dataset = store.create_dataset(DATASET, labels=labels)
        if dataset.id != 1:  # the baseline's queries name the dataset by id
            raise RuntimeError(f"the benchmark dataset has id {dataset.id}, not 1")
        documents = _documents(count)
        while batch := list(islice(documents, BATCH)):
            store.add_documents(dataset.id, batch)
    seconds = time.perf_counter() - started
    print(f"built a store of {count} documents in {seconds:.1f} s", file=sys.stderr, flush=True)


def _documents(count: int) -> Iterator[Any]:
    from annotator.core.hashing import input_hash
    from annotator.core.model import Document, Span, SpanState, Status
    from annotator.core.tokens import Tokens

    rng = random.Random(11)
    states = list(SpanState)
    statuses = list(Status)
    for number, text in enumerate(articles(count, words=WORDS, seed=2027)):
        found = name_spans(text, limit=SPANS_PER_DOCUMENT)
        if len(found) < SPANS_PER_DOCUMENT:
            raise RuntimeError(f"article {number} has only {len(found)} entities")
        spans = tuple(
            Span(start, end, label, rng.choice(states), "bench", round(rng.random(), 3))
            for start, end, label in found
        )
        stamp = 1_700_000_000.0 + number
        document = Document(
            id=0,
            dataset_id=0,
            text=text,
            spans=spans,
            status=rng.choice(statuses),
            meta={"source": "wire", "id": number},
            input_hash=input_hash(text),
            annotator="bench" if number % 2 else None,
            created_at=stamp,
            updated_at=stamp,
        )
        yield document, Tokens.from_pairs(word_tokens(text))
