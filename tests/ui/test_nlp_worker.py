"""The NLP worker thread: models load and documents are analysed off the GUI thread, and
every answer (or failure) arrives in the GUI thread, for the latest request only."""

from __future__ import annotations

import dataclasses
import gc
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QObject, Qt, QThread, Slot
from PySide6.QtWidgets import QApplication

from annotator.core.edits import AddSpan
from annotator.core.hashing import input_hash
from annotator.core.model import Dataset, Document, Label, Span
from annotator.services.document_analysis import DocumentAnalyser, DocumentAnalysis
from annotator.services.tokens import TokenCache
from annotator.store import Store
from annotator.ui.controllers.nlp_worker import NlpWorker
from annotator.ui.shell.status import ModelState

pytestmark = pytest.mark.gui

TEXTS = [
    "Angela Merkel met Emmanuel Macron in Paris. Merkel said little.",
    "Samadov told reporters in Dushanbe that he would travel to Kabul.",
]
PATTERNS = [
    {"label": "PERSON", "pattern": "Angela Merkel"},
    {"label": "PERSON", "pattern": "Emmanuel Macron"},
    {"label": "GPE", "pattern": "Paris"},
    {"label": "GPE", "pattern": "Dushanbe"},
    {"label": "GPE", "pattern": "Kabul"},
]
WAIT_MS = 10_000


@pytest.fixture(scope="module")
def rules_model(make_rules_model: Callable[[list[dict[str, str]]], Path]) -> Path:
    return make_rules_model(PATTERNS)


@pytest.fixture
def dataset(store: Store, rules_model: Path) -> Dataset:
    labels = [Label("PERSON"), Label("GPE")]
    dataset = store.create_dataset("news", labels=labels, model=str(rules_model))
    store.add_documents(
        dataset.id,
        [(Document(0, 0, text, input_hash=input_hash(text)), None) for text in TEXTS],
    )
    return dataset


@pytest.fixture
def docs(store: Store, dataset: Dataset) -> list[Document]:
    return [store.get_document(i) for i in store.document_ids(dataset.id)]


@pytest.fixture
def start(qapp: QApplication) -> Iterator[Callable[[Callable[[], DocumentAnalyser]], NlpWorker]]:
    """Start workers; each is shut down after the test even if it fails."""
    started: list[NlpWorker] = []

    def make(factory: Callable[[], DocumentAnalyser]) -> NlpWorker:
        worker = NlpWorker(factory)
        started.append(worker)
        return worker

    yield make
    for worker in started:
        worker.shutdown()


class Receiver(QObject):
    """A GUI-thread object whose slot records what arrived and on which thread."""

    def __init__(self) -> None:
        super().__init__()
        self.analyses: list[DocumentAnalysis] = []
        self.threads: list[QThread] = []

    @Slot(object)
    def take(self, analysis: DocumentAnalysis) -> None:
        self.analyses.append(analysis)
        self.threads.append(QThread.currentThread())


class Gated(DocumentAnalyser):
    """Holds the analysis of `held_id` until `release` is set; notes where it ran."""

    def __init__(self, store: Store, held_id: int) -> None:
        super().__init__(store, TokenCache(store, lang="en"))
        self.held_id = held_id
        self.started = threading.Event()
        self.release = threading.Event()
        self.threads: set[int] = set()

    def analyse(self, dataset: Dataset, document: Document) -> DocumentAnalysis:
        self.threads.add(threading.get_ident())
        if document.id == self.held_id:
            self.started.set()
            assert self.release.wait(WAIT_MS / 1000)
        return super().analyse(dataset, document)


def test_the_model_loads_and_analyses_arrive_in_the_gui_thread(
    store: Store, dataset: Dataset, docs: list[Document], start, qtbot, qapp
) -> None:
    made_in: list[int] = []

    def factory() -> DocumentAnalyser:
        made_in.append(threading.get_ident())
        return DocumentAnalyser(store, TokenCache(store, lang="en"))

    worker = start(factory)
    loading: list[str] = []
    worker.model_loading.connect(loading.append)
    state = ModelState()  # the status bar's indicator, as the window wires it
    worker.model_loading.connect(state.loading)
    with qtbot.waitSignal(worker.model_ready, timeout=WAIT_MS) as ready:
        worker.load_model(dataset)
    assert ready.args == ["en_rules"]
    assert loading == ["spaCy", "rules"]
    assert state.text() == "Model: loading rules…"
    assert worker.model_status is not None and worker.model_status.installed
    assert made_in and made_in[0] != threading.get_ident()  # built inside the thread

    receiver = Receiver()
    worker.analysed.connect(receiver.take)
    emitted_in: list[QThread] = []  # a direct connection runs where the signal is emitted
    direct = Qt.ConnectionType.DirectConnection
    worker.analysed.connect(lambda _: emitted_in.append(QThread.currentThread()), direct)
    with qtbot.waitSignal(worker.analysed, timeout=WAIT_MS):
        worker.analyse(dataset, docs[0])
    (analysis,) = receiver.analyses
    assert receiver.threads == [qapp.thread()]  # delivered in the GUI thread
    assert emitted_in == [qapp.thread()]  # emitted there, so any receiver is safe
    assert analysis.document_id == docs[0].id
    assert analysis.model == "en_rules"
    assert [docs[0].covered_text(s) for s in analysis.suggestions] == [
        "Angela Merkel",
        "Emmanuel Macron",
        "Paris",
        "Merkel",  # the surname of a suggested person, alone later in the article
    ]
    assert len(analysis.tokens) > 0


def test_an_analysis_loads_the_datasets_model_when_none_was_asked_for(
    store: Store, dataset: Dataset, docs: list[Document], start, qtbot
) -> None:
    worker = start(lambda: DocumentAnalyser(store, TokenCache(store, lang="en")))
    heard: list[str] = []
    worker.model_ready.connect(heard.append)
    with qtbot.waitSignal(worker.analysed, timeout=WAIT_MS) as done:
        worker.analyse(dataset, docs[1])
    assert heard == ["en_rules"]  # announced before the analysis it came with
    assert done.args[0].model == "en_rules"


def test_a_stale_request_is_dropped(
    store: Store, dataset: Dataset, docs: list[Document], start, qtbot
) -> None:
    gated = Gated(store, held_id=docs[0].id)
    worker = start(lambda: gated)
    received: list[int] = []
    worker.analysed.connect(lambda analysis: received.append(analysis.document_id))

    worker.analyse(dataset, docs[0])
    qtbot.waitUntil(gated.started.is_set, timeout=WAIT_MS)  # the first one is running
    worker.analyse(dataset, docs[1])
    with qtbot.waitSignal(worker.analysed, timeout=WAIT_MS):
        gated.release.set()
    qtbot.wait(50)  # time for a wrong answer to arrive, if one were coming
    assert received == [docs[1].id]
    assert threading.get_ident() not in gated.threads


def test_requests_queued_behind_a_running_one_are_skipped(
    store: Store, dataset: Dataset, docs: list[Document], start, qtbot
) -> None:
    gated = Gated(store, held_id=docs[0].id)
    analysed: list[int] = []
    original = gated.analyse

    def counting(dataset: Dataset, document: Document) -> DocumentAnalysis:
        analysed.append(document.id)
        return original(dataset, document)

    gated.analyse = counting  # type: ignore[method-assign]
    worker = start(lambda: gated)
    worker.analyse(dataset, docs[0])
    qtbot.waitUntil(gated.started.is_set, timeout=WAIT_MS)
    for _ in range(5):  # the annotator flips through documents quickly
        worker.analyse(dataset, docs[1])
    worker.analyse(dataset, docs[0])
    with qtbot.waitSignal(worker.analysed, timeout=WAIT_MS) as last:
        gated.release.set()
    assert last.args[0].document_id == docs[0].id
    assert analysed == [docs[0].id, docs[0].id]  # the five in between never ran


def test_a_held_worker_asks_spacy_nothing_until_released_then_only_the_latest(
    store: Store, dataset: Dataset, docs: list[Document], start, qtbot, qapp
) -> None:
    made: list[int] = []

    def factory() -> DocumentAnalyser:  # the first request builds it (and imports spaCy)
        made.append(1)
        return DocumentAnalyser(store, TokenCache(store, lang="en"))

    worker = start(factory)
    receiver = Receiver()
    worker.analysed.connect(receiver.take)
    worker.hold()
    worker.load_model(dataset)
    worker.analyse(dataset, docs[0])
    worker.analyse(dataset, docs[1])
    qtbot.wait(200)
    assert made == [] and receiver.analyses == []
    with qtbot.waitSignal(worker.analysed, timeout=WAIT_MS):
        worker.release()
    worker.release()  # again: nothing more is sent
    qtbot.wait(100)
    assert [a.document_id for a in receiver.analyses] == [docs[1].id]


def test_a_failing_model_load_is_reported_and_the_memory_still_suggests(
    store: Store, dataset: Dataset, docs: list[Document], start, qtbot, tmp_path: Path
) -> None:
    surname = TEXTS[0].rindex("Merkel")
    store.apply(docs[0], AddSpan(Span(surname, surname + 6, "PERSON")))  # teach "Merkel"
    broken = dataclasses.replace(dataset, model=str(tmp_path / "gone"))
    worker = start(lambda: DocumentAnalyser(store, TokenCache(store, lang="en")))
    failures: list[str] = []
    worker.model_failed.connect(failures.append)

    with qtbot.waitSignal(worker.model_failed, timeout=WAIT_MS):
        worker.load_model(broken)
    assert "no spaCy pipeline" in failures[0] and "\n" not in failures[0]
    assert worker.model_status is None

    with qtbot.waitSignal(worker.analysed, timeout=WAIT_MS) as done:
        worker.analyse(broken, store.get_document(docs[0].id))
    analysis = done.args[0]
    assert analysis.model is None
    assert {(s.label, s.source) for s in analysis.suggestions} == {("PERSON", "memory")}
    assert len(failures) == 1  # the same dataset: no second attempt for every document

    with qtbot.waitSignal(worker.analysed, timeout=WAIT_MS) as done:
        worker.analyse(dataset, docs[1])  # its model set right: it loads, and runs
    assert done.args[0].model == "en_rules"


def test_an_exception_in_the_worker_is_reported_and_the_thread_goes_on(
    store: Store, dataset: Dataset, docs: list[Document], start, qtbot
) -> None:
    class Failing(DocumentAnalyser):
        def analyse(self, dataset: Dataset, document: Document) -> DocumentAnalysis:
            if document.id == docs[0].id:
                raise RuntimeError("tokenizer\nexploded")
            return super().analyse(dataset, document)

    worker = start(lambda: Failing(store, TokenCache(store, lang="en")))
    with qtbot.waitSignal(worker.analysis_failed, timeout=WAIT_MS) as failed:
        worker.analyse(dataset, docs[0])
    assert failed.args == [docs[0].id, "the analysis failed: RuntimeError: tokenizer exploded"]
    with qtbot.waitSignal(worker.analysed, timeout=WAIT_MS):
        worker.analyse(dataset, docs[1])


def test_a_factory_that_fails_is_reported_not_hung(start, dataset: Dataset, qtbot) -> None:
    def factory() -> DocumentAnalyser:
        raise OSError("store is gone")

    worker = start(factory)
    with qtbot.waitSignal(worker.model_failed, timeout=WAIT_MS) as failed:
        worker.load_model(dataset)
    assert "OSError: store is gone" in failed.args[0]


def test_shutdown_waits_for_the_job_in_hand_and_is_safe_twice(
    store: Store, dataset: Dataset, docs: list[Document], qtbot, qtlog
) -> None:
    gated = Gated(store, held_id=docs[0].id)
    worker = NlpWorker(lambda: gated)
    received: list[DocumentAnalysis] = []
    worker.analysed.connect(received.append)
    worker.analyse(dataset, docs[0])
    qtbot.waitUntil(gated.started.is_set, timeout=WAIT_MS)
    gated.release.set()
    worker.shutdown()
    assert not worker.running
    worker.shutdown()
    worker.analyse(dataset, docs[1])  # ignored once shut down
    qtbot.wait(50)
    assert received == []  # the answer to a request made before shutdown is not delivered
    del worker
    gc.collect()
    assert not [r for r in qtlog.records if "QThread" in r.message]


def test_importing_the_worker_does_not_import_spacy() -> None:
    code = (
        "import sys, annotator.ui.controllers.nlp_worker, annotator.services.document_analysis;"
        "print('spacy' in sys.modules)"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60
    )
    assert result.stdout.strip() == "False"
