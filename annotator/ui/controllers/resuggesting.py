"""Suggesting again for the open documents with a new version of the model.

What `annotator suggest --force` does, from the window: each open document gets the
model's (and the memory's) suggestions again, merged so that what people accepted, drew
or rejected stays (`document_analysis.suggest_again_edit`). The spaCy worker analyses one
document at a time, so the documents the annotator opens meanwhile are never kept
waiting behind the whole dataset; every write is made here, on the GUI thread, against
the document as it is then (the open one through the session, so the views follow).
"""

from __future__ import annotations

from collections import deque

from PySide6.QtCore import QObject, Signal, Slot

from annotator.core.errors import AnnotatorError
from annotator.core.model import Dataset, Document
from annotator.core.summaries import OPEN_STATUSES
from annotator.services.document_analysis import (
    DocumentAnalysis,
    save_analysis,
    suggest_again_edit,
)
from annotator.store import Store
from annotator.ui.controllers.nlp_worker import NlpWorker
from annotator.ui.controllers.session import DocumentSession


class SuggestingAgain(QObject):
    progressed = Signal(int, int)  # documents done, of how many
    finished = Signal(int, int)  # documents suggested for, documents skipped

    def __init__(
        self,
        store: Store,
        session: DocumentSession,
        worker: NlpWorker,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._store = store
        self._session = session
        self._worker = worker
        self._running_for: Dataset | None = None
        self._pending: deque[int] = deque()
        self._total = 0
        self._done = 0
        self._skipped = 0

    @property
    def running(self) -> bool:
        return self._running_for is not None

    def count(self, dataset: Dataset) -> int:
        """How many documents a run would visit: the annotator's open ones."""
        return self._store.count_documents(dataset.id, OPEN_STATUSES)

    def start(self, dataset: Dataset) -> bool:
        """Suggest again for every open document of `dataset`; False if a run is going on."""
        if self.running:
            return False
        self._pending = deque(self._store.document_ids(dataset.id, OPEN_STATUSES))
        self._running_for = dataset
        self._total, self._done, self._skipped = len(self._pending), 0, 0
        self._next()
        return True

    def stop(self) -> None:
        """Leave the documents not visited yet as they are."""
        self._pending.clear()

    @Slot(object)
    def dataset_changed(self, dataset: Dataset | None) -> None:
        """Another dataset opened: its model is the worker's now, so the run stops (the
        documents visited keep their new suggestions)."""
        running_for = self._running_for
        if running_for is not None and (dataset is None or dataset.id != running_for.id):
            self.stop()

    def _next(self) -> None:
        dataset = self._running_for
        assert dataset is not None
        while self._pending:
            document_id = self._pending.popleft()
            try:
                document = self._store.get_document(document_id)
            except AnnotatorError:
                self._skipped += 1  # deleted meanwhile
                continue
            if document.status in OPEN_STATUSES:
                self._worker.analyse_again(dataset, document)
                return
            self._done += 1  # marked done meanwhile: nothing to suggest
        self._running_for = None
        self.finished.emit(self._done - self._skipped, self._skipped)

    @Slot(object)
    def on_analysed(self, analysis: DocumentAnalysis) -> None:
        dataset = self._running_for
        if dataset is None:
            return
        if analysis.model is None:  # no model could run: nothing to suggest again with
            self._pending.clear()
            self._skipped += 1
        else:
            self._write(dataset, analysis)
        self._done += 1
        self.progressed.emit(self._done, self._total)
        self._next()

    @Slot(int, str)
    def on_failed(self, _document_id: int, _message: str) -> None:
        if self._running_for is None:
            return
        self._skipped += 1
        self._done += 1
        self.progressed.emit(self._done, self._total)
        self._next()

    def _write(self, dataset: Dataset, analysis: DocumentAnalysis) -> None:
        def write(document: Document) -> Document:
            edit = suggest_again_edit(document, analysis, allow_overlap=dataset.allow_overlap)
            return save_analysis(self._store, document, analysis, edit)

        open_document = self._session.document
        if open_document is not None and open_document.id == analysis.document_id:
            if open_document.status not in OPEN_STATUSES:
                return
            if not self._session.apply_unrecorded(write):
                self._skipped += 1
            return
        try:
            document = self._store.get_document(analysis.document_id)
            if document.status in OPEN_STATUSES:
                write(document)
        except AnnotatorError:
            self._skipped += 1  # changed elsewhere meanwhile: it keeps what it had
