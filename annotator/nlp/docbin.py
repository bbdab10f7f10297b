"""spaCy's binary training format (`.spacy`): a `DocBin` of `Doc`s with gold entities.

Each `Doc` is rebuilt from the document's own tokens, so its text equals the stored text
character for character and every span boundary is a token boundary. Entities go to
`doc.ents`; when gold spans overlap (which `doc.ents` cannot hold) all of them go to
`doc.spans["sc"]` as well and the longest non-overlapping ones become `doc.ents`.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import IO

import spacy
from spacy.tokens import Doc, DocBin
from spacy.tokens import Span as SpacySpan
from spacy.util import filter_spans

from annotator.core.errors import AnnotatorError
from annotator.core.model import Document, Span
from annotator.core.tokens import Tokens

SPANS_KEY = "sc"


class DocBinWriter:
    """Collects documents as `Doc`s; `to_bytes()` gives the `.spacy` file's content."""

    def __init__(self, lang: str = "en") -> None:
        try:
            self._vocab = spacy.blank(lang).vocab
        except (ImportError, KeyError, ValueError) as error:
            raise AnnotatorError(f"spaCy has no tokenizer for language {lang!r}: {error}") from None
        self._bin = DocBin(attrs=["ENT_IOB", "ENT_TYPE"])
        self.overlapping = 0  # spans kept in doc.spans["sc"] but not in doc.ents

    def add(self, document: Document, tokens: Tokens, spans: Sequence[Span]) -> int:
        """Add one document; return how many spans were left out (not on token boundaries)."""
        doc, left_out, overlapping = gold_doc(self._vocab, document.text, tokens, spans)
        self.overlapping += overlapping
        self._bin.add(doc)
        return left_out

    def __len__(self) -> int:
        return len(self._bin)

    def to_bytes(self) -> bytes:
        return bytes(self._bin.to_bytes())


class FileWriter:
    """The `.spacy` export's writer (`formats.writers.DocumentWriter`): the `DocBin` is
    built in memory and written whole after the last document."""

    def __init__(self, handle: IO[bytes], lang: str) -> None:
        self._handle = handle
        self._writer = DocBinWriter(lang)

    @property
    def overlapping(self) -> int:
        return self._writer.overlapping

    def add(
        self,
        document: Document,
        tokens: Tokens | None,
        token_json: bytes | None,
        spans: Sequence[Span],
    ) -> int:
        if tokens is None:
            raise ValueError("the .spacy format needs each document's tokens")
        return self._writer.add(document, tokens, spans)

    def finish(self) -> None:
        self._handle.write(self._writer.to_bytes())


def gold_doc(
    vocab: spacy.vocab.Vocab, text: str, tokens: Tokens, spans: Sequence[Span]
) -> tuple[Doc, int, int]:
    """The `Doc` of a document with `spans` as its gold entities, as the `.spacy` export
    writes it (training and `annotator evaluate` use the same); with how many spans were
    left out (not on token boundaries) and how many only `doc.spans["sc"]` holds."""
    doc = make_doc(vocab, text, tokens)
    entities: list[SpacySpan] = []
    for span in sorted(spans, key=lambda s: s.key):
        entity = doc.char_span(span.start, span.end, label=span.label)
        if entity is not None:
            entities.append(entity)
    kept = filter_spans(entities)
    if len(kept) < len(entities):
        doc.spans[SPANS_KEY] = entities
    doc.ents = kept
    return doc, len(spans) - len(entities), len(entities) - len(kept)


def words_and_spaces(text: str, tokens: Tokens) -> tuple[list[str], list[bool]]:
    """Words and trailing-space flags whose concatenation is exactly `text`.

    A gap between two tokens that is one space becomes the first token's trailing space;
    any other gap (text a token list skipped, such as a newline) becomes a token itself.
    """
    words: list[str] = []
    spaces: list[bool] = []
    position = 0
    for start, end in zip(tokens.starts, tokens.ends, strict=True):
        _add_gap(text[position:start], words, spaces)
        if end > start:
            words.append(text[start:end])
            spaces.append(False)
        position = max(position, end)
    _add_gap(text[position:], words, spaces)
    return words, spaces


def _add_gap(gap: str, words: list[str], spaces: list[bool]) -> None:
    if not gap:
        return
    if gap[0] == " " and words and not spaces[-1]:
        spaces[-1] = True
        gap = gap[1:]
    if gap:
        words.append(gap)
        spaces.append(False)


def make_doc(vocab: spacy.vocab.Vocab, text: str, tokens: Tokens) -> Doc:
    words, spaces = words_and_spaces(text, tokens)
    doc = Doc(vocab, words=words, spaces=spaces)
    if doc.text != text:  # tokens that overlap or run backwards
        raise AnnotatorError(f"the stored tokens do not fit the text {text[:40]!r}...")
    return doc
