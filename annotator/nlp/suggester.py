"""Entity suggestions from a spaCy pipeline, the dataset's phrase memory and its patterns."""

from __future__ import annotations

from collections import defaultdict, deque
from collections.abc import Callable, Generator, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

import spacy
from spacy.language import Language
from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc

from annotator.core.aliases import with_aliases
from annotator.core.boundaries import tidy, without_article
from annotator.core.common_words import is_common_word, is_edited
from annotator.core.consistency import one_label_per_name
from annotator.core.datelines import with_dateline
from annotator.core.errors import AnnotatorError
from annotator.core.memory import PhraseMemory
from annotator.core.model import Span, SpanState
from annotator.core.names import continues_a_name
from annotator.core.patterns import Pattern
from annotator.core.pieces import PIECE_CHARACTERS, joined_tokens, piece_bounds
from annotator.core.suggestions import MEMORY_SOURCE, PATTERNS_SOURCE, Analysis
from annotator.core.tokens import Tokens
from annotator.nlp.confidence import confident_docs, recorded_confidence
from annotator.nlp.patterns import CompiledPatterns, PatternMatcher, longest_first
from annotator.nlp.tokenizer import tokenize, tokens_of

LabelFor = Callable[[str], str | None]
# The entity types of spaCy's pipelines (OntoNotes, and CoNLL's) that are names, not
# dates or amounts: these must have a capital where the script has them.
NAME_TYPES = frozenset(
    {"PERSON", "NORP", "FAC", "ORG", "GPE", "LOC", "PRODUCT", "EVENT", "WORK_OF_ART"}
    | {"LAW", "LANGUAGE", "PER", "MISC"}
)


class TaughtMatcher:
    """Finds the memory's phrases in a Doc: exact words, case-sensitive, whole tokens; and
    the dataset's patterns (`annotator.nlp.patterns`), if it has any.

    Where matches overlap ("New York" and "New York Times") the one of most tokens wins,
    then the earliest (spaCy's `EntityRuler` rule, over the memory's and the patterns'
    matches together; on the same tokens the memory's). A memory match that is part of a
    longer name in the text ("Chile" in "AFP Chile") is not a suggestion; a pattern match
    is, as the `EntityRuler` would find it. `allows` says which pattern matches people
    have not refused (`PhraseMemory.allows`).
    """

    def __init__(
        self, nlp: Language, memory: PhraseMemory, patterns: PatternMatcher | None = None
    ) -> None:
        self._matcher = PhraseMatcher(nlp.vocab, attr="ORTH")
        self._allows = memory.allows
        self._patterns = patterns
        by_label: dict[str, list[str]] = defaultdict(list)
        for phrase, label in memory.labels.items():
            by_label[label].append(phrase)
        for label, phrases in by_label.items():
            self._matcher.add(label, list(tokenize(nlp, phrases)))

    def __call__(self, doc: Doc, text: str, offset: int = 0) -> list[Span]:
        """The matches in `doc`, which is the piece of `text` that starts at `offset`."""
        found = [(m, 0) for m in self._matcher(doc, as_spans=True)] if len(self._matcher) else []
        if self._patterns is not None:
            found.extend((m, 1) for m in self._patterns(doc) if self._allows(m.text, m.label_))
        spans = (
            Span(
                m.start_char + offset,
                m.end_char + offset,
                m.label_,
                SpanState.SUGGESTED,
                PATTERNS_SOURCE if rank else MEMORY_SOURCE,
            )
            for m, rank in longest_first(found)
        )
        return [
            s
            for s in spans
            if s.source == PATTERNS_SOURCE or not continues_a_name(text, s.start, s.end)
        ]


class SpacySuggester:
    """A pipeline's `doc.ents` (labels mapped onto the dataset's) plus memory matches.

    With `nlp=None` there is no statistical model: texts are only tokenized (by `base`, a
    blank pipeline for `lang` made here unless given) and the memory and the dataset's
    `patterns` suggest alone. Pattern matches are the `EntityRuler`'s: the article rules
    below never change them. `compiled` keeps their matcher for the next suggester.

    With `refine` (the default) the article-level rules apply to what is found: the
    model's spans are tidied (`annotator.core.boundaries.tidy`: split at a spaced dash, no
    trailing possessive), a name with no capital or an ordinary word capitalised by its
    sentence is dropped (`annotator.core.common_words`), a dateline's places are suggested as places
    (`annotator.core.datelines`), the short forms of suggested names (a person's surname,
    an acronym in brackets) are suggested where they stand alone (`annotator.core.aliases`)
    and the same words take the label most of them have (`annotator.core.consistency`).
    `refine=False` gives the model's entities exactly as predicted: the effort benchmark's
    model-only baseline.

    A pipeline that records the least probability its entities need (a dataset's own
    version, `annotator.nlp.confidence`) is run through its beam and suggests only the
    entities that sure; any other predicts greedily.

    A text longer than `piece_length` (and spaCy's `max_length`) is analysed in pieces.
    """

    def __init__(
        self,
        nlp: Language | None,
        *,
        label_for: LabelFor,
        memory: PhraseMemory | None = None,
        patterns: Sequence[Pattern] = (),
        compiled: CompiledPatterns | None = None,
        lang: str = "en",
        base: Language | None = None,
        refine: bool = True,
        piece_length: int = PIECE_CHARACTERS,
    ) -> None:
        self._nlp = nlp
        self._piece_length = piece_length
        self._label_for = label_for
        self._memory = memory or PhraseMemory()
        self._refine = refine
        self._base = nlp if nlp is not None else (base or blank_pipeline(lang))
        rules = None
        if patterns:
            rules = (compiled or CompiledPatterns()).matcher(self._base, patterns, label_for)
        self._matcher = (
            TaughtMatcher(self._base, self._memory, rules or None)
            if self._memory or rules
            else None
        )
        self._source = _pipeline_name(nlp) if nlp is not None else MEMORY_SOURCE
        self._least = recorded_confidence(nlp) if nlp is not None else None

    @property
    def name(self) -> str:
        return self._source

    def analyse(
        self, texts: Iterable[str], *, batch_size: int = 64, n_process: int = 1
    ) -> Iterator[Analysis]:
        """One `Analysis` per text, in order; a text spaCy or the rules fail on gets one
        that says why (`Analysis.problem`), and the texts after it go on.

        A text longer than the piece length is analysed in pieces cut at paragraph or
        sentence ends (`annotator.core.pieces`) and its offsets are moved back. When spaCy
        fails on a batch, the texts it had been given are run again one by one (the one
        that fails alone is the one to blame) and a new run carries on with the rest.
        """
        remaining = _Source(texts)
        index = 0
        while True:
            pending: deque[_Text] = deque()
            long: list[_Text] = []
            feed = self._pieces(remaining, pending, index, long)
            stream = self._docs(feed, batch_size, n_process)
            while True:
                try:
                    doc, (_, part) = next(stream)
                except StopIteration:
                    break
                except Exception:
                    if remaining.error is not None or not pending:
                        raise  # the texts' own source failed (the store, say): not a text
                    stream.close()  # ends spaCy's worker processes, if any
                    break  # any component may fail on any text: see which, alone
                head = pending[0]  # spaCy returns every piece, in order
                head.docs[part] = doc
                if len(head.docs) == len(head.bounds):
                    yield self._finished(pending.popleft())
            # Left: what a failed batch held (pending), then a long text (its pieces one at
            # a time, so that spaCy's memory stays that of one piece).
            leftovers = [*pending, *long]
            if not leftovers:
                return
            for item in leftovers:
                yield self._alone(item)
            index = leftovers[-1].index + 1

    def _pieces(
        self, texts: _Source, pending: deque[_Text], first: int, long: list[_Text]
    ) -> Iterator[_Piece]:
        """The texts for one run of the pipeline, each waiting in `pending` for its doc.

        A text that needs pieces ends the run and is left in `long`: fed with other texts,
        all its pieces would share one batch, and spaCy's memory would grow with the
        whole article again.
        """
        limit = min(self._piece_length, self._base.max_length)
        for index, text in enumerate(texts, start=first):
            item = _Text(index, text, piece_bounds(text, limit))
            if len(item.bounds) > 1:
                long.append(item)
                return
            pending.append(item)
            yield text, (index, 0)

    def _docs(
        self, pieces: Iterable[_Piece], batch_size: int, n_process: int
    ) -> Generator[tuple[Doc, _Where], None, None]:
        """Docs of the pieces, with where each belongs."""
        if self._nlp is None:
            tokenizer: Any = self._base.tokenizer
            for piece, where in pieces:
                yield tokenizer(piece), where
            return
        if self._least is not None:  # a dataset's version that says how sure it must be
            yield from confident_docs(self._nlp, pieces, self._least, batch_size)
            return
        yield from self._nlp.pipe(
            pieces, as_tuples=True, batch_size=batch_size, n_process=n_process
        )

    def _alone(self, item: _Text) -> Analysis:
        """A text run on its own, a piece at a time: its analysis, or why spaCy failed."""
        pieces = [(item.text[s:e], (item.index, p)) for p, (s, e) in enumerate(item.bounds)]
        try:
            for doc, (_, part) in self._docs(pieces, 1, 1):
                item.docs[part] = doc
        except Exception as error:  # this text is the one spaCy fails on
            return Analysis(Tokens((), ()), (), _describe(error))
        return self._finished(item)

    def _finished(self, item: _Text) -> Analysis:
        try:
            return self._analysis(item)
        except Exception as error:  # a rule that breaks on one text must not stop the rest
            return Analysis(Tokens((), ()), (), _describe(error))

    def _analysis(self, item: _Text) -> Analysis:
        text = item.text
        suggestions = []
        memory_matches = []
        edited = self._refine and is_edited(text)
        for part, (start, _) in enumerate(item.bounds):
            doc = item.docs[part]
            for ent in doc.ents:
                label = self._label_for(ent.label_)
                where = (ent.start_char + start, ent.end_char + start)
                if edited and ent.label_ in NAME_TYPES and is_common_word(text, *where):
                    continue  # "the white jersey" as ORG: no name
                if label is not None:
                    span = Span(
                        ent.start_char + start,
                        ent.end_char + start,
                        label,
                        SpanState.SUGGESTED,
                        self._source,
                    )
                    suggestions.append(span)
            if self._matcher is not None:
                memory_matches.extend(self._matcher(doc, text, start))
        tokens = joined_tokens(
            [(start, tokens_of(item.docs[part])) for part, (start, _) in enumerate(item.bounds)]
        )
        if self._refine:
            suggestions = tidy(text, suggestions, known=self._memory.labels.__contains__)
            if self._nlp is not None:
                place = self._label_for("GPE") or self._label_for("LOC")
                suggestions = with_dateline(text, suggestions, place, self._source)
        cut = self._memory.without_article
        if cut and self._nlp is not None:
            suggestions = without_article(text, suggestions, cut, tokens)
        allows = self._memory.allows
        suggestions = [s for s in suggestions if allows(text[s.start : s.end], s.label)]
        suggestions.extend(s for s in memory_matches if s.source == MEMORY_SOURCE)
        if self._refine:
            suggestions = with_aliases(text, suggestions, tokens)
            suggestions = one_label_per_name(text, suggestions, tokens)
        suggestions.extend(s for s in memory_matches if s.source == PATTERNS_SOURCE)
        return Analysis(tokens, tuple(suggestions))


_Where = tuple[int, int]  # (the text's index in the run, the piece's index in the text)
_Piece = tuple[str, _Where]


@dataclass
class _Text:
    """A text waiting for the docs of its pieces."""

    index: int
    text: str
    bounds: list[tuple[int, int]]
    docs: dict[int, Doc] = field(default_factory=dict)


class _Source:
    """The texts to analyse, remembering whether reading them failed (then that error is
    the caller's to see, not a text's)."""

    def __init__(self, texts: Iterable[str]) -> None:
        self._texts = iter(texts)
        self.error: Exception | None = None

    def __iter__(self) -> Iterator[str]:
        return self

    def __next__(self) -> str:
        try:
            return next(self._texts)
        except StopIteration:
            raise
        except Exception as error:
            self.error = error
            raise


def _describe(error: BaseException) -> str:
    return f"{type(error).__name__}: {error}".strip().splitlines()[0][:300]


def _pipeline_name(nlp: Language) -> str:
    """`en_core_web_sm`-style name as Prodigy records it in a span's `source`."""
    return f"{nlp.meta.get('lang', nlp.lang)}_{nlp.meta.get('name', 'pipeline')}"


def blank_pipeline(lang: str) -> Language:
    """A pipeline with only `lang`'s tokenizer; build it once and pass it as `base`."""
    try:
        return spacy.blank(lang)
    except (ImportError, KeyError, ValueError) as error:
        raise AnnotatorError(f"spaCy has no tokenizer for language {lang!r}: {error}") from None
