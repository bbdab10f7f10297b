"""What the window shows now, held in one place: `ViewState`.

The open dataset, the open document, the current span, the text selection, the document
list's filters and the display options live here and nowhere else. Controllers write them
through the setters; views are told through the signals (the wiring module connects
them) and never hold a copy that could disagree. A setter given the value the state
already holds emits nothing, so a view that writes what it shows and then hears it back
changes nothing: no echo guards are needed anywhere.

The rules that tie the values together live here too: opening another document clears
the current span and the selection; a span made current clears the selection and a
selection clears the current span; after an edit, undo or new suggestions the current
span follows `core.navigation.successor`; hiding rejected spans drops a rejected current
span.

In review mode (`reviewing`) the open document is the reviewer's version, `review` what
the annotators' done versions say together (`core.review`), and `disagreement` the stop
the keys 1-9 and 0 settle: another document clears both, and any other current span or
selection ends the stop.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal

from annotator.core.model import Dataset, Document, Label, Span, SpanState
from annotator.core.navigation import contains, successor
from annotator.core.review import Disagreement, Review
from annotator.core.summaries import DocumentQuery

Range = tuple[int, int]


class ViewState(QObject):
    dataset_changed = Signal(object)  # Dataset | None: another one, or the same read again
    document_opened = Signal(object)  # Document | None: another document (or none)
    document_changed = Signal(object)  # Document: the open one after an edit or suggestions
    current_span_changed = Signal(object)  # Span | None
    selection_changed = Signal(object)  # (start, end) in code points, or None
    list_query_changed = Signal(object)  # DocumentQuery: the document list's filters, order
    show_rejected_changed = Signal(bool)
    reviewing_changed = Signal(bool)
    review_changed = Signal(object)  # Review | None: the open document's, in review mode
    disagreement_changed = Signal(object)  # Disagreement | None: the current stop

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._dataset: Dataset | None = None
        self._document: Document | None = None
        self._current: Span | None = None
        self._selection: Range | None = None
        self._list_query = DocumentQuery()
        self._show_rejected = False
        self._reviewing = False
        self._review: Review | None = None
        self._disagreement: Disagreement | None = None

    # -- reading --------------------------------------------------------------------------

    @property
    def dataset(self) -> Dataset | None:
        return self._dataset

    @property
    def labels(self) -> tuple[Label, ...]:
        """The open dataset's labels (none without a dataset)."""
        return self._dataset.labels if self._dataset is not None else ()

    @property
    def document(self) -> Document | None:
        return self._document

    @property
    def current_span(self) -> Span | None:
        return self._current

    @property
    def selection(self) -> Range | None:
        return self._selection

    @property
    def list_query(self) -> DocumentQuery:
        return self._list_query

    @property
    def show_rejected(self) -> bool:
        return self._show_rejected

    @property
    def reviewing(self) -> bool:
        return self._reviewing

    @property
    def review(self) -> Review | None:
        return self._review

    @property
    def disagreement(self) -> Disagreement | None:
        return self._disagreement

    # -- writing --------------------------------------------------------------------------

    def set_dataset(self, dataset: Dataset | None) -> None:
        """Work in `dataset`; a document of another dataset closes first.

        Always announced, even for an equal value: a dataset read again after an import
        has new documents the list must show.
        """
        self._dataset = dataset
        document = self._document
        if document is not None and (dataset is None or document.dataset_id != dataset.id):
            self.set_document(None)
        self.dataset_changed.emit(dataset)

    def set_document(self, document: Document | None) -> None:
        """The open document's value: another document opens, the same one changes."""
        previous = self._document
        self._document = document
        if document is not None and previous is not None and document.id == previous.id:
            if document is not previous:  # a new value (comparing 10,000 spans costs more)
                self.document_changed.emit(document)
                self._follow(document)
            return
        had_current, had_selection = self._current is not None, self._selection is not None
        self._current = None
        self._selection = None
        self.set_review(None)
        self.document_opened.emit(document)
        if had_current:
            self.current_span_changed.emit(None)
        if had_selection:
            self.selection_changed.emit(None)

    def set_current_span(self, span: Span | None) -> None:
        """Make `span` current (None: no span); a span made current ends the selection."""
        if span is not None:
            self.set_selection(None)
        if span != self._current:
            self._current = span
            self.set_disagreement(None)
            self.current_span_changed.emit(span)

    def set_selection(self, selection: Range | None) -> None:
        """The text selected for a new span (None: no selection); it ends the current span."""
        if selection is not None and selection[0] >= selection[1]:
            selection = None
        if selection is not None:
            self.set_current_span(None)
        if selection != self._selection:
            self._selection = selection
            self.set_disagreement(None)
            self.selection_changed.emit(selection)

    def set_list_query(self, query: DocumentQuery) -> None:
        if query != self._list_query:
            self._list_query = query
            self.list_query_changed.emit(query)

    def set_show_rejected(self, show: bool) -> None:
        if show == self._show_rejected:
            return
        self._show_rejected = show
        self.show_rejected_changed.emit(show)
        current = self._current
        if not show and current is not None and current.state is SpanState.REJECTED:
            self.set_current_span(None)

    def set_reviewing(self, reviewing: bool) -> None:
        if reviewing != self._reviewing:
            self._reviewing = reviewing
            self.set_review(None)
            self.reviewing_changed.emit(reviewing)

    def set_review(self, review: Review | None) -> None:
        """The open document's review (None: none); it ends the current stop."""
        self.set_disagreement(None)
        if review != self._review:
            self._review = review
            self.review_changed.emit(review)

    def set_disagreement(self, disagreement: Disagreement | None) -> None:
        """The stop the keys settle; set after the span it makes current."""
        if disagreement != self._disagreement:
            self._disagreement = disagreement
            self.disagreement_changed.emit(disagreement)

    def _follow(self, document: Document) -> None:
        """After an edit, undo or new suggestions: the current span, if gone, its successor."""
        current = self._current
        if current is not None and not contains(document.spans, current):
            following = successor(document.spans, current, show_rejected=self._show_rejected)
            self.set_current_span(following)
