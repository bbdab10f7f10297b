"""The checks every imported record passes before it may reach the store."""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass

from annotator.core.errors import InputError
from annotator.core.gold_ranges import first_overlap
from annotator.core.model import Span, label_problem, sort_key
from annotator.core.records import RawSpan, Record
from annotator.core.tokens import Alignment, Tokens

# Far beyond any article (a long report is some 100,000): a text this size cannot be read
# or annotated in the window, and is almost always a whole corpus pasted into one file.
MAX_TEXT_CHARACTERS = 10_000_000
# Objects and lists inside one another in a record's `meta` (and the other fields kept
# with it). Python reads JSON by recursion, so a value nested some 970 levels deep is read
# at import and then fails wherever the stack is deeper (inside spaCy, in the window);
# real metadata nests a few levels.
MAX_NESTING = 100


@dataclass(frozen=True, slots=True)
class CheckedRecord:
    record: Record
    spans: tuple[Span, ...]
    duplicate_spans: int  # identical spans given twice; kept once


def check_record(
    record: Record,
    *,
    tokens: Tokens | None,
    allow_overlap: bool,
    labels: Collection[str] | None,
) -> CheckedRecord:
    """Return the record's spans as checked `Span`s, or raise `InputError` saying why not.

    `tokens` (when given) must contain the boundaries of every gold span (accepted or
    manual): spaCy's strict alignment, so that every exported entity survives
    `Doc.char_span(..., alignment_mode="strict")`. Suggestions and rejected spans are not
    training data; a model may have proposed them on other tokens, and they are kept.
    `labels`, when given, is the closed label set of the target dataset.
    """
    if not record.text.strip():
        _fail(record, "the text is empty")
    if len(record.text) > MAX_TEXT_CHARACTERS:
        _fail(
            record,
            f"the text has {len(record.text):,} characters, larger than the "
            f"{MAX_TEXT_CHARACTERS:,} an article may have; split it into articles",
        )
    for name, value in (("meta", record.meta), ("a field besides text and meta", record.extra)):
        depth = nesting_depth(value, MAX_NESTING)
        if depth > MAX_NESTING:
            _fail(
                record,
                f"{name} is nested more than {MAX_NESTING} levels deep "
                "(objects or lists inside one another); flatten it",
            )
    seen: dict[tuple[int, int, str], Span] = {}
    duplicates = 0
    for raw in record.spans:
        span = _check_span(record, raw, tokens=tokens, labels=labels)
        if span.key in seen:
            duplicates += 1
            continue
        seen[span.key] = span
    spans = sorted(seen.values(), key=sort_key)
    if not allow_overlap:
        _check_no_overlap(record, spans)
    return CheckedRecord(record, tuple(spans), duplicates)


def _check_span(
    record: Record,
    raw: RawSpan,
    *,
    tokens: Tokens | None,
    labels: Collection[str] | None,
) -> Span:
    text = record.text
    where = f"span {raw.start}-{raw.end} {raw.label!r}"
    problem = label_problem(raw.label)
    if problem:
        _fail(record, f"{where}: {problem}")
    if labels is not None and raw.label not in labels:
        known = ", ".join(sorted(labels)) or "none"
        _fail(
            record,
            f"{where}: unknown label {raw.label!r} (the dataset's labels: {known}); "
            "use --add-labels to add it",
        )
    if raw.start < 0 or raw.end < 0:
        _fail(record, f"{where}: offsets cannot be negative")
    if raw.end < raw.start:
        _fail(record, f"{where}: the end comes before the start")
    if raw.end == raw.start:
        _fail(record, f"{where}: the span is empty")
    if raw.end > len(text):
        _fail(record, f"{where}: ends after the text, which has {len(text)} characters")
    covered = text[raw.start : raw.end]
    if raw.text is not None and raw.text != covered:
        _fail(record, f"{where}: says it covers {raw.text!r} but the text there is {covered!r}")
    if not covered.strip():
        _fail(record, f"{where}: covers only whitespace")
    if tokens is not None and raw.state.is_gold and tokens.token_span(raw.start, raw.end) is None:
        _fail(
            record,
            f"{where} {covered!r}: does not start and end on token boundaries"
            f"{_nearby_tokens(tokens, text, raw.start, raw.end)}",
        )
    return Span(raw.start, raw.end, raw.label, raw.state, raw.source, raw.score)


def _nearby_tokens(tokens: Tokens, text: str, start: int, end: int) -> str:
    expanded = tokens.align(start, end, Alignment.EXPAND, text)
    if expanded is None:
        return ""
    return f" (the nearest tokens cover {expanded[0]}-{expanded[1]} {text[slice(*expanded)]!r})"


def _check_no_overlap(record: Record, spans: list[Span]) -> None:
    found = first_overlap(spans)
    if found is not None:
        span, furthest = found
        _fail(
            record,
            f"span {span.start}-{span.end} {span.label!r} overlaps span "
            f"{furthest.start}-{furthest.end} {furthest.label!r}; "
            "use a dataset created with --allow-overlap for nested entities",
        )


def _fail(record: Record, reason: str) -> None:
    raise InputError(record.path, record.line, reason)


def nesting_depth(value: object, stop: int) -> int:
    """How many objects and lists are inside one another in `value` (a JSON value).

    Counted without recursion (the point is values too deep for it); counting stops once
    `stop` is exceeded.
    """
    deepest = 0
    stack: list[tuple[object, int]] = [(value, 1)]
    while stack:
        current, depth = stack.pop()
        if isinstance(current, dict):
            children: Iterable[object] = current.values()
        elif isinstance(current, list | tuple):
            children = current
        else:
            continue
        deepest = max(deepest, depth)
        if deepest > stop:
            return deepest
        stack.extend((child, depth + 1) for child in children)
    return deepest
