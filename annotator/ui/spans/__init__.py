"""The open article's spans: the table model, what each cell shows, the panel and the
span context menu."""
