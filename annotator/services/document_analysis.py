"""Analysing the document the annotator opened: its tokens, the model, the memory and the
patterns.

A document opened in the window needs its tokens (to snap mouse selections), the model's
suggestions if no suggester has been over it yet, and what the dataset's phrase memory has
learnt since it was suggested (and its imported patterns' matches). `DocumentAnalyser`
computes them on a worker thread and returns a `DocumentAnalysis`, a plain value. The window
then turns it into one edit with `catch_up_edit`, against the document as it is *then* (the
annotator may have edited it meanwhile), and writes it with `save_analysis`.

spaCy is imported only inside the methods that need it, so importing this module (as the
window does) costs nothing and never loads spaCy on the calling thread.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from annotator.core.assistance import ALL_ON, Assistance
from annotator.core.boundaries import without_article
from annotator.core.edits import Batch, Edit, SwapSuggestions
from annotator.core.errors import AnnotatorError
from annotator.core.memory import PhraseMemory
from annotator.core.merge import merge_suggestions
from annotator.core.model import Dataset, Document, Span, SpanState
from annotator.core.patterns import Pattern
from annotator.core.suggestions import Analysis, Suggester
from annotator.core.summaries import OPEN_STATUSES
from annotator.core.tokens import Tokens
from annotator.services.tokens import TokenCache
from annotator.store import Store
from annotator.store.suggestions import SuggestedDocument

if TYPE_CHECKING:
    from annotator.nlp.models import ModelChoice

# A suggester for the loaded pipeline, given a dataset (its label mapping), a memory and
# the dataset's patterns.
ModelSuggester = Callable[[Dataset, PhraseMemory, Sequence[Pattern]], Suggester]


@dataclass(frozen=True, slots=True)
class DocumentAnalysis:
    """What the worker found for one document, computed from its text alone."""

    document_id: int
    tokens: Tokens
    suggestions: tuple[Span, ...]  # model (if it ran) + memory; dataset labels, SUGGESTED
    memory: PhraseMemory  # the memory they were computed with
    model: str | None  # the suggester's name when the model ran now, else None


@dataclass(frozen=True, slots=True)
class ModelStatus:
    """Which pipeline suggests after `DocumentAnalyser.load`."""

    name: str  # as suggestions record it in `source` ("en_core_web_sm"); "" when none
    notice: str = ""  # what to tell the user: how to install a model when none is installed

    @property
    def installed(self) -> bool:
        return bool(self.name)


class DocumentAnalyser:
    """Holds the loaded pipeline and analyses one document at a time.

    Not thread-safe: one thread (the window's worker) owns it. The store and the token
    cache may be shared with other threads. `assistance` says whether the memory suggests
    and whether the model's spans go through the article rules (all on by default).
    """

    def __init__(self, store: Store, tokens: TokenCache, assistance: Assistance = ALL_ON) -> None:
        self._store = store
        self._tokens = tokens
        self._assistance = assistance
        self._choice: ModelChoice | None = None
        self._memory_only: dict[str, ModelSuggester] = {}  # by language: one tokenizer each
        self._with_model: ModelSuggester | None = None

    def load(
        self,
        dataset: Dataset,
        model: str | None = None,
        *,
        on_loading: Callable[[str], None] | None = None,
    ) -> ModelStatus:
        """Resolve the dataset's pipeline and load it, unless it is the one already loaded.

        `on_loading` hears the model's name just before a (slow) load starts. Raises
        `AnnotatorError` when a named model is missing or cannot load; the analyser then
        has no model and suggests from the memory alone.
        """
        from annotator.nlp.models import INSTALL_HINT, resolve_model

        try:
            choice = resolve_model(model, dataset.model)
            if choice is None:
                self._unload()
                return ModelStatus("", INSTALL_HINT)
            if choice != self._choice or self._with_model is None:
                self._unload()
                if on_loading is not None:
                    on_loading(_display_name(choice.name))
                self._with_model = _load_model(choice, refine=self._assistance.article_rules)
                self._choice = choice
        except BaseException:
            self._unload()
            raise
        return ModelStatus(self._with_model(dataset, PhraseMemory(), ()).name)

    @property
    def model_loaded(self) -> bool:
        return self._with_model is not None

    def analyse(
        self, dataset: Dataset, document: Document, *, again: bool = False
    ) -> DocumentAnalysis:
        """Tokens, plus the model's suggestions when no suggester has been over the document
        yet (`again`: even if one has), plus the memory's and the patterns', read fresh from
        the store. Finished documents (done, skipped, rejected) get their tokens and nothing
        else."""
        memory = self._memory(dataset)
        if document.status not in OPEN_STATUSES:
            tokens = self._tokens.tokens(document, dataset.lang)
            return DocumentAnalysis(document.id, tokens, (), memory, None)
        patterns = self._store.patterns(dataset.id)
        with_model = self._with_model
        if with_model is not None and (again or not self._store.was_suggested(document.id)):
            suggester = with_model(dataset, memory, patterns)
            found = _analysed(suggester, document.text)
            # The model's own tokens: `save_analysis` stores them with its suggestions.
            self._tokens.remember(document.id, found.tokens)
            return DocumentAnalysis(
                document.id, found.tokens, found.suggestions, memory, suggester.name
            )
        tokens = self._tokens.tokens(document, dataset.lang)
        if not memory and not patterns:
            return DocumentAnalysis(document.id, tokens, (), memory, None)
        with_memory = self._memory_only.get(dataset.lang)
        if with_memory is None:  # a blank pipeline takes ~90 ms to build: once per language
            with_memory = self._memory_only[dataset.lang] = _memory_only(dataset.lang)
        found = _analysed(with_memory(dataset, memory, patterns), document.text)
        return DocumentAnalysis(document.id, tokens, found.suggestions, memory, None)

    def _memory(self, dataset: Dataset) -> PhraseMemory:
        if not self._assistance.memory:
            return PhraseMemory()
        return PhraseMemory.from_counts(
            self._store.phrase_counts(dataset.id), self._store.article_counts(dataset.id)
        )

    def _unload(self) -> None:
        self._with_model = None
        self._choice = None


def memory_analysis(
    dataset: Dataset,
    document: Document,
    memory: PhraseMemory,
    patterns: Sequence[Pattern] = (),
) -> DocumentAnalysis:
    """The memory's and the patterns' suggestions for a document, with spaCy's tokens (no
    model)."""
    found = _analysed(_memory_suggester(dataset, memory, patterns), document.text)
    return DocumentAnalysis(document.id, found.tokens, found.suggestions, memory, None)


def catch_up_edit(
    document: Document, analysis: DocumentAnalysis, *, allow_overlap: bool
) -> Edit | None:
    """One edit that brings `document`, as it is now, up to date with `analysis`.

    Open suggestions that the analysis' memory refuses (words and label people rejected
    more often than accepted) go; the analysis' suggestions come in by the merge rules
    (`merge_suggestions`: never over a person's span, never a rejected one back). Gold
    and rejected spans are never touched. None when nothing would change, or when the
    document is no longer open (marked done meanwhile).
    """
    if analysis.document_id != document.id:
        raise ValueError(
            f"the analysis is of document {analysis.document_id}, not of {document.id}"
        )
    if document.status not in OPEN_STATUSES:
        return None
    refused = _refused(document, analysis.memory)
    cleaned = SwapSuggestions(refused, ()).apply(document) if refused else document
    cut = _articles_cut(cleaned, analysis)
    if cut.removed:
        cleaned = cut.apply(cleaned)
    merge = merge_suggestions(
        cleaned, analysis.suggestions, replace=False, allow_overlap=allow_overlap
    )
    removed: tuple[Span, ...] = refused
    added: tuple[Span, ...] = ()
    for edit in merge.edits:
        assert isinstance(edit, SwapSuggestions)  # what merge_suggestions makes
        removed += edit.removed
        added += edit.added
    if not removed and not added and not cut.removed:
        return None
    description = merge.description if added else _describe_dropped(len(refused))
    if added and refused:
        description += ", " + _describe_dropped(len(refused)).lower()
    if cut.removed:
        description = _describe_cut(len(cut.removed)) + (
            f", {description[:1].lower()}{description[1:]}" if removed or added else ""
        )
    steps: list[Edit] = []
    if refused or cut.removed:
        steps.append(SwapSuggestions(refused + cut.removed, cut.added, description))
    if added or len(removed) > len(refused):
        steps.append(SwapSuggestions(removed[len(refused) :], added, description))
    return Batch(tuple(steps), description)


def suggest_again_edit(
    document: Document, analysis: DocumentAnalysis, *, allow_overlap: bool
) -> Edit:
    """The edit `suggest --force` makes: the model's and the memory's suggestions replace
    the open ones; accepted, drawn and rejected spans stay as people left them."""
    return merge_suggestions(
        document, analysis.suggestions, replace=True, allow_overlap=allow_overlap
    )


def save_analysis(
    store: Store, document: Document, analysis: DocumentAnalysis, edit: Edit | None
) -> Document:
    """Write `edit` (from `catch_up_edit`) in one transaction and return the document.

    When the model ran for this analysis, the same transaction marks the document as
    suggested (with its tokens), so the model never runs over it again.
    """
    if analysis.model is not None:
        step = edit if edit is not None else Batch((), "")
        store.save_suggestions(
            [SuggestedDocument(document, step, analysis.tokens)], suggester=analysis.model
        )
        return step.apply(document)
    if edit is None:
        return document
    return store.apply(document, edit)


def _analysed(suggester: Suggester, text: str) -> Analysis:
    """The suggester's analysis of one text; one it could not make raises, saying why."""
    found = next(iter(suggester.analyse([text])))
    if found.problem:
        raise AnnotatorError(f"no suggestions for this document: {found.problem}")
    return found


def _memory_suggester(
    dataset: Dataset, memory: PhraseMemory, patterns: Sequence[Pattern]
) -> Suggester:
    """The memory's and the patterns' matches on spaCy's tokens, without a model."""
    from annotator.nlp.suggester import SpacySuggester

    return SpacySuggester(
        None, label_for=dataset.map_label, memory=memory, patterns=patterns, lang=dataset.lang
    )


def _memory_only(lang: str) -> ModelSuggester:
    """Memory suggesters that share one blank `lang` pipeline for their tokens (and the
    matcher of the patterns, while they stay the same)."""
    from annotator.nlp.patterns import CompiledPatterns
    from annotator.nlp.suggester import SpacySuggester, blank_pipeline

    base = blank_pipeline(lang)
    compiled = CompiledPatterns()

    def with_memory(
        dataset: Dataset, memory: PhraseMemory, patterns: Sequence[Pattern]
    ) -> Suggester:
        return SpacySuggester(
            None,
            label_for=dataset.map_label,
            memory=memory,
            patterns=patterns,
            compiled=compiled,
            lang=dataset.lang,
            base=base,
        )

    return with_memory


def _load_model(choice: ModelChoice, *, refine: bool) -> ModelSuggester:
    """Load the pipeline (slow); suggesters that run it come from what this returns."""
    from annotator.nlp.models import load_pipeline
    from annotator.nlp.patterns import CompiledPatterns
    from annotator.nlp.suggester import SpacySuggester

    nlp = load_pipeline(choice)
    compiled = CompiledPatterns()

    def with_model(
        dataset: Dataset, memory: PhraseMemory, patterns: Sequence[Pattern]
    ) -> Suggester:
        return SpacySuggester(
            nlp,
            label_for=dataset.map_label,
            memory=memory,
            patterns=patterns,
            compiled=compiled,
            lang=dataset.lang,
            refine=refine,
        )

    return with_model


def _refused(document: Document, memory: PhraseMemory) -> tuple[Span, ...]:
    if not memory.rejected:
        return ()
    return tuple(
        span
        for span in document.spans
        if span.state is SpanState.SUGGESTED
        and not memory.allows(document.covered_text(span), span.label)
    )


def _articles_cut(document: Document, analysis: DocumentAnalysis) -> SwapSuggestions:
    """The model's suggestions with a leading "the" the memory says people leave out,
    swapped for the same without it (`boundaries.without_article`)."""
    labels = analysis.memory.without_article
    if not labels:
        return SwapSuggestions((), ())
    after = without_article(document.text, document.spans, labels, analysis.tokens)
    before = set(document.spans)
    now = set(after)
    removed = tuple(s for s in document.spans if s not in now)
    return SwapSuggestions(removed, tuple(s for s in after if s not in before))


def _describe_cut(count: int) -> str:
    noun = "suggestion" if count == 1 else "suggestions"
    return f'Cut "the" off {count} {noun}'


def _describe_dropped(count: int) -> str:
    noun = "suggestion" if count == 1 else "suggestions"
    return f"Drop {count} refused {noun}"


def _display_name(name: str) -> str:
    """A package name as it is; a model folder by its last part."""
    return Path(name).name if ("/" in name or "\\" in name) else name
