"""Document > Agreement… in the real window: the tables of `annotator agreement`, measured
off the GUI thread, or one line when there is nothing to compare.

The figures are those of tests/services/test_agreement.py, worked by hand there; a
stand-in for the store's `versions_for_agreement` shows which thread reads them, and the
last test reads them from the annotators' own versions in a real store.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Collection, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from PySide6.QtCore import QAbstractItemModel, QSettings, Qt
from pytestqt.qtbot import QtBot

from annotator.core.edits import AddSpan, SetStatus
from annotator.core.hashing import input_hash
from annotator.core.model import Document, Label, Span, SpanState, Status
from annotator.services.agreement import FinishedDocument
from annotator.store import Store
from annotator.ui.controllers.nlp_worker import NlpWorker
from annotator.ui.dialogs.agreement import AgreementDialog
from annotator.ui.shell.launch import Parts

pytestmark = pytest.mark.gui

TEXT = "Anna Berg met Omar in Lyon ."


def span(phrase: str, label: str) -> Span:
    start = TEXT.index(phrase)
    return Span(start, start + len(phrase), label, SpanState.MANUAL)


@pytest.fixture(autouse=True)
def _no_model(monkeypatch: pytest.MonkeyPatch) -> None:
    """The model stays out: these tests are about the agreement."""
    monkeypatch.setattr(NlpWorker, "load_model", lambda self, dataset: None)
    monkeypatch.setattr(NlpWorker, "analyse", lambda self, dataset, document: None)


@dataclass
class Versions:
    """The store's finished versions (one document), and the threads that read them."""

    given: dict[str, tuple[Span, ...]]
    read_on: list[threading.Thread] = field(default_factory=list)


@pytest.fixture
def versions(monkeypatch: pytest.MonkeyPatch) -> Versions:
    versions = Versions(
        {
            "ann": (span("Anna Berg", "PER"), span("Omar", "PER"), span("Lyon", "LOC")),
            "bob": (span("Anna Berg", "PER"), span("Lyon", "ORG")),
        }
    )

    def versions_for_agreement(
        store: Store, dataset_id: int, annotators: Collection[str] | None = None
    ) -> Iterator[FinishedDocument]:
        versions.read_on.append(threading.current_thread())
        yield TEXT, None, dict(versions.given)

    monkeypatch.setattr(Store, "versions_for_agreement", versions_for_agreement, raising=False)
    return versions


@pytest.fixture
def parts(store: Store, settings: QSettings, open_window: Callable[..., Parts]) -> Parts:
    dataset = store.create_dataset("news", labels=(Label("PER"), Label("LOC"), Label("ORG")))
    document = Document(0, dataset.id, TEXT, input_hash=input_hash(TEXT))
    store.add_documents(dataset.id, [(document, None)])
    return open_window(store, settings)


def opened_dialog(parts: Parts, qtbot: QtBot) -> AgreementDialog:
    parts.window.action("doc.agreement").trigger()
    found: list[AgreementDialog] = []

    def shown() -> None:
        found[:] = [d for d in parts.window.findChildren(AgreementDialog) if d.isVisible()]
        assert found

    qtbot.waitUntil(shown, timeout=10_000)
    return found[0]


def rows(model: QAbstractItemModel) -> list[list[str]]:
    return [
        [str(model.index(row, column).data()) for column in range(model.columnCount())]
        for row in range(model.rowCount())
    ]


def test_the_menu_shows_the_pairs_and_labels_measured_off_the_gui_thread(
    parts: Parts, qtbot: QtBot, versions: Versions
) -> None:
    dialog = opened_dialog(parts, qtbot)
    assert versions.read_on and threading.main_thread() not in versions.read_on
    assert dialog.windowTitle() == "Agreement in news"
    assert "2 annotators (ann, bob), 1 document(s)" in dialog.summary.text()
    assert dialog.pairs is not None and dialog.labels is not None
    pairs = dialog.pairs.model()
    header = [pairs.headerData(c, Qt.Orientation.Horizontal) for c in range(pairs.columnCount())]
    assert header[0] == "annotators" and header[-2:] == ["kappa", "alpha"]
    # 7 tokens, 5 spans; P 1/2, R 1/3, F1 2/5, kappa 17/31, alpha 68/120.
    assert rows(pairs) == [
        ["ann / bob", "1", "7", "5", "0.500", "0.333", "0.400", "0.548", "0.567"],
        ["all", "1", "7", "5", "0.500", "0.333", "0.400", "", "0.567"],
    ]
    labels = rows(dialog.labels.model())
    assert ["LOC", "ann / bob", "0", "1", "0", "-", "0.000", "0.000"] in labels
    assert ["PER", "all", "1", "2", "1", "1.000", "0.500", "0.667"] in labels
    assert pairs.index(0, 4).data(Qt.ItemDataRole.TextAlignmentRole) & int(
        Qt.AlignmentFlag.AlignRight
    )


def test_one_annotator_gets_one_line_and_no_table(
    parts: Parts, qtbot: QtBot, versions: Versions
) -> None:
    del versions.given["bob"]
    dialog = opened_dialog(parts, qtbot)
    assert dialog.pairs is None and dialog.labels is None
    assert dialog.summary.text() == (
        "agreement needs two annotators who marked the same documents done; found: ann (1 done)"
    )


def test_the_versions_in_the_store_are_the_ones_shown(
    store: Store,
    db_path: Path,
    settings: QSettings,
    open_window: Callable[..., Parts],
    qtbot: QtBot,
) -> None:
    """No stand-in: ann and bob each marked their own version done, as the window does."""
    dataset = store.create_dataset("news", labels=(Label("PER"), Label("LOC"), Label("ORG")))
    store.add_documents(
        dataset.id, [(Document(0, dataset.id, TEXT, input_hash=input_hash(TEXT)), None)]
    )
    [document_id] = store.document_ids(dataset.id)
    versions = {
        "ann": (span("Anna Berg", "PER"), span("Omar", "PER"), span("Lyon", "LOC")),
        "bob": (span("Anna Berg", "PER"), span("Lyon", "ORG")),
    }
    for name, spans in versions.items():
        with Store.open(db_path, annotator=name) as theirs:
            document = theirs.get_document(document_id)
            for added in spans:
                document = theirs.apply(document, AddSpan(added))
            theirs.apply(document, SetStatus(document.status, Status.DONE))
    dialog = opened_dialog(open_window(store, settings), qtbot)
    assert dialog.pairs is not None
    assert rows(dialog.pairs.model())[0] == [
        "ann / bob",
        "1",
        "7",
        "5",
        "0.500",
        "0.333",
        "0.400",
        "0.548",
        "0.567",
    ]
