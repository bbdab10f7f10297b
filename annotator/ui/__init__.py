"""The desktop window: the only package that imports Qt.

Widgets show values from the core and turn the annotator's gestures into the core's
reversible edits, which `session.DocumentSession` applies and writes through to the store.
"""
