"""Other people's changes and the server's presence, to the document list and the status
bar (a store on a server; on a file `Live` never speaks)."""

from __future__ import annotations

from annotator.core.errors import AnnotatorError
from annotator.ui.controllers.live import Live
from annotator.ui.controllers.workflow import Workflow
from annotator.ui.shell.main_window import MainWindow

# Changes that alter the dataset itself (its labels, its patterns) rather than its rows.
_DATASET_TABLES = frozenset({"dataset", "label", "pattern"})


def wire_live(live: Live, window: MainWindow, workflow: Workflow) -> None:
    def changed(tables: frozenset[str]) -> None:
        try:
            if tables & _DATASET_TABLES:
                workflow.refresh_dataset()  # labels and the list, read again
            else:
                window.documents.refresh()  # the list and the progress
        except AnnotatorError:
            # Heard just as the server went away: the status bar says so at once (`lost`),
            # and everything is read again when it is back.
            return

    def back() -> None:
        window.server_state.back()
        window.show_message("The server answers again: changes are saved as before.")
        workflow.refresh_dataset()
        workflow.read_open_document_again()  # an edit whose answer the server's stop cut off
        workflow.analyse_open_document()  # suggestions that failed while it was away

    live.changed.connect(changed)
    live.lost.connect(window.server_state.lost)
    live.lost.connect(lambda reason: window.show_message(f"{reason}; changes are refused"))
    live.back.connect(back)
    window.closed.connect(live.stop)
