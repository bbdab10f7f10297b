"""What acts on the data, without widgets: the document session (the only object that
changes annotations), editing (keys and clicks to edits), the workflow (which dataset and
document are open), the spaCy worker thread and background jobs."""
