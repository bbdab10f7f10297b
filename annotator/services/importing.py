"""Importing files into a dataset: read, check everything, then write.

A file is written in one transaction, so it is in the store whole or not at all. By
default every file is read and checked before anything is written, and one bad record
refuses the whole import: the store is unchanged and the report lists what was wrong.
With `skip_invalid` the good records go in and the bad ones are listed.
"""

from __future__ import annotations

import os
import time
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING

from annotator.core.errors import InputError
from annotator.core.hashing import input_hash
from annotator.core.labels import new_label
from annotator.core.model import Dataset, Document, Label
from annotator.core.records import Record
from annotator.core.tokens import Tokens
from annotator.core.validation import CheckedRecord, check_record
from annotator.formats import SUFFIXES, read_file
from annotator.services.datasets import DEFAULT_LANG, checked_language
from annotator.services.presets import Preset, apply_preset_to, load_preset
from annotator.services.progress import NoProgress, Progress
from annotator.store import Store

if TYPE_CHECKING:
    from annotator.nlp import Tokenizer

BATCH_DOCUMENTS = 2000


@dataclass
class ImportReport:
    files: int = 0
    records: int = 0
    added: int = 0
    duplicates: int = 0
    duplicate_spans: int = 0
    new_labels: list[str] = field(default_factory=list)
    preset: Preset | None = None  # given to the dataset this import created, if any
    not_imported: Counter[str] = field(default_factory=Counter)  # kind -> count
    problems: list[InputError] = field(default_factory=list)
    refused: bool = False  # nothing was written because of `problems`


@dataclass
class _CheckedFile:
    path: Path
    documents: list[tuple[Document, Tokens | None]]


DEFAULT_PRESET = "news"


@dataclass(frozen=True, slots=True)
class ImportOptions:
    fmt: str = "auto"
    encoding: str = "utf-8"
    skip_invalid: bool = False
    add_labels: bool = False
    allow_overlap: bool = False  # only for a dataset this import creates
    lang: str = "en"
    # The labels (and model mapping) of a dataset this import creates when its files bring
    # none, as plain articles do: without labels the model's suggestions have nowhere to go.
    preset: str | None = DEFAULT_PRESET


def expand_paths(paths: Iterable[Path]) -> Iterator[Path]:
    """Files as given, folders walked (sorted) for the file types we read."""
    for path in paths:
        if path.is_dir():
            found = False
            for found_path in _walk(path):
                found = True
                yield found_path
            if not found:  # named on purpose and nothing to read: a mistake, say so
                kinds = ", ".join(sorted(SUFFIXES))
                raise InputError(path, None, f"is a folder with no files to import ({kinds})")
        elif path.exists():
            yield path
        else:
            raise InputError(path, None, "does not exist")


def _walk(folder: Path) -> Iterator[Path]:
    """The files we read under `folder`, depth first in name order, hidden names skipped.

    The order of `sorted(folder.rglob("*"))`, and like it the walk does not enter links to
    folders, but one directory listing per folder instead of a `stat` per path.
    """
    try:
        with os.scandir(folder) as listing:
            entries = sorted(listing, key=lambda entry: entry.name)
    except PermissionError:
        return
    for entry in entries:
        if entry.name.startswith("."):
            continue
        path = Path(entry.path)
        if entry.is_dir(follow_symlinks=False):
            yield from _walk(path)
        elif path.suffix.lower() in SUFFIXES and entry.is_file():
            yield path


def import_paths(
    store: Store,
    paths: Sequence[Path],
    dataset_name: str,
    options: ImportOptions = ImportOptions(),
    *,
    progress: Progress | None = None,
) -> ImportReport:
    """Read, check and (unless refused) save `paths` into the dataset `dataset_name`."""
    progress = progress or NoProgress()
    report = ImportReport()
    dataset = store.find_dataset(dataset_name)
    if dataset is None and options.lang != DEFAULT_LANG:  # refused before reading anything
        options = replace(options, lang=checked_language(options.lang))
    preset = load_preset(options.preset) if options.preset and dataset is None else None
    files = list(expand_paths(paths))
    parsed = _read_files(files, options, report, progress)
    checker = _Checker(dataset, options)
    progress.stage("Checking", sum(len(records) for _, records in parsed), "record")
    checked = [checker.check_records(path, records, report, progress) for path, records in parsed]
    report.new_labels = list(checker.new_labels)
    if report.problems and not options.skip_invalid:
        report.refused = True
        return report
    total = sum(len(item.documents) for item in checked)
    if not total:
        return report
    if dataset is None:
        dataset = store.create_dataset(
            dataset_name, lang=options.lang, allow_overlap=options.allow_overlap
        )
        if preset is not None and not checker.new_labels:
            apply_preset_to(store, dataset, preset, replace=True)
            dataset = store.get_dataset(dataset_name)
            report.preset = preset
    labels = _labels_to_add(dataset.labels, checker.new_labels)
    progress.stage("Saving", total, "doc")
    for batch in _batches(checked):
        added = store.add_documents(dataset.id, batch, new_labels=labels)
        labels = []
        report.added += added.added
        report.duplicates += added.duplicates
        progress.advance(len(batch))
    return report


def _read_files(
    files: list[Path], options: ImportOptions, report: ImportReport, progress: Progress
) -> list[tuple[Path, list[Record | InputError]]]:
    """Parse every file; a file that cannot be read at all becomes one problem."""
    progress.stage("Reading", len(files), "file")
    parsed: list[tuple[Path, list[Record | InputError]]] = []
    for path in files:
        report.files += 1
        try:
            parsed.append((path, read_file(path, options.fmt, encoding=options.encoding)))
        except InputError as error:
            report.problems.append(error)
        progress.advance()
    return parsed


def _labels_to_add(existing: Sequence[Label], names: Iterable[str]) -> list[Label]:
    """New labels with their default colours and the next free hotkeys."""
    added: list[Label] = []
    for name in names:
        added.append(new_label([*existing, *added], name))
    return added


def _batches(files: list[_CheckedFile]) -> Iterator[list[tuple[Document, Tokens | None]]]:
    """Whole files grouped into transactions of about `BATCH_DOCUMENTS` documents.

    A file never straddles two transactions, so each file is in the store whole or not at
    all; grouping small files saves a commit per file.
    """
    batch: list[tuple[Document, Tokens | None]] = []
    for item in files:
        batch.extend(item.documents)
        if len(batch) >= BATCH_DOCUMENTS:
            yield batch
            batch = []
    if batch:
        yield batch


class _Checker:
    """Reads and checks files against one dataset, collecting the labels it meets."""

    def __init__(self, dataset: Dataset | None, options: ImportOptions) -> None:
        self._options = options
        self._allow_overlap = dataset.allow_overlap if dataset else options.allow_overlap
        known = dataset.label_names if dataset else ()
        closed = bool(known) and not options.add_labels
        self._closed_labels: frozenset[str] | None = frozenset(known) if closed else None
        self._known = set(known)
        self.new_labels: dict[str, None] = {}
        self._tokenizer: Tokenizer | None = None
        self._lang = dataset.lang if dataset else options.lang

    def check_records(
        self,
        path: Path,
        records: list[Record | InputError],
        report: ImportReport,
        progress: Progress,
    ) -> _CheckedFile:
        documents: list[tuple[Document, Tokens | None]] = []
        for record in records:
            report.records += 1
            progress.advance()
            if isinstance(record, InputError):
                report.problems.append(record)
                continue
            try:
                checked, tokens = self._check(record)
            except InputError as error:
                report.problems.append(error)
                continue
            report.duplicate_spans += checked.duplicate_spans
            report.not_imported.update(record.not_imported)
            for span in checked.spans:
                if span.label not in self._known:
                    self._known.add(span.label)
                    self.new_labels[span.label] = None
            documents.append((_document(checked), tokens))
        return _CheckedFile(path, documents)

    def _check(self, record: Record) -> tuple[CheckedRecord, Tokens | None]:
        tokens = record.tokens
        if tokens is None and record.spans:
            tokens = self._tokens(record.text)
        checked = check_record(
            record, tokens=tokens, allow_overlap=self._allow_overlap, labels=self._closed_labels
        )
        return checked, tokens

    def _tokens(self, text: str) -> Tokens:
        if self._tokenizer is None:  # spaCy (a second to import) only when spans need it
            from annotator.nlp import Tokenizer

            self._tokenizer = Tokenizer(self._lang)
        return self._tokenizer.tokens(text)


def _document(checked: CheckedRecord) -> Document:
    record = checked.record
    now = time.time()
    return Document(
        id=0,
        dataset_id=0,
        text=record.text,
        spans=checked.spans,
        status=record.status,
        meta=record.meta,
        extra=record.extra,
        source=record.path,
        input_hash=input_hash(record.text),
        prodigy_input_hash=record.prodigy_input_hash,
        annotator=record.annotator,
        created_at=now,
        updated_at=record.timestamp if record.timestamp is not None else now,
    )
