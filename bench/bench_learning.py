"""`learning`: annotate, train the dataset's own model, suggest with it, go on.

Runs `bench/learning.py` on the 500 annotated Reddit comments of Prodigy's fashion-brand
project (`FASHION_BRAND`, a label no stock model has), in `../shared/data/external`
beside the checkout: every other comment annotated (250), the others held out; training
after every 100 done, at most 600 steps each. Three targets, all in the same run:

- the value is the simulated annotator's actions per document in the last block, with
  the trained model and the phrase memory suggesting; the baseline is the same documents
  with the phrase memory alone. Target: ratio <= 0.6.
- `f1_gap`: the last version's held-out F1 against `python -m spacy train`'s on the same
  config and data. Target: at most 0.02 apart.
- `time_ratio`: `annotator train` against `spacy train`, each a process timed from start
  to end, back to back and again in the other order, each side's shorter run. Target:
  <= 1.2. `cpu_ratio` is the same for their processor time (not a target).

`quick` keeps 50 comments of each half, trains after every 25 and at most 60 steps.
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

from common import REPO, result
from gold_documents import read_gold
from learning import halves, learn

GOLD = (
    REPO.parent
    / "shared/data/external/prodigy/projects__ner_fashion_brands__fashion_brands_eval.jsonl"
)
TARGET_RATIO = 0.6
TARGET_F1_GAP = 0.02
TARGET_TIME_RATIO = 1.2


def run(quick: bool, workdir: Path) -> dict[str, Any]:
    if not GOLD.is_file():
        raise FileNotFoundError(f"{GOLD} is not available")
    annotated, held = halves(read_gold(GOLD), None)
    every, max_steps = (25, 60) if quick else (100, 600)
    if quick:
        annotated, held = annotated[:50], held[:50]
    lines: list[dict[str, Any]] = []
    with tempfile.TemporaryDirectory(prefix="learning-", dir=workdir) as folder:
        learned = learn(
            annotated,
            held,
            Path(folder),
            every=every,
            preset=None,
            max_steps=max_steps,
            emit=lines.append,
        )
    last = lines[-2]
    final = learned.final
    value, baseline = last["actions_per_document"], last["memory_only_per_document"]
    ratio = value / baseline if baseline else float("inf")
    f1_gap = abs(final["final_f1"] - final["spacy_train_f1"])
    time_ratio = final["train_seconds"] / final["spacy_train_seconds"]
    return result(
        "learning",
        value=value,
        baseline=baseline,
        ratio=ratio,
        target=TARGET_RATIO,
        unit="actions per document",
        higher_is_better=False,
        ok=ratio <= TARGET_RATIO and f1_gap <= TARGET_F1_GAP and time_ratio <= TARGET_TIME_RATIO,
        ratio_ok=ratio <= TARGET_RATIO,
        f1_gap=round(f1_gap, 4),
        f1_gap_ok=f1_gap <= TARGET_F1_GAP,
        time_ratio=round(time_ratio, 3),
        time_ratio_ok=time_ratio <= TARGET_TIME_RATIO,
        cpu_ratio=round(final["train_cpu_seconds"] / final["spacy_train_cpu_seconds"], 3),
        final=final,
        blocks=lines[:-1],
    )
