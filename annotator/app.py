"""The composition root: `annotator` opens the window; `annotator COMMAND` runs the CLI.

This is the only module that picks concrete parts (the SQLite file, the spaCy worker,
the settings file) and connects them. Nothing imports it. It never imports Qt itself:
`annotator.ui.shell.launch` starts Qt, and only when the window is wanted, so the command line
starts without it.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from annotator.paths import is_server_url

if TYPE_CHECKING:
    from annotator.core.assistance import Assistance
    from annotator.store import Store
    from annotator.ui.shell.launch import Parts


def main(argv: list[str] | None = None) -> None:
    args = sys.argv[1:] if argv is None else argv
    wanted = window_arguments(args)
    if wanted is None:
        from annotator.cli import main as cli_main

        cli_main(args)
        return
    db, annotator = wanted
    try:
        if annotator is not None:  # a typed name is checked before anything appears
            from annotator.identity import checked

            checked(annotator, "--annotator")
        code = run_window(db, confirm_new=db is not None, annotator=annotator)
    except Exception as error:
        from annotator.core.errors import AnnotatorError

        if not isinstance(error, AnnotatorError):
            raise
        print(f"\u2718 {error}", file=sys.stderr)
        sys.exit(1)
    sys.exit(code)


_WINDOW_OPTIONS = ("--db", "--annotator")


def window_arguments(args: list[str]) -> tuple[Path | str | None, str | None] | None:
    """The store and annotator name if `args` ask for the window (nothing but `--db PATH`
    and `--annotator NAME`, each at most once, in either order), else None: a command."""
    given: dict[str, str] = {}
    rest = list(args)
    while rest:
        option, joined, value = rest.pop(0).partition("=")
        if option not in _WINDOW_OPTIONS or option in given:
            return None
        if not joined:
            if not rest:
                return None
            value = rest.pop(0)
        given[option] = value
    db = given.get("--db")
    return (None if db is None else _location(db)), given.get("--annotator")


def _location(text: str) -> Path | str:
    """A store file's path, or a server's URL as given (`Store.open` reads it)."""
    return text if is_server_url(text) else Path(text)


def store_location(db: Path | str | None) -> Path | str:
    from annotator.paths import default_store_path

    if db is not None:
        return db
    env = os.environ.get("ANNOTATOR_DB")
    return _location(env) if env else default_store_path()


def run_window(
    db: Path | str | None, *, confirm_new: bool = False, annotator: str | None = None
) -> int:
    """Open the window on the store at `db` (or the default one); the exit code.

    `confirm_new`: `db` was typed on the command line, so a path without a store is made
    one only if the user agrees (the default store is simply created on first start).
    `annotator`: the `--annotator` given, else `identity.resolve`'s rule (read once the
    frame is on screen); when nobody chose a name yet, the window asks who is annotating.
    """
    from annotator.ui.shell.launch import run_window as launch_window

    on_server = isinstance(store_location(db), str)  # a URL: see `_location`

    def build(store: Store, settings: Any) -> Parts:
        from annotator.identity import resolve

        who = resolve(annotator)
        if on_server:  # the database user (the store's), unless a name was given
            return assemble(store, settings, annotator=store.annotator, ask_annotator=False)
        return assemble(store, settings, annotator=who.name, ask_annotator=not who.chosen)

    def who() -> str | None:
        from annotator.identity import resolve

        found = resolve(annotator)
        return found.given if on_server else found.name

    return launch_window(store_location(db), build, confirm_new=confirm_new, annotator=who)


def assemble(
    store: Store,
    settings: Any,
    *,
    annotator: str | None,
    assistance: Assistance | None = None,
    ask_annotator: bool = False,
    training_options: tuple[str, ...] = (),
    training_command: Any = None,
) -> Parts:
    """Every part of the window, connected; the caller shows it and opens the data.

    `settings` is a `QSettings` (typed loosely: this module never imports Qt).
    `assistance`: what the window adds to the model (propagation, the memory, the article
    rules), all on unless given; the effort benchmark turns it off to measure the model.
    `ask_annotator`: the first start, nobody chose a name yet: the window asks who is
    annotating once it is on screen (`annotator` is the suggestion), and saves the answer.
    `training_options` go to every `annotator train` the window runs (a test's
    `--max-steps`); `training_command` replaces how the window starts it (tests).
    """
    from annotator import identity
    from annotator.core.assistance import ALL_ON
    from annotator.services.document_analysis import DocumentAnalyser
    from annotator.services.tokens import TokenCache
    from annotator.ui.controllers.editing import Editing
    from annotator.ui.controllers.live import Live
    from annotator.ui.controllers.nlp_worker import NlpWorker
    from annotator.ui.controllers.resuggesting import SuggestingAgain
    from annotator.ui.controllers.reviewing import Reviewing
    from annotator.ui.controllers.session import DocumentSession
    from annotator.ui.controllers.training import Training, train_command
    from annotator.ui.controllers.workflow import Workflow
    from annotator.ui.shell.launch import Parts
    from annotator.ui.shell.live_wiring import wire_live
    from annotator.ui.shell.main_window import MainWindow
    from annotator.ui.shell.wiring import Wiring
    from annotator.ui.state.saved import SavedViewState
    from annotator.ui.state.store_memory import StoreMemory
    from annotator.ui.state.view_state import ViewState

    helps = assistance or ALL_ON

    def make_analyser() -> DocumentAnalyser:  # called on the worker thread
        return DocumentAnalyser(store, TokenCache(store), helps)  # each dataset's own language

    state = ViewState()
    memory = StoreMemory(settings, store.path or str(store))
    session = DocumentSession(store, state, annotator=annotator)
    editing = Editing(session, state, assistance=helps)
    worker = NlpWorker(make_analyser)
    reviewing = Reviewing(session, state)
    workflow = Workflow(store, session, state, worker, memory, reviewing=reviewing)
    window = MainWindow(store, session.undo_group, settings, annotator=annotator)
    state.setParent(window)
    training = Training(
        store,
        settings,
        lambda: state.dataset,
        command=training_command or train_command,
        options=training_options,
        parent=window,
    )
    wiring = Wiring(
        window,
        state,
        session,
        editing,
        workflow,
        worker,
        SavedViewState(settings, memory),
        training=training,
        suggesting_again=SuggestingAgain(store, session, worker, parent=window),
    )
    wiring.keep_annotator_names(identity.save_name, ask_first=ask_annotator)
    if store.path is None:  # a server's store
        wiring.name_is_the_database_user()
    wire_live(Live(store.watch_changes(), parent=window), window, workflow)
    return Parts(window, state, session, editing, workflow, worker, training)
