"""A team without a server, end to end: a lead imports articles and sends the store; two
annotators each annotate their copy in the window under their own name; the lead merges
both, reads the agreement, settles the disagreements in review mode from the keyboard,
exports the reviewed result, and every version survives an export and an import."""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings, Qt
from pytestqt.qtbot import QtBot

from annotator.core.model import SpanState, Status
from annotator.store import Store
from annotator.ui.controllers.nlp_worker import NlpWorker
from annotator.ui.shell.launch import Parts

pytestmark = pytest.mark.gui

# The second article holds a character outside the BMP: offsets are code points.
ARTICLES = [
    {
        "text": "Ada Lovelace met Charles Babbage in London.",
        "spans": [
            {"start": 0, "end": 12, "label": "PERSON"},
            {"start": 17, "end": 32, "label": "PERSON"},
            {"start": 36, "end": 42, "label": "GPE"},
        ],
    },
    {
        "text": "\U0001f600 Grace Hopper worked in Arlington.",
        "spans": [
            {"start": 2, "end": 14, "label": "PERSON"},
            {"start": 25, "end": 34, "label": "GPE"},
        ],
    },
]


@pytest.fixture(autouse=True)
def _no_model(monkeypatch: pytest.MonkeyPatch) -> None:
    """The imported suggestions are what the annotators decide on; spaCy stays out."""
    monkeypatch.setattr(NlpWorker, "load_model", lambda self, dataset: None)
    monkeypatch.setattr(NlpWorker, "analyse", lambda self, dataset, document: None)


@pytest.fixture
def lead(cli, tmp_path: Path) -> Path:
    source = tmp_path / "articles.jsonl"
    source.write_text("\n".join(json.dumps(a) for a in ARTICLES) + "\n", encoding="utf-8")
    db = tmp_path / "lead.db"
    result = cli("import", source, "-d", "news", "--add-labels", "--db", db)
    assert result.code == 0, result.err
    return db


def annotate_in_window(
    db: Path,
    name: str,
    open_window: Callable[..., Parts],
    settings: QSettings,
    qtbot: QtBot,
    *,
    reject_first_of_second: bool,
) -> None:
    """In a real window as `name`: Tab to the first suggestion, then Enter accepts each
    (Delete rejects the second article's first when asked), and Done opens the next."""
    store = Store.open(db, annotator=name)
    parts = open_window(store, settings, annotator=name)
    article = parts.window.article
    for number in range(2):
        qtbot.waitUntil(lambda: parts.session.document is not None)
        document = parts.session.document
        assert document is not None
        parts.window.activateWindow()
        qtbot.waitUntil(parts.window.isActiveWindow)
        article.setFocus()
        qtbot.keyClick(article, Qt.Key.Key_Tab)  # to the first; each decision moves on
        for index in range(len(document.spans)):
            reject = reject_first_of_second and number == 1 and index == 0
            qtbot.keyClick(article, Qt.Key.Key_Delete if reject else Qt.Key.Key_Return)
        parts.window.action("doc.done").trigger()
    parts.worker.shutdown()
    store.close()


def test_two_annotators_windows_merge_agree_and_every_version_round_trips(
    cli,
    lead: Path,
    tmp_path: Path,
    open_window: Callable[..., Parts],
    settings: QSettings,
    qtbot: QtBot,
) -> None:
    ada, grace = tmp_path / "ada.db", tmp_path / "grace.db"
    shutil.copyfile(lead, ada)
    shutil.copyfile(lead, grace)
    annotate_in_window(ada, "ada", open_window, settings, qtbot, reject_first_of_second=False)
    annotate_in_window(grace, "grace", open_window, settings, qtbot, reject_first_of_second=True)

    for other in (ada, grace):
        merged = cli("merge", other, "--db", lead)
        assert merged.code == 0, merged.err
    with Store.open(lead, annotator="lead") as store:
        dataset = store.get_dataset("news")
        first, second = store.document_ids(dataset.id)
        by_name = {v.annotator: v for v in store.versions_of(second)}
        assert by_name["ada"].status is by_name["grace"].status is Status.DONE
        assert [s.state for s in by_name["ada"].spans] == [SpanState.ACCEPTED] * 2
        hopper = by_name["grace"].spans[0]
        assert (hopper.start, hopper.end, hopper.state) == (2, 14, SpanState.REJECTED)
        assert store.get_document(first).status is Status.NEW  # the lead decided nothing

    # ada has 5 gold spans, grace the same but Grace Hopper: 4 match
    agreement = cli("agreement", "-d", "news", "--json", "--db", lead)
    assert agreement.code == 0, agreement.err
    overall = json.loads(agreement.out)["overall"]
    assert overall["spans"]["f1"] == pytest.approx(2 * 4 / 9)

    # the lead reviews in the window, from the keyboard only
    with Store.open(lead, annotator="lead") as store:
        parts = open_window(store, settings, annotator="lead")
        article = parts.window.article
        parts.window.activateWindow()
        qtbot.waitUntil(parts.window.isActiveWindow)
        qtbot.keyClick(article, Qt.Key.Key_R, Qt.KeyboardModifier.ControlModifier)
        assert parts.window.annotator_label.text() == "Reviewing as lead"
        for document_id in (first, second):
            parts.workflow.open_document(document_id)
            qtbot.waitUntil(lambda: parts.session.document is not None)
            if document_id == second:  # ada took Grace Hopper, grace rejected it
                qtbot.keyClick(article, Qt.Key.Key_N)
                said = parts.window.review.plain_text()
                assert "1 ada: PERSON 'Grace Hopper'" in said and "2 grace: missing" in said
                qtbot.keyClick(article, Qt.Key.Key_1)
            qtbot.keyClick(article, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
        parts.worker.shutdown()
    reviewed = tmp_path / "reviewed.jsonl"
    result = cli("export", reviewed, "-d", "news", "--version", "reviewed", "--db", lead)
    assert result.code == 0, result.err
    records = [json.loads(line) for line in reviewed.read_text(encoding="utf-8").splitlines()]
    assert [r["_annotator_id"] for r in records] == ["lead", "lead"]
    assert [[(s["start"], s["end"], s["label"]) for s in r["spans"]] for r in records] == [
        [(0, 12, "PERSON"), (17, 32, "PERSON"), (36, 42, "GPE")],
        [(2, 14, "PERSON"), (25, 34, "GPE")],  # code points: the emoji is one
    ]
    assert records[1]["text"][2:14] == "Grace Hopper"

    every = tmp_path / "every.jsonl"
    assert cli("export", every, "-d", "news", "--version", "all", "--db", lead).code == 0
    fresh = tmp_path / "fresh.db"
    assert cli("import", every, "-d", "news", "--db", fresh).code == 0
    with Store.open(lead) as before, Store.open(fresh) as after:
        ids_before = before.document_ids(before.get_dataset("news").id)
        ids_after = after.document_ids(after.get_dataset("news").id)
        for old, new in zip(ids_before, ids_after, strict=True):
            # Prodigy holds a version's status and its gold spans; a rejected suggestion
            # has no place in its records.
            assert gold_versions(after, new) == gold_versions(before, old)


def gold_versions(store: Store, document_id: int) -> list[tuple[object, ...]]:
    return [
        (v.annotator, v.reviewed, v.status, [(s.start, s.end, s.label) for s in v.gold_spans])
        for v in store.versions_of(document_id)
    ]
