"""The learning curve: annotate, train the dataset's own model, suggest with it, go on.

    python bench/learning.py GOLD.jsonl [--eval EVAL.jsonl] [--every 100]
        [--label-preset NAME] [--max-steps 600] [--limit N] [--base blank|MODEL]

A simulated annotator who knows the gold works through the gold documents in order with
the real edit engine, as `effort.py`'s edit replay does (the same annotator: reject,
relabel, resize, draw, each one action; propagation and the phrase memory on), and marks
each done as the product's Ctrl+Enter does, accepting the suggestions still open (right
by then) in the same step: marking done is no action in either replay, so neither is
accepting them. After every `--every` documents marked done it trains the dataset's
model as `annotator train` does (`services.training.train_dataset`, held out: the
evaluation documents), and from then on the dataset's model (the version training made
it, or the one before if the new one did not beat it) suggests in the documents still
open, as `annotator suggest --force` does. Without `--eval` the gold file is split into
two halves, every other document: the even ones are annotated, the odd ones held out.
`--limit N` keeps the first N documents of each half. `--base` is `annotator train`'s
(default `blank`). Each version suggests only what its beam is as sure of as the version
records (`annotator.core.confidence`), as the product's suggestions do.

The same documents are annotated a second time in a store of their own with the phrase
memory alone (no model ever suggests): `actions_memory_only`.

At the end the dataset's model is trained once more on every annotated document by
`python -m annotator train`, and spaCy's own `python -m spacy train` runs on the same
generated config (that version's `config.cfg`) and the same data (both datasets exported
with `annotator export --format spacy`), each in a process of its own, back to back, then
both again in the other order. `final_f1` is the first version's held-out F1 as the store
records it; `spacy_train_f1` is spaCy's best held-out F1 (`model-best`'s `meta.json`).
`train_seconds` and `spacy_train_seconds` are each side's shorter run from start to end
(the machine is shared: the shorter is the nearer to the work), `*_cpu_seconds` its
processor time, `all_seconds` every run.

Prints one JSON line per block of `--every` documents,
{"documents": so far, "actions_per_document", "memory_only_per_document", "f1":
held-out F1 of the version trained at the end of the block (null when training was
refused, with the reason in "refused"),
"suggested_by": the version that suggested in the block or null, "by_kind" and
"memory_only_by_kind": the actions by kind}, then one line {"documents", "actions",
"actions_memory_only", "final_f1", "spacy_train_f1", "train_seconds",
"spacy_train_seconds", "train_cpu_seconds", "spacy_train_cpu_seconds", "all_seconds"}.
"""

from __future__ import annotations

import argparse
import json
import resource
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import run_python
from effort import _Annotator as EditAnnotator
from gold_documents import GoldDocument, read_gold

from annotator.core.annotating import Gestures
from annotator.core.edits import Batch, Edit
from annotator.core.errors import AnnotatorError
from annotator.core.model import Dataset, Document, Label, Status
from annotator.core.palette import color_for
from annotator.nlp.training import BLANK
from annotator.services.importing import ImportOptions, import_paths
from annotator.services.presets import load_preset
from annotator.services.suggesting import SuggestOptions, suggest_dataset, suggest_from_memory
from annotator.services.training import TrainOptions, train_dataset
from annotator.store import Store

ANNOTATED = "learning"
HELD_OUT = "held_out"
ANNOTATOR = "learner"
DEFAULT_MAX_STEPS = 600
ACCEPT_ALL = "Accept all"  # the effort replay's last step, when only right suggestions are left


@dataclass
class Block:
    """One block of documents: both replays' actions in it, and the training after it."""

    documents: int  # so far
    actions: list[Counter[str]]  # per document of the block, by kind
    memory_only: list[Counter[str]]
    f1: float | None = None
    suggested_by: int | None = None
    refused: str = ""

    def as_json(self) -> dict[str, Any]:
        line: dict[str, Any] = {
            "documents": self.documents,
            "actions_per_document": _per_document(self.actions),
            "memory_only_per_document": _per_document(self.memory_only),
            "f1": self.f1,
            "suggested_by": self.suggested_by,
            "by_kind": _by_kind(self.actions),
            "memory_only_by_kind": _by_kind(self.memory_only),
        }
        if self.refused:
            line["refused"] = self.refused
        return line


@dataclass
class Learning:
    """What `learn` measured: the blocks and the final figures."""

    blocks: list[Block] = field(default_factory=list)
    final: dict[str, Any] = field(default_factory=dict)


def main(argv: Sequence[str] | None = None) -> Learning:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("gold", type=Path)
    parser.add_argument("--eval", type=Path, help="held-out gold (default: half of GOLD)")
    parser.add_argument("--every", type=int, default=100, help="train after this many done")
    parser.add_argument("--label-preset", help="the dataset's labels (default: the gold's)")
    parser.add_argument("--max-steps", type=int, default=DEFAULT_MAX_STEPS)
    parser.add_argument("--limit", type=int, help="only the first N documents of each half")
    parser.add_argument("--base", default=BLANK, help="annotator train's --base")
    args = parser.parse_args(argv)
    if args.every < 1:
        parser.error("--every must be at least 1")
    annotated, held = halves(read_gold(args.gold), read_gold(args.eval) if args.eval else None)
    if args.limit is not None:
        annotated, held = annotated[: args.limit], held[: args.limit]
    with tempfile.TemporaryDirectory(prefix="learning-") as folder:
        return learn(
            annotated,
            held,
            Path(folder),
            every=args.every,
            preset=args.label_preset,
            max_steps=args.max_steps,
            emit=lambda line: print(json.dumps(line), flush=True),
            base=args.base,
        )


def halves(
    gold: list[GoldDocument], held: list[GoldDocument] | None
) -> tuple[list[GoldDocument], list[GoldDocument]]:
    """The documents to annotate and those held out: every other one without `held`."""
    if held is not None:
        return gold, held
    return gold[::2], gold[1::2]


def learn(
    annotated: list[GoldDocument],
    held: list[GoldDocument],
    folder: Path,
    *,
    every: int,
    preset: str | None,
    max_steps: int,
    emit: Callable[[dict[str, Any]], None],
    base: str = BLANK,
) -> Learning:
    labels, mapping = _labels(preset, [*annotated, *held])
    memory_only = _memory_only(annotated, folder / "memory.db", labels, mapping)
    result = Learning()
    db = folder / "learning.db"
    with Store.open(db, annotator=ANNOTATOR) as store:
        dataset = _dataset(store, ANNOTATED, annotated, folder, labels, mapping, gold=False)
        _dataset(store, HELD_OUT, held, folder, labels, mapping, gold=True)
        options = TrainOptions(
            models_root=folder / "models", eval_dataset=HELD_OUT, max_steps=max_steps, base=base
        )
        suggesting: int | None = None
        actions: list[Counter[str]] = []
        for start in range(0, len(annotated), every):
            block = annotated[start : start + every]
            actions += _annotate(store, dataset, block)
            done = start + len(block)
            line = Block(
                done, actions[start:done], memory_only[start:done], suggested_by=suggesting
            )
            result.blocks.append(line)
            if done == len(annotated):
                break  # the last training is the timed one, below
            try:
                report = train_dataset(store, ANNOTATED, options)
            except AnnotatorError as error:
                line.refused = str(error)
            else:
                line.f1 = round(report.version.scores.micro.f, 4)
                if report.promoted:
                    suggesting = report.version.number
                    suggest_dataset(store, ANNOTATED, SuggestOptions(force=True))
            emit(line.as_json())
    final = _final_training(db, folder, max_steps, base)
    result.blocks[-1].f1 = final["final_f1"]
    emit(result.blocks[-1].as_json())
    result.final = {
        "documents": len(annotated),
        "actions": sum(c.total() for c in actions),
        "actions_memory_only": sum(c.total() for c in memory_only),
        **final,
    }
    emit(result.final)
    return result


def _per_document(actions: Sequence[Counter[str]]) -> float:
    return round(sum(c.total() for c in actions) / len(actions), 3) if actions else 0.0


def _by_kind(actions: Sequence[Counter[str]]) -> dict[str, int]:
    return dict(sum(actions, Counter[str]()).most_common())


def _labels(preset: str | None, gold: list[GoldDocument]) -> tuple[list[Label], dict[str, str]]:
    """The dataset's labels: the preset's, or one per label the gold uses."""
    if preset is not None:
        chosen = load_preset(preset)
        return list(chosen.labels), dict(chosen.mapping)
    names = sorted({label for document in gold for _, _, label in document.spans})
    return [Label(name, color_for(name)) for name in names], {}


def _dataset(
    store: Store,
    name: str,
    documents: list[GoldDocument],
    folder: Path,
    labels: list[Label],
    mapping: dict[str, str],
    *,
    gold: bool,
) -> Dataset:
    """A dataset of the texts (open, nothing suggested) or of the gold documents (done)."""
    dataset = store.create_dataset(name, labels=labels, label_map=mapping)
    path = folder / f"{name}-{store.path.stem}.jsonl"
    with path.open("w", encoding="utf-8") as out:
        for document in documents:
            record: dict[str, Any] = {"text": document.text}
            if gold:
                spans = [{"start": s, "end": e, "label": lb} for s, e, lb in sorted(document.spans)]
                record.update(spans=spans, answer="accept")
            out.write(json.dumps(record) + "\n")
    import_paths(store, [path], name, ImportOptions(annotator=store.annotator))
    return dataset


def _memory_only(
    annotated: list[GoldDocument], db: Path, labels: list[Label], mapping: dict[str, str]
) -> list[Counter[str]]:
    """Actions per document with the phrase memory alone suggesting."""
    with Store.open(db, annotator=ANNOTATOR) as store:
        dataset = _dataset(store, ANNOTATED, annotated, db.parent, labels, mapping, gold=False)
        return _annotate(store, dataset, annotated)


def _annotate(store: Store, dataset: Dataset, gold: list[GoldDocument]) -> list[Counter[str]]:
    """Take the next open documents to `gold` in order, marking each done; the actions
    each took. The memory catches up first, as the window's analysis does on opening."""
    counts = []
    for target in gold:
        document_id = store.document_ids(dataset.id, {Status.NEW, Status.IN_PROGRESS})[0]
        document = suggest_from_memory(store, dataset, store.get_document(document_id))
        if document.text != target.text:
            raise RuntimeError(f"document {document_id} is not the gold's next text")
        annotator = _Annotator(store, target.spans, learning=True)
        _mark_done(store, annotator.annotate(document))
        counts.append(annotator.actions)
    return counts


class _Annotator(EditAnnotator):
    """The effort replay's annotator, who marks a document done as the product does
    (Ctrl+Enter, `Gestures.mark_done`): the suggestions still open, all right by then,
    are accepted with it in the same step. The replay counts no action for marking a
    document done, so none for accepting them."""

    def _act(self, document: Document, edit: Edit) -> Document:
        if isinstance(edit, Batch) and edit.description == ACCEPT_ALL:
            return _mark_done(self._store, document)
        return super()._act(document, edit)


def _mark_done(store: Store, document: Document) -> Document:
    done = Gestures(document, store.get_tokens(document.id)).mark_done()
    return document if done is None else store.apply(document, done)


def _final_training(db: Path, folder: Path, max_steps: int, base: str) -> dict[str, Any]:
    """`annotator train` on every annotated document and `spacy train` on its config and
    the same data exported, each in a process of its own; then both again in the other
    order. Each side's time is the shorter of its two (others share the machine: the
    shorter is the nearer to the work itself), in seconds from start to end and in
    seconds of processor time. The figures are the first run's."""
    data = {}
    for name in (ANNOTATED, HELD_OUT):
        data[name] = folder / f"{name}.spacy"
        export = ["export", str(data[name]), "-d", name, "--db", str(db), "--format", "spacy"]
        run_python(["-m", "annotator", *export])
    first = folder / "final-1"

    def ours(round_: int) -> tuple[float, float]:
        return _timed(
            "-m", "annotator", "train", "-d", ANNOTATED, "--db", str(db),
            "--annotator", ANNOTATOR, "--eval-dataset", HELD_OUT,
            "--max-steps", str(max_steps), "--out", str(folder / f"final-{round_}"),
            "--base", base,
        )  # fmt: skip

    def theirs(round_: int) -> tuple[float, float]:
        return _timed(
            "-m", "spacy", "train", str(first / "config.cfg"),
            "--output", str(folder / f"spacy-train-{round_}"),
            "--paths.train", str(data[ANNOTATED]), "--paths.dev", str(data[HELD_OUT]),
        )  # fmt: skip

    timings = {"ours": [ours(1)], "theirs": [theirs(1)]}
    timings["theirs"].append(theirs(2))
    timings["ours"].append(ours(2))
    meta = json.loads((folder / "spacy-train-1/model-best/meta.json").read_text("utf-8"))
    with Store.open(db, annotator=ANNOTATOR) as store:
        versions = store.model_versions(store.get_dataset(ANNOTATED).id)
    (version,) = [v for v in versions if v.path == str(first)]
    return {
        "final_f1": round(version.scores.micro.f, 4),
        "spacy_train_f1": round(float(meta["performance"]["ents_f"]), 4),
        "train_seconds": round(min(wall for wall, _ in timings["ours"]), 1),
        "spacy_train_seconds": round(min(wall for wall, _ in timings["theirs"]), 1),
        "train_cpu_seconds": round(min(cpu for _, cpu in timings["ours"]), 1),
        "spacy_train_cpu_seconds": round(min(cpu for _, cpu in timings["theirs"]), 1),
        "all_seconds": {side: [round(w, 1) for w, _ in runs] for side, runs in timings.items()},
    }


def _timed(*args: str) -> tuple[float, float]:
    """Seconds from start to end, and seconds of processor time, of `python args...`."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    run_python(list(args))
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime
    return wall, cpu


if __name__ == "__main__":
    main(sys.argv[1:])
