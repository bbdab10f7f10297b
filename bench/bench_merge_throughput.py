"""`merge_throughput`: `annotator merge` of a team's store into the lead's, docs/s.

The documents: 10,000 synthetic news articles of 600 words (`synthetic.py`; 1,000 with
`--quick`) as one Prodigy JSONL of input tasks. The lead's store is that file imported.
The team's store is a copy of it in which 3 annotators each have a version of every
document, marked done, with about 10 spans each (the article's first names, places,
organisations and dates: "b" drops one in ten and relabels one in ten, "c" relabels one
in twenty), written straight into the store.

Measured: `python -m annotator merge TEAM --db LEAD` into a fresh copy of the lead's store
(every document matched, every version and span new to it), as a user runs it, from
launch to exit. Baseline, in the same run: `python -m annotator import` of the same JSONL
into a new store, the same way. Target: the merge's rate (documents per second) at least
0.5 of the import's, that is import seconds over merge seconds >= 0.5.
"""

from __future__ import annotations

import json
import random
import shutil
from pathlib import Path
from typing import Any

from common import cached_file, name_spans, result, run_annotator, scaled
from synthetic import articles

DOCUMENTS = 10_000
WORDS = 600
SPANS = 10
ANNOTATORS = ("a", "b", "c")
LABELS = ("PERSON", "GPE", "ORG", "DATE")
TARGET_RATIO = 0.5


def run(quick: bool, workdir: Path) -> dict[str, Any]:
    count = scaled(DOCUMENTS, quick)
    data = workdir / f"merge-{count}x{WORDS}"
    source = cached_file(data / "articles.jsonl", lambda path: _write_jsonl(path, count))
    imported = data / "imported.db"
    _fresh(imported)
    import_seconds = run_annotator(
        "import", str(source), "--dataset", "bench", "--db", str(imported)
    )
    team = cached_file(data / "team.db", lambda path: _team_store(imported, source, path))
    lead = data / "lead.db"
    _fresh(lead)
    shutil.copyfile(imported, lead)
    merge_seconds = run_annotator("merge", str(team), "--db", str(lead))
    merged = _count(lead)
    if merged != (count, count * len(ANNOTATORS)):
        raise RuntimeError(f"the merge left (documents, versions) {merged}")
    return result(
        "merge_throughput",
        value=count / merge_seconds,
        baseline=count / import_seconds,
        ratio=import_seconds / merge_seconds,
        target=TARGET_RATIO,
        unit="docs/s",
        documents=count,
        versions=count * len(ANNOTATORS),
        spans=_span_count(team),
        seconds={"merge": round(merge_seconds, 2), "import": round(import_seconds, 2)},
    )


def _fresh(db: Path) -> None:
    for suffix in ("", "-wal", "-shm"):
        Path(f"{db}{suffix}").unlink(missing_ok=True)


def _write_jsonl(path: Path, count: int) -> None:
    with path.open("w", encoding="utf-8") as handle:
        for number, text in enumerate(articles(count, words=WORDS)):
            task = {"text": text, "meta": {"source": "wire", "id": number}}
            handle.write(json.dumps(task, ensure_ascii=False) + "\n")


def _team_store(imported: Path, source: Path, path: Path) -> None:
    """A copy of the lead's store with each annotator's done version of every document
    (the texts read from the imported file, matched by their input hash)."""
    from annotator.core.hashing import input_hash
    from annotator.core.model import Document, Span, SpanState, Status
    from annotator.store import Store

    shutil.copyfile(imported, path)
    rng = random.Random(11)
    with source.open(encoding="utf-8") as handle:
        texts = [json.loads(line)["text"] for line in handle]
    with Store.open(path) as store:
        dataset = store.get_dataset("bench")
        for name in ANNOTATORS:
            versions = []
            for text in texts:
                spans = _spans(name, name_spans(text, SPANS), rng)
                made = [Span(start, end, label, SpanState.MANUAL) for start, end, label in spans]
                versions.append(
                    (
                        Document(
                            id=0,
                            dataset_id=dataset.id,
                            text=text,
                            spans=tuple(made),
                            status=Status.DONE,
                            input_hash=input_hash(text),
                            annotator=name,
                        ),
                        None,
                    )
                )
            added = store.add_documents(dataset.id, versions)
            if added.versions != len(versions):
                raise RuntimeError(f"{name}: {added.versions} versions written")


def _spans(
    name: str, spans: list[tuple[int, int, str]], rng: random.Random
) -> list[tuple[int, int, str]]:
    changed = []
    for start, end, label in spans:
        roll = rng.random()
        if name == "b" and roll < 0.1:
            continue
        if (name == "b" and roll < 0.2) or (name == "c" and roll < 0.05):
            label = rng.choice(LABELS)
        changed.append((start, end, label))
    return changed


def _count(db: Path) -> tuple[int, int]:
    from annotator.store import Store

    with Store.open(db) as store:
        dataset = store.get_dataset("bench")
        documents = store.count_documents(dataset.id)
        versions = sum(1 for _ in store.stream_versions(dataset.id))
    return documents, versions


def _span_count(db: Path) -> int:
    from annotator.store import Store

    with Store.open(db) as store:
        dataset = store.get_dataset("bench")
        return sum(len(document.spans) for document, _, _ in store.stream_versions(dataset.id))
