"""The document list: its table model and the panel with search, filters and progress."""
