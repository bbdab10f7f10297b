"""Token boundaries from spaCy's rule-based tokenizer (no trained pipeline needed)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

import spacy
from spacy.language import Language
from spacy.tokens import Doc

from annotator.core.errors import AnnotatorError
from annotator.core.pieces import PIECE_CHARACTERS, joined_tokens, piece_bounds
from annotator.core.tokens import Tokens


class Tokenizer:
    """Tokenizes texts the way a spaCy pipeline for `lang` would."""

    def __init__(self, lang: str = "en") -> None:
        try:
            self._nlp: Language = spacy.blank(lang)
        except (ImportError, KeyError, ValueError) as error:
            raise AnnotatorError(f"spaCy has no tokenizer for language {lang!r}: {error}") from None
        self.lang = lang

    def tokens(self, text: str) -> Tokens:
        """The text's tokens; a text over spaCy's `max_length` is tokenized in pieces."""
        if len(text) <= self._nlp.max_length:
            return tokens_of(self._nlp.make_doc(text))
        bounds = piece_bounds(text, min(PIECE_CHARACTERS, self._nlp.max_length))
        return joined_tokens([(s, tokens_of(self._nlp.make_doc(text[s:e]))) for s, e in bounds])

    def tokens_many(self, texts: Iterable[str], *, batch_size: int = 256) -> Iterator[Tokens]:
        for text in texts:
            yield self.tokens(text)


def tokenize(nlp: Language, texts: Iterable[str], *, batch_size: int = 256) -> Iterator[Doc]:
    """Docs with tokens only (no pipeline components run)."""
    tokenizer: Any = nlp.tokenizer  # typed as a plain callable in spaCy, it has `pipe`
    yield from tokenizer.pipe(texts, batch_size=batch_size)


def tokens_of(doc: Doc) -> Tokens:
    """Token offsets straight from the Doc's arrays (no Token objects: 20x faster)."""
    if not len(doc):
        return Tokens((), ())
    columns = doc.to_array(["IDX", "LENGTH"]).T
    starts = columns[0].tolist()
    ends = (columns[0] + columns[1]).tolist()
    return Tokens(tuple(starts), tuple(ends))
