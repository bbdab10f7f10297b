"""Where the window's inputs go: per document, per kind of input, per step.

    python bench/effort_breakdown.py [GOLD.jsonl] [--runs inputs,inputs_model_only]
        [--steps] [--model NAME] [--preset NAME]

Runs the effort benchmark's window runs (`effort.SETUPS`, all three unless `--runs`
names some) and prints one JSON line per run: its inputs by kind (`kinds`: reaching a
span by Tab, N, F and a tag, a click or a scroll; then the keys that act: a label key,
Delete, the bracket keys, E, A, Ctrl+L, a drag, Ctrl+Return) for the whole gold file and
for each document. `--steps` prints every step the simulated annotator took, with the
words it acted on and its inputs, one line each, to see which of them the window could
have saved.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import tempfile
from collections import Counter
from collections.abc import Sequence
from pathlib import Path

from common import BENCH
from effort import SETUPS
from effort_window import WindowRun, annotate_in_window
from gold_documents import read_gold
from PySide6.QtCore import Qt
from simulated_annotator import Step
from window_inputs import Input

GOLD = BENCH / "gold" / "news-gold.jsonl"
_CTRL = Qt.KeyboardModifier.ControlModifier.value
_NAMES = {
    Qt.Key.Key_Tab.value: "tab",
    Qt.Key.Key_Backtab.value: "tab",
    Qt.Key.Key_N.value: "next_open",
    Qt.Key.Key_F.value: "jump",
    Qt.Key.Key_Delete.value: "reject",
    Qt.Key.Key_BracketLeft.value: "edge",
    Qt.Key.Key_BracketRight.value: "edge",
    Qt.Key.Key_E.value: "grow",
    Qt.Key.Key_A.value: "accept_all",
    Qt.Key.Key_Return.value: "done",
    Qt.Key.Key_L.value: "every_occurrence",
}
NAVIGATION = ("tab", "next_open", "jump", "click", "scroll")


def kinds(inputs: Sequence[Input]) -> Counter[str]:
    """The inputs of one step by kind; the letters typed after F count as the jump."""
    counts: Counter[str] = Counter()
    tagging = False
    for made in inputs:
        kind = made.kind
        if kind == "wait":
            continue
        if kind != "key":
            counts[{"page": "scroll", "line": "scroll"}.get(kind, kind)] += 1
            tagging = False
            continue
        key, modifiers = made.key, made.modifiers
        letter = Qt.Key.Key_A.value <= key <= Qt.Key.Key_Z.value
        if tagging and letter and not modifiers:
            counts["jump"] += 1
            continue
        tagging = key == Qt.Key.Key_F.value and not modifiers
        if Qt.Key.Key_0.value <= key <= Qt.Key.Key_9.value or _shifted_digit(key):
            counts["label"] += 1
        elif key == Qt.Key.Key_Return.value and not modifiers & _CTRL:
            counts["accept"] += 1
        else:
            counts[_NAMES.get(key, f"key {key}")] += 1
    return counts


def _shifted_digit(key: int) -> bool:
    return chr(key) in "!@#$%^&*()" if key < 128 else False


def report(name: str, run: WindowRun, texts: Sequence[str], *, steps: bool) -> dict[str, object]:
    """One run's inputs by kind, in all and per document; with `steps`, every step."""
    total: Counter[str] = Counter()
    documents = []
    for number, (taken, text) in enumerate(zip(run.steps, texts, strict=True)):
        counted: Counter[str] = Counter()
        by_step: Counter[str] = Counter()
        for step in taken:
            assert isinstance(step, Step)
            made = kinds(step.inputs)
            counted += made
            by_step[step.what.split()[0]] += made.total()
            if steps:
                what = step.what
                print(
                    json.dumps(
                        {
                            "run": name,
                            "document": number,
                            "step": _worded(what, text),
                            "inputs": dict(made),
                        },
                        ensure_ascii=False,
                    )
                )
        total += counted
        documents.append(
            {
                "inputs": counted.total(),
                "navigation": sum(counted[k] for k in NAVIGATION),
                "kinds": dict(counted.most_common()),
                "steps": dict(by_step.most_common()),
            }
        )
    return {
        "run": name,
        "inputs": run.inputs,
        "navigation": sum(total[k] for k in NAVIGATION),
        "kinds": dict(total.most_common()),
        "by_step": run.by_step,
        "documents": documents,
    }


def _worded(what: str, text: str) -> str:
    """A step's description with each (start, end, label) key followed by its words."""

    def words(match: re.Match[str]) -> str:
        start, end = int(match.group(1)), int(match.group(2))
        return f"{match.group(0)}={text[start:end]!r}"

    return re.sub(r"\((\d+), (\d+), '[A-Z_]+'\)", words, what)


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("gold", type=Path, nargs="?", default=GOLD)
    parser.add_argument("--runs", default=",".join(SETUPS), help="which of effort.SETUPS")
    parser.add_argument("--steps", action="store_true", help="print every step too")
    parser.add_argument("--model", default=None)
    parser.add_argument("--preset", default="news")
    args = parser.parse_args(argv)
    gold = read_gold(args.gold)
    texts = [g.text for g in gold]
    with tempfile.TemporaryDirectory() as folder:
        for name in args.runs.split(","):
            setup = SETUPS[name]
            run = annotate_in_window(
                gold, Path(folder) / name, setup, model=args.model, preset=args.preset
            )
            print(json.dumps(report(name, run, texts, steps=args.steps)))


if __name__ == "__main__":
    main(sys.argv[1:])
