"""Pre-annotating a dataset: run the suggester over its open documents and save the results.

Documents stream from the store in pages, through the suggester (spaCy's `nlp.pipe`, with
its batching and processes), and back into the store one transaction per batch. A batch
that was written stays written: stopping the run (Ctrl-C) loses at most the batch in
flight, and the next run carries on where this one stopped, because a visited document is
marked and skipped. `force` visits every open document again; the merge rules keep every
accepted, drawn and rejected span (see `annotator.core.merge`).

A document that cannot be suggested (spaCy or a rule fails on it, or its stored data
cannot be read) is skipped and named in the report; the others go on. It stays unmarked,
so a later run tries it again.
"""

from __future__ import annotations

from collections import Counter, deque
from collections.abc import Iterator
from dataclasses import dataclass, field

from annotator.core.memory import PhraseMemory
from annotator.core.merge import merge_suggestions
from annotator.core.model import Dataset, Document, SpanState
from annotator.core.suggestions import Suggester
from annotator.services.document_analysis import catch_up_edit, memory_analysis, save_analysis
from annotator.services.progress import NoProgress, Progress
from annotator.store import Store
from annotator.store.suggestions import SuggestedDocument


@dataclass(frozen=True, slots=True)
class SuggestOptions:
    model: str | None = None  # a spaCy package name or folder; None: the dataset's, or a default
    force: bool = False
    batch_size: int = 64
    n_process: int = 1
    refine: bool = True  # False: the model's entities as predicted (see SpacySuggester)


@dataclass
class SuggestReport:
    suggester: str = ""
    notice: str = ""  # set when no statistical model is installed
    documents: int = 0
    added: Counter[str] = field(default_factory=Counter)  # source -> suggestions added
    memory_phrases: int = 0
    patterns: int = 0  # the dataset's imported patterns
    skipped: list[Skipped] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class Skipped:
    """A document the run could not suggest for, and why."""

    document_id: int
    title: str
    reason: str


def load_suggester(
    store: Store, dataset: Dataset, model: str | None, report: SuggestReport, *, refine: bool = True
) -> Suggester:
    """The suggester for `dataset`: its model resolved and loaded, its memory built, its
    patterns read.

    Without any trained pipeline the memory suggests alone and `report.notice` says how
    to install one.
    """
    from annotator.nlp.models import INSTALL_HINT, load_pipeline, resolve_model
    from annotator.nlp.suggester import SpacySuggester

    memory = PhraseMemory.from_counts(
        store.phrase_counts(dataset.id), store.article_counts(dataset.id)
    )
    patterns = store.patterns(dataset.id)
    choice = resolve_model(model, dataset.model)
    nlp = load_pipeline(choice) if choice is not None else None
    report.memory_phrases = len(memory)
    report.patterns = len(patterns)
    report.notice = "" if choice is not None else INSTALL_HINT
    return SpacySuggester(
        nlp,
        label_for=dataset.map_label,
        memory=memory,
        patterns=patterns,
        lang=dataset.lang,
        refine=refine,
    )


def suggest_dataset(
    store: Store,
    dataset_name: str,
    options: SuggestOptions = SuggestOptions(),
    *,
    suggester: Suggester | None = None,
    progress: Progress | None = None,
) -> SuggestReport:
    """Suggest entities for the dataset's open documents that have none yet."""
    progress = progress or NoProgress()
    dataset = store.get_dataset(dataset_name)
    report = SuggestReport()
    if suggester is None:
        suggester = load_suggester(store, dataset, options.model, report, refine=options.refine)
    report.suggester = suggester.name
    progress.stage("Suggesting", store.count_to_suggest(dataset.id, force=options.force), "doc")
    pending: deque[Document] = deque()
    batch: list[SuggestedDocument] = []

    def unreadable(document_id: int, reason: str) -> None:
        report.skipped.append(Skipped(document_id, "", reason))
        progress.advance(1)

    documents = store.documents_to_suggest(
        dataset.id, force=options.force, on_unreadable=unreadable
    )
    analyses = suggester.analyse(
        _feed(documents, pending), batch_size=options.batch_size, n_process=options.n_process
    )
    for analysis in analyses:
        document = pending.popleft()
        if analysis.problem:
            report.skipped.append(Skipped(document.id, document.title, analysis.problem))
            progress.advance(1)
            continue
        edit = merge_suggestions(
            document,
            analysis.suggestions,
            replace=options.force,
            allow_overlap=dataset.allow_overlap,
        )
        batch.append(SuggestedDocument(document, edit, analysis.tokens))
        added = edit.changes().added
        report.added.update(s.source or "" for s in added if s.state is SpanState.SUGGESTED)
        if len(batch) >= options.batch_size:
            _save(store, batch, suggester.name, report, progress)
    _save(store, batch, suggester.name, report, progress)
    return report


def suggest_from_memory(store: Store, dataset: Dataset, document: Document) -> Document:
    """Bring an open document up to date with the phrase memory and the dataset's
    patterns, in one transaction.

    The batch `suggest` knew only the decisions made before it ran; this adds what the
    annotators have taught since (memory and pattern suggestions, merged by the usual
    rules) and
    removes model suggestions whose words and label people now reject more than accept.
    Returns the document as stored afterwards. The window does the same off its thread
    with `document_analysis.DocumentAnalyser`.
    """
    memory = PhraseMemory.from_counts(
        store.phrase_counts(dataset.id), store.article_counts(dataset.id)
    )
    patterns = store.patterns(dataset.id)
    if not memory and not memory.rejected and not memory.without_article and not patterns:
        return document
    analysis = memory_analysis(dataset, document, memory, patterns)
    edit = catch_up_edit(document, analysis, allow_overlap=dataset.allow_overlap)
    return save_analysis(store, document, analysis, edit)


def _feed(documents: Iterator[Document], pending: deque[Document]) -> Iterator[str]:
    """The texts for the suggester; each document waits in `pending` for its analysis."""
    for document in documents:
        pending.append(document)
        yield document.text


def _save(
    store: Store,
    batch: list[SuggestedDocument],
    name: str,
    report: SuggestReport,
    progress: Progress,
) -> None:
    if not batch:
        return
    store.save_suggestions(batch, suggester=name)
    report.documents += len(batch)
    progress.advance(len(batch))
    batch.clear()
