"""spaCy on one long-lived worker thread, behind a facade that lives in the GUI thread.

Loading a pipeline takes a second or two and analysing an article a tenth of one, so
neither may run on the GUI thread. `NlpWorker` starts one `QThread` at launch; requests
cross to it as queued signals to the slots of `_Worker`, which owns the
`DocumentAnalyser` (built by the factory inside the thread, so spaCy is imported there
and only there). Results come back as signals connected to methods of the facade, a
QObject of the GUI thread, which is what makes PySide6 deliver them in the GUI thread: a
lambda or plain function connected to a worker's signal would run in the worker thread.

Every exception inside a worker slot becomes a signal: the window is never left waiting.
Only the newest analysis request counts: older ones still queued are skipped, and the
result of one already running is dropped when it arrives.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

from PySide6.QtCore import QCoreApplication, QObject, Qt, QThread, Signal, Slot

from annotator.core.errors import AnnotatorError
from annotator.core.model import Dataset, Document
from annotator.services.document_analysis import DocumentAnalyser, DocumentAnalysis, ModelStatus

log = logging.getLogger(__name__)

AnalyserFactory = Callable[[], DocumentAnalyser]


class _LatestRequest:
    """The id of the newest analysis request, read by both threads."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._value = 0

    def advance(self) -> int:
        with self._lock:
            self._value += 1
            return self._value

    def is_latest(self, request_id: int) -> bool:
        with self._lock:
            return request_id == self._value


class _Worker(QObject):
    """Lives in the worker thread; owns the analyser and with it the loaded pipeline."""

    loading = Signal(str)  # the model's name
    ready = Signal(object)  # ModelStatus
    load_failed = Signal(str)
    finished = Signal(int, object)  # request id, DocumentAnalysis
    failed = Signal(int, int, str)  # request id, document id, message
    reanalysed = Signal(object)  # DocumentAnalysis with the model run again
    reanalysis_failed = Signal(int, str)  # document id, message

    def __init__(self, factory: AnalyserFactory, latest: _LatestRequest) -> None:
        super().__init__()  # no parent: it is moved to the worker thread
        self._factory = factory
        self._latest = latest
        self._analyser: DocumentAnalyser | None = None
        self._loaded_for: tuple[int, str | None] | None = None  # the last dataset tried
        self._spacy_announced = False

    @Slot(object)
    def load(self, dataset: Dataset) -> None:
        self._load(dataset)

    @Slot(int, object, object)
    def analyse(self, request_id: int, dataset: Dataset, document: Document) -> None:
        if not self._latest.is_latest(request_id):
            return  # another document was asked for since: skip the work
        try:
            if self._loaded_for != _model_key(dataset):
                self._load(dataset)  # a failed load is reported and the memory goes on
            analysis = self._get_analyser().analyse(dataset, document)
        except Exception as error:
            self.failed.emit(request_id, document.id, _message(error, "analysis"))
        else:
            self.finished.emit(request_id, analysis)

    @Slot(object, object)
    def analyse_again(self, dataset: Dataset, document: Document) -> None:
        """The model run again over a document it suggested for before (every request
        counts: they come one document at a time)."""
        try:
            if self._loaded_for != _model_key(dataset):
                self._load(dataset)
            analysis = self._get_analyser().analyse(dataset, document, again=True)
        except Exception as error:
            self.reanalysis_failed.emit(document.id, _message(error, "analysis"))
        else:
            self.reanalysed.emit(analysis)

    def _load(self, dataset: Dataset) -> None:
        self._loaded_for = _model_key(dataset)
        try:
            if not self._spacy_announced:  # importing spaCy alone takes most of a second
                self._spacy_announced = True
                self.loading.emit("spaCy")
            status = self._get_analyser().load(dataset, on_loading=self.loading.emit)
        except Exception as error:
            self.load_failed.emit(_message(error, "model load"))
        else:
            self.ready.emit(status)

    def _get_analyser(self) -> DocumentAnalyser:
        if self._analyser is None:
            self._analyser = self._factory()
        return self._analyser


class NlpWorker(QObject):
    """The GUI-thread side: ask for a model or an analysis; hear back through signals."""

    model_loading = Signal(str)  # what is loading: "spaCy", then the model's name
    model_ready = Signal(str)  # the model's name, or "" when none is installed (memory only)
    model_failed = Signal(str)  # one readable line; analyses go on with the memory alone
    analysed = Signal(object)  # DocumentAnalysis of the latest requested document
    analysis_failed = Signal(int, str)  # document id, message
    reanalysed = Signal(object)  # DocumentAnalysis of an `analyse_again` request
    reanalysis_failed = Signal(int, str)  # document id, message

    _load_requested = Signal(object)
    _analysis_requested = Signal(int, object, object)
    _again_requested = Signal(object, object)

    def __init__(self, analyser_factory: AnalyserFactory, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._latest = _LatestRequest()
        self._status: ModelStatus | None = None
        self._closed = False
        self._held = False
        self._held_load: Dataset | None = None
        self._held_analysis: tuple[Dataset, Document] | None = None
        # No Qt parent: a parent deleting a running thread would abort the process. The
        # thread lives as long as this object, and `shutdown` stops it.
        self._thread = QThread()
        self._thread.setObjectName("nlp")
        self._worker = _Worker(analyser_factory, self._latest)
        self._worker.moveToThread(self._thread)
        self._connect()
        self._thread.start()
        app = QCoreApplication.instance()
        if app is not None:
            app.aboutToQuit.connect(self.shutdown)

    @property
    def model_status(self) -> ModelStatus | None:
        """What the last successful load said (its `notice` when none is installed)."""
        return self._status

    @property
    def running(self) -> bool:
        return self._thread.isRunning()

    def load_model(self, dataset: Dataset) -> None:
        """Load the dataset's pipeline in the background (nothing happens if it is loaded)."""
        if self._held:
            self._held_load = dataset
        elif not self._closed:
            self._load_requested.emit(dataset)

    def analyse(self, dataset: Dataset, document: Document) -> None:
        """Analyse `document`; the answer for any earlier request will not be delivered.

        The dataset's pipeline is loaded first if another one was loaded (or none).
        """
        if self._held:
            self._held_analysis = (dataset, document)
            self._latest.advance()  # whatever was asked before is stale already
        elif not self._closed:
            self._analysis_requested.emit(self._latest.advance(), dataset, document)

    def analyse_again(self, dataset: Dataset, document: Document) -> None:
        """Run the model over `document` again (after a new version of it), whether or not
        it suggested for it before; the answer comes as `reanalysed`."""
        if not self._closed:
            self._again_requested.emit(dataset, document)

    def hold(self) -> None:
        """Keep requests until `release`: the last load and the last analysis asked for.

        At start-up, importing spaCy on the worker thread takes most of a second of
        Python and would share the interpreter with the window painting its first data.
        """
        self._held = True

    def release(self) -> None:
        """Send what was asked for while held (safe to call again, or without `hold`)."""
        if not self._held:
            return
        self._held = False
        load, self._held_load = self._held_load, None
        analysis, self._held_analysis = self._held_analysis, None
        if load is not None:
            self.load_model(load)
        if analysis is not None:
            self.analyse(*analysis)

    def shutdown(self) -> None:
        """Stop the thread after the job in hand and wait for it. Safe to call again."""
        if self._closed:
            return
        self._closed = True
        self._latest.advance()  # whatever is queued or running is now stale
        self._thread.quit()
        self._thread.wait()

    def _connect(self) -> None:
        queued = Qt.ConnectionType.QueuedConnection
        worker = self._worker
        self._load_requested.connect(worker.load, queued)
        self._analysis_requested.connect(worker.analyse, queued)
        self._again_requested.connect(worker.analyse_again, queued)
        worker.reanalysed.connect(self._on_reanalysed, queued)
        worker.reanalysis_failed.connect(self._on_reanalysis_failed, queued)
        worker.loading.connect(self._on_loading, queued)
        worker.ready.connect(self._on_ready, queued)
        worker.load_failed.connect(self._on_load_failed, queued)
        worker.finished.connect(self._on_finished, queued)
        worker.failed.connect(self._on_failed, queued)
        self._thread.finished.connect(worker.deleteLater)

    # Slots of this GUI-thread object: the worker's signals are delivered here.

    @Slot(str)
    def _on_loading(self, name: str) -> None:
        self.model_loading.emit(name)

    @Slot(object)
    def _on_ready(self, status: ModelStatus) -> None:
        self._status = status
        self.model_ready.emit(status.name)

    @Slot(str)
    def _on_load_failed(self, message: str) -> None:
        self._status = None
        self.model_failed.emit(message)

    @Slot(int, object)
    def _on_finished(self, request_id: int, analysis: DocumentAnalysis) -> None:
        if self._latest.is_latest(request_id):
            self.analysed.emit(analysis)

    @Slot(int, int, str)
    def _on_failed(self, request_id: int, document_id: int, message: str) -> None:
        if self._latest.is_latest(request_id):
            self.analysis_failed.emit(document_id, message)

    @Slot(object)
    def _on_reanalysed(self, analysis: DocumentAnalysis) -> None:
        self.reanalysed.emit(analysis)

    @Slot(int, str)
    def _on_reanalysis_failed(self, document_id: int, message: str) -> None:
        self.reanalysis_failed.emit(document_id, message)


def _model_key(dataset: Dataset) -> tuple[int, str | None]:
    return (dataset.id, dataset.model)


def _message(error: Exception, what: str) -> str:
    """One line for the status bar; unexpected errors are logged with their traceback."""
    if isinstance(error, AnnotatorError):
        text = str(error)
    else:
        log.exception("the %s failed", what)
        text = f"the {what} failed: {type(error).__name__}: {error}"
    return " ".join(text.split())
