"""The agreement of a dataset's annotators, measured on the versions they marked done.

The store gives each document at least one annotator marked done, with its stored tokens
and each such annotator's gold spans; `measure` tokenizes the documents never tokenized
(spaCy's tokenizer for the dataset's language, loaded only if one needs it) and hands
them, one at a time, to `core.agreement.agreement`. Nothing is written: the tokens made
here are not stored, so measuring leaves the store as it was.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Collection, Iterator, Sequence
from typing import Protocol

from annotator.core.agreement import Agreement, DocumentVersions, agreement
from annotator.core.errors import AnnotatorError, NotFoundError
from annotator.core.model import Dataset, Span
from annotator.core.tokens import Tokens

# One document of `versions_for_agreement`: its text, its stored tokens (None when never
# tokenized) and, by annotator, the gold spans of their version.
FinishedDocument = tuple[str, Tokens | None, dict[str, tuple[Span, ...]]]
Tokenize = Callable[[str], Tokens]


class VersionsSource(Protocol):
    """Where the annotators' finished versions come from (the store)."""

    def versions_for_agreement(
        self, dataset_id: int, annotators: Collection[str] | None = None
    ) -> Iterator[FinishedDocument]:
        """Each document of the dataset that at least one annotator marked done: its text,
        its stored tokens (None when never tokenized) and, for each annotator who marked
        it done (only those in `annotators` when given), the gold spans (accepted and
        manual) of their version."""
        ...


class TooFewAnnotators(AnnotatorError):
    """Fewer than two annotators marked the same documents done: nothing to compare."""


def measure(
    source: VersionsSource,
    dataset: Dataset,
    *,
    annotators: Sequence[str] | None = None,
    tokenize: Tokenize | None = None,
) -> Agreement:
    """The agreement among `annotators` (in that order; everyone, by name, if None) over
    the documents of `dataset` at least two of them marked done.

    `tokenize` gives the tokens of a document never tokenized (default: spaCy's tokenizer
    for the dataset's language). A name in `annotators` who marked nothing done is a
    `NotFoundError` naming those who did; fewer than two annotators with a document in
    common is `TooFewAnnotators`.
    """
    chosen = list(dict.fromkeys(annotators)) if annotators is not None else None
    done_by: Counter[str] = Counter()  # documents each annotator marked done
    tokenizer = _Tokenizer(dataset.lang, tokenize)

    def compared() -> Iterator[DocumentVersions]:
        for text, tokens, spans in source.versions_for_agreement(dataset.id):
            done_by.update(spans.keys())
            kept = spans if chosen is None else {n: spans[n] for n in chosen if n in spans}
            if len(kept) < 2:
                continue
            yield DocumentVersions(tokens if tokens is not None else tokenizer(text), kept)

    result = agreement(compared(), chosen)
    unknown = [name for name in chosen or () if name not in done_by]
    if unknown:
        raise NotFoundError(
            f"{_names(unknown)} marked no document of dataset {dataset.name!r} done; "
            f"{_who_did(done_by)}"
        )
    if result.documents == 0:
        raise TooFewAnnotators(
            "agreement needs two annotators who marked the same documents done; found: "
            + _found(done_by, chosen)
        )
    return result


class _Tokenizer:
    """`tokenize`, or spaCy's tokenizer for `lang` made at the first text that needs it
    (importing spaCy takes a second a store with every document tokenized never pays)."""

    def __init__(self, lang: str, tokenize: Tokenize | None) -> None:
        self._lang = lang
        self._tokenize = tokenize

    def __call__(self, text: str) -> Tokens:
        if self._tokenize is None:
            from annotator.nlp import Tokenizer

            self._tokenize = Tokenizer(self._lang).tokens
        return self._tokenize(text)


def _names(names: Sequence[str]) -> str:
    quoted = [repr(name) for name in names]
    if len(quoted) == 1:
        return "annotator " + quoted[0]
    return "annotators " + ", ".join(quoted[:-1]) + " and " + quoted[-1]


def _who_did(done_by: Counter[str]) -> str:
    if not done_by:
        return "nobody has marked one done yet"
    return "those who did: " + ", ".join(sorted(done_by))


def _found(done_by: Counter[str], chosen: list[str] | None) -> str:
    """Who marked documents done (among `chosen`), and how many each."""
    names = sorted(done_by) if chosen is None else [n for n in chosen if n in done_by]
    if not names:
        return "nobody has marked a document done"
    listed = ", ".join(f"{name} ({done_by[name]} done)" for name in names)
    return listed + (", no document done by two of them" if len(names) > 1 else "")
