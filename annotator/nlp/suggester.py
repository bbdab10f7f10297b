"""Entity suggestions from a spaCy pipeline and from the dataset's phrase memory."""

from __future__ import annotations

from collections import defaultdict, deque
from collections.abc import Callable, Iterable, Iterator

import spacy
from spacy.language import Language
from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc
from spacy.util import filter_spans

from annotator.core.aliases import with_aliases
from annotator.core.boundaries import tidy
from annotator.core.errors import AnnotatorError
from annotator.core.memory import PhraseMemory
from annotator.core.model import Span, SpanState
from annotator.core.names import continues_a_name
from annotator.core.suggestions import MEMORY_SOURCE, Analysis
from annotator.nlp.tokenizer import tokenize, tokens_of

LabelFor = Callable[[str], str | None]


class MemoryMatcher:
    """Finds the memory's phrases in a Doc: exact words, case-sensitive, whole tokens.

    Where phrases overlap ("New York" and "New York Times") the longest wins; a match that
    is part of a longer name in the text ("Chile" in "AFP Chile") is not a suggestion.
    """

    def __init__(self, nlp: Language, memory: PhraseMemory) -> None:
        self._matcher = PhraseMatcher(nlp.vocab, attr="ORTH")
        by_label: dict[str, list[str]] = defaultdict(list)
        for phrase, label in memory.labels.items():
            by_label[label].append(phrase)
        for label, phrases in by_label.items():
            self._matcher.add(label, list(tokenize(nlp, phrases)))

    def __call__(self, doc: Doc, text: str) -> list[Span]:
        """The matches in `doc`, whose text is `text`."""
        found = filter_spans(self._matcher(doc, as_spans=True))
        return [
            Span(m.start_char, m.end_char, m.label_, SpanState.SUGGESTED, MEMORY_SOURCE)
            for m in sorted(found, key=lambda m: m.start_char)
            if not continues_a_name(text, m.start_char, m.end_char)
        ]


class SpacySuggester:
    """A pipeline's `doc.ents` (labels mapped onto the dataset's) plus memory matches.

    With `nlp=None` there is no statistical model: texts are only tokenized (by `base`, a
    blank pipeline for `lang` made here unless given) and the memory suggests alone.

    With `refine` (the default) the article-level rules apply to what is found: the
    model's spans are tidied (`annotator.core.boundaries.tidy`: split at a spaced dash, no
    trailing possessive) and the short forms of suggested names (a person's surname, an
    acronym in brackets) are suggested where they stand alone (`annotator.core.aliases`).
    `refine=False` gives the model's entities exactly as predicted: the effort benchmark's
    model-only baseline.
    """

    def __init__(
        self,
        nlp: Language | None,
        *,
        label_for: LabelFor,
        memory: PhraseMemory | None = None,
        lang: str = "en",
        base: Language | None = None,
        refine: bool = True,
    ) -> None:
        self._nlp = nlp
        self._label_for = label_for
        self._memory = memory or PhraseMemory()
        self._refine = refine
        self._base = nlp if nlp is not None else (base or blank_pipeline(lang))
        self._matcher = MemoryMatcher(self._base, self._memory) if self._memory else None
        self._source = _pipeline_name(nlp) if nlp is not None else MEMORY_SOURCE

    @property
    def name(self) -> str:
        return self._source

    def analyse(
        self, texts: Iterable[str], *, batch_size: int = 64, n_process: int = 1
    ) -> Iterator[Analysis]:
        pending: deque[str] = deque()  # the texts themselves: `doc.text` rebuilds them
        fed = _remembered(texts, pending)
        if self._nlp is not None:
            docs: Iterable[Doc] = self._nlp.pipe(fed, batch_size=batch_size, n_process=n_process)
        else:
            docs = tokenize(self._base, fed, batch_size=batch_size)
        for doc in docs:  # in the order of the texts, whatever the processes
            yield self._analysis(doc, pending.popleft())

    def _analysis(self, doc: Doc, text: str) -> Analysis:
        suggestions = []
        for ent in doc.ents:
            label = self._label_for(ent.label_)
            if label is not None:
                span = Span(ent.start_char, ent.end_char, label, SpanState.SUGGESTED, self._source)
                suggestions.append(span)
        tokens = tokens_of(doc)
        if self._refine:
            suggestions = tidy(text, suggestions, known=self._memory.labels.__contains__)
        allows = self._memory.allows
        suggestions = [s for s in suggestions if allows(text[s.start : s.end], s.label)]
        if self._matcher is not None:
            suggestions.extend(self._matcher(doc, text))
        if self._refine:
            suggestions = with_aliases(text, suggestions, tokens)
        return Analysis(tokens, tuple(suggestions))


def _remembered(texts: Iterable[str], pending: deque[str]) -> Iterator[str]:
    for text in texts:
        pending.append(text)
        yield text


def _pipeline_name(nlp: Language) -> str:
    """`en_core_web_sm`-style name as Prodigy records it in a span's `source`."""
    return f"{nlp.meta.get('lang', nlp.lang)}_{nlp.meta.get('name', 'pipeline')}"


def blank_pipeline(lang: str) -> Language:
    """A pipeline with only `lang`'s tokenizer; build it once and pass it as `base`."""
    try:
        return spacy.blank(lang)
    except (ImportError, KeyError, ValueError) as error:
        raise AnnotatorError(f"spaCy has no tokenizer for language {lang!r}: {error}") from None
