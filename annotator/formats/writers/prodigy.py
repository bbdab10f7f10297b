"""Prodigy JSONL: one `ner_manual` task per document, as `prodigy db-out` writes it.

The record carries its own `tokens`, so Prodigy (and a script building spaCy `Doc`s from
it) sees exactly the tokenization the spans were checked against.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from annotator.core.hashing import prodigy_input_hash, prodigy_task_hash
from annotator.core.model import Document, Span, SpanState, Status
from annotator.core.token_json import token_json, token_records
from annotator.core.tokens import Tokens

__all__ = ["RESERVED_KEYS", "dumps", "line", "line_bytes", "record", "token_json", "token_records"]

_TASK_ANSWERS = {Status.DONE: "accept", Status.REJECTED: "reject", Status.SKIPPED: "ignore"}
_SPAN_ANSWERS = {SpanState.ACCEPTED: "accept", SpanState.REJECTED: "reject"}

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
    }
)


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
    tail["_view_id"] = "ner_manual"
    if document.annotator is not None:
        tail["_annotator_id"] = document.annotator
    tail["_timestamp"] = int(document.updated_at)
    for key, value in document.extra.items():
        if key not in RESERVED_KEYS:
            tail[key] = value
    return head, tail, len(spans) - len(written)


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
    copy, `token_json_bytes(document.text, tokens)`) when there is one."""
    if tokens_json is None:
        text, left_out = line(document, tokens, spans)
        return text.encode("utf-8"), left_out
    head, tail, left_out = _task_parts(document, tokens, spans)
    try:
        head_bytes = json.dumps(head, ensure_ascii=False).encode("utf-8")
        tail_bytes = json.dumps(tail, ensure_ascii=False).encode("utf-8")
    except UnicodeEncodeError:  # a lone surrogate, which only an escape can carry
        return _escaped(head, document.text, tokens, tail).encode("utf-8"), left_out
    return b"".join(
        (head_bytes[:-1], b', "tokens": ', tokens_json, b", ", tail_bytes[1:], b"\n")
    ), left_out


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
