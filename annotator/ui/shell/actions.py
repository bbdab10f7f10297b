"""Every command of the window, its menu, its keys and its help text, in one table.

Menus, keyboard shortcuts and Help > Keyboard Shortcuts are all built from `SPECS`, so
they cannot disagree. Keys follow `QKeySequence.StandardKey` where Qt has a convention
(open, new, find, undo, redo, quit, help); the annotation keys follow the peers' habits:
number keys for labels, Enter to accept, Delete to reject, Tab to move between spans.

Two scopes: `work` actions act on the article and answer only while the article, the
span list or the label bar has focus (so typing in the search box never labels a span);
`window` actions answer anywhere in the window.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QAction, QKeySequence

Key = QKeySequence.StandardKey | str
Scope = Literal["window", "work"]
SK = QKeySequence.StandardKey


@dataclass(frozen=True, slots=True)
class ActionSpec:
    id: str
    menu: str
    text: str
    keys: tuple[Key, ...] = ()
    tip: str = ""
    scope: Scope = "window"
    checkable: bool = False


def _label_specs() -> tuple[ActionSpec, ...]:
    plain = tuple(
        ActionSpec(f"label.{n}", "Labels", f"Label {n}", (str(n),), scope="work")
        for n in range(1, 10)
    )
    shifted = tuple(
        ActionSpec(f"label.Shift+{n}", "Labels", f"Label Shift+{n}", (f"Shift+{n}",), scope="work")
        for n in range(1, 10)
    )
    return plain + shifted


SPECS: tuple[ActionSpec, ...] = (
    ActionSpec("file.new_dataset", "&File", "&New Dataset…", (SK.New,)),
    ActionSpec(
        "file.open_store",
        "&File",
        "Open &Store…",
        ("Ctrl+Shift+O",),
        "Open another store file, or a team's store on a PostgreSQL server, in a new window",
    ),
    ActionSpec("file.import", "&File", "&Import Articles…", (SK.Open,)),
    ActionSpec("file.samples", "&File", "Open the &Sample Articles"),
    ActionSpec("file.export", "&File", "&Export…", ("Ctrl+E",)),
    ActionSpec(
        "file.annotator_name",
        "&File",
        "Annotator Na&me…",
        tip="Change the name saved on the documents you change",
    ),
    ActionSpec("file.quit", "&File", "&Quit", ("Ctrl+Q",)),
    ActionSpec(
        "span.next",
        "&Annotate",
        "&Next Span",
        ("Tab",),
        "Make the next span current (from the caret when none is)",
        "work",
    ),
    ActionSpec("span.previous", "&Annotate", "&Previous Span", ("Shift+Tab",), scope="work"),
    ActionSpec(
        "span.next_open",
        "&Annotate",
        "Next &Open Suggestion",
        ("N",),
        "Go to the next suggestion still to decide, past the decided spans",
        "work",
    ),
    ActionSpec(
        "span.previous_open", "&Annotate", "Previous Open Suggestion", ("Shift+N",), scope="work"
    ),
    ActionSpec(
        "span.jump",
        "&Annotate",
        "&Jump to a Span…",
        ("F",),
        "Show a letter tag on every span on screen; type one to make that span current",
        "work",
    ),
    ActionSpec(
        "span.grow",
        "&Annotate",
        "&Grow Selection by a Word",
        ("E",),
        "Select the word at the caret, or add the next word to the selection",
        "work",
    ),
    ActionSpec(
        "span.accept",
        "&Annotate",
        "&Accept",
        ("Return", "Enter"),
        "Accept the current suggestion and go to the next one",
        "work",
    ),
    ActionSpec(
        "span.reject",
        "&Annotate",
        "&Reject or Remove",
        ("Delete", "Backspace"),
        "Reject the current suggestion (or remove a span you drew) and go to the next one",
        "work",
    ),
    ActionSpec(
        "span.reject_one",
        "&Annotate",
        "Reject &Only This One",
        ("Shift+Delete",),
        "Reject the current suggestion but not the same words elsewhere, and go to the next one",
        "work",
    ),
    ActionSpec("span.start_left", "&Annotate", "Start One Token Left", ("[",), scope="work"),
    ActionSpec("span.start_right", "&Annotate", "Start One Token Right", ("]",), scope="work"),
    # One sequence per key: on X11, "Shift+[" and "{" both match the same key press, and
    # Qt then calls the shortcut ambiguous and fires neither.
    ActionSpec("span.end_left", "&Annotate", "End One Token Left", ("Shift+[",), scope="work"),
    ActionSpec("span.end_right", "&Annotate", "End One Token Right", ("Shift+]",), scope="work"),
    ActionSpec(
        "span.label_all",
        "&Annotate",
        "&Label All Occurrences",
        ("Ctrl+L",),
        "Give every occurrence of these words in the article the current span's label",
        "work",
    ),
    ActionSpec(
        "span.remove_all",
        "&Annotate",
        "Re&move All Occurrences",
        ("Ctrl+Shift+L",),
        "Reject or remove every span with these words and this label",
        "work",
    ),
    ActionSpec("span.clear", "&Annotate", "Clear Selection", ("Escape",), scope="work"),
    ActionSpec(
        "doc.accept_all",
        "&Document",
        "Accept &All Suggestions",
        ("A",),
        "Accept every open suggestion in this article, as one undo step",
        "work",
    ),
    ActionSpec(
        "doc.done",
        "&Document",
        "Mark &Done and Open Next",
        ("Ctrl+Return", "Ctrl+Enter"),
        "Mark this article done, its open suggestions accepted, and open the next one not done",
    ),
    ActionSpec(
        "doc.skip",
        "&Document",
        "&Skip and Open Next",
        ("Ctrl+Shift+Return", "Ctrl+Shift+Enter"),
        "Mark this article skipped and open the next one not done",
    ),
    ActionSpec("doc.next", "&Document", "Ne&xt Article", ("Ctrl+PgDown",)),
    ActionSpec("doc.previous", "&Document", "Pre&vious Article", ("Ctrl+PgUp",)),
    ActionSpec("doc.find", "&Document", "&Find Articles…", (SK.Find,)),
    ActionSpec(
        "doc.dataset",
        "&Document",
        "Switch &Dataset…",
        ("Ctrl+D",),
        "Choose another dataset from the keyboard",
    ),
    ActionSpec(
        "doc.agreement",
        "&Document",
        "A&greement…",
        tip="Compare the versions of the annotators who marked the same articles done",
    ),
    ActionSpec(
        "doc.review",
        "&Document",
        "&Review Mode",
        ("Ctrl+R",),
        "Settle the versions two or more annotators marked done, as your review of each",
        checkable=True,
    ),
    ActionSpec(
        "review.reject_all",
        "&Document",
        "Reject Every Choice Here",
        ("0",),
        "In review mode, at a disagreement: nobody's spans there",
        "work",
    ),
    ActionSpec(
        "doc.article",
        "&Document",
        "Back to the &Article",
        ("F6",),
        "Put the keys back on the article (from the list, the search box or the spans)",
    ),
    ActionSpec(
        "model.train",
        "&Model",
        "&Train from Done Articles",
        tip="Train the dataset's own model on its done articles, in the background",
    ),
    ActionSpec(
        "model.training",
        "&Model",
        "Show &Training",
        tip="Follow the training in progress, or see the last one and every version",
    ),
    ActionSpec(
        "model.retrain_every",
        "&Model",
        "Train Again &Automatically…",
        tip="Train again by itself every N newly done articles",
    ),
    ActionSpec(
        "model.import_patterns",
        "&Model",
        "Import &Patterns…",
        tip="Suggest with the rules of a spaCy EntityRuler / Prodigy patterns.jsonl file",
    ),
    ActionSpec(
        "view.show_rejected",
        "&View",
        "Show &Rejected Suggestions",
        ("Ctrl+Shift+H",),
        checkable=True,
    ),
    ActionSpec("help.shortcuts", "&Help", "&Keyboard Shortcuts", (SK.HelpContents,)),
    ActionSpec(
        "help.open_log", "&Help", "Open the &Log", tip="Show the file where errors are recorded"
    ),
    ActionSpec("help.about", "&Help", "&About annotator"),
    *_label_specs(),
)

MENUS = ("&File", "&Edit", "&Annotate", "&Document", "&Model", "&View", "&Help")


def sequences(spec: ActionSpec) -> list[QKeySequence]:
    """The key sequences of `spec` (a standard key may stand for several on a platform)."""
    found: list[QKeySequence] = []
    for key in spec.keys:
        if isinstance(key, QKeySequence.StandardKey):
            found += QKeySequence.keyBindings(key)
        else:
            found.append(QKeySequence(key))
    return found


def build_actions(parent: QObject) -> dict[str, QAction]:
    """One QAction per spec, by id; the wiring module connects each to its handler."""
    actions: dict[str, QAction] = {}
    for spec in SPECS:
        action = QAction(spec.text, parent)
        action.setObjectName(spec.id)
        action.setShortcuts(sequences(spec))
        action.setCheckable(spec.checkable)
        action.setStatusTip(spec.tip)
        action.setToolTip(spec.tip or spec.text.replace("&", "").rstrip("…"))
        if spec.scope == "work":
            action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        actions[spec.id] = action
    return actions


def shortcut_rows() -> list[tuple[str, str, str]]:
    """(menu, command, keys) for Help > Keyboard Shortcuts, in menu order."""
    rows: list[tuple[str, str, str]] = [
        ("Edit", "Undo", "Ctrl+Z"),
        ("Edit", "Redo", "Ctrl+Shift+Z, Ctrl+Y"),
        ("Labels", "Label the selection, or relabel the current span", "1-9, Shift+1-9"),
        ("Document", "In review mode: next / previous disagreement", "N, Shift+N"),
        ("Document", "In review mode, at a disagreement: take annotator 1-9's choice", "1-9"),
        ("Document", "In review mode: mark the review done and open the next", "Ctrl+Return"),
    ]
    for spec in SPECS:
        if spec.menu == "Labels":
            continue
        keys = ", ".join(
            s.toString(QKeySequence.SequenceFormat.NativeText) for s in sequences(spec)
        )
        if keys:
            rows.append((spec.menu.replace("&", ""), spec.text.replace("&", ""), keys))
    order = [menu.replace("&", "") for menu in MENUS]
    order.insert(order.index("Annotate") + 1, "Labels")
    return sorted(rows, key=lambda row: order.index(row[0]))
