"""CoNLL-2003-style NER columns: one `TOKEN<TAB>TAG` line per token, IOB2 tags.

Each document starts with `-DOCSTART- -X- O O` and a blank line, and ends with a blank
line. That is the layout `spacy convert FILE OUT --converter ner` reads as one `Doc` per
document; without the delimiter it would regroup documents ten "sentences" at a time.
Whitespace tokens (newlines, double spaces) are not written: columns cannot hold them.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Iterable, Sequence

from annotator.core.model import Document, Span
from annotator.core.tokens import Tokens
from annotator.formats.writers import LineWriter, needed

DOCSTART = "-DOCSTART- -X- O O"

_WHITESPACE = re.compile(r"\s+")
_SURROGATE = re.compile("[\ud800-\udfff]")


def non_overlapping(spans: Iterable[Span]) -> list[Span]:
    """The spans to keep when none may overlap: longest first, then earliest first.

    The same choice as `spacy.util.filter_spans`, so a CoNLL export and a `.spacy`
    export of one dataset agree on which entities survive. A span is kept when no span
    kept before it overlaps it, that is, when every kept span starting before its end
    also ends by its start: one prefix maximum over the kept spans' ends, ordered by
    start, answers that in O(log n), so 100,000 spans take well under a second.
    """
    ordered = sorted(spans, key=lambda s: (-(s.end - s.start), s.start, s.label))
    starts = sorted({s.start for s in ordered})
    furthest = _PrefixMaximum(len(starts))
    kept: list[Span] = []
    for span in ordered:
        if furthest.among_first(bisect_left(starts, span.end)) > span.start:
            continue  # a kept span starts before this one ends and ends after it starts
        kept.append(span)
        furthest.raise_to(bisect_left(starts, span.start), span.end)
    return sorted(kept, key=lambda s: s.key)


class _PrefixMaximum:
    """The largest value set at positions below a bound (a Fenwick tree; -1 when none)."""

    def __init__(self, size: int) -> None:
        self._tree = [-1] * (size + 1)

    def raise_to(self, position: int, value: int) -> None:
        index = position + 1
        while index < len(self._tree):
            if self._tree[index] < value:
                self._tree[index] = value
            index += index & -index

    def among_first(self, count: int) -> int:
        best = -1
        while count > 0:
            best = max(best, self._tree[count])
            count -= count & -count
        return best


def tags(text: str, tokens: Tokens, spans: Sequence[Span]) -> tuple[list[str], int]:
    """IOB2 tag of every token and how many spans were left out.

    Left out: spans that overlap a longer one, and spans that do not start and end on
    token boundaries. A whitespace token inside an entity keeps `O`: it is not written, so
    the next word continues the entity with `I-`.
    """
    result = ["O"] * len(tokens)
    aligned: list[tuple[Span, tuple[int, int]]] = []
    for span in spans:
        indices = tokens.token_span(span.start, span.end)
        if indices is not None:
            aligned.append((span, indices))
    kept = non_overlapping(span for span, _ in aligned)
    where = dict(aligned)
    for span in kept:
        first, last = where[span]
        prefix = "B-"
        for index in range(first, last + 1):
            if _is_space(text, tokens, index):
                continue
            result[index] = prefix + span.label
            prefix = "I-"
    return result, len(spans) - len(kept)


def block(document: Document, tokens: Tokens, spans: Sequence[Span]) -> tuple[str, int]:
    """The lines of one document (ending in a blank line) and the spans left out."""
    text = document.text
    token_tags, left_out = tags(text, tokens, spans)
    lines = [DOCSTART, ""]
    for index, tag in enumerate(token_tags):
        if not _is_space(text, tokens, index):
            lines.append(f"{word(text[tokens.starts[index] : tokens.ends[index]])}\t{tag}")
    lines.append("")
    return "\n".join(lines) + "\n", left_out


def word(token: str) -> str:
    """A token as one column: inner whitespace becomes `_`, lone surrogates U+FFFD."""
    token = _WHITESPACE.sub("_", token)
    return _SURROGATE.sub("\ufffd", token)


def _is_space(text: str, tokens: Tokens, index: int) -> bool:
    """Whitespace (or empty) tokens, which a column file cannot hold."""
    return not text[tokens.starts[index] : tokens.ends[index]].strip()


class Writer(LineWriter):
    """One block of token lines per document."""

    def lines(
        self,
        document: Document,
        tokens: Tokens | None,
        token_json: bytes | None,
        spans: Sequence[Span],
    ) -> tuple[bytes, int]:
        text, left_out = block(document, needed(tokens), spans)
        return text.encode("utf-8"), left_out
