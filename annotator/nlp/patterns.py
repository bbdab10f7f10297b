"""Imported patterns matched as spaCy's `EntityRuler` matches them.

Phrase patterns go to a `PhraseMatcher` on exact words (`ORTH`, the ruler's default),
token patterns to a `Matcher`. A token pattern that reads what only a tagger, lemmatizer
or parser gives (part of speech, lemma, dependency...) is matched only in a Doc that has
it, which annotator's Docs never do (it runs the entity components alone): the ruler in
such a pipeline would fail on the whole text instead.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from spacy.errors import MatchPatternError
from spacy.language import Language
from spacy.matcher import Matcher, PhraseMatcher
from spacy.tokens import Doc
from spacy.tokens import Span as SpacySpan
from spacy.vocab import Vocab

from annotator.core.patterns import Pattern
from annotator.nlp.tokenizer import tokenize

LabelFor = Callable[[str], str | None]

# Token attributes a pipeline component sets, and the component that sets each.
ANNOTATIONS = {
    "TAG": "a tagger",
    "POS": "a tagger or morphologizer",
    "MORPH": "a morphologizer",
    "LEMMA": "a lemmatizer",
    "DEP": "a parser",
}

_SCHEMA_ERROR = re.compile(r"- \[pattern -> (\d+) -> (\w+)(?: -> .*?)?\] (.*)")


def token_pattern_problem(tokens: list[dict[str, Any]], vocab: Vocab | None = None) -> str | None:
    """Why spaCy's `Matcher` refuses a token pattern, in one line; None when it takes it.

    Custom attributes (`"_"`) are refused too: they need code that registers them, which
    no pattern file brings, and matching one that is not registered fails on every text.
    """
    for number, token in enumerate(tokens, start=1):
        if "_" in token:
            return (
                f'token {number}: custom attributes ("_") need code that sets them; '
                "annotator matches only spaCy's own attributes"
            )
    matcher = Matcher(vocab or Vocab(), validate=True)
    try:
        matcher.add("pattern", [tokens])
    except MatchPatternError as error:
        return _first_problem(error)
    except Exception as error:  # a bad regular expression, a value spaCy cannot hash...
        return _one_line(f"spaCy's Matcher refuses it: {error}")
    return None


def needed_annotations(tokens: Sequence[dict[str, Any]]) -> frozenset[str]:
    """The attributes of `ANNOTATIONS` a token pattern reads."""
    return frozenset(key.upper() for token in tokens for key in token if key.upper() in ANNOTATIONS)


class PatternMatcher:
    """A dataset's patterns, compiled for one pipeline's vocabulary; labels mapped by
    `label_for` (patterns whose label it drops are left out)."""

    def __init__(self, nlp: Language, patterns: Iterable[Pattern], label_for: LabelFor) -> None:
        self._phrases = PhraseMatcher(nlp.vocab, attr="ORTH")
        self._tokens: dict[frozenset[str], Matcher] = {}
        phrases: dict[str, list[str]] = {}
        for pattern in patterns:
            label = label_for(pattern.label)
            if label is None:
                continue
            phrase = pattern.phrase
            if phrase is not None:
                phrases.setdefault(label, []).append(phrase)
                continue
            tokens = pattern.tokens or []
            needs = needed_annotations(tokens)
            matcher = self._tokens.get(needs)
            if matcher is None:
                matcher = self._tokens[needs] = Matcher(nlp.vocab, validate=False)
            matcher.add(label, [tokens])
        for label, texts in phrases.items():
            self._phrases.add(label, list(tokenize(nlp, texts)))
        self.size = len(self._phrases) + sum(len(m) for m in self._tokens.values())

    def __bool__(self) -> bool:
        return self.size > 0

    def __call__(self, doc: Doc) -> list[SpacySpan]:
        """Every match in `doc`, overlapping ones included, labelled with dataset labels."""
        found: list[SpacySpan] = list(self._phrases(doc, as_spans=True)) if self._phrases else []
        for needs, matcher in self._tokens.items():
            if all(doc.has_annotation(attr) for attr in needs):
                found.extend(matcher(doc, as_spans=True))
        return found


class CompiledPatterns:
    """The last `PatternMatcher` built, kept for the next suggester that needs the same:
    the window builds a suggester for every article it opens, and compiling thousands of
    patterns takes longer than matching them in one article."""

    def __init__(self) -> None:
        self._key: tuple[object, ...] | None = None
        self._matcher: PatternMatcher | None = None

    def matcher(
        self, nlp: Language, patterns: Sequence[Pattern], label_for: LabelFor
    ) -> PatternMatcher:
        """A matcher of `patterns` for `nlp`, labels mapped by `label_for`: the one kept
        when the pipeline, the patterns and where each label maps are the same."""
        labels = tuple(label_for(label) for label in dict.fromkeys(p.label for p in patterns))
        key = (id(nlp.vocab), tuple(patterns), labels)
        if self._matcher is None or key != self._key:
            self._matcher = PatternMatcher(nlp, patterns, label_for)
            self._key = key
        return self._matcher


def longest_first(candidates: Iterable[tuple[SpacySpan, int]]) -> list[tuple[SpacySpan, int]]:
    """The `EntityRuler`'s choice among overlapping matches: most tokens, then the
    earliest; where two cover the same tokens, the lower rank (the second item), then the
    first label in alphabetical order. Returned in order of start."""
    unique = {(span.start, span.end, span.label_, rank): (span, rank) for span, rank in candidates}
    ordered = sorted(
        unique.values(),
        key=lambda item: (item[0].start - item[0].end, item[0].start, item[1], item[0].label_),
    )
    seen: set[int] = set()
    kept: list[tuple[SpacySpan, int]] = []
    for span, rank in ordered:
        if span.start in seen or span.end - 1 in seen:
            continue
        seen.update(range(span.start, span.end))
        kept.append((span, rank))
    return sorted(kept, key=lambda item: item[0].start)


def _first_problem(error: MatchPatternError) -> str:
    """spaCy lists a refused pattern's errors over several lines; the first, in one:
    "- [pattern -> 1 -> OP -> ...] Input should be ..." becomes "token 2, OP: ..."."""
    for line in str(error).splitlines():
        found = _SCHEMA_ERROR.match(line.strip())
        if found is None:
            continue
        number, attribute, reason = int(found[1]) + 1, found[2], found[3]
        if reason.startswith("Extra inputs"):
            reason = "not a token attribute spaCy's Matcher knows"
        return _one_line(f"token {number}, {attribute}: {reason}")
    return _one_line(str(error))


def _one_line(text: str) -> str:
    return " ".join(text.split())[:300]
