"""How many inputs an annotator needs to turn suggestions into the gold annotation.

    python bench/effort.py GOLD.jsonl [--model NAME] [--preset NAME] [--breakdown]

Counts *inputs*: each key press, click and drag, navigation included. The gold documents'
texts go into a fresh store, are pre-annotated as `annotator suggest` does, and the real
window (built by `annotator.app.assemble`, offscreen, 1366x768) opens them one at a time.
A simulated annotator who knows the gold (`simulated_annotator.py`) drives it with Qt's
own test events (`window_inputs.py`), taking the cheapest route the window allows to each
document's gold, then marks it done with Ctrl+Return (one input too). Three runs, the same
planner in each:

- `inputs`: the window as shipped (the article rules, propagation, the phrase memory);
- `inputs_model_only`: the same window with all three off (`Assistance.none()`): the
  model's entities as predicted, each decision made once;
- `inputs_without_suggestions`: nothing suggested and nothing added: every gold span drawn.

`edits` is the older, coarser count of the same work through the edit engine alone: one
per reject, relabel, resize, drawn span and accept all, without navigation (`measure`).

Prints one JSON line:
{"documents", "gold_spans", "inputs", "inputs_model_only", "inputs_without_suggestions",
"edits"}. `--breakdown` adds a second line with the edit replay's counts by kind.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from effort_window import Setup, WindowRun, annotate_in_window, gold_keys
from gold_documents import GoldDocument, Key, read_gold

from annotator.core.assistance import ALL_ON, Assistance
from annotator.core.edits import AddSpan, Batch, Edit, ReplaceSpan, SetStatus
from annotator.core.model import Document, Span, SpanState, Status
from annotator.core.propagation import propagate
from annotator.core.suggestions import MEMORY_SOURCE
from annotator.services.importing import import_paths
from annotator.services.presets import load_preset
from annotator.services.suggesting import SuggestOptions, suggest_dataset, suggest_from_memory
from annotator.store import Store

SETUPS = {
    "inputs": Setup(ALL_ON),
    "inputs_model_only": Setup(Assistance.none()),
    "inputs_without_suggestions": Setup(Assistance.none(), suggestions=False),
}


def main(argv: Sequence[str] | None = None) -> dict[str, int]:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("gold", type=Path)
    parser.add_argument("--model", default=None, help="spaCy pipeline (default: as suggest)")
    parser.add_argument("--preset", default="news", help="label preset of the dataset")
    parser.add_argument("--breakdown", action="store_true", help="also count edits by kind")
    args = parser.parse_args(argv)
    inputs = measure_inputs(args.gold, model=args.model, preset=args.preset)
    effort = measure(args.gold, model=args.model, preset=args.preset)
    counts = {
        "documents": effort.documents,
        "gold_spans": effort.gold_spans,
        **{name: run.inputs for name, run in inputs.items()},
        "edits": effort.counts["actions"],
    }
    print(json.dumps(counts))
    if args.breakdown:
        rules = replay_file(args.gold, args.model, args.preset, refine=True, learning=False)
        breakdown = {**effort.breakdown, "model_with_article_rules": dict(rules.most_common())}
        print(json.dumps({"breakdown": breakdown}))
    return counts


def measure_inputs(
    gold_path: Path, *, model: str | None = None, preset: str = "news"
) -> dict[str, WindowRun]:
    """The window's three runs over `gold_path`, by name; each checked to reach the gold."""
    gold = read_gold(gold_path)
    runs = {}
    with tempfile.TemporaryDirectory() as folder:
        for name, setup in SETUPS.items():
            run = annotate_in_window(gold, Path(folder) / name, setup, model=model, preset=preset)
            for document, target in zip(run.documents, gold, strict=True):
                if gold_keys(document) != target.spans or document.status is not Status.DONE:
                    raise RuntimeError(f"{name}: document {document.id} did not reach the gold")
            runs[name] = run
    return runs


@dataclass(frozen=True, slots=True)
class Effort:
    """Both replays' actions over one gold file, by kind ("relabel model": 3, ...)."""

    documents: int
    gold_spans: int
    actions: Counter[str]
    model_only: Counter[str]

    @property
    def counts(self) -> dict[str, int]:
        """The figures `main` prints."""
        return {
            "documents": self.documents,
            "gold_spans": self.gold_spans,
            "actions": self.actions.total(),
            "actions_without_suggestions": self.gold_spans,
            "actions_model_only": self.model_only.total(),
        }

    @property
    def breakdown(self) -> dict[str, dict[str, int]]:
        return {
            "actions": dict(self.actions.most_common()),
            "model_only": dict(self.model_only.most_common()),
        }


def measure(gold_path: Path, *, model: str | None = None, preset: str = "news") -> Effort:
    """Replay `gold_path` with everything the product adds, then with the model alone."""
    gold = read_gold(gold_path)
    actions = replay_file(gold_path, model, preset, refine=True, learning=True)
    model_only = replay_file(gold_path, model, preset, refine=False, learning=False)
    return Effort(len(gold), sum(len(g.spans) for g in gold), actions, model_only)


def replay_file(
    gold_path: Path, model: str | None, preset: str, *, refine: bool, learning: bool
) -> Counter[str]:
    """`replay` of a gold file in a store of its own."""
    with tempfile.TemporaryDirectory() as folder:
        db = Path(folder) / "effort.db"
        return replay(read_gold(gold_path), db, model, preset, refine=refine, learning=learning)


def replay(
    gold: list[GoldDocument],
    db: Path,
    model: str | None,
    preset: str,
    *,
    refine: bool,
    learning: bool,
) -> Counter[str]:
    """Annotate every gold document in a fresh store; return the actions it took, by kind."""
    texts = db.with_suffix(".jsonl")
    texts.write_text("".join(json.dumps({"text": g.text}) + "\n" for g in gold), "utf-8")
    with Store.open(db) as store:
        labels = load_preset(preset)
        dataset = store.create_dataset("effort", labels=labels.labels, label_map=labels.mapping)
        import_paths(store, [texts], "effort")
        suggest_dataset(store, "effort", SuggestOptions(model=model, refine=refine))
        ids = store.document_ids(dataset.id)
        total: Counter[str] = Counter()
        for document_id, target in zip(ids, gold, strict=True):
            document = store.get_document(document_id)
            if learning:
                document = suggest_from_memory(store, dataset, document)
            simulated = _Annotator(store, target.spans, learning=learning)
            document = simulated.annotate(document)
            store.apply(document, SetStatus(document.status, Status.DONE))
            total += simulated.actions
        return total


class _Annotator:
    """Turns one document's spans into its gold spans, counting each decision."""

    def __init__(self, store: Store, gold: frozenset[Key], *, learning: bool) -> None:
        self._store = store
        self._gold = gold
        self._learning = learning
        self.actions: Counter[str] = Counter()  # "relabel model", "add", ... -> how many

    def annotate(self, document: Document) -> Document:
        """Fix wrong suggestions, draw what is missing, then accept the rest in one go.

        After every action the document is read again: propagation may have suggested
        (or rejected) spans elsewhere, and those are decided like any other.
        """
        while True:
            wrong = next((s for s in _suggestions(document) if s.key not in self._gold), None)
            if wrong is not None:
                for edit in self._decide(document, wrong):
                    document = self._act(document, edit)
                continue
            by_key = {span.key: span for span in document.spans}
            missing = sorted(k for k in self._gold if k not in by_key or _rejected(by_key[k]))
            if missing:
                held = by_key.get(missing[0])  # rejected here by a decision made elsewhere
                edit = ReplaceSpan.accept(held) if held else AddSpan(Span(*missing[0]))
                document = self._act(document, edit)
                continue
            right = _suggestions(document)
            if not right:
                return document
            accept_all = Batch(tuple(ReplaceSpan.accept(s) for s in right), "Accept all")
            document = self._act(document, accept_all)

    def _decide(self, document: Document, span: Span) -> list[Edit]:
        if span.key in self._gold:
            return [ReplaceSpan.accept(span)]
        present = {s.key for s in document.spans}
        same_range = [k for k in self._gold if k[:2] == span.key[:2] and k not in present]
        if same_range:
            return [ReplaceSpan.relabel(span, same_range[0][2])]
        taken = {s.key[:2] for s in document.spans if s is not span}
        for start, end, label in sorted(self._gold):
            if start < span.end and span.start < end and (start, end) not in taken:
                resized = ReplaceSpan.resize(span, start, end)
                if label == span.label:
                    return [resized]
                return [resized, ReplaceSpan.relabel(resized.new, label)]
        return [ReplaceSpan.reject(span)]

    def _act(self, document: Document, edit: Edit) -> Document:
        self.actions[_kind(edit)] += 1
        if self._learning:
            edit = propagate(document, edit, self._store.get_tokens(document.id))
        return self._store.apply(document, edit)


def _kind(edit: Edit) -> str:
    """What an action is, and for a suggestion what suggested it: "relabel memory"."""
    if isinstance(edit, AddSpan):
        return "add"
    if not isinstance(edit, ReplaceSpan):
        return "accept all"
    old, new = edit.old, edit.new
    if old.state is SpanState.REJECTED:
        kind = "accept rejected"
    elif new.state is SpanState.REJECTED:
        kind = "reject"
    elif (old.start, old.end) != (new.start, new.end):
        kind = "resize"
    else:
        kind = "relabel" if old.label != new.label else "accept"
    if old.state is not SpanState.SUGGESTED:
        return f"{kind} after resize" if kind == "relabel" else kind
    return f"{kind} {'memory' if old.source == MEMORY_SOURCE else 'model'}"


def _rejected(span: Span) -> bool:
    return span.state is SpanState.REJECTED


def _suggestions(document: Document) -> list[Span]:
    return [s for s in document.spans if s.state is SpanState.SUGGESTED]


if __name__ == "__main__":
    main(sys.argv[1:])
