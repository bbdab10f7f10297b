"""One module per output format (the `.spacy` writer is in `annotator.nlp.docbin`).

Each gives a `WriterFactory`, which its row in `annotator.formats.table` names.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import IO, Protocol

from annotator.core.model import Document, Span
from annotator.core.tokens import Tokens


class DocumentWriter(Protocol):
    """Writes one export's documents into its output, one `add` per document."""

    @property
    def overlapping(self) -> int:
        """Spans held beside the entities rather than as entities (`.spacy`'s "sc")."""
        ...

    def add(
        self,
        document: Document,
        tokens: Tokens | None,
        token_json: bytes | None,
        spans: Sequence[Span],
    ) -> int:
        """Write (or keep) `document` with `spans`; how many of them it could not hold.

        `tokens` is None only for a format whose row says it needs none; `token_json` is
        the store's Prodigy JSON of the tokens, when the row asks for it and it is kept.
        """
        ...

    def finish(self) -> None:
        """Write what is still held back; called once, after the last document."""
        ...


# The export's output (binary) and the dataset's language.
WriterFactory = Callable[[IO[bytes], str], DocumentWriter]


class LineWriter:
    """A writer that writes each document as soon as it is given (JSONL, CoNLL)."""

    overlapping = 0

    def __init__(self, handle: IO[bytes], lang: str) -> None:
        self._handle = handle

    def add(
        self,
        document: Document,
        tokens: Tokens | None,
        token_json: bytes | None,
        spans: Sequence[Span],
    ) -> int:
        data, left_out = self.lines(document, tokens, token_json, spans)
        self._handle.write(data)
        return left_out

    def lines(
        self,
        document: Document,
        tokens: Tokens | None,
        token_json: bytes | None,
        spans: Sequence[Span],
    ) -> tuple[bytes, int]:
        """The document's bytes in the file and how many of `spans` were left out."""
        raise NotImplementedError

    def finish(self) -> None:
        """Every document is already written."""


def needed(tokens: Tokens | None) -> Tokens:
    """The tokens of a format that needs them (its row says so; the export gives them)."""
    if tokens is None:
        raise ValueError("this format needs each document's tokens")
    return tokens
