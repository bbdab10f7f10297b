"""Training a dataset's own NER pipeline, scoring pipelines, and the versions made.

The training data is each done document as the export gives it (the reviewed version
where there is one, else the store's annotator's): `Store.stream_documents` with its
default version choice. A fixed-seed split holds out documents, stratified so that each
label is in both halves where it can be (`core/training.py`); spaCy's own machinery
trains (`nlp/training.py`). The version goes to `models/DATASET/N/` (the number the
store gives), its held-out figures into the store, and it becomes the dataset's model
only when it beats the model that suggests now on the same held-out documents.

spaCy is imported with this module: the command line imports it only when it trains.
"""

from __future__ import annotations

import re
import shutil
import tempfile
import time
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

from annotator.core.confidence import least_probability, worth
from annotator.core.errors import AnnotatorError
from annotator.core.memory import PhraseMemory
from annotator.core.model import Dataset, Document, Status
from annotator.core.tokens import Tokens
from annotator.core.training import (
    ModelVersion,
    Scores,
    held_out_fingerprint,
    held_out_split,
    labels_without_examples,
    model_label_names,
)
from annotator.nlp.confidence import found_in, record_confidence
from annotator.nlp.docbin import DocBinWriter
from annotator.nlp.evaluation import Gold, score_entities, scores_from_spacy
from annotator.nlp.models import ModelChoice, load_pipeline, resolve_model
from annotator.nlp.training import (
    BLANK,
    Step,
    Trained,
    TrainingSettings,
    base_labels,
    base_lang,
    move_pipeline,
    train_ner,
)
from annotator.services.exporting import with_tokens
from annotator.store import Store

MIN_DOCUMENTS = 2  # per half: spaCy's loop needs data to train on and to evaluate
Done = tuple[Document, Tokens]


@dataclass(frozen=True, slots=True)
class TrainOptions:
    models_root: Path  # versions go to models_root/DATASET/N
    base: str = BLANK
    eval_split: float = 0.2
    eval_dataset: str | None = None
    max_minutes: float | None = None
    max_steps: int = 20000
    out: Path | None = None  # the version's folder instead of models_root/DATASET/N
    force: bool = False  # make it the dataset's model even if it scores lower


@dataclass
class TrainReport:
    version: ModelVersion
    previous: str | None = None  # the pipeline that suggested before, if any
    previous_scores: Scores | None = None
    promoted: bool = False
    stopped: str = ""  # "", "interrupted" or "time"
    steps: int = 0
    notes: list[str] = field(default_factory=list)


def train_dataset(
    store: Store,
    dataset_name: str,
    options: TrainOptions,
    *,
    on_step: Callable[[Step], None] = lambda step: None,
) -> TrainReport:
    """Train a version of the dataset's model; see the module's docstring."""
    dataset = store.get_dataset(dataset_name)
    if not 0 < options.eval_split < 1:
        raise AnnotatorError(f"--eval-split must be between 0 and 1, not {options.eval_split:g}")
    if options.max_steps < 1:
        raise AnnotatorError("--max-steps must be at least 1")
    base_names = _check_base(options.base, dataset)
    train, held = _halves(store, dataset, options)
    _check_examples(dataset, train, options)
    number = store.next_model_number(dataset.id)
    final = (options.out or options.models_root / _folder_name(dataset) / str(number)).absolute()
    if final.exists() and (not final.is_dir() or any(final.iterdir())):
        raise AnnotatorError(f"{final} already exists; name a new or empty folder with --out")
    settings = TrainingSettings(
        lang=dataset.lang,
        base=options.base,
        max_steps=options.max_steps,
        max_seconds=None if options.max_minutes is None else options.max_minutes * 60,
        name=f"{_pipeline_name(dataset)}_v{number}",
    )
    new = _new_labels(options.base, train, base_names)
    try:
        judge = _Judge(_label_mapping(dataset), _known_phrases(store, dataset))
        trained, seconds = _train_into(
            final, settings, train, held, base_names, new, on_step, judge
        )
    except OSError as error:  # a full disk, a folder that cannot be written
        raise AnnotatorError(
            f"training could not write to {final.parent}: {error.strerror or error}; no "
            "version was recorded and the dataset's model is unchanged"
        ) from None
    try:
        version = ModelVersion(
            dataset_id=dataset.id,
            number=number,
            path=str(final),
            base=options.base,
            created_at=time.time(),
            seconds=round(seconds, 2),
            scores=replace(
                _scores(trained, final, dataset, held), held_out=_fingerprint(dataset, held)
            ),
            train_documents=len(train),
            eval_documents=len(held),
        )
        store.add_model_version(version)
    except AnnotatorError as error:  # a store that fills, say: the folder goes with it
        shutil.rmtree(final, ignore_errors=True)
        raise AnnotatorError(
            f"training could not record version {number}: {error}; no version was recorded "
            "and the dataset's model is unchanged"
        ) from None
    report = TrainReport(version, stopped=trained.stopped, steps=trained.steps)
    _compare_with_current(store, dataset, held, report, options.force)
    return report


def _train_into(
    final: Path,
    settings: TrainingSettings,
    train: Sequence[Done],
    held: Sequence[Done],
    names: dict[str, str],
    new_labels: tuple[str, ...],
    on_step: Callable[[Step], None],
    judge: _Judge,
) -> tuple[Trained, float]:
    """Train in a working folder beside `final`, record in it how sure its suggestions
    must be, and move it there whole (a rename: nothing half-written ever stands at
    `final`); the working folder goes."""
    final.parent.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix=".training-", dir=final.parent))
    try:
        train_path, dev_path = work / "train.spacy", work / "dev.spacy"
        train_path.write_bytes(_docbin(settings.lang, train, names))
        dev_path.write_bytes(_docbin(settings.lang, held, names))
        started = time.monotonic()
        trained = train_ner(
            settings, train_path, dev_path, work / "output", new_labels=new_labels, on_step=on_step
        )
        seconds = time.monotonic() - started
        least = judge.least_probability(trained.path, held)
        if least is not None:
            record_confidence(trained.path, least)
        if final.exists():
            final.rmdir()
        move_pipeline(trained.path, final)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return trained, seconds


@dataclass(frozen=True, slots=True)
class _Judge:
    """Judges how sure a new version must be for its suggestions to pay, on the held-out
    documents (`annotator.core.confidence`): its labels mapped onto the dataset's as its
    suggestions are, and only on names the phrase memory does not know (the memory
    suggests those itself and ranks above a model: there a model's suggestion saves
    nothing). When the held-out documents name nothing the memory does not know, there
    is nothing to judge by: the version predicts greedily, as a stock model does."""

    label_for: Callable[[str], str | None]
    known: Collection[str]

    def least_probability(self, folder: Path, held: Sequence[Done]) -> float | None:
        def new(document: Document, start: int, end: int) -> bool:
            return document.text[start:end] not in self.known

        if not any(new(d, s.start, s.end) for d, _ in held for s in d.gold_spans):
            return None
        nlp = load_pipeline(ModelChoice(str(folder)))
        found = found_in(nlp, [document.text for document, _ in held])
        scored = []
        for (document, _), entities in zip(held, found, strict=True):
            gold = {span.key for span in document.gold_spans}
            for entity in entities:
                label = self.label_for(entity.label)
                if label is not None and new(document, entity.start, entity.end):
                    scored.append((entity.probability, worth(replace(entity, label=label), gold)))
        return least_probability(scored)


def _known_phrases(store: Store, dataset: Dataset) -> Collection[str]:
    memory = PhraseMemory.from_counts(
        store.phrase_counts(dataset.id), store.article_counts(dataset.id)
    )
    return frozenset(memory.labels)


def _scores(trained: Trained, final: Path, dataset: Dataset, held: Sequence[Done]) -> Scores:
    """The new version's held-out figures. spaCy's loop scored it on the same documents
    with the same scorer when it kept it as the best: those figures serve when every
    label of its ner is the dataset's own (as from blank); else it is scored again with
    its labels mapped onto the dataset's, as its suggestions are."""
    mapping = _label_mapping(dataset)
    if trained.performance and all(mapping(label) == label for label in trained.labels):
        return scores_from_spacy(trained.performance, len(held))
    return score_pipeline(str(final), dataset, _gold(held))


def _check_base(base: str, dataset: Dataset) -> dict[str, str]:
    """Dataset label -> the base's label for it (empty from blank); refuses a base of
    another language or one that is no spaCy pipeline."""
    if base == BLANK:
        return {}
    lang = base_lang(base)
    if lang != dataset.lang:
        raise AnnotatorError(
            f"the base pipeline {base!r} is for language {lang!r}, but dataset "
            f"{dataset.name!r} is {dataset.lang!r}"
        )
    return model_label_names(dataset, base_labels(base))


def _halves(store: Store, dataset: Dataset, options: TrainOptions) -> tuple[list[Done], list[Done]]:
    done = _done(store, dataset)
    if options.eval_dataset is not None:
        other = store.get_dataset(options.eval_dataset)
        held = _done(store, other)
        train = done
        where = f"{len(train)} in {dataset.name!r} and {len(held)} in {other.name!r}"
    else:
        labels = [{span.label for span in document.gold_spans} for document, _ in done]
        train_at, held_at = held_out_split(labels, options.eval_split)
        train = [done[i] for i in train_at]
        held = [done[i] for i in held_at]
        where = f"{len(done)} in {dataset.name!r}: {len(train)} to train on, {len(held)} held out"
    if len(train) < MIN_DOCUMENTS or len(held) < MIN_DOCUMENTS:
        raise AnnotatorError(
            f"training needs at least {MIN_DOCUMENTS} done documents to train on and "
            f"{MIN_DOCUMENTS} held out; there are {where}"
        )
    return train, held


def _done(store: Store, dataset: Dataset) -> list[Done]:
    items = store.stream_documents(dataset.id, {Status.DONE}, with_tokens=True)
    return [
        (document, tokens)
        for document, tokens, _ in with_tokens(items, dataset.lang)
        if tokens is not None
    ]


def _check_examples(dataset: Dataset, train: Sequence[Done], options: TrainOptions) -> None:
    found = {span.label for document, _ in train for span in document.gold_spans}
    missing = labels_without_examples(dataset.label_names, found)
    if missing:
        names = ", ".join(missing)
        raise AnnotatorError(
            f"label{'s' if len(missing) > 1 else ''} {names} of {dataset.name!r} "
            f"{'have' if len(missing) > 1 else 'has'} no example in the {len(train)} done "
            "documents to train on: annotate one, or remove the label (annotator labels remove)"
        )
    if not found:
        raise AnnotatorError(f"the done documents of {dataset.name!r} have no gold spans to learn")


def _docbin(lang: str, documents: Sequence[Done], names: dict[str, str]) -> bytes:
    writer = DocBinWriter(lang)
    for document, tokens in documents:
        spans = [replace(s, label=names.get(s.label, s.label)) for s in document.gold_spans]
        writer.add(document, tokens, spans)
    return writer.to_bytes()


def _new_labels(base: str, train: Sequence[Done], names: dict[str, str]) -> tuple[str, ...]:
    """Labels the base's ner has not got: added before fine-tuning."""
    if base == BLANK:
        return ()
    known = set(names.values())
    found = sorted({s.label for document, _ in train for s in document.gold_spans})
    return tuple(label for label in found if label not in names and label not in known)


def _gold(documents: Sequence[Done]) -> list[Gold]:
    return [(document.text, tokens, document.gold_spans) for document, tokens in documents]


def _pipeline_name(dataset: Dataset) -> str:
    """The dataset's name as a pipeline's meta name (word characters only)."""
    return re.sub(r"\W+", "_", dataset.name).strip("_") or "dataset"


def _folder_name(dataset: Dataset) -> str:
    """The dataset's folder under `models/`: its name, unless that cannot be one."""
    name = dataset.name
    if name in (".", "..") or any(char in name for char in '/\\:*?"<>|') or name.startswith("."):
        return f"dataset-{dataset.id}"
    return name


def score_pipeline(model: str, dataset: Dataset, gold: Sequence[Gold]) -> Scores:
    """The pipeline's entities against the gold spans, its labels mapped onto the
    dataset's as its suggestions are."""
    nlp = load_pipeline(ModelChoice(model))
    return score_entities(nlp, gold, _label_mapping(dataset))


def _label_mapping(dataset: Dataset) -> Callable[[str], str | None]:
    if not dataset.labels and not dataset.label_map:
        return lambda label: label  # a dataset without a label set takes any label
    return dataset.map_label


def _fingerprint(dataset: Dataset, held: Sequence[Done]) -> str:
    return held_out_fingerprint(dataset, ((d.text, d.gold_spans) for d, _ in held))


def _known_scores(
    store: Store, dataset: Dataset, model: str, held: Sequence[Done]
) -> Scores | None:
    """The figures recorded for `model` when it is one of the dataset's versions and they
    were computed on these held-out documents with these labels (no need to score it
    again: `--eval-dataset` holds out the same documents each time)."""
    fingerprint = _fingerprint(dataset, held)
    for version in store.model_versions(dataset.id):
        if version.path == model and version.scores.held_out == fingerprint:
            return version.scores
    return None


def _compare_with_current(
    store: Store, dataset: Dataset, held: Sequence[Done], report: TrainReport, force: bool
) -> None:
    """Make the new version the dataset's model when it beats the current one (micro F1
    on the same held-out documents), or when forced."""
    try:
        current = resolve_model(None, dataset.model)
    except AnnotatorError as error:
        current = None
        report.notes.append(f"the dataset's model could not be found ({error})")
    if current is not None:
        report.previous = current.name
        try:
            report.previous_scores = _known_scores(
                store, dataset, current.name, held
            ) or score_pipeline(current.name, dataset, _gold(held))
        except AnnotatorError as error:
            report.notes.append(str(error))
    previous = report.previous_scores
    report.promoted = force or previous is None or report.version.scores.micro.f > previous.micro.f
    if report.promoted:
        store.set_model(dataset.id, report.version.path)
