"""`annotator evaluate`: any pipeline's entity figures on a dataset's done documents.

The documents are the training data's (each done document as the export gives it), so
the figures equal `spacy evaluate` on the `.spacy` export of the same documents.
"""

from __future__ import annotations

from dataclasses import dataclass

from annotator.core.errors import AnnotatorError
from annotator.core.model import Dataset, Status
from annotator.core.training import Scores
from annotator.nlp.models import INSTALL_HINT, resolve_model
from annotator.services.exporting import with_tokens
from annotator.services.training import score_pipeline
from annotator.store import Store


@dataclass(frozen=True, slots=True)
class Evaluation:
    model: str  # the package name or folder that was scored
    scores: Scores


def evaluate_dataset(store: Store, dataset_name: str, model: str | None = None) -> Evaluation:
    """Score `model` (a package, a folder, or the number of one of the dataset's trained
    versions; by default the dataset's model) on the dataset's done documents."""
    dataset = store.get_dataset(dataset_name)
    name = _model_name(store, dataset, model)
    items = store.stream_documents(dataset.id, {Status.DONE}, with_tokens=True)
    gold = [
        (document.text, tokens, document.gold_spans)
        for document, tokens, _ in with_tokens(items, dataset.lang)
        if tokens is not None
    ]
    if not gold:
        raise AnnotatorError(f"dataset {dataset.name!r} has no done documents to evaluate on")
    return Evaluation(name, score_pipeline(name, dataset, gold))


def _model_name(store: Store, dataset: Dataset, model: str | None) -> str:
    if model is not None and model.isdigit():
        versions = {v.number: v for v in store.model_versions(dataset.id)}
        if int(model) not in versions:
            known = ", ".join(str(n) for n in versions) or "none yet"
            raise AnnotatorError(
                f"dataset {dataset.name!r} has no model version {model} (versions: {known})"
            )
        return versions[int(model)].path
    choice = resolve_model(model, dataset.model)
    if choice is None:
        raise AnnotatorError(INSTALL_HINT)
    return choice.name
