"""Exporting a dataset: stream documents from the store, write them, replace the file.

`--version` picks which version of each document goes out (`core/versions.py`): by
default the reviewed one, else the exporter's, else the only one; `all` writes every
annotator's and every reviewed version, one record each. A format whose row says it holds
`versions` (`prodigy-review`) gets each document's top version, then all its versions.

Documents stream in id order with flat memory; tokens come from the store, or are
computed in batches for documents that never had them saved (they are not written back:
an export only reads). A file appears at its path only when the export succeeded; pipes,
devices and the standard output are streamed into (`formats/destination.py`). The store
itself is never a destination.
"""

from __future__ import annotations

from collections.abc import Generator, Iterable, Iterator, Sequence
from dataclasses import dataclass, replace
from importlib import import_module
from itertools import islice
from pathlib import Path
from typing import TYPE_CHECKING, cast

from annotator.core.errors import AnnotatorError
from annotator.core.model import Document, Span, Status
from annotator.core.tokens import Tokens
from annotator.core.versions import Pick, VersionChoice
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
    version: str = Pick.AUTO  # `--version`: auto, reviewed, all or an annotator's name


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
    """Write the chosen version of the dataset's documents with the chosen statuses to
    `out` (every version with `all`)."""
    writing = export_format(options.fmt)
    dataset = store.get_dataset(dataset_name)
    choice = _checked_choice(store, dataset.id, dataset_name, options, writing)
    progress = progress or NoProgress()
    if writing.versions:
        count = store.count_versioned(dataset.id, options.statuses)
        items = _with_top_versions(store, dataset.id, options.statuses, choice, writing)
    else:
        count = store.count_chosen(dataset.id, options.statuses, choice)
        items = _chosen_versions(store, dataset.id, options.statuses, choice, writing)
    progress.stage("Exporting", count, "doc")
    return write_documents(
        items, out, options, lang=dataset.lang, progress=progress, protected=store.files()
    )


def _checked_choice(
    store: Store, dataset_id: int, dataset_name: str, options: ExportOptions, writing: Writing
) -> VersionChoice:
    """`options.version` as a choice; an unknown annotator refused, naming the known."""
    choice = VersionChoice.parse(options.version, store.annotator)
    if writing.versions and choice.pick is not Pick.AUTO:
        raise AnnotatorError(
            f"--format {options.fmt} writes every version of each document; "
            f"--version {options.version} does not apply to it"
        )
    if choice.pick is Pick.ANNOTATOR:
        known = store.annotators(dataset_id)
        if choice.annotator not in known:
            names = ", ".join(known) if known else "none: nobody has annotated it yet"
            raise AnnotatorError(
                f"dataset {dataset_name!r} has no version by {choice.annotator!r}; "
                f"its annotators: {names}"
            )
    return choice


def _chosen_versions(
    store: Store,
    dataset_id: int,
    statuses: frozenset[Status] | None,
    choice: VersionChoice,
    writing: Writing,
) -> Iterator[Item]:
    """The version of each document `choice` names, or every version for `all`."""
    if choice.pick is Pick.ALL:
        yield from store.stream_versions(
            dataset_id, statuses, with_tokens=writing.tokens, with_token_json=writing.token_json
        )
        return
    items = store.stream_documents(
        dataset_id,
        statuses,
        with_tokens=writing.tokens,
        with_token_json=writing.token_json,
        version=choice,
    )
    if choice.pick is Pick.REVIEWED:
        for document, tokens, token_json in items:
            yield replace(document, reviewed=True), tokens, token_json
        return
    if choice.pick is Pick.ANNOTATOR:
        yield from items
        return
    # `auto` gives a document's reviewed version wherever it has one: say so.
    reviewed = store.reviewed_documents(dataset_id)
    settled = next(reviewed, None)
    for document, tokens, token_json in items:
        while settled is not None and settled < document.id:
            settled = next(reviewed, None)
        if settled == document.id:
            document = replace(document, reviewed=True)
        yield document, tokens, token_json


def _with_top_versions(
    store: Store,
    dataset_id: int,
    statuses: frozenset[Status] | None,
    choice: VersionChoice,
    writing: Writing,
) -> Iterator[Item]:
    """For each document with a version in `statuses`: the version at its top (the newest
    reviewed one, else the one `choice` names), then each of its versions.

    Both streams run in document order; one document's versions are held at a time.
    """
    tops = store.stream_documents(dataset_id, None, version=choice)
    top = next(tops, None)
    versions = store.stream_versions(
        dataset_id, statuses, with_tokens=writing.tokens, with_token_json=writing.token_json
    )
    try:
        for group in _groups(versions):
            document, tokens, token_json = group[0]
            while top is not None and top[0].id < document.id:
                top = next(tops, None)
            reviewed = [item[0] for item in group if item[0].reviewed]
            if reviewed:
                head = max(reviewed, key=lambda version: version.updated_at)
            elif top is not None and top[0].id == document.id:
                head = top[0]
            else:  # gone from the store since the versions were read
                head = document
            yield head, tokens, token_json
            yield from group
    finally:
        if isinstance(tops, Generator):  # its read transaction ends now, not when collected
            tops.close()


def _groups(items: Iterable[Item]) -> Iterator[list[Item]]:
    """Consecutive items of the same document, together."""
    group: list[Item] = []
    for item in items:
        if group and item[0].id != group[0][0].id:
            yield group
            group = []
        group.append(item)
    if group:
        yield group


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
        last: int | None = None
        for document, tokens, token_json in documents:
            spans = exported_spans(document, writing, options.include_suggestions)
            left_out = writer.add(document, tokens, token_json, spans)
            # A format of `versions` gets each document's top, then its versions: the
            # top is what is counted.
            if not writing.versions or document.id != last:
                _count(report, spans, left_out, progress)
            last = document.id
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
