"""Write `annotations-vN.db`: a store of schema N as this version of annotator makes it.

Run it from the repository root with the version whose schema the fixture is for
(`python tests/store/data/make_fixtures.py`); it replaces the file. The store holds one
dataset with a label set and a mapping, documents of every status, spans of every state,
saved tokens, and a suggester's mark (`suggested_with`); from schema 4, two annotators'
versions of one article; from schema 5, one trained model version with its figures; from
schema 6, two imported patterns (a phrase with an id, a token pattern); schema 7 adds no
data (each version names its dataset, and the list's indexes); from schema 8, every
document assigned to two annotators (`annotator assign`); schemas 9 and 10 add no data
(the label filter's index; a team server's row rules). Keep the file once released: the
upgrade tests open it with every later version.

`annotations-v1.db` was written by annotator 0.1.0 and cannot be remade by this script.
"""

from __future__ import annotations

import sqlite3
import sys
from pathlib import Path

from annotator.core.edits import AddSpan, ReplaceSpan, SetStatus, SwapSuggestions
from annotator.core.hashing import input_hash
from annotator.core.model import Document, Label, Span, SpanState, Status
from annotator.core.patterns import Pattern
from annotator.core.tokens import Tokens
from annotator.core.training import Figures, ModelVersion, Scores
from annotator.store import SCHEMA_VERSION, Store
from annotator.store.suggestions import SuggestedDocument

HERE = Path(__file__).resolve().parent
ARTICLES = (
    "Angela Merkel met Emmanuel Macron in Berlin on Monday.",
    "The 😀 emoji put Tokyo in the headlines.",
    "Raw text\r\nwith a Windows line break from Reuters.",
    "Paris is rejected as a whole article.",
)


def tokens_of(text: str) -> Tokens:
    """Whitespace tokens: enough for a fixture (the real ones come from spaCy)."""
    starts, ends, position = [], [], 0
    for word in text.split():
        start = text.index(word, position)
        starts.append(start)
        ends.append(start + len(word))
        position = start + len(word)
    return Tokens(tuple(starts), tuple(ends))


def write(path: Path) -> None:
    for leftover in (path, Path(f"{path}-wal"), Path(f"{path}-shm")):
        leftover.unlink(missing_ok=True)
    labels = (Label("PERSON", "#e8a33d", "1"), Label("GPE", "#5b8def", "2"), Label("ORG"))
    with Store.open(path) as store:
        dataset = store.create_dataset("fixture", labels=labels)
        store.add_documents(
            dataset.id,
            [
                (
                    Document(0, dataset.id, text, input_hash=input_hash(text), source="wire.txt"),
                    None,
                )
                for text in ARTICLES
            ],
        )
        first, second, third, fourth = (
            store.get_document(i) for i in store.document_ids(dataset.id)
        )

        # a suggester's run over the first two: spans, tokens and its mark
        suggested = (
            (
                first,
                (
                    Span(0, 13, "PERSON", SpanState.SUGGESTED, "model", 0.9),
                    Span(18, 33, "PERSON", SpanState.SUGGESTED, "model", 0.8),
                    Span(37, 43, "GPE", SpanState.SUGGESTED, "model", 0.7),
                    Span(47, 53, "ORG", SpanState.SUGGESTED, "model", 0.2),
                ),
            ),
            (second, (Span(16, 21, "GPE", SpanState.SUGGESTED, "model", 0.6),)),
        )
        store.save_suggestions(
            [
                SuggestedDocument(document, SwapSuggestions((), spans), tokens_of(document.text))
                for document, spans in suggested
            ],
            suggester="en_core_web_sm 3.8.0",
        )
        # Schema 4: each person's edits go to their own version of the document.
        store.annotator = "ada"
        first = store.get_document(first.id)
        # accepted, relabelled-and-accepted, rejected, still suggested; then done
        person, other, berlin, monday = first.spans
        first = store.apply(first, ReplaceSpan.accept(person))
        first = store.apply(first, ReplaceSpan.reject(monday))
        first = store.apply(first, SetStatus(first.status, Status.DONE))
        # a drawn span in an article in progress; an article rejected
        store.annotator = "grace"
        second = store.get_document(second.id)
        second = store.apply(second, SetStatus(second.status, Status.IN_PROGRESS))
        second = store.apply(second, AddSpan(Span(4, 5, "ORG")))
        store.apply(fourth, SetStatus(fourth.status, Status.REJECTED))
        # grace's own version of the first article: she disagrees on Berlin
        mine = store.get_document(first.id)
        mine = store.apply(mine, ReplaceSpan.accept(mine.spans[0]))
        mine = store.apply(mine, ReplaceSpan.accept(mine.spans[2]))
        store.apply(mine, SetStatus(mine.status, Status.DONE))
        # the third is left new, without tokens
        assert third.status is Status.NEW
        del other, berlin
        # Schema 5: a trained version of the dataset's model, with its held-out figures.
        store.add_model_version(
            ModelVersion(
                dataset_id=dataset.id,
                number=1,
                path="models/fixture/1",
                base="blank",
                created_at=1_764_000_000.0,
                seconds=12.5,
                scores=Scores(
                    Figures(0.75, 0.6, 2 / 3),
                    {"PERSON": Figures(1.0, 0.5, 2 / 3), "GPE": Figures(0.5, 1.0, 2 / 3)},
                    2,
                ),
                train_documents=8,
                eval_documents=2,
            )
        )
        # Schema 6: patterns imported from a patterns.jsonl file.
        store.add_patterns(
            dataset.id,
            [
                Pattern("ORG", '"Reuters"', "reuters"),
                Pattern("GPE", '[{"LOWER":"tokyo"}]'),
            ],
            file="patterns.jsonl",
        )
        # Schema 8: the documents assigned, two annotators each.
        store.assign(dataset.id, ["ada", "grace", "lin"], 2)
    connection = sqlite3.connect(path)
    try:
        assert connection.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
        connection.execute("PRAGMA journal_mode = DELETE")  # one self-contained file
        connection.execute("VACUUM")
    finally:
        connection.close()


if __name__ == "__main__":
    target = Path(sys.argv[1]) if len(sys.argv) > 1 else HERE / f"annotations-v{SCHEMA_VERSION}.db"
    write(target)
    print(f"wrote {target}")
