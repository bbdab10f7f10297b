"""Importing files into a dataset: read, check everything, then write.

A file is written in one transaction, so it is in the store whole or not at all. By
default every file is read and checked before anything is written, and one bad record
refuses the whole import: the store is unchanged and the report lists what was wrong.
With `skip_invalid` the good records go in and the bad ones are listed.
"""

from __future__ import annotations

import os
import tempfile
import time
from collections import Counter, deque
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from itertools import chain
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO

from annotator.core.errors import AnnotatorError, InputError
from annotator.core.hashing import input_hash
from annotator.core.labels import LabelSet, apply_preset, new_label
from annotator.core.model import (
    Dataset,
    Document,
    Label,
    SpanState,
    Status,
    dataset_name_problem,
)
from annotator.core.records import Record
from annotator.core.tokens import Tokens
from annotator.core.validation import CheckedRecord, check_record
from annotator.formats import folder_suffixes, iter_file
from annotator.services.datasets import DEFAULT_LANG, checked_language
from annotator.services.presets import Preset, load_preset
from annotator.services.progress import NoProgress, Progress
from annotator.services.spill import ToSave, spill, unspill
from annotator.store import NewDataset, Store

if TYPE_CHECKING:
    from annotator.nlp import Tokenized, TokenStream

BATCH_DOCUMENTS = 2000


@dataclass
class ImportReport:
    files: int = 0
    records: int = 0
    added: int = 0
    duplicates: int = 0
    versions: int = 0  # annotators' (and reviewers') versions written
    duplicate_spans: int = 0
    new_labels: list[str] = field(default_factory=list)
    preset: Preset | None = None  # given to the dataset this import created, if any
    not_imported: Counter[str] = field(default_factory=Counter)  # kind -> count
    problems: list[InputError] = field(default_factory=list)
    refused: bool = False  # nothing was written because of `problems`


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
    # Who is importing: recorded on documents whose file says they were decided (done,
    # skipped, rejected) but names nobody (a Prodigy `_annotator_id` is kept as it is).
    annotator: str | None = None


def expand_paths(paths: Iterable[Path]) -> Iterator[Path]:
    """Files as given, folders walked (sorted) for the file types we read."""
    suffixes = folder_suffixes()
    for path in paths:
        if path.is_dir():
            found = False
            for found_path in _walk(path, suffixes):
                found = True
                yield found_path
            if not found:  # named on purpose and nothing to read: a mistake, say so
                kinds = ", ".join(sorted(suffixes))
                raise InputError(path, None, f"is a folder with no files to import ({kinds})")
        elif path.exists() or path.is_symlink():
            yield path  # a link that leads nowhere: reading it says why
        else:
            raise InputError(path, None, "does not exist")


def _walk(folder: Path, suffixes: frozenset[str]) -> Iterator[Path]:
    """The files ending in `suffixes` under `folder`, depth first in name order, hidden
    names skipped.

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
            yield from _walk(path, suffixes)
        elif path.suffix.lower() in suffixes and _is_file(entry):
            yield path


def _is_file(entry: os.DirEntry[str]) -> bool:
    try:
        return entry.is_file()
    except OSError:  # a link in a loop: reading it gives the user the reason
        return True


def import_paths(
    store: Store,
    paths: Sequence[Path],
    dataset_name: str,
    options: ImportOptions = ImportOptions(),
    *,
    progress: Progress | None = None,
) -> ImportReport:
    """Read, check and (unless refused) save `paths` into the dataset `dataset_name`.

    Two passes, neither of which holds a file in memory: every file is streamed and each
    record checked, the good ones' documents (with the tokens spaCy gave for their spans)
    going to a temporary file; then, if nothing was refused, they are read back and saved.
    What is saved is exactly what was checked.
    """
    progress = progress or NoProgress()
    report = ImportReport()
    dataset = store.find_dataset(dataset_name)
    if dataset is None and options.lang != DEFAULT_LANG:  # refused before reading anything
        options = replace(options, lang=checked_language(options.lang))
    if dataset is None and (problem := dataset_name_problem(dataset_name)):
        raise AnnotatorError(problem)  # the same: not after checking every file
    preset = load_preset(options.preset) if options.preset and dataset is None else None
    files = list(expand_paths(paths))
    with _Checker(dataset, options) as checker:
        progress.stage("Checking", len(files), "file")
        checked = []
        for path in files:
            report.files += 1
            found = checker.check_file(path, report)
            if found is not None:
                checked.append(found)
            progress.advance()
        checker.checked()
        report.new_labels = list(checker.new_labels)
        if report.problems and not options.skip_invalid:
            report.refused = True
            return report
        total = sum(item.good for item in checked)
        if not total:
            return report
        target: int | NewDataset
        if dataset is None:
            target = NewDataset(dataset_name, options.lang, options.allow_overlap)
            if preset is not None and not checker.new_labels:
                chosen = apply_preset(LabelSet((), {}), preset.labels, preset.mapping)
                target = replace(target, labels=chosen.labels, label_map=chosen.label_map)
                report.preset = preset
            labels = _labels_to_add(target.labels, checker.new_labels)
        else:
            target = dataset.id
            labels = _labels_to_add(dataset.labels, checker.new_labels)
        progress.stage("Saving", total, "doc")
        saving = _Saving(checker, checked, progress)
        while not saving.done:
            added = store.add_documents(target, saving.batch(), new_labels=labels)
            target, labels = added.dataset_id, []
            report.added += added.added
            report.duplicates += added.duplicates
            report.versions += added.versions
    return report


def _labels_to_add(existing: Sequence[Label], names: Iterable[str]) -> list[Label]:
    """New labels with their default colours and the next free hotkeys."""
    added: list[Label] = []
    for name in names:
        added.append(new_label([*existing, *added], name))
    return added


@dataclass(frozen=True, slots=True)
class _CheckedFile:
    """A file that passed the check, and how many of its records are good."""

    path: Path
    good: int


class _Saving:
    """The checked documents, read back, grouped into transactions of whole files.

    Each batch is a generator the store consumes inside its transaction; a batch ends after
    the file that brings it to `BATCH_DOCUMENTS` documents, so a file is never split.
    """

    def __init__(self, checker: _Checker, files: list[_CheckedFile], progress: Progress) -> None:
        self._checker = checker
        self._files = iter(files)
        self._progress = progress
        self.done = False

    def batch(self) -> Iterator[ToSave]:
        count = 0
        for item in self._files:
            for document in self._checker.documents(item):
                count += 1
                self._progress.advance()
                yield document
            if count >= BATCH_DOCUMENTS:
                return
        self.done = True


class _Checker:
    """Checks files against one dataset, collecting the labels it meets and keeping each
    good record's document (with its tokens) in a temporary file; then gives them back."""

    def __init__(self, dataset: Dataset | None, options: ImportOptions) -> None:
        self._options = options
        self._allow_overlap = dataset.allow_overlap if dataset else options.allow_overlap
        known = dataset.label_names if dataset else ()
        closed = bool(known) and not options.add_labels
        self._closed_labels: frozenset[str] | None = frozenset(known) if closed else None
        self._known = set(known)
        self.new_labels: dict[str, None] = {}
        self._lang = dataset.lang if dataset else options.lang
        self._stream: TokenStream | None = None
        # What is saved is exactly what was checked, and memory never holds a whole file.
        self._spill: BinaryIO = tempfile.TemporaryFile(prefix="annotator-import-")  # noqa: SIM115

    def __enter__(self) -> _Checker:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.checked()
        self._spill.close()

    def checked(self) -> None:
        """Every file is checked: the tokenizer's workers can go, the spill is read back."""
        if self._stream is not None:
            self._stream.__exit__()
        self._spill.seek(0)

    def check_file(self, path: Path, report: ImportReport) -> _CheckedFile | None:
        """Check every record of `path`; None if the file as a whole is refused."""
        spilled_at = self._spill.tell()
        good = 0
        try:
            for record, computed in self._with_tokens(self._records(path)):
                report.records += 1
                if isinstance(record, InputError):
                    report.problems.append(record)
                    continue
                tokens, token_json = record.tokens, None
                if computed is not None:
                    tokens, token_json = computed.tokens, computed.token_json
                try:
                    checked = self._check(record, tokens)
                except InputError as error:
                    report.problems.append(error)
                    continue
                good += 1
                spill(self._spill, _document(checked, self._options.annotator), tokens, token_json)
                report.duplicate_spans += checked.duplicate_spans
                report.not_imported.update(record.not_imported)
                for span in checked.spans:
                    if span.label not in self._known:
                        self._known.add(span.label)
                        self.new_labels[span.label] = None
        except InputError as error:
            report.problems.append(error)
            self._spill.seek(spilled_at)  # its documents are not saved
            self._spill.truncate()
            return None
        return _CheckedFile(path, good)

    def documents(self, item: _CheckedFile) -> Iterator[ToSave]:
        """The documents of a checked file's good records, as they were checked (files are
        asked for in the order they were checked: the spill is read straight through)."""
        for _ in range(item.good):
            yield unspill(self._spill)

    def _records(self, path: Path) -> Iterator[Record | InputError]:
        return iter_file(path, self._options.fmt, encoding=self._options.encoding)

    def _check(self, record: Record, tokens: Tokens | None) -> CheckedRecord:
        return check_record(
            record, tokens=tokens, allow_overlap=self._allow_overlap, labels=self._closed_labels
        )

    def _with_tokens(
        self, records: Iterator[Record | InputError]
    ) -> Iterator[tuple[Record | InputError, Tokenized | None]]:
        """Each record with spaCy's tokens when it has spans to check and no tokens of its own
        (None for the others), tokenized ahead in worker processes when there are many."""
        if self._stream is None:
            for record in records:
                if _needs_tokens(record):  # spaCy (a second to import) only when spans need it
                    self._start_stream()
                    records = chain([record], records)
                    break
                yield record, None
            else:
                return
        assert self._stream is not None
        pending: deque[Record | InputError] = deque()

        def texts() -> Iterator[str | None]:
            for record in records:
                pending.append(record)
                yield record.text if isinstance(record, Record) and _needs_tokens(record) else None

        for computed in self._stream.tokens(texts()):
            yield pending.popleft(), computed

    def _start_stream(self) -> TokenStream:
        from annotator.nlp import Tokenizer, TokenStream, worker_count

        self._stream = TokenStream(Tokenizer(self._lang), worker_count())
        return self._stream


def _needs_tokens(record: Record | InputError) -> bool:
    return isinstance(record, Record) and record.tokens is None and bool(record.spans)


def _document(checked: CheckedRecord, importer: str | None) -> Document:
    record = checked.record
    now = time.time()
    # A file that says a document was decided (a status other than new, spans other than
    # suggestions) but not by whom: the person importing it answers for it, as their
    # version. New documents with suggestions only name nobody: their spans are shared.
    decided = record.status is not Status.NEW or any(
        span.state is not SpanState.SUGGESTED for span in checked.spans
    )
    annotator = record.annotator or (importer if decided else None)
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
        annotator=annotator,
        reviewed=record.reviewed,
        created_at=now,
        updated_at=record.timestamp if record.timestamp is not None else now,
    )
