"""Starting the window: a frame is on screen before the store's libraries load or the
store opens, and the window takes its place; failures while starting are not hidden."""

from __future__ import annotations

import gc
import json
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from PySide6.QtCore import QByteArray, QEvent, QObject, QRect, QSettings, Qt, QTimer
from PySide6.QtWidgets import QApplication, QMainWindow, QMessageBox, QWidget
from pytestqt.qtbot import QtBot

import annotator.app as app_module
import annotator.ui.shell.launch as launch_module
from annotator.app import run_window
from annotator.core.hashing import input_hash
from annotator.core.model import Document, Label
from annotator.store import Store
from annotator.ui.controllers.nlp_worker import NlpWorker
from annotator.ui.shell import startup
from annotator.ui.shell.main_window import MainWindow
from annotator.ui.shell.startup import DEFAULT_SIZE, GEOMETRY, StartupFrame, first_geometry

pytestmark = [pytest.mark.gui, pytest.mark.usefixtures("no_annotator_in_environment")]

SAFETY_MS = 15_000  # a test that never sees its window ends instead of hanging


def visible_frames() -> list[StartupFrame]:
    return [
        w for w in QApplication.topLevelWidgets() if isinstance(w, StartupFrame) and w.isVisible()
    ]


def visible_window() -> MainWindow | None:
    found = [w for w in QApplication.topLevelWidgets() if isinstance(w, MainWindow)]
    return next((w for w in found if w.isVisible()), None)


def when(condition: Callable[[], bool], then: Callable[[], None]) -> QTimer:
    """Poll the event loop that `run_window` runs: `then()` once `condition()` holds."""
    timer = QTimer()
    timer.setInterval(10)

    def check() -> None:
        if condition():
            timer.stop()
            then()

    timer.timeout.connect(check)
    timer.start()
    return timer


@pytest.fixture(autouse=True)
def _no_model(monkeypatch: pytest.MonkeyPatch) -> None:
    """These tests are about the start: spaCy stays out (loading it takes seconds)."""
    monkeypatch.setattr(NlpWorker, "load_model", lambda self, dataset: None)
    monkeypatch.setattr(NlpWorker, "analyse", lambda self, dataset, document: None)


@pytest.fixture
def safety() -> Callable[[], None]:
    timer = QTimer()
    timer.setSingleShot(True)
    timer.timeout.connect(lambda: QApplication.exit(99))
    timer.start(SAFETY_MS)
    return timer.stop


def test_the_frame_is_on_screen_before_the_store_opens_and_the_window_replaces_it(
    store: Store,
    db_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    qtbot: QtBot,
    safety: Callable[[], None],
) -> None:
    dataset = store.create_dataset("news", labels=(Label("PERSON"),))
    text = "Anna Berg spoke in Lyon."
    store.add_documents(
        dataset.id, [(Document(0, dataset.id, text, input_hash=input_hash(text)), None)]
    )
    at_open: dict[str, object] = {}
    opening = Store.open

    def watched_open(path: Path, **options: object) -> Store:
        frames = visible_frames()
        at_open["frames"] = len(frames)
        at_open["announced"] = frames[0].announced if frames else False
        at_open["message"] = frames[0].message.text() if frames else ""
        at_open["geometry"] = frames[0].geometry() if frames else QRect()
        at_open["window"] = visible_window() is not None
        at_open["collecting"] = gc.isenabled()
        return opening(path)

    monkeypatch.setattr(Store, "open", watched_open)
    monkeypatch.setattr(launch_module, "SETTLE_MS", 0)
    saved = QMainWindow()  # where the window stood last time (small enough for any screen)
    saved.setGeometry(40, 60, 700, 450)
    QApplication.setOrganizationName("annotator")
    QApplication.setApplicationName("annotator")
    QSettings().setValue(GEOMETRY, saved.saveGeometry())
    seen: dict[str, object] = {}

    def filled() -> bool:
        window = visible_window()
        return window is not None and window.article.toPlainText() == text

    def look_and_quit() -> None:
        window = visible_window()
        assert window is not None
        seen["frames"] = len(visible_frames())
        seen["geometry"] = window.geometry()
        seen["rows"] = window.documents.model.rowCount()
        seen["collecting"] = gc.isenabled()
        seen["frozen"] = gc.get_freeze_count() > 0
        qtbot.addWidget(window)
        window.close()
        QApplication.exit(0)

    poll = when(filled, look_and_quit)
    code = run_window(db_path)
    poll.stop()
    safety()
    assert code == 0
    assert at_open == {
        "frames": 1,
        "announced": True,
        "message": f'<p align="center">Opening {db_path.name}\N{HORIZONTAL ELLIPSIS}</p>',
        "geometry": at_open["geometry"],
        "window": False,
        "collecting": False,  # no collector passes while the start builds its objects
    }
    assert at_open["geometry"] == saved.geometry()
    assert seen == {
        "frames": 0,
        "geometry": at_open["geometry"],
        "rows": 1,
        "collecting": True,  # back on once the data is in, past what the start made
        "frozen": True,
    }
    assert gc.isenabled() and gc.get_freeze_count() == 0  # as it was before the call


def test_the_model_is_asked_for_only_once_the_article_is_painted(
    store: Store,
    db_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    qtbot: QtBot,
    safety: Callable[[], None],
) -> None:
    """Importing spaCy on the worker thread would share the interpreter with the first
    paint of the list and the article: it waits for them."""
    dataset = store.create_dataset("news", labels=(Label("PERSON"),))
    text = "Anna Berg spoke in Lyon."
    store.add_documents(
        dataset.id, [(Document(0, dataset.id, text, input_hash=input_hash(text)), None)]
    )
    events: list[str] = []
    releasing = NlpWorker.release

    def release(worker: NlpWorker) -> None:
        if worker._held:
            events.append("model asked for")
        releasing(worker)

    class PaintSpy(QObject):
        def eventFilter(self, watched: QObject, event: QEvent) -> bool:
            window = visible_window()
            if (
                event.type() == QEvent.Type.Paint
                and window is not None
                and watched is window.article.viewport()
                and window.article.toPlainText() == text
                and "article painted" not in events
            ):
                events.append("article painted")
            return False

    spy = PaintSpy()
    QApplication.instance().installEventFilter(spy)
    monkeypatch.setattr(NlpWorker, "release", release)

    def quit_() -> None:
        window = visible_window()
        assert window is not None
        qtbot.addWidget(window)
        window.close()
        QApplication.exit(0)

    poll = when(lambda: "model asked for" in events, quit_)
    try:
        code = run_window(db_path)
    finally:
        QApplication.instance().removeEventFilter(spy)
        poll.stop()
        safety()
    assert code == 0
    assert events == ["article painted", "model asked for"]


def test_a_store_that_cannot_be_opened_is_explained_over_the_frame(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, safety: Callable[[], None]
) -> None:
    shown: list[tuple[bool, str]] = []

    def critical(parent: QWidget | None, _title: str, text: str) -> None:
        shown.append((isinstance(parent, StartupFrame) and parent.isVisible(), text))

    monkeypatch.setattr(QMessageBox, "critical", critical)
    code = run_window(tmp_path)  # a folder, not a store file
    safety()
    assert code == 1
    assert len(shown) == 1
    over_frame, text = shown[0]
    assert over_frame
    assert text.startswith(f"Cannot open the store {tmp_path}:")
    assert "is a directory" in text
    assert visible_window() is None
    assert gc.isenabled() and gc.get_freeze_count() == 0


def test_a_mistyped_store_path_is_created_only_if_the_user_agrees(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, safety: Callable[[], None]
) -> None:
    """`annotator --db anotations.db`: a new empty store there would look like lost work."""
    asked: list[str] = []

    def answer_no(_parent: QWidget | None, _title: str, text: str, *_buttons: object) -> object:
        asked.append(text)
        return QMessageBox.StandardButton.No

    monkeypatch.setattr(QMessageBox, "question", answer_no)
    mistyped = tmp_path / "anotations.db"
    code = run_window(mistyped, confirm_new=True)
    safety()
    assert code == 1
    assert asked == [f"There is no store at {mistyped}.\n\nCreate a new, empty store there?"]
    assert list(tmp_path.iterdir()) == []
    assert visible_window() is None
    for frame in visible_frames():
        frame.close()


def test_a_new_store_path_the_user_agrees_to_opens_the_window(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, safety: Callable[[], None]
) -> None:
    monkeypatch.setattr(QMessageBox, "question", lambda *_args: QMessageBox.StandardButton.Yes)
    new = tmp_path / "project.db"
    poll = when(lambda: visible_window() is not None, lambda: QApplication.exit(0))
    code = run_window(new, confirm_new=True)
    poll.stop()
    safety()
    assert code == 0
    with Store.open(new, create=False) as store:
        assert store.list_datasets() == []


def test_a_failure_while_building_the_window_is_raised_not_swallowed(
    db_path: Path, monkeypatch: pytest.MonkeyPatch, safety: Callable[[], None]
) -> None:
    def broken(*_args: object, **_kwargs: object) -> None:
        raise RuntimeError("the window could not be built")

    monkeypatch.setattr(app_module, "assemble", broken)
    with pytest.raises(RuntimeError, match="could not be built"):
        run_window(db_path)
    safety()
    assert visible_frames() == [] or all(f.announced for f in visible_frames())
    for frame in visible_frames():
        frame.close()


def test_the_frame_stands_where_the_window_was_saved(qtbot: QtBot, tmp_path: Path) -> None:
    settings = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
    first = StartupFrame(settings, "Opening")
    qtbot.addWidget(first)
    first_place = first_geometry(startup.available_area(first))
    assert first.geometry() == first_place  # nothing saved yet
    first.resize(700, 450)
    first.move(40, 30)
    settings.setValue(GEOMETRY, first.saveGeometry())
    again = StartupFrame(settings, "Opening")
    qtbot.addWidget(again)
    assert again.size().width() == 700 and again.size().height() == 450
    settings.setValue(GEOMETRY, QByteArray(b"not a geometry"))
    broken = StartupFrame(settings, "Opening")
    qtbot.addWidget(broken)
    assert broken.geometry() == first_place


@pytest.mark.parametrize("screen", [QRect(0, 0, 1366, 768), QRect(0, 0, 1280, 800)])
def test_the_first_window_fits_a_laptop_screen_with_its_title_bar(screen: QRect) -> None:
    place = first_geometry(screen)
    with_title_bar = place.adjusted(-startup.BORDER, -startup.TITLE_BAR, startup.BORDER, 0)
    assert screen.contains(with_title_bar)
    assert place.width() >= screen.width() - 20  # and it uses the screen
    assert place.height() >= screen.height() - 60


def test_the_first_window_keeps_its_size_on_a_large_screen_and_stands_in_the_middle() -> None:
    screen = QRect(1920, 24, 1920, 1056)  # a second monitor, below a top panel
    place = first_geometry(screen)
    assert place.size() == DEFAULT_SIZE
    assert screen.contains(place)
    assert abs(place.center().x() - screen.center().x()) <= 1


def test_the_frame_fits_a_1366x768_screen(
    qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(startup, "available_area", lambda window: QRect(0, 0, 1366, 768))
    settings = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
    frame = StartupFrame(settings, "Opening")
    qtbot.addWidget(frame)
    assert QRect(0, 0, 1366, 768).contains(frame.geometry())


def test_painted_is_emitted_once_after_the_first_paint(qtbot: QtBot, tmp_path: Path) -> None:
    settings = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
    frame = StartupFrame(settings, "Opening <store> & more")
    qtbot.addWidget(frame)
    emitted: list[bool] = []
    frame.painted.connect(lambda: emitted.append(True))
    assert "&lt;store&gt; &amp; more" in frame.message.text()
    with qtbot.waitSignal(frame.painted, timeout=2000):
        frame.show()
    frame.repaint()
    frame.update()
    qtbot.wait(50)
    assert emitted == [True]
    assert frame.announced


def test_a_frame_never_painted_goes_on_after_the_fallback(
    qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(startup, "FALLBACK_MS", 50)
    settings = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
    frame = StartupFrame(settings, "Opening")
    frame.setAttribute(Qt.WidgetAttribute.WA_DontShowOnScreen)  # shown, never exposed
    qtbot.addWidget(frame)
    with qtbot.waitSignal(frame.painted, timeout=2000):
        frame.show()
    assert frame.announced


def test_the_frame_needs_only_qt_to_appear() -> None:
    """What the frame's path imports: no SQL, pydantic, spaCy, store or window modules."""
    code = (
        "import json, sys\n"
        "import annotator.app, annotator.ui.shell.startup\n"
        "heavy = ('sqlalchemy', 'sqlmodel', 'pydantic', 'spacy', 'dataclasses')\n"
        "print(json.dumps(sorted(m for m in sys.modules if m.split('.')[0] in heavy\n"
        "    or m.startswith('annotator.store') or m.startswith('annotator.services')\n"
        "    or m in ('annotator.ui.shell.main_window', 'annotator.ui.dialogs'))))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60
    )
    assert json.loads(done.stdout) == []


@pytest.mark.parametrize(
    ("given", "saved", "wanted"),
    [
        (None, None, ("Ada Lovelace", True)),  # the first start: the system's name, asked
        (None, "Grace", ("Grace", False)),
        ("Katherine", "Grace", ("Katherine", False)),
    ],
)
def test_the_window_asks_who_is_annotating_only_when_nobody_chose_a_name(
    db_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    safety: Callable[[], None],
    given: str | None,
    saved: str | None,
    wanted: tuple[str, bool],
) -> None:
    from annotator import identity

    monkeypatch.setattr(identity, "system_name", lambda: "Ada Lovelace")
    if saved is not None:
        identity.save_name(saved)
    seen: list[tuple[object, object]] = []

    def recorded(*_args: object, **options: object) -> None:
        seen.append((options["annotator"], options["ask_annotator"]))
        raise RuntimeError("stop here")

    monkeypatch.setattr(app_module, "assemble", recorded)
    with pytest.raises(RuntimeError, match="stop here"):
        run_window(db_path, annotator=given)
    safety()
    for frame in visible_frames():
        frame.close()
    assert seen == [wanted]


def test_a_bad_annotator_name_stops_the_window_in_one_line(
    db_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as stop:
        app_module.main(["--annotator", "Ada\tLovelace", "--db", str(db_path)])
    assert stop.value.code == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "--annotator: annotator name" in err and "U+0009" in err
    assert visible_frames() == [] and not db_path.exists()


def test_a_bad_annotator_name_from_the_environment_is_explained_over_the_frame(
    db_path: Path, monkeypatch: pytest.MonkeyPatch, safety: Callable[[], None]
) -> None:
    """Started from a desktop launcher, nobody reads the terminal: the frame says why."""
    shown: list[tuple[bool, str]] = []

    def critical(parent: QWidget | None, _title: str, text: str) -> None:
        shown.append((isinstance(parent, StartupFrame) and parent.isVisible(), text))

    monkeypatch.setattr(QMessageBox, "critical", critical)
    monkeypatch.setenv("ANNOTATOR_NAME", "Ada\tLovelace")
    for widget in QApplication.topLevelWidgets():  # windows earlier tests left open
        widget.close()
    code = run_window(db_path)
    safety()
    assert code == 1
    assert len(shown) == 1 and shown[0][0]
    assert shown[0][1].startswith("Cannot open the window:") and "U+0009" in shown[0][1]
    assert visible_window() is None
