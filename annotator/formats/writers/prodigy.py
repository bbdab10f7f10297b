"""Prodigy JSONL: one `ner_manual` task per document, as `prodigy db-out` writes it.

The record carries its own `tokens`, so Prodigy (and a script building spaCy `Doc`s from
it) sees exactly the tokenization the spans were checked against. A version names its
annotator in `_annotator_id` and `_session_id`, as Prodigy's database does; a reviewer's
settled version is a `review` task.
"""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from json.encoder import encode_basestring as _encode_str
from operator import attrgetter
from typing import Any

from annotator.core.hashing import prodigy_input_hash, prodigy_task_hash
from annotator.core.model import Document, Span, SpanState, Status
from annotator.core.token_json import token_json, token_records
from annotator.core.tokens import Tokens
from annotator.formats.writers import LineWriter, needed

__all__ = [
    "RESERVED_KEYS",
    "Writer",
    "dumps",
    "line",
    "line_bytes",
    "record",
    "token_json",
    "token_records",
]

_TASK_ANSWERS = {Status.DONE: "accept", Status.REJECTED: "reject", Status.SKIPPED: "ignore"}
_SPAN_ANSWERS = {SpanState.ACCEPTED: "accept", SpanState.REJECTED: "reject"}
_KEY = attrgetter("key")

# Keys this writer owns: an imported record's other fields never replace them.
RESERVED_KEYS = frozenset(
    {
        "text",
        "meta",
        "_input_hash",
        "_task_hash",
        "tokens",
        "spans",
        "answer",
        "_view_id",
        "_annotator_id",
        "_timestamp",
        # A review line's own keys (`prodigy_review.py`), never an extra of a version.
        "sessions",
        "versions",
    }
)


_NAMED_RESERVED = RESERVED_KEYS | {"_session_id"}


def record(document: Document, tokens: Tokens, spans: Sequence[Span]) -> tuple[dict[str, Any], int]:
    """The task for `document` and how many of `spans` were left out.

    A gold span must sit on token boundaries (it needs `token_start`/`token_end` to train
    from); one that does not is left out and counted. A suggestion or a rejected span that
    does not is written without token indices, as Prodigy's own `ner.teach` output is.
    """
    head, tail, left_out = _task_parts(document, tokens, spans)
    return {**head, "tokens": token_records(document.text, tokens), **tail}, left_out


def _task_parts(
    document: Document, tokens: Tokens, spans: Sequence[Span]
) -> tuple[dict[str, Any], dict[str, Any], int]:
    """The task's keys before `tokens`, those after it, and the number of spans left out."""
    text = document.text
    span_records: list[dict[str, Any]] = []
    written: list[Span] = []
    for span in sorted(spans, key=lambda s: s.key):
        indices = tokens.token_span(span.start, span.end)
        if indices is None and span.state.is_gold:
            continue
        span_records.append(_span_record(span, indices))
        written.append(span)
    input_hash = document.prodigy_input_hash
    if input_hash is None:
        input_hash = prodigy_input_hash(text)
    head: dict[str, Any] = {
        "text": text,
        "meta": dict(document.meta),
        "_input_hash": input_hash,
        "_task_hash": prodigy_task_hash(input_hash, written),
    }
    tail: dict[str, Any] = {"spans": span_records}
    answer = _TASK_ANSWERS.get(document.status)
    if answer is not None:
        tail["answer"] = answer
    tail["_view_id"] = _view_id(document)
    if document.annotator is not None:
        tail["_annotator_id"] = document.annotator
        tail["_session_id"] = document.annotator
    tail["_timestamp"] = int(document.updated_at)
    for key, value in _extra_items(document):
        tail[key] = value
    return head, tail, len(spans) - len(written)


def _extra_items(document: Document) -> list[tuple[str, Any]]:
    """The imported record's other fields the task keeps: an imported `_session_id` only
    when no annotator names the version (then both keys name them)."""
    reserved = RESERVED_KEYS if document.annotator is None else _NAMED_RESERVED
    return [(key, value) for key, value in document.extra.items() if key not in reserved]


def _view_id(document: Document) -> str:
    """The interface the task was answered in: a reviewer's settles the others'."""
    return "review" if document.reviewed else "ner_manual"


def _span_record(span: Span, indices: tuple[int, int] | None) -> dict[str, Any]:
    item: dict[str, Any] = {"start": span.start, "end": span.end}
    if indices is not None:
        item["token_start"], item["token_end"] = indices
    item["label"] = span.label
    if span.source is not None:
        item["source"] = span.source
    if span.score is not None:
        item["score"] = span.score
    answer = _SPAN_ANSWERS.get(span.state)
    if answer is not None:
        item["answer"] = answer
    return item


def line(document: Document, tokens: Tokens, spans: Sequence[Span]) -> tuple[str, int]:
    """One JSONL line (with its newline) and the number of spans left out.

    The same text as `dumps(record(...))`: the keys around `tokens` are encoded by `json`
    and the tokens by `token_json`, then joined.
    """
    head, tail, left_out = _task_parts(document, tokens, spans)
    head_json = json.dumps(head, ensure_ascii=False)
    tail_json = json.dumps(tail, ensure_ascii=False)
    text = f'{head_json[:-1]}, "tokens": {token_json(document.text, tokens)}, {tail_json[1:]}'
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:  # a lone surrogate, which only an escape can carry
        return _escaped(head, document.text, tokens, tail), left_out
    return text + "\n", left_out


def line_bytes(
    document: Document, tokens: Tokens, spans: Sequence[Span], tokens_json: bytes | None
) -> tuple[bytes, int]:
    """`line(...)` as UTF-8, with the token list given as ready JSON bytes (the store's
    copy, `token_json_bytes(document.text, tokens)`) when there is one.

    With the tokens ready, the rest of the line is formatted directly as well (the same
    text `json` gives, checked against it in the tests): the export then only copies and
    joins, which is what the store's token JSON is for.
    """
    if tokens_json is None:
        text, left_out = line(document, tokens, spans)
        return text.encode("utf-8"), left_out
    written: list[tuple[Span, tuple[int, int] | None]] = []
    for span in sorted(spans, key=_KEY):
        indices = tokens.token_span(span.start, span.end)
        if indices is not None or not span.state.is_gold:
            written.append((span, indices))
    input_hash = document.prodigy_input_hash
    if input_hash is None:
        input_hash = prodigy_input_hash(document.text)
    task_hash = prodigy_task_hash(input_hash, [span for span, _ in written])
    meta = json.dumps(document.meta, ensure_ascii=False) if document.meta else "{}"
    head = (
        f'{{"text": {_encode_str(document.text)}, "meta": {meta}, '
        f'"_input_hash": {_number(input_hash)}, "_task_hash": {task_hash}, "tokens": '
    )
    tail = [', "spans": [', ", ".join([_span_json(s, i) for s, i in written]), "]"]
    answer = _TASK_ANSWERS.get(document.status)
    if answer is not None:
        tail.append(f', "answer": "{answer}"')
    tail.append(f', "_view_id": "{_view_id(document)}"')
    if document.annotator is not None:
        name = _encode_str(document.annotator)
        tail.append(f', "_annotator_id": {name}, "_session_id": {name}')
    tail.append(f', "_timestamp": {int(document.updated_at)}')
    for key, value in _extra_items(document):
        tail.append(f", {_encode_str(key)}: {json.dumps(value, ensure_ascii=False)}")
    tail.append("}\n")
    left_out = len(spans) - len(written)
    try:
        return head.encode("utf-8") + tokens_json + "".join(tail).encode("utf-8"), left_out
    except UnicodeEncodeError:  # a lone surrogate, which only an escape can carry
        head_parts, tail_parts, _ = _task_parts(document, tokens, spans)
        return _escaped(head_parts, document.text, tokens, tail_parts).encode("utf-8"), left_out


def _span_json(span: Span, indices: tuple[int, int] | None) -> str:
    """`json.dumps(_span_record(span, indices))`, formatted directly."""
    source, score, answer = span.source, span.score, _SPAN_ANSWERS.get(span.state)
    return "".join(
        (
            f'{{"start": {span.start}, "end": {span.end}',
            "" if indices is None else f', "token_start": {indices[0]}, "token_end": {indices[1]}',
            f', "label": {_encode_str(span.label)}',
            "" if source is None else f', "source": {_encode_str(source)}',
            "" if score is None else f', "score": {_number(score)}',
            "" if answer is None else f', "answer": "{answer}"',
            "}",
        )
    )


def _number(value: object) -> str:
    """A number as `json` writes it (`float.__repr__` for finite floats)."""
    if type(value) is int or (type(value) is float and math.isfinite(value)):
        return repr(value)
    return json.dumps(value)


def _escaped(head: dict[str, Any], text: str, tokens: Tokens, tail: dict[str, Any]) -> str:
    return json.dumps({**head, "tokens": token_records(text, tokens), **tail}) + "\n"


def dumps(value: Any) -> str:
    """Compact UTF-8 JSON line; falls back to `\\u` escapes for text UTF-8 cannot hold."""
    text = json.dumps(value, ensure_ascii=False)
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:  # a lone surrogate, which only an escape can carry
        text = json.dumps(value)
    return text + "\n"


class Writer(LineWriter):
    """One task per line; the store's token JSON is copied when it has it."""

    def lines(
        self,
        document: Document,
        tokens: Tokens | None,
        token_json: bytes | None,
        spans: Sequence[Span],
    ) -> tuple[bytes, int]:
        return line_bytes(document, needed(tokens), spans, token_json)
