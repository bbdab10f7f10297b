"""`conll_overlaps`: CoNLL export of one document with 100,000 overlapping gold spans.

The document: 60,000 words; every word is a span and 40,000 two-word spans overlap them
(100,000 spans; 10,000 with `--quick`), all drawn by hand, so CoNLL must choose which
survive. Measured: `python -m annotator export OUT --format conll`, launch to exit.
Baseline: the Prodigy export of the same document in the same run, which writes every
span and token and chooses nothing. Target: time ratio <= 1.5 (choosing the spans costs
no more than half of what the Prodigy export costs in all).
"""

from __future__ import annotations

import random
from pathlib import Path
from typing import Any

from common import cached_file, result, run_annotator, scaled, word_tokens

SPANS = 100_000
DATASET = "overlaps"
TARGET_RATIO = 1.5


def run(quick: bool, workdir: Path) -> dict[str, Any]:
    count = scaled(SPANS, quick)
    store = cached_file(workdir / f"conll-overlaps-{count}.db", lambda p: _build(p, count))
    seconds = {}
    for fmt in ("prodigy", "conll"):
        out = workdir / f"conll-overlaps.{fmt}"
        seconds[fmt] = run_annotator(
            "export", str(out), "--dataset", DATASET, "--format", fmt, "--db", str(store)
        )
        out.unlink()
    return result(
        "conll_overlaps",
        value=seconds["conll"],
        baseline=seconds["prodigy"],
        ratio=seconds["conll"] / seconds["prodigy"],
        target=TARGET_RATIO,
        unit="s",
        higher_is_better=False,
        spans=count,
    )


def _build(path: Path, count: int) -> None:
    from annotator.core.hashing import input_hash
    from annotator.core.model import Document, Span, SpanState, Status
    from annotator.core.tokens import Tokens
    from annotator.store import Store

    rng = random.Random(5)
    words = count * 6 // 10
    text = " ".join(f"Name{rng.randrange(10_000)}" for _ in range(words)) + "."
    pairs = word_tokens(text)
    spans = [Span(start, end, "PER", SpanState.MANUAL) for start, end in pairs[:words]]
    for first in rng.sample(range(words - 1), count - words):
        spans.append(Span(pairs[first][0], pairs[first + 1][1], "ORG", SpanState.MANUAL))
    document = Document(
        id=0,
        dataset_id=0,
        text=text,
        spans=tuple(spans),
        status=Status.DONE,
        input_hash=input_hash(text),
    )
    with Store.open(path) as store:
        dataset = store.create_dataset(DATASET, allow_overlap=True)
        store.add_documents(dataset.id, [(document, Tokens.from_pairs(pairs))])
