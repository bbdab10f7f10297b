"""Training's pure parts: a model version and its figures, the held-out split, and the
dataset's labels put back into a base model's own names."""

from __future__ import annotations

import hashlib
import random
from collections import Counter
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from annotator.core.model import Dataset, Span

SPLIT_SEED = 0  # the same documents are held out on every run over the same data


@dataclass(frozen=True, slots=True)
class Figures:
    """Precision, recall and F1 (0..1), as spaCy's scorer gives them."""

    p: float = 0.0
    r: float = 0.0
    f: float = 0.0


@dataclass(frozen=True, slots=True)
class Scores:
    """Entity scores on a set of documents: all labels together (micro) and per label."""

    micro: Figures = Figures()
    per_label: Mapping[str, Figures] = field(default_factory=dict)
    documents: int = 0
    # `held_out_fingerprint` of the documents and labels they were computed on ("": unknown)
    held_out: str = ""

    def as_json(self) -> dict[str, object]:
        data: dict[str, object] = {
            "documents": self.documents,
            "micro": _figures_json(self.micro),
            "per_label": {label: _figures_json(f) for label, f in sorted(self.per_label.items())},
        }
        if self.held_out:
            data["held_out"] = self.held_out
        return data

    @classmethod
    def from_json(cls, data: Mapping[str, object]) -> Scores:
        per_label = data.get("per_label") or {}
        assert isinstance(per_label, Mapping)
        micro = data.get("micro") or {}
        assert isinstance(micro, Mapping)
        documents = data.get("documents", 0)
        held_out = data.get("held_out", "")
        return cls(
            _figures(micro),
            {str(label): _figures(f) for label, f in per_label.items()},
            int(documents) if isinstance(documents, int) else 0,
            held_out if isinstance(held_out, str) else "",
        )


def _figures_json(figures: Figures) -> dict[str, float]:
    return {"p": figures.p, "r": figures.r, "f": figures.f}


def _figures(data: Mapping[str, object]) -> Figures:
    def number(key: str) -> float:
        value = data.get(key, 0.0)
        return float(value) if isinstance(value, int | float) else 0.0

    return Figures(number("p"), number("r"), number("f"))


@dataclass(frozen=True, slots=True)
class ModelVersion:
    """One trained pipeline of a dataset: where it is, what it started from, how it did
    on its held-out documents and how long training took."""

    dataset_id: int
    number: int
    path: str
    base: str  # "blank", or the pipeline it was fine-tuned from
    created_at: float
    seconds: float
    scores: Scores
    train_documents: int
    eval_documents: int


def held_out_split(
    labels: Sequence[Collection[str]], fraction: float, seed: int = SPLIT_SEED
) -> tuple[list[int], list[int]]:
    """Split documents (given as the labels each holds) into training and held-out
    indices, about `fraction` held out, the same for the same input every time.

    Stratified: each label found in two documents or more gets at least one in each half
    (rarest labels first); a document is held out only if every label it holds keeps a
    document in training. Both lists are in the input's order.
    """
    order = list(range(len(labels)))
    random.Random(seed).shuffle(order)
    wanted = max(1, round(len(labels) * fraction)) if labels else 0
    count = Counter(label for held in labels for label in set(held))
    in_training = Counter(count)
    held: set[int] = set()

    def hold(index: int) -> bool:
        if index in held or any(in_training[label] < 2 for label in set(labels[index])):
            return False
        held.add(index)
        for label in set(labels[index]):
            in_training[label] -= 1
        return True

    for label in sorted(count, key=lambda name: (count[name], name)):
        having = [i for i in order if label in labels[i]]
        if len(having) >= 2 and not any(i in held for i in having):
            next((i for i in having if hold(i)), None)
    for index in order:
        if len(held) >= wanted:
            break
        hold(index)
    return [i for i in range(len(labels)) if i not in held], sorted(held)


def held_out_fingerprint(dataset: Dataset, documents: Iterable[tuple[str, Iterable[Span]]]) -> str:
    """What a pipeline's held-out figures depend on besides the pipeline: each document's
    text and gold spans, and the dataset's labels and mapping (a model's labels are mapped
    onto the dataset's before scoring). Equal fingerprints, equal figures."""
    digest = hashlib.sha256()
    digest.update(repr((dataset.label_names, sorted(dataset.label_map.items()))).encode())
    for text, spans in documents:
        digest.update(b"\x1e" + text.encode("utf-8", "surrogatepass"))
        digest.update(repr(sorted(span.key for span in spans)).encode())
    return digest.hexdigest()


def labels_without_examples(wanted: Iterable[str], found: Iterable[str]) -> list[str]:
    """The labels of `wanted` that no span in the training data has, in `wanted`'s order."""
    seen = set(found)
    return [label for label in wanted if label not in seen]


def model_label_names(dataset: Dataset, model_labels: Collection[str]) -> dict[str, str]:
    """Dataset label -> the base model's label that becomes it (the mapping read
    backwards), for training a base model on the dataset's spans. A dataset label no
    model label becomes keeps its own name: a new label for the model."""
    backwards: dict[str, str] = {}
    for model_label in sorted(model_labels):
        target = dataset.map_label(model_label)
        if target is not None:
            backwards.setdefault(target, model_label)
    return backwards
