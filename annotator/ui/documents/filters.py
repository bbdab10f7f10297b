"""The document list's search box and filters, and the `DocumentQuery` they make.

The filters know nothing of the list: they say `changed` when the user picks another
filter (a search waits for a pause in typing), and `query` turns their choices and the
list's order into the query the list model reads.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from PySide6.QtCore import QSignalBlocker, Qt, QTimer, Signal
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLineEdit, QVBoxLayout, QWidget

from annotator.core.model import Label, Status
from annotator.core.summaries import OPEN_STATUSES, DocumentQuery, ReviewFilter
from annotator.ui.colors import swatch_icon

SEARCH_DELAY_MS = 250

STATUS_CHOICES: tuple[tuple[str, frozenset[Status]], ...] = (
    ("All", frozenset()),
    ("Open (new + in progress)", OPEN_STATUSES),
    ("New", frozenset({Status.NEW})),
    ("In progress", frozenset({Status.IN_PROGRESS})),
    ("Done", frozenset({Status.DONE})),
    ("Skipped", frozenset({Status.SKIPPED})),
    ("Rejected", frozenset({Status.REJECTED})),
)
ALL_LABELS = "All labels"
ALL_VERSIONS = "All versions"
ASSIGNED_TO_ME = "Assigned to me"
REVIEW_CHOICES: tuple[tuple[str, ReviewFilter], ...] = (
    ("Needs review", "needs_review"),
    ("Disagreements", "disagreements"),
    ("Reviewed", "reviewed"),
)


class VersionFilterBox(QComboBox):
    """A combo box that asks for its latest choices just before it opens."""

    before_popup: Callable[[], None] | None = None

    def showPopup(self) -> None:
        if self.before_popup is not None:
            self.before_popup()
        super().showPopup()


class DocumentFilters(QWidget):
    """Search, status, label and version filters; `annotators` reads who has a version."""

    changed = Signal()

    def __init__(self, annotators: Callable[[], list[str]], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._annotators = annotators
        self._annotators_read = False
        self._me: str | None = None  # whose queue "assigned to me" shows; None: no queue
        self._offered: list[str] | None = None  # the names "by annotator" offers
        self.search = QLineEdit()
        self.status_filter = QComboBox()
        self.label_filter = QComboBox()
        self.version_filter = VersionFilterBox()
        self._search_timer = QTimer(self)
        self._build()
        self._connect()

    def query(self, order: DocumentQuery) -> DocumentQuery:
        """The chosen filters, in the sort order of `order`."""
        statuses = self.status_filter.currentData()
        label = self.label_filter.currentData()
        # "review:KIND" or "annotator:NAME": strings, which findData compares by value.
        versions = self.version_filter.currentData()
        what, _, value = versions.partition(":") if isinstance(versions, str) else ("", "", "")
        return DocumentQuery(
            statuses=statuses if isinstance(statuses, frozenset) else frozenset(),
            label=label if isinstance(label, str) else None,
            text=self.search.text().strip(),
            sort=order.sort,
            descending=order.descending,
            review=next(
                (kind for _, kind in REVIEW_CHOICES if what == "review" and kind == value), None
            ),
            annotator=value if what == "annotator" else None,
            assigned=value if what == "assigned" else None,
        )

    def set_labels(self, labels: Iterable[Label | str], *, refresh: bool = True) -> None:
        """Offer these labels; a chosen label that went becomes "all" (and, with `refresh`,
        says `changed`)."""
        chosen = self.label_filter.currentData()
        with QSignalBlocker(self.label_filter):
            self.label_filter.clear()
            self.label_filter.addItem(ALL_LABELS, None)
            for label in labels:
                if isinstance(label, Label):
                    self.label_filter.addItem(swatch_icon(label), label.name, label.name)
                else:
                    self.label_filter.addItem(label, label)
            self.label_filter.setCurrentIndex(max(self.label_filter.findData(chosen), 0))
        if refresh and self.label_filter.currentData() != chosen:
            self._filter_now()

    def offer_queue(self, annotator: str | None, *, choose: bool) -> None:
        """Offer "Assigned to me" for `annotator`'s queue (None: they have none, and a
        chosen "assigned to me" becomes "all versions"); `choose` picks it."""
        self._me = annotator
        with QSignalBlocker(self):  # the panel reads the list once, after
            self._set_annotators(self._offered)
            if choose and annotator is not None:
                found = self.version_filter.findData(_mine(annotator))
                with QSignalBlocker(self.version_filter):
                    self.version_filter.setCurrentIndex(found)

    def forget_annotators(self) -> None:
        """Another dataset: who has a version is read again when the filter next opens
        (a scan of every version, so not before)."""
        self._annotators_read = False
        self._offered = None
        self._set_annotators(None)

    def set_review_filter(self, kind: ReviewFilter | None) -> None:
        """Show the documents in that state of review (None: every document)."""
        found = self.version_filter.findData(f"review:{kind}") if kind is not None else 0
        self.version_filter.setCurrentIndex(max(found, 0))

    def focus_search(self) -> None:
        self.search.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.search.selectAll()

    def _set_annotators(self, names: list[str] | None) -> None:
        """Offer "by annotator" for `names` (None: not read yet, only the chosen one); a
        chosen filter that no longer applies becomes "all versions"."""
        chosen = self.version_filter.currentData()
        if names is None:
            what, _, name = chosen.partition(":") if isinstance(chosen, str) else ("", "", "")
            names = [name] if what == "annotator" else []
        else:
            self._offered = names
        with QSignalBlocker(self.version_filter):
            self.version_filter.clear()
            self.version_filter.addItem(ALL_VERSIONS, None)
            if self._me is not None:
                self.version_filter.addItem(ASSIGNED_TO_ME, _mine(self._me))
            for text, kind in REVIEW_CHOICES:
                self.version_filter.addItem(text, f"review:{kind}")
            for name in names:
                self.version_filter.addItem(f"By annotator: {name}", f"annotator:{name}")
            self.version_filter.setCurrentIndex(max(self.version_filter.findData(chosen), 0))
        if self.version_filter.currentData() != chosen:
            self._filter_now()

    def _read_annotators(self) -> None:
        """Before the version filter opens: everyone with a version in the dataset."""
        if not self._annotators_read:
            self._annotators_read = True
            self._set_annotators(self._annotators())

    def _build(self) -> None:
        self.search.setPlaceholderText("Search titles and text")
        self.search.setClearButtonEnabled(True)
        self.search.setToolTip("Documents whose title or text contains this (any case)")
        self._search_timer.setSingleShot(True)
        self._search_timer.setInterval(SEARCH_DELAY_MS)
        for name, statuses in STATUS_CHOICES:
            self.status_filter.addItem(name, statuses)
        self.status_filter.setToolTip("Show documents with this status")
        self.label_filter.addItem(ALL_LABELS, None)
        self.label_filter.setToolTip(
            "Show documents with an accepted, drawn or suggested span of this label"
        )
        self._set_annotators(None)
        self.version_filter.before_popup = self._read_annotators
        self.version_filter.setToolTip(
            "Needs review: two or more annotators marked it done and you have not reviewed it; "
            "Disagreements: their done versions differ; Reviewed: a review of it is done; "
            "By annotator: documents that person has a version of; "
            "Assigned to me: your queue (annotator assign)"
        )
        # Its own row, sized by a few characters: a long name never widens the panel.
        self.version_filter.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
        )
        self.version_filter.setMinimumContentsLength(12)
        boxes = QHBoxLayout()
        boxes.addWidget(self.status_filter, 1)
        boxes.addWidget(self.label_filter, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.search)
        layout.addLayout(boxes)
        layout.addWidget(self.version_filter)

    def _connect(self) -> None:
        self.search.textChanged.connect(self._search_timer.start)
        self.search.returnPressed.connect(self._filter_now)
        self._search_timer.timeout.connect(self._filter_now)
        self.status_filter.currentIndexChanged.connect(self._filter_now)
        self.label_filter.currentIndexChanged.connect(self._filter_now)
        self.version_filter.currentIndexChanged.connect(self._filter_now)

    def _filter_now(self) -> None:
        self._search_timer.stop()
        self.changed.emit()


def _mine(annotator: str) -> str:
    return f"assigned:{annotator}"
