"""Per-label precision, recall and F1 as a table and as JSON data, for `train`,
`evaluate` and `models` alike."""

from __future__ import annotations

from annotator.cli.common import msg
from annotator.core.training import Scores


def print_scores(scores: Scores) -> None:
    rows: list[list[object]] = [
        [label, _percent(f.p), _percent(f.r), _percent(f.f)]
        for label, f in sorted(scores.per_label.items())
    ]
    micro = scores.micro
    rows.append(["(all labels)", _percent(micro.p), _percent(micro.r), _percent(micro.f)])
    msg.table(rows, header=["label", "P", "R", "F1"])


def _percent(value: float) -> str:
    return f"{value * 100:.1f}"
