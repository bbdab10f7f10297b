"""One annotator of a team's server, as a separate process, for test_server_crash.py.

    python team_client.py URL DATASET STOP_FILE

URL names the annotator's database user. The program edits the dataset's articles in
turn through `Store.apply`, the call the window's session makes for every key, until
STOP_FILE exists: most edits draw three spans at once (a `Batch`, so a half-written one
would show), and every fourth accepts every open suggestion (Accept All). It prints one
JSON line per attempt, flushed, after the call returned or raised:

    {"ok": true, "document": ID, "added": [[start, end, label, state], ...]}
    {"ok": false, "document": ID, "added": [...], "error": "the store ...: ..."}

A printed `"ok": true` is an edit the store acknowledged. After a refusal the article is
read again before the next edit (a read refused too is printed with `"read": true`), as
the window opens it again; between attempts it waits 20 ms.
"""

from __future__ import annotations

import json
import re
import sys
import time
from pathlib import Path

from annotator.core.annotating import Gestures
from annotator.core.edits import AddSpan, Batch, Edit
from annotator.core.errors import AnnotatorError
from annotator.core.model import Document, Span, SpanState
from annotator.store import Store

WORDS = re.compile(r"\b[A-Z][a-z]+\b")


def main(url: str, dataset_name: str, stop: Path) -> None:
    with Store.open(url) as store:
        dataset = store.get_dataset(dataset_name)
        ids = list(store.document_ids(dataset.id))
        labels = [label.name for label in dataset.labels]
        opened: dict[int, Document] = {}
        attempt = 0
        while not stop.exists():
            time.sleep(0.02)
            attempt += 1
            document_id = ids[attempt % len(ids)]
            if document_id not in opened:
                try:
                    opened[document_id] = store.get_document(document_id)
                except AnnotatorError as error:
                    _say(ok=False, document=document_id, added=[], error=str(error), read=True)
                    continue
            document = opened[document_id]
            edit = _next_edit(document, labels, attempt)
            if edit is None:
                continue
            added = [[s.start, s.end, s.label, s.state.value] for s in edit.changes().added]
            try:
                opened[document_id] = store.apply(document, edit)
            except AnnotatorError as error:
                opened.clear()  # read again: the refused edit may or may not be in
                _say(ok=False, document=document_id, added=added, error=str(error))
                continue
            _say(ok=True, document=document_id, added=added)


def _next_edit(document: Document, labels: list[str], attempt: int) -> Edit | None:
    if attempt % 4 == 0 and any(s.state is SpanState.SUGGESTED for s in document.spans):
        return Gestures(document).accept_all()
    taken = [(s.start, s.end) for s in document.spans]
    free = [
        match.span()
        for match in WORDS.finditer(document.text)
        if all(match.end() <= a or b <= match.start() for a, b in taken)
    ]
    if len(free) < 3:
        return None
    return Batch(
        tuple(
            AddSpan(Span(start, end, labels[start % len(labels)], SpanState.MANUAL))
            for start, end in free[:3]
        ),
        description="Draw three",
    )


def _say(**line: object) -> None:
    print(json.dumps(line), flush=True)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], Path(sys.argv[3]))
