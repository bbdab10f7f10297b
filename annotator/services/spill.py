"""The import's temporary file: checked documents kept on disk between checking and saving.

An import checks every record of a file before it saves any, and memory must not grow
with the file; so each checked document (with the tokens and token JSON the workers
made) is written here, and the save pass reads them back in order. Plain values are
pickled: a dataclass pickles several times slower.
"""

from __future__ import annotations

import pickle
from typing import BinaryIO

from annotator.core.model import Document, Span, SpanState, Status
from annotator.core.tokens import Tokens

# A document to save, its tokens and, when a worker made it, their Prodigy JSON.
ToSave = tuple[Document, Tokens | None, bytes | None]


def spill(
    spill: BinaryIO, document: Document, tokens: Tokens | None, token_json: bytes | None
) -> None:
    """Append a checked document to `spill`, as plain values."""
    spans = tuple(
        (s.start, s.end, s.label, s.state.value, s.source, s.score) for s in document.spans
    )
    values = (
        document.text,
        spans,
        document.status.value,
        document.meta,
        document.extra,
        document.source,
        document.input_hash,
        document.prodigy_input_hash,
        document.annotator,
        document.reviewed,
        document.created_at,
        document.updated_at,
        None if tokens is None else tokens.to_bytes(),
        token_json,
    )
    pickle.dump(values, spill, protocol=pickle.HIGHEST_PROTOCOL)


def unspill(spill: BinaryIO) -> ToSave:
    """The next document `spill` holds, as `spill` was given it."""
    (
        text,
        spans,
        status,
        meta,
        extra,
        source,
        input_hash,
        prodigy_hash,
        annotator,
        reviewed,
        created,
        updated,
        tokens,
        token_json,
    ) = pickle.load(spill)
    document = Document(
        id=0,
        dataset_id=0,
        text=text,
        spans=tuple(
            Span(s, e, label, SpanState(state), src, score)
            for s, e, label, state, src, score in spans
        ),
        status=Status(status),
        meta=meta,
        extra=extra,
        source=source,
        input_hash=input_hash,
        prodigy_input_hash=prodigy_hash,
        annotator=annotator,
        reviewed=reviewed,
        created_at=created,
        updated_at=updated,
    )
    return document, None if tokens is None else Tokens.from_bytes(tokens), token_json
