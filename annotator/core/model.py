"""The domain values: datasets, labels, documents and spans.

All values are frozen. A change to a document is an `Edit` (see `edits.py`) that returns a new
document; nothing here is ever mutated in place, so values can be shared with worker threads
and compared in tests.

Offsets are Python code-point indices into `Document.text`, end exclusive, everywhere.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from enum import StrEnum
from typing import Any

from annotator.core.errors import EditError

JsonDict = Mapping[str, Any]


class Status(StrEnum):
    """Where a document is in the annotation workflow."""

    NEW = "new"
    IN_PROGRESS = "in_progress"
    DONE = "done"
    SKIPPED = "skipped"
    REJECTED = "rejected"


class SpanState(StrEnum):
    """Who stands behind a span.

    `suggested` came from a model or a rule and is not yet confirmed; `accepted` is a
    suggestion (or an imported span) a person confirmed; `manual` was drawn by a person;
    `rejected` is a suggestion a person turned down (kept so it never comes back).
    """

    SUGGESTED = "suggested"
    ACCEPTED = "accepted"
    REJECTED = "rejected"
    MANUAL = "manual"

    @property
    def is_gold(self) -> bool:
        """True for the spans that are training data: accepted and manual ones."""
        return self in (SpanState.ACCEPTED, SpanState.MANUAL)

    @property
    def confirmed(self) -> SpanState:
        """The state a span takes when a person relabels or resizes it: a drawn span stays
        drawn, any other (a suggestion, a rejected one) becomes accepted."""
        return SpanState.MANUAL if self is SpanState.MANUAL else SpanState.ACCEPTED


_LABEL_FORBIDDEN = re.compile(r"[\s\x00-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]")


# Invisible characters that are not format characters (category Cf, refused as a whole):
# the combining grapheme joiner and the Hangul fillers.
_INVISIBLE = frozenset("\u034f\u115f\u1160\u3164\uffa0")
_JOINERS = "\u200c\u200d"  # part of the spelling between two letters (Persian, Indic)


def _forbidden_char(name: str) -> str | None:
    """The first character a name cannot hold: whitespace, a control character, or one
    that shows nothing or reorders the text around it (bidirectional marks)."""
    bad = _LABEL_FORBIDDEN.search(name)
    if bad:
        return bad.group()
    for index, char in enumerate(name):
        if char in _JOINERS:
            between = name[index - 1 : index] + name[index + 1 : index + 2]
            if index > 0 and len(between) == 2 and between.isalpha():
                continue
            return char
        if char in _INVISIBLE or unicodedata.category(char) == "Cf":
            return char
    return None


def label_problem(name: object) -> str | None:
    """Why `name` cannot be a label, or None if it can.

    Labels end up as CoNLL tags and spaCy strings, so whitespace, control characters and
    bidirectional marks (invisible, and they reorder text on screen) are refused.
    """
    if not isinstance(name, str):
        return f"a label must be a string, not {type(name).__name__}"
    if not name:
        return "a label cannot be empty"
    if len(name) > 100:
        return f"label {name[:20]!r}... is longer than 100 characters"
    bad = _forbidden_char(name)
    if bad:
        return f"label {name!r} contains {_describe_char(bad)}, which labels cannot hold"
    return None


def dataset_name_problem(name: str) -> str | None:
    """Why `name` cannot be a dataset's name, or None if it can.

    The same characters as in labels are refused (line breaks, control characters,
    bidirectional marks that reorder what a terminal shows), except a plain space between
    words ("news 2024"); a name is also not empty and has no space at either end.
    """
    return _name_problem(name, "dataset name", "a dataset name")


def annotator_name_problem(name: str) -> str | None:
    """Why `name` cannot be an annotator's name, or None if it can.

    The rules of dataset names: a full name ("Ada Lovelace") has plain spaces between its
    words, never a line break, a control character or a mark that reorders the text.
    """
    return _name_problem(name, "annotator name", "an annotator name")


def _name_problem(name: str, what: str, one: str) -> str | None:
    """The rules of dataset and annotator names; `what` and `one` name them in messages."""
    if not name.strip() or name != name.strip():
        return f"{one} cannot be empty or start or end with spaces: {name!r}"
    if len(name) > 100:
        return f"{what} {name[:20]!r}... is longer than 100 characters"
    bad = _forbidden_char(name.replace(" ", "_"))
    if bad:
        return f"{what} {name!r} contains {_describe_char(bad)}, which {what}s cannot hold"
    return None


def _describe_char(char: str) -> str:
    if char == " ":
        return "a space"
    return f"the character U+{ord(char):04X}"


@dataclass(frozen=True, slots=True)
class Label:
    """One entity type of a dataset, with how the window shows it."""

    name: str
    color: str = "#dddddd"
    hotkey: str | None = None
    description: str = ""


@dataclass(frozen=True, slots=True)
class Dataset:
    """A named collection of documents with its own label set."""

    id: int
    name: str
    labels: tuple[Label, ...] = ()
    lang: str = "en"
    allow_overlap: bool = False
    created_at: float = 0.0
    model: str | None = None  # the spaCy pipeline (name or path) that suggests for it
    # Model label -> dataset label ("" drops it). Unlisted model labels are kept when the
    # dataset has a label of that name, and dropped otherwise.
    label_map: Mapping[str, str] = field(default_factory=dict)

    @property
    def label_names(self) -> tuple[str, ...]:
        return tuple(label.name for label in self.labels)

    def map_label(self, model_label: str) -> str | None:
        """The dataset label a model's label becomes, or None when it is dropped."""
        if model_label in self.label_map:
            return self.label_map[model_label] or None
        return model_label if model_label in self.label_names else None


@dataclass(frozen=True, slots=True)
class Span:
    """A labelled range `text[start:end]` of a document."""

    start: int
    end: int
    label: str
    state: SpanState = SpanState.MANUAL
    source: str | None = None
    score: float | None = None

    def __post_init__(self) -> None:
        if not 0 <= self.start < self.end:
            raise EditError(
                f"a span needs 0 <= start < end, got start={self.start}, end={self.end}"
            )

    @property
    def key(self) -> tuple[int, int, str]:
        """Identity of a span within its document: no two spans share it."""
        return (self.start, self.end, self.label)

    def overlaps(self, other: Span) -> bool:
        return self.start < other.end and other.start < self.end

    def with_state(self, state: SpanState) -> Span:
        return replace(self, state=state)


def sort_key(span: Span) -> tuple[int, int, str]:
    return span.key


@dataclass(frozen=True, slots=True)
class Document:
    """An article and its annotations.

    `meta` is free data shown to the annotator and exported unchanged (Prodigy's `meta`);
    `extra` keeps the other top-level fields of an imported record so exports can return
    them. `input_hash` is our stable de-duplication key; `prodigy_input_hash` is the
    `_input_hash` of an imported Prodigy record, kept so that Prodigy recognises the text.
    """

    id: int
    dataset_id: int
    text: str
    spans: tuple[Span, ...] = ()
    status: Status = Status.NEW
    meta: JsonDict = field(default_factory=dict)
    extra: JsonDict = field(default_factory=dict)
    source: str = ""
    input_hash: str = ""
    prodigy_input_hash: int | None = None
    annotator: str | None = None
    created_at: float = 0.0
    updated_at: float = 0.0
    # Whose version of the document this is (`annotator`; None: the shared input nobody
    # decided on), and whether it is a reviewer's settled result rather than their own.
    reviewed: bool = False

    def with_spans(self, spans: Iterable[Span]) -> Document:
        return replace(self, spans=tuple(sorted(spans, key=sort_key)))

    def covered_text(self, span: Span) -> str:
        return self.text[span.start : span.end]

    @property
    def gold_spans(self) -> tuple[Span, ...]:
        return tuple(span for span in self.spans if span.state.is_gold)

    @property
    def title(self) -> str:
        """A one-line name for lists: the meta title, else the first line of the text."""
        title = self.meta.get("title")
        if isinstance(title, str) and title.strip():
            return title.strip()
        first = self.text.lstrip().split("\n", 1)[0]
        return first[:80].strip()


def is_decided(document: Document) -> bool:
    """Whether a person decided anything on the document: a status other than new, or a
    span other than a suggestion. Such work is someone's version; the rest is shared."""
    return document.status is not Status.NEW or any(
        span.state is not SpanState.SUGGESTED for span in document.spans
    )
