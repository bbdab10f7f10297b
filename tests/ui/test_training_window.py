"""Model > Train from Done Articles in the real window: `annotator train` in a child
process, its progress in the dialog and the status bar, a cancel that keeps the window
usable, the child's error line, and the setting that trains again by itself.

The real child trains a blank pipeline for a few steps on 20 short comments (seconds);
the setting's test stands a small script in for the command, at the controller's seam.
"""

from __future__ import annotations

import json
import shutil
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QApplication, QInputDialog
from pytestqt.qtbot import QtBot

from annotator.cli import main
from annotator.core.edits import AddSpan, SetStatus
from annotator.core.hashing import input_hash
from annotator.core.model import Document, Label, Span, SpanState, Status
from annotator.core.training_progress import TrainingResult, TrainingStep
from annotator.store import Store
from annotator.ui.controllers.nlp_worker import NlpWorker
from annotator.ui.controllers.resuggesting import SuggestingAgain
from annotator.ui.controllers.training import TrainingRequest, train_command
from annotator.ui.shell.launch import Parts
from annotator.ui.training.dialog import TrainingDialog
from tests.cli.test_train_cli import comments, write_jsonl

pytestmark = pytest.mark.gui

CHILD_SECONDS = 90_000  # ms a real child may take on a busy machine (it takes ~3-5 s)


@pytest.fixture(autouse=True)
def _no_model_in_the_window(monkeypatch: pytest.MonkeyPatch) -> None:
    """The window's own spaCy thread stays idle: these tests are about the child."""
    monkeypatch.setattr(NlpWorker, "load_model", lambda self, dataset: None)
    monkeypatch.setattr(NlpWorker, "analyse", lambda self, dataset, document: None)


def imported(db: Path, records: list[dict[str, object]], dataset: str = "fashion") -> Store:
    data = write_jsonl(db.parent / f"{dataset}.jsonl", records)
    with pytest.raises(SystemExit) as stop:
        main(["import", str(data), "--db", str(db), "-d", dataset, "--preset", "none"])
    assert stop.value.code in (0, None)
    return Store.open(db)


@pytest.fixture
def done_store(tmp_path: Path) -> Iterator[Store]:
    """20 done comments (brands and cities) and 2 open ones."""
    open_ones = [{"text": "Nobody in Paris wears Prada any more."}, {"text": "Zara in Rome."}]
    store = imported(tmp_path / "annotations.db", [*comments(20), *open_ones])
    yield store
    store.close()


def open_with(
    open_window: Callable[..., Parts], store: Store, settings: QSettings, **options: object
) -> Parts:
    parts = open_window(store, settings, **options)
    parts.workflow.open_dataset("fashion")
    return parts


def dialog_of(parts: Parts) -> TrainingDialog:
    dialogs = parts.window.findChildren(TrainingDialog)
    assert len(dialogs) == 1
    return dialogs[0]


def test_the_dialog_follows_a_real_training_child_and_lists_the_version_it_made(
    qtbot: QtBot,
    done_store: Store,
    settings: QSettings,
    open_window: Callable[..., Parts],
) -> None:
    parts = open_with(
        open_window, done_store, settings, training_options=("--max-steps", "6", "--force")
    )
    steps: list[TrainingStep] = []
    parts.training.progressed.connect(steps.append)
    with qtbot.waitSignal(parts.training.finished, timeout=CHILD_SECONDS) as done:
        parts.window.action("model.train").trigger()
        dialog = dialog_of(parts)
        assert dialog.isVisible()
        assert parts.window.training_status.isVisible()
        # The window keeps writing to the store the child reads.
        document = parts.session.document
        assert document is not None
        assert parts.session.edit(AddSpan(Span(0, 6, "BRAND", SpanState.MANUAL)))
    result = done.args[0]
    assert isinstance(result, TrainingResult)
    assert result.version == 1 and result.promoted
    evaluations = [step for step in steps if step.per_label is not None]
    assert evaluations and set(evaluations[-1].per_label or {}) == {"BRAND", "GPE"}
    plotted = dialog.plot.series()
    assert set(plotted) == {"(all labels)", "BRAND", "GPE"}
    assert len(plotted["BRAND"]) == len(evaluations)
    assert "Version 1" in dialog.outcome.text() and "suggests" in dialog.outcome.text()
    assert "Version 1" in dialog.versions.item(0).text()
    assert "suggests" in dialog.versions.item(0).text()
    # The version the child recorded is the window's dataset's model now.
    dataset = parts.state.dataset
    assert dataset is not None and dataset.model == result.path
    assert "Trained version 1" in parts.window.training_status.text()
    assert not parts.training.running
    assert dialog.train_button.isVisible() and not dialog.cancel_button.isVisible()
    saved = Store.open(done_store.path)
    try:
        assert saved.get_document(document.id).spans[0].label == "BRAND"
    finally:
        saved.close()


def test_stopping_keeps_the_best_version_so_far_and_the_window_goes_on(
    qtbot: QtBot,
    done_store: Store,
    settings: QSettings,
    open_window: Callable[..., Parts],
) -> None:
    parts = open_with(open_window, done_store, settings)  # spaCy's 20,000 steps: minutes
    with qtbot.waitSignal(
        parts.training.progressed,
        timeout=CHILD_SECONDS,
        check_params_cb=lambda step: step.per_label is not None,
    ):
        parts.window.action("model.train").trigger()
    dialog = dialog_of(parts)
    with qtbot.waitSignal(parts.training.finished, timeout=CHILD_SECONDS) as done:
        dialog.cancel_button.click()
        assert "Stopping" in dialog.progress_line.text()
    result = done.args[0]
    assert result.stopped == "interrupted" and result.version == 1
    assert "the best version so far is kept" in dialog.progress_line.text()
    assert not parts.training.running
    assert [v.number for v in done_store.model_versions(parts.state.dataset.id)] == [1]
    # The window is as usable as before: an edit goes through, and training starts again.
    assert parts.session.edit(AddSpan(Span(0, 6, "BRAND", SpanState.MANUAL)))
    assert dialog.train_button.isVisible()
    parts.training.shutdown()


def test_the_childs_one_line_shows_in_the_dialog_when_nothing_can_be_trained(
    qtbot: QtBot,
    tmp_path: Path,
    settings: QSettings,
    open_window: Callable[..., Parts],
) -> None:
    store = imported(tmp_path / "annotations.db", comments(3))
    try:
        parts = open_with(open_window, store, settings)
        with qtbot.waitSignal(parts.training.failed, timeout=CHILD_SECONDS) as failed:
            parts.window.action("model.train").trigger()
        line = failed.args[0]
        assert line.startswith("training needs at least 2 done documents")
        dialog = dialog_of(parts)
        assert dialog.outcome.text() == line
        assert "Traceback" not in dialog.outcome.text()
        assert "Nothing was trained" in dialog.progress_line.text()
        assert not dialog.plot.isVisible()  # no frame left waiting for an evaluation
        assert not parts.training.running
    finally:
        store.close()


def fake_command(
    calls: Path, *, path: str = "/nowhere", promoted: bool = False
) -> Callable[[TrainingRequest], tuple[str, list[str]]]:
    """A stand-in for `annotator train`: notes its arguments and says it made version 1."""
    done = {"event": "done", "version": 1, "path": path, "f1": 0.5, "promoted": promoted}
    script = (
        "import json, sys\n"
        f"open({str(calls)!r}, 'a').write(json.dumps(sys.argv[1:]) + '\\n')\n"
        f"print({json.dumps(json.dumps(done))})\n"
    )

    def command(request: TrainingRequest) -> tuple[str, list[str]]:
        _program, arguments = train_command(request, niceness=0)
        return sys.executable, ["-c", script, *arguments[arguments.index("train") :]]

    return command


def test_the_setting_trains_again_by_itself_after_n_more_done_articles(
    qtbot: QtBot,
    tmp_path: Path,
    settings: QSettings,
    open_window: Callable[..., Parts],
) -> None:
    records = [{"text": f"Article {n} about Gucci in Paris."} for n in range(6)]
    store = imported(tmp_path / "annotations.db", records)
    calls = tmp_path / "calls.jsonl"
    try:
        parts = open_with(open_window, store, settings, training_command=fake_command(calls))
        parts.window.action("model.retrain_every").trigger()
        asking = next(w for w in QApplication.topLevelWidgets() if isinstance(w, QInputDialog))
        assert asking.intValue() == 0  # off until the annotator says otherwise
        asking.setIntValue(2)
        asking.accept()
        assert parts.training.retrain_every == 2
        settings.sync()  # kept for the next start
        kept = QSettings(settings.fileName(), QSettings.Format.IniFormat)
        assert kept.value("training/retrain_every", type=int) == 2
        started: list[str] = []
        parts.training.started.connect(lambda name, automatic: started.append(name))
        parts.editing.mark_done()
        assert started == []  # one done article is not two
        with qtbot.waitSignal(parts.training.finished, timeout=30_000):
            parts.editing.mark_done()
        assert started == ["fashion"]
        (arguments,) = [json.loads(line) for line in calls.read_text().splitlines()]
        assert arguments[:3] == ["train", "--dataset", "fashion"]
        assert arguments[arguments.index("--progress") + 1] == "json"
        assert store.count_documents(parts.state.dataset.id, {Status.DONE}) == 2
        # Counted afresh from the run: two more done articles are needed again.
        parts.editing.mark_done()
        assert started == ["fashion"]
    finally:
        store.close()


def test_training_is_never_started_by_the_setting_while_it_is_off(
    tmp_path: Path,
    settings: QSettings,
    open_window: Callable[..., Parts],
) -> None:
    records = [{"text": f"Article {n} about Gucci in Paris."} for n in range(4)]
    store = imported(tmp_path / "annotations.db", records)
    try:
        parts = open_with(
            open_window, store, settings, training_command=fake_command(tmp_path / "calls")
        )
        started: list[str] = []
        parts.training.started.connect(lambda name, automatic: started.append(name))
        for _ in range(3):
            parts.editing.mark_done()
        assert started == [] and not parts.training.running
    finally:
        store.close()


def spans_of(store: Store, document_id: int) -> set[tuple[str, str, str]]:
    document = store.get_document(document_id)
    return {(document.covered_text(s), s.label, s.state.value) for s in document.spans}


def test_a_better_version_suggests_again_in_the_open_articles_and_decisions_stay(
    qtbot: QtBot,
    store: Store,
    tmp_path: Path,
    settings: QSettings,
    open_window: Callable[..., Parts],
    make_rules_model: Callable[[list[dict[str, str]]], Path],
) -> None:
    rules = make_rules_model(
        [{"label": "BRAND", "pattern": b} for b in ("Gucci", "Prada", "Zara")]
        + [{"label": "GPE", "pattern": c} for c in ("Paris", "Rome")]
    )
    dataset = store.create_dataset("fashion", labels=(Label("BRAND"), Label("GPE")))
    first = "Gucci and Prada opened in Paris."

    def at(text: str, phrase: str, label: str, state: SpanState) -> Span:
        start = text.index(phrase)
        return Span(start, start + len(phrase), label, state, source="old")

    texts = [first, "Zara in Rome.", "Prada in Paris."]
    store.add_documents(
        dataset.id,
        [
            (
                Document(
                    0,
                    dataset.id,
                    text,
                    spans=(
                        at(first, "Gucci", "BRAND", SpanState.ACCEPTED),
                        at(first, "Prada", "GPE", SpanState.SUGGESTED),
                        at(first, "Paris", "GPE", SpanState.REJECTED),
                    )
                    if text == first
                    else (),
                    input_hash=input_hash(text),
                ),
                None,
            )
            for text in texts
        ],
    )
    ids = store.document_ids(dataset.id)
    finished = store.get_document(ids[2])
    store.apply(finished, SetStatus(finished.status, Status.DONE))
    parts = open_with(
        open_window,
        store,
        settings,
        training_command=fake_command(tmp_path / "calls", path=str(rules), promoted=True),
    )
    assert parts.session.document is not None and parts.session.document.id == ids[0]
    store.set_model(dataset.id, str(rules))  # what the child does to a better version
    with qtbot.waitSignal(parts.training.finished, timeout=30_000):
        parts.window.action("model.train").trigger()
    dialog = dialog_of(parts)
    assert dialog.suggest_button.isVisible()
    again = parts.window.findChild(SuggestingAgain)
    assert isinstance(again, SuggestingAgain)
    with qtbot.waitSignal(again.finished, timeout=60_000) as done:
        dialog.suggest_button.click()
    assert done.args == [2, 0]
    assert spans_of(store, ids[0]) == {
        ("Gucci", "BRAND", "accepted"),  # a decision stays
        ("Paris", "GPE", "rejected"),  # and a rejection never comes back as a suggestion
        ("Prada", "BRAND", "suggested"),  # the old suggestion gave way to the new version's
    }
    assert parts.state.document is not None
    shown = parts.state.document
    assert {(shown.covered_text(s), s.label) for s in shown.spans} == {
        ("Gucci", "BRAND"),
        ("Paris", "GPE"),
        ("Prada", "BRAND"),
    }
    assert spans_of(store, ids[1]) == {("Zara", "BRAND", "suggested"), ("Rome", "GPE", "suggested")}
    assert spans_of(store, ids[2]) == set()  # a done article is left alone
    assert "Suggested again in 2 open articles" in dialog.outcome.text()


def test_the_child_runs_the_command_line_at_a_lower_priority(tmp_path: Path) -> None:
    request = TrainingRequest(tmp_path / "a.db", "ann", "fashion", ("--max-steps", "5"))
    program, arguments = train_command(request)
    nice = shutil.which("nice")
    if nice is not None:
        assert (program, arguments[:2]) == (nice, ["-n", "10"])
        arguments = arguments[2:]
    else:
        arguments = [program, *arguments]
    assert arguments[:3] == [sys.executable, "-m", "annotator"]
    assert arguments[3:] == [
        "train",
        "--dataset",
        "fashion",
        "--db",
        str(tmp_path / "a.db"),
        "--annotator",
        "ann",
        "--progress",
        "json",
        "--max-steps",
        "5",
    ]
    assert train_command(request, niceness=0)[0] == sys.executable


def test_suggesting_again_stops_when_another_dataset_opens(
    qtbot: QtBot,
    store: Store,
    settings: QSettings,
    open_window: Callable[..., Parts],
    make_rules_model: Callable[[list[dict[str, str]]], Path],
) -> None:
    rules = make_rules_model([{"label": "BRAND", "pattern": "Zara"}])
    fashion = store.create_dataset("fashion", labels=(Label("BRAND"),), model=str(rules))
    store.create_dataset("other", labels=(Label("BRAND"),))
    texts = [f"Zara shop number {n}." for n in range(5)]
    store.add_documents(
        fashion.id, [(Document(0, fashion.id, t, input_hash=input_hash(t)), None) for t in texts]
    )
    parts = open_with(open_window, store, settings)
    again = parts.window.findChild(SuggestingAgain)
    assert isinstance(again, SuggestingAgain)
    with qtbot.waitSignal(again.finished, timeout=60_000) as done:
        assert again.start(store.get_dataset("fashion"))
        parts.workflow.open_dataset("other")
    suggested, skipped = done.args
    assert suggested < len(texts) and skipped == 0
    ids = store.document_ids(fashion.id)
    untouched = [i for i in ids if not store.get_document(i).spans]
    assert len(untouched) == len(texts) - suggested


def test_show_training_before_any_run_says_so_and_offers_to_start_one(
    done_store: Store, settings: QSettings, open_window: Callable[..., Parts]
) -> None:
    parts = open_with(open_window, done_store, settings)
    parts.window.action("model.training").trigger()
    dialog = dialog_of(parts)
    assert dialog.isVisible() and not parts.training.running
    assert dialog.progress_line.text().startswith("No training since the window opened")
    assert not dialog.plot.isVisible()  # no empty frame "waiting for the first evaluation"
    assert dialog.train_button.isVisible() and not dialog.cancel_button.isVisible()
    assert not dialog.suggest_button.isVisible()  # there is no new version to suggest with
