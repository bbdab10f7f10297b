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
from itertools import islice
from pathlib import Path
from typing import IO, TYPE_CHECKING

from annotator.core.errors import AnnotatorError
from annotator.core.model import Document, Span, SpanState, Status
from annotator.core.tokens import Tokens
from annotator.formats.destination import Target, open_output
from annotator.formats.writers import conll, doccano, prodigy
from annotator.services.progress import NoProgress, Progress
from annotator.store import Store

if TYPE_CHECKING:
    from annotator.nlp import Tokenizer

EXPORT_FORMATS = ("prodigy", "doccano", "spacy", "conll")
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
    check_format(options.fmt)
    dataset = store.get_dataset(dataset_name)
    progress = progress or NoProgress()
    progress.stage("Exporting", store.count_documents(dataset.id, options.statuses), "doc")
    items = store.stream_documents(
        dataset.id,
        options.statuses,
        with_tokens=options.fmt != "doccano",
        with_token_json=options.fmt == "prodigy",
    )
    return write_documents(
        items, out, options, lang=dataset.lang, progress=progress, protected=store.files()
    )


def check_format(fmt: str) -> None:
    if fmt not in EXPORT_FORMATS:
        raise AnnotatorError(
            f"unknown export format {fmt!r}; choose one of {', '.join(EXPORT_FORMATS)}"
        )


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
    check_format(options.fmt)
    report = ExportReport()
    documents = items if options.fmt == "doccano" else with_tokens(items, lang)
    binary = options.fmt == "spacy"
    with open_output(out, protected=protected, force=options.force, binary=binary) as handle:
        if binary:
            _write_docbin(documents, handle, lang, report, progress)
        else:
            _write_lines(documents, handle, options, report, progress)
    return report


def _write_lines(
    documents: Iterable[Item],
    handle: IO[bytes],
    options: ExportOptions,
    report: ExportReport,
    progress: Progress | None,
) -> None:
    fmt = options.fmt
    for document, tokens, tokens_json in documents:
        spans = exported_spans(document, fmt, options.include_suggestions)
        if fmt == "prodigy":
            assert tokens is not None
            data, left_out = prodigy.line_bytes(document, tokens, spans, tokens_json)
            handle.write(data)
        else:
            if fmt == "doccano":
                text, left_out = doccano.line(document, spans)
            else:
                assert tokens is not None
                text, left_out = conll.block(document, tokens, spans)
            handle.write(text.encode("utf-8"))
        _count(report, spans, left_out, progress)


def _write_docbin(
    documents: Iterable[Item],
    handle: IO[bytes],
    lang: str,
    report: ExportReport,
    progress: Progress | None,
) -> None:
    from annotator.nlp.docbin import DocBinWriter  # spaCy: a second to import, load late

    writer = DocBinWriter(lang)
    for document, tokens, _ in documents:
        assert tokens is not None
        spans = exported_spans(document, "spacy", include_suggestions=False)
        _count(report, spans, writer.add(document, tokens, spans), progress)
    handle.write(writer.to_bytes())
    report.overlapping = writer.overlapping


def _count(
    report: ExportReport, spans: Sequence[Span], left_out: int, progress: Progress | None
) -> None:
    report.documents += 1
    report.spans += len(spans) - left_out
    report.left_out += left_out
    if progress is not None:
        progress.advance()


def exported_spans(document: Document, fmt: str, include_suggestions: bool) -> list[Span]:
    """The spans a format receives.

    Gold spans (accepted and manual) always. With suggestions, Prodigy also gets the
    suggested spans (pre-annotations) and the rejected ones (with `"answer": "reject"`);
    doccano gets the suggested ones (it has no way to say "rejected"). Training formats
    (`spacy`, `conll`) only ever get gold spans.
    """
    if not include_suggestions or fmt in ("spacy", "conll"):
        return list(document.gold_spans)
    if fmt == "doccano":
        return [s for s in document.spans if s.state is not SpanState.REJECTED]
    return list(document.spans)


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
