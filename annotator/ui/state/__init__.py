"""What the window shows now, in one place: the view state (open dataset and document,
current span, selection, list filters, display options) and what is remembered of it."""
