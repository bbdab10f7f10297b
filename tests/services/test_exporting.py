"""Exporting from a real store: which documents and spans go out, atomically, streamed."""

from __future__ import annotations

import json
import tracemalloc
from collections.abc import Iterator
from pathlib import Path

import pytest
from spacy.tokens import DocBin

from annotator.core.errors import AnnotatorError, NotFoundError
from annotator.core.hashing import input_hash
from annotator.core.model import Document, Span, SpanState, Status
from annotator.core.tokens import Tokens
from annotator.nlp import Tokenizer
from annotator.services.exporting import (
    ExportOptions,
    Item,
    export_dataset,
    with_tokens,
    write_documents,
)
from annotator.store import Store

TEXT = "Angela Merkel met Emmanuel Macron in Berlin."
MERKEL = Span(0, 13, "PERSON", SpanState.MANUAL)
MACRON = Span(18, 33, "PERSON", SpanState.ACCEPTED, source="sm", score=0.9)
BERLIN_SUGGESTED = Span(37, 43, "GPE", SpanState.SUGGESTED, source="sm", score=0.7)
BERLIN_REJECTED = Span(37, 43, "ORG", SpanState.REJECTED, source="sm", score=0.2)
ALL_STATUSES = ExportOptions(statuses=None)


def new_document(text: str, status: Status = Status.DONE, spans: tuple[Span, ...] = ()) -> Document:
    return Document(
        id=0,
        dataset_id=0,
        text=text,
        spans=spans,
        status=status,
        meta={"n": text[:5]},
        input_hash=input_hash(text),
    )


@pytest.fixture
def filled(store: Store) -> Store:
    """Four documents, one per status, the first with spans of every state."""
    dataset = store.create_dataset("news")
    spans = (MERKEL, MACRON, BERLIN_SUGGESTED, BERLIN_REJECTED)
    store.add_documents(
        dataset.id,
        [
            (new_document(TEXT, Status.DONE, spans), None),
            (new_document("Second one is new.", Status.NEW), None),
            (new_document("Third was skipped.", Status.SKIPPED), None),
            (new_document("Fourth was rejected.", Status.REJECTED), None),
        ],
    )
    return store


def read_jsonl(path: Path) -> list[dict[str, object]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def test_default_export_is_done_documents_with_gold_spans(filled: Store, tmp_path: Path) -> None:
    out = tmp_path / "out.jsonl"
    report = export_dataset(filled, "news", out)
    (task,) = read_jsonl(out)
    assert task["text"] == TEXT and task["answer"] == "accept"
    assert [(s["start"], s["end"], s.get("answer")) for s in task["spans"]] == [
        (0, 13, None),
        (18, 33, "accept"),
    ]
    assert (report.documents, report.spans, report.left_out) == (1, 2, 0)


def test_suggestions_and_rejections_are_exported_on_request(filled: Store, tmp_path: Path) -> None:
    out = tmp_path / "out.jsonl"
    report = export_dataset(filled, "news", out, ExportOptions(include_suggestions=True))
    (task,) = read_jsonl(out)
    assert [(s["label"], s.get("answer")) for s in task["spans"]] == [
        ("PERSON", None),
        ("PERSON", "accept"),
        ("GPE", None),
        ("ORG", "reject"),
    ]
    assert report.spans == 4


def test_status_filter_picks_documents_in_id_order(filled: Store, tmp_path: Path) -> None:
    out = tmp_path / "out.jsonl"
    statuses = frozenset({Status.SKIPPED, Status.NEW})
    export_dataset(filled, "news", out, ExportOptions(statuses=statuses))
    tasks = read_jsonl(out)
    assert [t["text"] for t in tasks] == ["Second one is new.", "Third was skipped."]
    assert [t.get("answer") for t in tasks] == [None, "ignore"]
    export_dataset(filled, "news", out, ALL_STATUSES)
    assert [t.get("answer") for t in read_jsonl(out)] == ["accept", None, "ignore", "reject"]


def test_doccano_export(filled: Store, tmp_path: Path) -> None:
    out = tmp_path / "out.jsonl"
    export_dataset(filled, "news", out, ExportOptions("doccano", include_suggestions=True))
    (record,) = read_jsonl(out)
    assert record == {
        "text": TEXT,
        "label": [[0, 13, "PERSON"], [18, 33, "PERSON"], [37, 43, "GPE"]],
        "n": "Angel",
    }


def test_conll_export_has_one_block_per_document(filled: Store, tmp_path: Path) -> None:
    out = tmp_path / "out.conll"
    export_dataset(filled, "news", out, ExportOptions("conll", statuses=None))
    blocks = out.read_text(encoding="utf-8").split("-DOCSTART- -X- O O\n\n")[1:]
    assert len(blocks) == 4
    assert blocks[0].splitlines()[:5] == [
        "Angela\tB-PERSON",
        "Merkel\tI-PERSON",
        "met\tO",
        "Emmanuel\tB-PERSON",
        "Macron\tI-PERSON",
    ]
    assert "Berlin\tO" in blocks[0]


def test_spacy_export_holds_gold_entities_only(filled: Store, tmp_path: Path) -> None:
    out = tmp_path / "out.spacy"
    report = export_dataset(filled, "news", out, ExportOptions("spacy", include_suggestions=True))
    import spacy

    docs = list(DocBin().from_disk(out).get_docs(spacy.blank("en").vocab))
    assert [[e.text for e in d.ents] for d in docs] == [["Angela Merkel", "Emmanuel Macron"]]
    assert report.spans == 2


def test_tokens_are_computed_but_not_saved(filled: Store, tmp_path: Path) -> None:
    dataset = filled.get_dataset("news")
    ids = filled.document_ids(dataset.id)
    export_dataset(filled, "news", tmp_path / "out.jsonl", ALL_STATUSES)
    assert [filled.get_tokens(i) for i in ids] == [None] * len(ids)


def test_stored_tokens_are_used_as_they_are(store: Store, tmp_path: Path) -> None:
    dataset = store.create_dataset("own")
    tokens = Tokens((0, 6), (5, 11))  # one token per word, as an imported file had them
    store.add_documents(dataset.id, [(new_document("Hello world"), tokens)])
    export_dataset(store, "own", tmp_path / "out.jsonl")
    (task,) = read_jsonl(tmp_path / "out.jsonl")
    assert [(t["start"], t["end"]) for t in task["tokens"]] == [(0, 5), (6, 11)]


def test_missing_tokens_are_filled_in_batches_in_order() -> None:
    texts = [f"Text number {i}, with words." for i in range(600)]
    own = Tokens((0,), (4,))
    items = [(new_document(t), own if i % 3 == 0 else None, None) for i, t in enumerate(texts)]
    result = list(with_tokens(iter(items), "en"))
    tokenizer = Tokenizer("en")
    assert [d.text for d, _, _ in result] == texts
    for i, (document, tokens, _) in enumerate(result):
        assert tokens == (own if i % 3 == 0 else tokenizer.tokens(document.text))


@pytest.mark.parametrize("fmt", ["prodigy", "doccano", "conll", "spacy"])
def test_empty_dataset_writes_an_empty_export(store: Store, tmp_path: Path, fmt: str) -> None:
    store.create_dataset("empty")
    out = tmp_path / "out"
    report = export_dataset(store, "empty", out, ExportOptions(fmt))
    assert report.documents == 0 and out.is_file()
    if fmt == "spacy":
        assert len(DocBin().from_disk(out)) == 0
    else:
        assert out.read_text() == ""


def failing_after(count: int, error: BaseException) -> Iterator[Item]:
    for n in range(count):
        yield new_document(f"Document number {n}."), None, None
    raise error


@pytest.mark.parametrize("fmt", ["prodigy", "doccano", "conll", "spacy"])
@pytest.mark.parametrize("error", [RuntimeError("disk on fire"), KeyboardInterrupt()])
def test_failure_mid_export_keeps_the_previous_file(
    tmp_path: Path, fmt: str, error: BaseException
) -> None:
    out = tmp_path / "out"
    out.write_text("previous export\n")
    with pytest.raises(type(error)):
        write_documents(failing_after(3, error), out, ExportOptions(fmt))
    assert out.read_text() == "previous export\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]


def test_failure_mid_export_leaves_no_file(tmp_path: Path) -> None:
    with pytest.raises(RuntimeError):
        write_documents(failing_after(3, RuntimeError("x")), tmp_path / "out", ExportOptions())
    assert list(tmp_path.iterdir()) == []


def test_unknown_dataset_and_format_write_nothing(filled: Store, tmp_path: Path) -> None:
    out = tmp_path / "out"
    with pytest.raises(NotFoundError, match="no dataset named 'nope'"):
        export_dataset(filled, "nope", out)
    with pytest.raises(AnnotatorError, match="unknown export format 'xml'"):
        export_dataset(filled, "news", out, ExportOptions("xml"))
    assert not out.exists()


def test_bad_output_paths_are_refused(filled: Store, tmp_path: Path) -> None:
    with pytest.raises(AnnotatorError, match="is a directory"):
        export_dataset(filled, "news", tmp_path)
    with pytest.raises(AnnotatorError, match="does not exist"):
        export_dataset(filled, "news", tmp_path / "missing" / "out.jsonl")


class RecordedProgress:
    def __init__(self) -> None:
        self.events: list[tuple[str, int]] = []

    def stage(self, name: str, total: int, unit: str) -> None:
        self.events.append((name, total))

    def advance(self, count: int = 1) -> None:
        self.events.append(("advance", count))


def test_progress_counts_every_document(filled: Store, tmp_path: Path) -> None:
    seen = RecordedProgress()
    export_dataset(filled, "news", tmp_path / "o", ALL_STATUSES, progress=seen)
    assert seen.events == [("Exporting", 4)] + [("advance", 1)] * 4


def _peak_export_memory(store: Store, name: str, count: int, out: Path) -> int:
    """Peak traced memory of a Prodigy export of `count` documents (tokens stored)."""
    dataset = store.create_dataset(name)
    body = " ".join(f"Word{i} in Paris." for i in range(10))
    paris = body.index("Paris")
    texts = [f"{n:06d} {body}" for n in range(count)]
    tokens = Tokenizer("en").tokens_many(texts)
    spans = (Span(paris + 7, paris + 12, "GPE"),)
    store.add_documents(
        dataset.id, ((new_document(t, spans=spans), k) for t, k in zip(texts, tokens, strict=True))
    )
    tracemalloc.start()
    try:
        export_dataset(store, name, out)
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def test_memory_stays_flat_as_the_dataset_grows(store: Store, tmp_path: Path) -> None:
    # Both sizes span several batches of documents; a tenfold dataset must not double
    # the peak (holding every document would multiply it).
    small = _peak_export_memory(store, "small", 300, tmp_path / "small.jsonl")
    large = _peak_export_memory(store, "large", 3000, tmp_path / "large.jsonl")
    assert len(read_jsonl(tmp_path / "large.jsonl")) == 3000
    assert large < 2 * small, (small, large)
