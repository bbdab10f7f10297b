"""The domain: pure Python, no Qt, no spaCy, no SQL (an import-linter contract checks it)."""

from annotator.core.edits import AddSpan, Batch, Changes, Edit, RemoveSpan, ReplaceSpan, SetStatus
from annotator.core.errors import AnnotatorError, EditError, InputError, NotFoundError, StoreError
from annotator.core.model import Dataset, Document, Label, Span, SpanState, Status
from annotator.core.records import RawSpan, Record
from annotator.core.text import QtOffsets, normalize_newlines
from annotator.core.tokens import Alignment, Tokens

__all__ = [
    "AddSpan",
    "Alignment",
    "AnnotatorError",
    "Batch",
    "Changes",
    "Dataset",
    "Document",
    "Edit",
    "EditError",
    "InputError",
    "Label",
    "NotFoundError",
    "QtOffsets",
    "RawSpan",
    "Record",
    "RemoveSpan",
    "ReplaceSpan",
    "SetStatus",
    "Span",
    "SpanState",
    "Status",
    "StoreError",
    "Tokens",
    "normalize_newlines",
]
