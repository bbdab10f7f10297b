"""Moving through a dataset: which dataset and document are open, and what opening does.

Opening a document shows it at once from the store; the worker thread then brings its
tokens, the model's suggestions (the first time) and what the phrase memory learnt since,
and `Workflow` merges them into the document as it is by then (the annotator may already
have changed it). Marking a document done or skipped opens the next one not done, in the
document list's order and within its filters (anywhere in the dataset when none is left
there), or in the annotator's queue when they have one (`annotator assign`). At
start-up the window goes back where the annotator left this store, unless articles or a
dataset were added since (`reopen_last`).
"""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal, Slot

from annotator.core.errors import AnnotatorError
from annotator.core.model import Dataset
from annotator.core.summaries import DocumentQuery
from annotator.services.document_analysis import DocumentAnalysis, catch_up_edit, save_analysis
from annotator.store import Store
from annotator.ui.controllers.nlp_worker import NlpWorker
from annotator.ui.controllers.reviewing import Reviewing
from annotator.ui.controllers.session import DocumentSession
from annotator.ui.state.store_memory import StoreMemory
from annotator.ui.state.view_state import ViewState


class Workflow(QObject):
    message = Signal(str)

    def __init__(
        self,
        store: Store,
        session: DocumentSession,
        state: ViewState,
        worker: NlpWorker,
        memory: StoreMemory,
        parent: QObject | None = None,
        *,
        reviewing: Reviewing | None = None,
    ) -> None:
        super().__init__(parent)
        self._store = store
        self._session = session
        self._state = state
        self._worker = worker
        self._memory = memory
        self.reviewing = reviewing if reviewing is not None else Reviewing(session, state, self)

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
        return self._open_dataset(name, None)

    def reopen_last(self) -> Dataset | None:
        """At start-up: where the annotator left this store, or what was added since.

        The dataset and article open when the window last worked on this store come back,
        unless a dataset or articles were added since (an `annotator import`, say): then
        the dataset added to last opens at the first open article among the new ones, so
        "import, then start" shows the imported article. A store the window never opened
        opens at the dataset added to last, at its first open article.
        """
        newest = self._store.newest()
        seen = self._memory.seen()
        names = {dataset.id: dataset.name for dataset in self.datasets()}
        remembered = self._memory.dataset()
        if remembered not in names.values():
            remembered = None
        if remembered is not None and seen is not None and not newest.has_more_than(seen):
            return self.open_dataset(remembered)
        latest = names.get(newest.last_dataset_id or 0)
        name = latest or remembered or min(names.values(), default=None)
        after = seen.document_id if seen is not None else 0
        return self._open_dataset(name, after)

    def _open_dataset(self, name: str | None, new_after: int | None) -> Dataset | None:
        """Open the dataset `name`: at its last document, or with `new_after` set at its
        first open document after that id (the first open one when there is none)."""
        dataset = None
        if name:
            try:
                dataset = self._store.get_dataset(name)
            except AnnotatorError as error:
                self.message.emit(str(error))
        self._memory.set_seen(self._store.newest())
        self._session.set_dataset(dataset)
        if dataset is None:
            return None
        self._worker.load_model(dataset)
        last = self._memory.document(dataset.id) if new_after is None else None
        if last is None or not self._open(dataset, last):
            first = self._next_in_queue(dataset, None)
            if first is None:
                first = self._store.next_open_after(dataset.id, DocumentQuery(), new_after or 0)
            if first is not None:
                self._open(dataset, first)
        return dataset

    def refresh_dataset(self) -> None:
        """Read the dataset again (labels changed, documents imported)."""
        dataset = self._session.dataset
        if dataset is not None:
            self._memory.set_seen(self._store.newest())  # the window's own import is seen
            self._session.set_dataset(self._store.get_dataset(dataset.name))

    def read_open_document_again(self) -> None:
        """Read the open document from the store again: after the server was away, an
        edit refused as it went may have been written before its answer was lost."""
        self._session.reload()

    def analyse_open_document(self) -> None:
        """Ask the worker to analyse the open document again (new patterns, say): what it
        finds comes in by the usual merge, decisions untouched."""
        dataset, document = self._session.dataset, self._session.document
        if dataset is not None and document is not None:
            self._worker.analyse(dataset, document)

    def switch_annotator(self, name: str) -> None:
        """Show `name`'s versions: the open document is read again as theirs."""
        if name == self._session.annotator:
            return
        current = self._session.document
        self._session.switch_annotator(name)
        self._session.open(None)
        dataset = self._session.dataset
        if dataset is not None and current is not None:
            self._open(dataset, current.id)

    def switch_reviewing(self, reviewing: bool) -> None:
        """Review mode on (the annotator's reviews) or off (their own versions): the open
        document is read again as such."""
        if reviewing == self._session.reviewing:
            return
        current = self._session.document
        self._session.open(None)
        self.reviewing.set_reviewing(reviewing)
        dataset = self._session.dataset
        if dataset is not None and current is not None:
            self._open(dataset, current.id)

    @Slot(int)
    def open_document(self, document_id: int) -> None:
        dataset = self._session.dataset
        if dataset is not None:
            self._open(dataset, document_id)

    def _open(self, dataset: Dataset, document_id: int) -> bool:
        """Open a document of `dataset`; False when it is not one (a stale memory)."""
        current = self._session.document
        if current is not None and current.id == document_id:
            return True
        reviewing = self._session.reviewing
        found = self.reviewing.prepare(document_id) if reviewing else None
        document = self._session.open(document_id)
        if document is None:
            return False
        if document.dataset_id != dataset.id:  # another dataset's document
            self._session.open(None)
            return False
        if reviewing:
            self.reviewing.opened(found)
        self._worker.analyse(dataset, document)
        return True

    @Slot(int)
    def open_next_after(self, document_id: int) -> None:
        """After done or skip: the next document not done, else say the dataset is done.

        An annotator with a queue in the dataset (`annotator assign`) goes through it in
        its order, whatever the list shows, and stops at its end. Otherwise "next" is in
        the document list's order, among the documents its filters show; when none of
        those is left open, the next open one of the whole dataset.
        """
        dataset = self._session.dataset
        if dataset is None:
            return
        if self._has_queue(dataset):
            queued = self._next_in_queue(dataset, document_id)
            if queued is None:
                self.message.emit(
                    f"Every document assigned to you in {dataset.name} is done or skipped."
                )
            else:
                self.open_document(queued)
            return
        query = self._state.list_query
        following = self._store.next_open_after(dataset.id, query, document_id)
        if following is None and query != DocumentQuery():
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

    def _has_queue(self, dataset: Dataset) -> bool:
        """Whether the annotator (not reviewing) has documents assigned in the dataset."""
        return not self._session.reviewing and self._store.has_queue(dataset.id)

    def _next_in_queue(self, dataset: Dataset, after: int | None) -> int | None:
        """The next open document of the annotator's queue (None: none, or no queue)."""
        if self._session.reviewing:
            return None
        return self._store.next_in_queue(dataset.id, after)

    def _next_open(self, dataset: Dataset, after: int | None) -> int | None:
        return self._store.next_open_after(dataset.id, DocumentQuery(), after or 0)

    @Slot(object)
    def on_analysed(self, analysis: DocumentAnalysis) -> None:
        document = self._session.document
        dataset = self._session.dataset
        if document is None or dataset is None or document.id != analysis.document_id:
            return  # the annotator moved on
        self._session.set_tokens(document.id, analysis.tokens)
        if self._session.reviewing:
            return  # a review holds what the annotators decided; no suggestion joins it
        edit = catch_up_edit(document, analysis, allow_overlap=dataset.allow_overlap)
        if edit is not None or analysis.model is not None:
            self._session.apply_unrecorded(
                lambda current: save_analysis(self._store, current, analysis, edit)
            )

    @Slot(int, str)
    def on_analysis_failed(self, document_id: int, message: str) -> None:
        current = self._session.document
        if current is not None and current.id == document_id:
            self.message.emit(f"No suggestions for this article: {message}")
