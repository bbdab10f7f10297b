"""Prodigy's `review` output: one line per document, its versions side by side.

The line's top level is the document as settled (the reviewed version, else the one the
export chose); `versions` holds each distinct version the annotators made (the same spans
and answer), with the `sessions` that made exactly it, and `default` on the one equal to
the top level. The export gives a document's top first, then every version of it (its
row in `formats/table.py` says `versions`): the writer holds one document's at a time.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import IO, Any

from annotator.core.model import Document, Span
from annotator.core.tokens import Tokens
from annotator.formats.writers import needed
from annotator.formats.writers.prodigy import dumps, record

# What tells two versions apart: their spans (start, end, label, span answer) and answer.
_Key = tuple[tuple[tuple[Any, ...], ...], Any]


class Writer:
    overlapping = 0

    def __init__(self, handle: IO[bytes], lang: str) -> None:
        self._handle = handle
        self._top: tuple[Document, Tokens, Sequence[Span]] | None = None
        self._versions: list[tuple[Document, Sequence[Span]]] = []

    def add(
        self,
        document: Document,
        tokens: Tokens | None,
        token_json: bytes | None,
        spans: Sequence[Span],
    ) -> int:
        """A new document's first item is its top; the next ones of that id its versions.
        Only the top's spans off token boundaries are counted: the versions'
        are their own records' (`--version all`)."""
        if self._top is not None and document.id == self._top[0].id:
            if not document.reviewed:  # the annotators' versions, not a reviewer's
                self._versions.append((document, spans))
            return 0
        self._flush()
        tokens = needed(tokens)
        self._top = (document, tokens, spans)
        self._versions = []
        return sum(
            1 for s in spans if s.state.is_gold and tokens.token_span(s.start, s.end) is None
        )

    def finish(self) -> None:
        self._flush()

    def _flush(self) -> None:
        if self._top is None:
            return
        document, tokens, spans = self._top
        task, _ = record(document, tokens, spans)
        entries: dict[_Key, dict[str, Any]] = {}
        for version, version_spans in self._versions:
            made, _ = record(version, tokens, version_spans)
            entry = entries.setdefault(_key(made), {**made, "sessions": []})
            if version.annotator is not None:
                entry["sessions"].append(version.annotator)
        settled = _key(task)
        for key, entry in entries.items():
            entry["default"] = key == settled
        task["sessions"] = list(dict.fromkeys(s for e in entries.values() for s in e["sessions"]))
        task["versions"] = list(entries.values())
        self._handle.write(dumps(task).encode("utf-8"))
        self._top = None


def _key(task: dict[str, Any]) -> _Key:
    spans = tuple((s["start"], s["end"], s["label"], s.get("answer")) for s in task["spans"])
    return spans, task.get("answer")
