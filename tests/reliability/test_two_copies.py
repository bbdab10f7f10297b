"""Two programs on one store: a window editing while an import runs, two windows.

SQLite lets one process write at a time; the others queue on the busy timeout. These tests
run the real programs side by side and check that nothing is lost or corrupted, that a
store locked for longer than the timeout gives a message instead of a frozen window or
command, and that a document open in one shows the other's changes when reopened.
"""

from __future__ import annotations

import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from annotator.core.annotating import Gestures
from annotator.core.hashing import input_hash
from annotator.core.model import Document, Label, Span, SpanState, Status
from annotator.store import Store
from annotator.store import db as store_db

CHILDREN = Path(__file__).with_name("children.py")
sys.path.insert(0, str(CHILDREN.parent))
from children import WORD, integrity, run_child, word_text  # noqa: E402

WORDS = 600


def cli_with_busy_timeout(milliseconds: int, *args: str) -> subprocess.Popen[str]:
    """The command line with a shorter busy timeout (the default is 5 s)."""
    program = (
        "import sys\n"
        "from annotator.store import db\n"
        f"db.BUSY_TIMEOUT_MS = {milliseconds}\n"
        "from annotator.cli import main\n"
        "main(sys.argv[1:])\n"
    )
    return run_child("-c", program, *args)


def suggestion(i: int) -> Span:
    return Span(i * WORD, i * WORD + 5, "PERSON", SpanState.SUGGESTED, "model", 0.5)


def decided(i: int) -> Span:
    """Word `i` after the burst's edit `i` (see children.burst)."""
    label = "ORG" if i % 3 == 2 else "PERSON"
    state = SpanState.REJECTED if i % 3 == 1 else SpanState.ACCEPTED
    return Span(i * WORD, i * WORD + 5, label, state, "model", 0.5)


def make_store(path: Path, documents: int = 2) -> list[int]:
    text = word_text(WORDS)
    with Store.open(path) as store:
        dataset = store.create_dataset("burst", labels=(Label("PERSON"), Label("ORG")))
        spans = tuple(suggestion(i) for i in range(WORDS))
        store.add_documents(
            dataset.id,
            [
                (
                    Document(0, dataset.id, f"{text} #{n}", spans, input_hash=input_hash(f"{n}")),
                    None,
                )
                for n in range(documents)
            ],
        )
        return store.document_ids(dataset.id)


def write_import_folder(folder: Path, files: int = 10, records: int = 250) -> int:
    import json

    folder.mkdir()
    for f in range(files):
        with (folder / f"wire-{f:03d}.jsonl").open("w", encoding="utf-8") as handle:
            for r in range(records):
                text = f"Story {f}-{r}: Angela Merkel met officials in Berlin. " * 3
                handle.write(json.dumps({"text": text}) + "\n")
    return files * records


def finish(child: subprocess.Popen[str], timeout: float = 60) -> str:
    out, err = child.communicate(timeout=timeout)
    assert child.returncode == 0, err + out[-300:]
    return out


def check_all_decided(store: Store, document_id: int) -> None:
    document = store.get_document(document_id)
    assert document.spans == tuple(sorted((decided(i) for i in range(WORDS)), key=lambda s: s.key))
    assert document.status is Status.IN_PROGRESS


def test_two_windows_and_an_import_at_once_lose_nothing(tmp_path: Path) -> None:
    path = tmp_path / "annotations.db"
    first, second = make_store(path)
    folder = tmp_path / "wire"
    articles = write_import_folder(folder)
    windows = [
        run_child(str(CHILDREN), "burst", str(path), str(document_id), str(WORDS))
        for document_id in (first, second)
    ]
    importing = run_child(
        "-m", "annotator", "import", str(folder), "--dataset", "wire", "--db", str(path)
    )
    for window in windows:
        out = finish(window)
        assert out.split()[-2:] == [str(WORDS - 1), "done"]  # no edit was refused
    finish(importing)
    assert integrity(path) == "ok"
    with Store.open(path) as store:
        check_all_decided(store, first)
        check_all_decided(store, second)
        assert store.count_documents(store.get_dataset("wire").id) == articles


@pytest.fixture
def held_lock(tmp_path: Path) -> Iterator[subprocess.Popen[str]]:
    """Another process in the middle of a long write to the store."""
    path = tmp_path / "annotations.db"
    make_store(path, documents=1)
    holder = run_child(str(CHILDREN), "hold", str(path), "60")
    assert holder.stdout is not None and holder.stdout.readline().strip() == "locked"
    yield holder
    if holder.poll() is None:
        holder.send_signal(signal.SIGKILL)
    holder.communicate(timeout=30)


def release(holder: subprocess.Popen[str]) -> None:
    holder.send_signal(signal.SIGKILL)  # its transaction dies with it: nothing was written
    holder.communicate(timeout=30)


@pytest.mark.gui
def test_a_locked_store_refuses_an_edit_with_a_message_instead_of_a_hang(
    held_lock: subprocess.Popen[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch, qtbot: object
) -> None:
    from annotator.ui.controllers.session import DocumentSession

    monkeypatch.setattr(store_db, "BUSY_TIMEOUT_MS", 300)
    with Store.open(tmp_path / "annotations.db") as store:
        session = DocumentSession(store)
        messages: list[str] = []
        session.refused.connect(messages.append)
        session.set_dataset(store.get_dataset("burst"))
        (document_id,) = store.document_ids(store.get_dataset("burst").id)
        opened = session.open(document_id)  # reading never waits for a writer
        assert opened is not None
        assert not session.edit(Gestures(opened).accept(suggestion(0)))  # bench: busy_refusal
        assert len(messages) == 1 and "the store is busy" in messages[0]
        assert "0.3 s" in messages[0] and "sqlite" not in messages[0].lower()
        assert session.document == opened  # nothing changed on screen
        assert session.undo_group.activeStack().count() == 0  # nor in the history

        release(held_lock)
        assert session.edit(Gestures(opened).accept(suggestion(0)))
        assert store.get_document(document_id).spans[0] == decided(0)


def test_a_locked_store_stops_a_command_with_one_line(
    held_lock: subprocess.Popen[str], tmp_path: Path
) -> None:
    folder = tmp_path / "wire"
    write_import_folder(folder, files=1, records=5)
    arguments = (
        "import",
        str(folder),
        "--dataset",
        "wire",
        "--db",
        str(tmp_path / "annotations.db"),
    )
    out, err = cli_with_busy_timeout(300, *arguments).communicate(timeout=60)
    assert "the store is busy" in out + err and "Traceback" not in out + err
    release(held_lock)
    done = subprocess.run(
        [sys.executable, "-m", "annotator", *arguments], capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stdout + done.stderr
    with Store.open(tmp_path / "annotations.db") as store:
        assert store.count_documents(store.get_dataset("wire").id) == 5


def test_a_command_waits_for_a_short_write_instead_of_failing(tmp_path: Path) -> None:
    path = tmp_path / "annotations.db"
    make_store(path, documents=1)
    folder = tmp_path / "wire"
    write_import_folder(folder, files=1, records=5)
    holder = run_child(str(CHILDREN), "hold", str(path), "1.0")  # under the default timeout
    assert holder.stdout is not None and holder.stdout.readline().strip() == "locked"
    importing = run_child(
        "-m", "annotator", "import", str(folder), "--dataset", "wire", "--db", str(path)
    )
    finish(importing)
    finish(holder)
    with Store.open(path) as store:
        assert store.count_documents(store.get_dataset("wire").id) == 5


@pytest.mark.gui
def test_a_document_open_in_both_shows_the_others_changes_when_reopened(
    tmp_path: Path, qtbot: object
) -> None:
    from annotator.ui.controllers.session import DocumentSession

    path = tmp_path / "annotations.db"
    document_id, _ = make_store(path)
    with Store.open(path) as store:
        session = DocumentSession(store)
        session.set_dataset(store.get_dataset("burst"))
        before = session.open(document_id)
        assert before is not None
        shown: list[object] = []  # what the window is told to show
        session.state.document_opened.connect(shown.append)
        session.state.document_changed.connect(shown.append)

        out = finish(run_child(str(CHILDREN), "burst", str(path), str(document_id), "30"))
        assert out.split()[-1] == "done"
        assert session.document == before  # nothing moves under the annotator's feet

        session.reload()
        document = session.document
        assert document is not None and shown == [document]
        spans = {span.start: span for span in document.spans}
        assert [spans[i * WORD] for i in range(30)] == [decided(i) for i in range(30)]
        assert spans[30 * WORD] == suggestion(30)
        assert document.status is Status.IN_PROGRESS and document.annotator == "unknown"

        # and an edit made after reopening keeps the other program's 30
        assert session.edit(Gestures(document).accept(suggestion(30)))
        stored = store.get_document(document_id)
        assert sum(s.state is not SpanState.SUGGESTED for s in stored.spans) == 31


@pytest.mark.gui
def test_an_edit_on_a_stale_copy_never_overwrites_the_other_programs_decision(
    tmp_path: Path, qtbot: object
) -> None:
    """Both windows show a suggestion; one accepts it, then the other (not reopened)
    rejects it: the second is refused with a message to reopen, not silently written."""
    from annotator.ui.controllers.session import DocumentSession

    path = tmp_path / "annotations.db"
    document_id, _ = make_store(path)
    with Store.open(path) as mine, Store.open(path) as theirs:
        sessions = [DocumentSession(mine), DocumentSession(theirs)]
        messages: list[str] = []
        for session in sessions:
            session.set_dataset(mine.get_dataset("burst"))
            session.open(document_id)
            session.refused.connect(messages.append)
        one, other = sessions
        assert one.document is not None and other.document is not None
        assert one.edit(Gestures(one.document).accept(suggestion(0)))
        assert not other.edit(Gestures(other.document).reject(suggestion(0)))
        assert len(messages) == 1 and "changed elsewhere" in messages[0]
        assert mine.get_document(document_id).spans[0] == decided(0)  # the accept stands
        other.reload()
        assert other.document is not None and other.document.spans[0] == decided(0)


def test_suggestions_computed_before_another_programs_decision_never_undo_it(
    tmp_path: Path,
) -> None:
    """`annotator suggest --force` read a document, a window then accepted a suggestion
    the new results drop: the accepted span stays. The window's accept made the
    annotator's own version, so the results go to the shared input the suggester read."""
    from annotator.core.edits import SwapSuggestions
    from annotator.core.tokens import Tokens
    from annotator.store.suggestions import SuggestedDocument

    path = tmp_path / "annotations.db"
    document_id, _ = make_store(path)
    with Store.open(path) as suggester, Store.open(path) as window:
        read = suggester.get_document(document_id)
        shown = window.get_document(document_id)
        accept = Gestures(shown).accept(suggestion(0))
        assert accept is not None
        window.apply(shown, accept)
        result = SuggestedDocument(read, SwapSuggestions((suggestion(0),), ()), Tokens((0,), (5,)))
        suggester.save_suggestions([result], suggester="model")
        stored = window.get_document(document_id)
        assert stored.spans[0] == decided(0)
        window.annotator = "someone else"  # without a version: sees the shared input
        assert suggestion(0) not in window.get_document(document_id).spans
