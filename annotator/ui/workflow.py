"""Moving through a dataset: which dataset and document are open, and what opening does.

Opening a document shows it at once from the store; the worker thread then brings its
tokens, the model's suggestions (the first time) and what the phrase memory learnt since,
and `Workflow` merges them into the document as it is by then (the annotator may already
have changed it). Marking a document done or skipped opens the next one not done, in the
document list's order and within its filters (anywhere in the dataset when none is left
there).
"""

from __future__ import annotations

from PySide6.QtCore import QObject, QSettings, Signal, Slot

from annotator.core.errors import AnnotatorError
from annotator.core.model import Dataset, Document
from annotator.core.summaries import DocumentQuery
from annotator.services.document_analysis import DocumentAnalysis, catch_up_edit, save_analysis
from annotator.store import Store
from annotator.ui.nlp_worker import NlpWorker
from annotator.ui.session import DocumentSession

LAST_DATASET = "workflow/dataset"
LAST_DOCUMENT = "workflow/document/{}"


class Workflow(QObject):
    dataset_changed = Signal(object)  # Dataset | None
    document_changed = Signal(int)  # a document's row needs refreshing in the list
    message = Signal(str)

    def __init__(
        self,
        store: Store,
        session: DocumentSession,
        worker: NlpWorker,
        settings: QSettings,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._store = store
        self._session = session
        self._worker = worker
        self._settings = settings
        self._list_query = DocumentQuery()
        worker.analysed.connect(self._on_analysed)
        worker.analysis_failed.connect(self._on_analysis_failed)
        session.changed.connect(self._on_document_edited)

    @property
    def store(self) -> Store:
        return self._store

    @property
    def dataset(self) -> Dataset | None:
        return self._session.dataset

    def datasets(self) -> list[Dataset]:
        return self._store.list_datasets()

    @Slot(str)
    def open_dataset(self, name: str | None) -> Dataset | None:
        """Work in the dataset `name` (None: none), and reopen its last document."""
        dataset = None
        if name:
            try:
                dataset = self._store.get_dataset(name)
            except AnnotatorError as error:
                self.message.emit(str(error))
        self._session.set_dataset(dataset)
        self.dataset_changed.emit(dataset)
        if dataset is None:
            return None
        self._settings.setValue(LAST_DATASET, dataset.name)
        self._worker.load_model(dataset)
        last = self._settings.value(LAST_DOCUMENT.format(dataset.id))
        first = _as_int(last) or self._next_open(dataset, None)
        if first is not None:
            self.open_document(first)
        return dataset

    def reopen_last(self) -> Dataset | None:
        """At start-up: the dataset open when the window last closed, else the first one."""
        names = [dataset.name for dataset in self.datasets()]
        last = self._settings.value(LAST_DATASET)
        chosen = last if isinstance(last, str) and last in names else None
        return self.open_dataset(chosen or (names[0] if names else None))

    def refresh_dataset(self) -> None:
        """Read the dataset again (labels changed, documents imported)."""
        dataset = self._session.dataset
        if dataset is not None:
            self._session.set_dataset(self._store.get_dataset(dataset.name))
            self.dataset_changed.emit(self._session.dataset)

    @Slot(int)
    def open_document(self, document_id: int) -> None:
        current = self._session.document
        if current is not None and current.id == document_id:
            return
        document = self._session.open(document_id)
        dataset = self._session.dataset
        if document is None or dataset is None:
            return
        if document.dataset_id != dataset.id:  # a stale setting: another dataset's document
            self._session.open(None)
            return
        self._settings.setValue(LAST_DOCUMENT.format(dataset.id), document.id)
        self._worker.analyse(dataset, document)

    @Slot(object)
    def set_list_query(self, query: DocumentQuery) -> None:
        """The document list's filters and order, which "the next document" follows."""
        self._list_query = query

    @Slot(int)
    def open_next_after(self, document_id: int) -> None:
        """After done or skip: the next document not done, else say the dataset is done.

        "Next" is in the document list's order, among the documents its filters show; when
        none of those is left open, the next open one of the whole dataset.
        """
        dataset = self._session.dataset
        if dataset is None:
            return
        following = self._store.next_open_after(dataset.id, self._list_query, document_id)
        if following is None and self._list_query != DocumentQuery():
            following = self._next_open(dataset, document_id)
            if following is not None:
                self.message.emit(
                    "No open document is left in the list as filtered; "
                    "opened the next one of the dataset."
                )
        if following is None:
            self.message.emit(f"Every document of {dataset.name} is done or skipped.")
            return
        self.open_document(following)

    def _next_open(self, dataset: Dataset, after: int | None) -> int | None:
        return self._store.next_open_after(dataset.id, DocumentQuery(), after or 0)

    @Slot(object)
    def _on_analysed(self, analysis: DocumentAnalysis) -> None:
        document = self._session.document
        dataset = self._session.dataset
        if document is None or dataset is None or document.id != analysis.document_id:
            return  # the annotator moved on
        self._session.set_tokens(document.id, analysis.tokens)
        edit = catch_up_edit(document, analysis, allow_overlap=dataset.allow_overlap)
        if edit is not None or analysis.model is not None:
            self._session.apply_unrecorded(
                lambda current: save_analysis(self._store, current, analysis, edit)
            )

    @Slot(int, str)
    def _on_analysis_failed(self, document_id: int, message: str) -> None:
        current = self._session.document
        if current is not None and current.id == document_id:
            self.message.emit(f"No suggestions for this article: {message}")

    @Slot(object)
    def _on_document_edited(self, document: Document) -> None:
        self.document_changed.emit(document.id)


def _as_int(value: object) -> int | None:
    try:
        return int(str(value)) if value is not None else None
    except ValueError:
        return None
