"""Prodigy's token list of a document, as records and as ready JSON text.

It is a pure function of the text and its tokens, and most of a Prodigy export's bytes
(a 600-word article has some 650 tokens), so the store keeps it beside the tokens,
written whenever the tokens are, and an export copies it. It is kept packed (zlib at its
fastest level): as plain UTF-8 it is about thirteen times the article's text, and would
make the store five times the size it needs to be; unpacking costs a fifth of formatting
it again.
"""

from __future__ import annotations

import zlib
from json.encoder import encode_basestring
from typing import Any

from annotator.core.tokens import Tokens

_JSON_BOOL = ("false", "true")
_encode_str = encode_basestring  # what json.dumps(..., ensure_ascii=False) quotes strings with


def token_records(text: str, tokens: Tokens) -> list[dict[str, Any]]:
    """Prodigy's token list: text, character offsets, index and trailing-space flag.

    `ws` is `Tokens.whitespace_after`, computed inline.
    """
    if not tokens:
        return []
    length = len(text)
    next_starts = (*tokens.starts[1:], length + 1)
    return [
        {
            "text": text[start:end],
            "start": start,
            "end": end,
            "id": index,
            "ws": end < length and text[end] == " " and following > end,
        }
        for index, (start, end, following) in enumerate(
            zip(tokens.starts, tokens.ends, next_starts, strict=True)
        )
    ]


def token_json(text: str, tokens: Tokens) -> str:
    """`json.dumps(token_records(text, tokens), ensure_ascii=False)`, about twice as fast:
    the JSON is formatted directly rather than built as dicts and encoded."""
    if not tokens:
        return "[]"
    padded = text + "\0"  # text[end] for the last token's end, without a bounds test
    next_starts = (*tokens.starts[1:], len(text) + 1)
    return (
        "["
        + ", ".join(
            [
                f'{{"text": {_encode_str(text[start:end])}, "start": {start}, "end": {end}, '
                f'"id": {index}, "ws": {_JSON_BOOL[padded[end] == " " and following > end]}}}'
                for index, (start, end, following) in enumerate(
                    zip(tokens.starts, tokens.ends, next_starts, strict=True)
                )
            ]
        )
        + "]"
    )


def token_json_bytes(text: str, tokens: Tokens) -> bytes | None:
    """`token_json` as UTF-8; None when a token holds a lone surrogate, which UTF-8 cannot
    (the export then escapes the whole line instead)."""
    try:
        return token_json(text, tokens).encode("utf-8")
    except UnicodeEncodeError:
        return None


def packed_token_json(text: str, tokens: Tokens) -> bytes | None:
    """`token_json_bytes` packed as the store keeps it."""
    plain = token_json_bytes(text, tokens)
    return None if plain is None else zlib.compress(plain, 1)


def unpacked(stored: bytes) -> bytes:
    """The JSON of a stored token list: packed, or plain as stores of the first schema 3
    kept it (a JSON list starts with `[`, a zlib stream never does)."""
    return stored if stored[:1] == b"[" else zlib.decompress(stored)
