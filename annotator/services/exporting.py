"""Exporting a dataset: stream documents from the store, write them, replace the file.

Documents stream in id order with flat memory; tokens come from the store, or are
computed in batches for documents that never had them saved (they are not written back:
an export only reads). A file appears at its path only when the export succeeded; pipes,
devices and the standard output are streamed into (`formats/destination.py`). The store
itself is never a destination.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from importlib import import_module
from itertools import islice
from pathlib import Path
from typing import TYPE_CHECKING, cast

from annotator.core.errors import AnnotatorError
from annotator.core.model import Document, Span, Status
from annotator.core.tokens import Tokens
from annotator.formats import table
from annotator.formats.destination import Target, open_output
from annotator.formats.table import Writing
from annotator.formats.writers import WriterFactory
from annotator.services.progress import NoProgress, Progress
from annotator.store import Store

if TYPE_CHECKING:
    from annotator.nlp import Tokenizer

# A document, its stored tokens (None: compute them) and their stored Prodigy JSON (None:
# format them), as `Store.stream_documents` yields them.
Item = tuple[Document, Tokens | None, bytes | None]
_BATCH = 256


@dataclass(frozen=True, slots=True)
class ExportOptions:
    fmt: str = "prodigy"
    statuses: frozenset[Status] | None = frozenset({Status.DONE})  # None: every status
    include_suggestions: bool = False
    force: bool = False  # replace an SQLite database or a read-only file at the destination


@dataclass
class ExportReport:
    documents: int = 0
    spans: int = 0
    left_out: int = 0  # spans the format could not hold
    overlapping: int = 0  # .spacy only: spans kept in doc.spans["sc"] but not in doc.ents


def export_dataset(
    store: Store,
    dataset_name: str,
    out: Target,
    options: ExportOptions = ExportOptions(),
    *,
    progress: Progress | None = None,
) -> ExportReport:
    """Write the dataset's documents with the chosen statuses to `out`."""
    writing = export_format(options.fmt)
    dataset = store.get_dataset(dataset_name)
    progress = progress or NoProgress()
    progress.stage("Exporting", store.count_documents(dataset.id, options.statuses), "doc")
    items = store.stream_documents(
        dataset.id,
        options.statuses,
        with_tokens=writing.tokens,
        with_token_json=writing.token_json,
    )
    return write_documents(
        items, out, options, lang=dataset.lang, progress=progress, protected=store.files()
    )


def export_formats() -> list[str]:
    """The formats an export writes, in the table's order."""
    return [row.name for row in table.writable()]


def export_format(fmt: str) -> Writing:
    """How `fmt` is written, from its row; an error naming the formats if it has none."""
    writing = table.writing(fmt)
    if writing is None:
        raise AnnotatorError(
            f"unknown export format {fmt!r}; choose one of {', '.join(export_formats())}"
        )
    return writing


def writer_factory(writing: Writing) -> WriterFactory:
    """The writer a row names, imported now (the `.spacy` one brings spaCy: a second)."""
    module, _, name = writing.factory.partition(":")
    return cast(WriterFactory, getattr(import_module(module), name))


def write_documents(
    items: Iterable[Item],
    out: Target,
    options: ExportOptions,
    *,
    lang: str = "en",
    progress: Progress | None = None,
    protected: Sequence[Path] = (),
) -> ExportReport:
    """Write `items` to `out` in `options.fmt`; on any error a file at `out` is left as it
    was. `protected` files (the store's) are refused as destinations."""
    writing = export_format(options.fmt)
    report = ExportReport()
    documents = with_tokens(items, lang) if writing.tokens else items
    with open_output(
        out, protected=protected, force=options.force, binary=writing.binary
    ) as handle:
        writer = writer_factory(writing)(handle, lang)
        for document, tokens, token_json in documents:
            spans = exported_spans(document, writing, options.include_suggestions)
            _count(report, spans, writer.add(document, tokens, token_json, spans), progress)
        writer.finish()
    report.overlapping = writer.overlapping
    return report


def _count(
    report: ExportReport, spans: Sequence[Span], left_out: int, progress: Progress | None
) -> None:
    report.documents += 1
    report.spans += len(spans) - left_out
    report.left_out += left_out
    if progress is not None:
        progress.advance()


def exported_spans(document: Document, writing: Writing, include_suggestions: bool) -> list[Span]:
    """The spans a format receives.

    Gold spans (accepted and manual) always. With suggestions, the states the format's
    row says it carries: Prodigy also gets the suggested spans (pre-annotations) and the
    rejected ones (with `"answer": "reject"`); doccano gets the suggested ones (it has no
    way to say "rejected"). Training formats (`spacy`, `conll`) only ever get gold spans.
    """
    if not include_suggestions:
        return list(document.gold_spans)
    return [s for s in document.spans if s.state in writing.carries or s.state.is_gold]


def with_tokens(items: Iterable[Item], lang: str) -> Iterator[Item]:
    """Fill in missing tokens, a batch at a time, with the dataset's tokenizer.

    spaCy is loaded only if some document has no stored tokens.
    """
    tokenizer: Tokenizer | None = None
    iterator = iter(items)
    while batch := list(islice(iterator, _BATCH)):
        missing = [document.text for document, tokens, _ in batch if tokens is None]
        if missing and tokenizer is None:
            from annotator.nlp import Tokenizer

            tokenizer = Tokenizer(lang)
        computed = iter(tokenizer.tokens_many(missing) if tokenizer and missing else ())
        for document, tokens, tokens_json in batch:
            if tokens is None:
                yield document, next(computed), None
            else:
                yield document, tokens, tokens_json
