"""What one gesture changed, in a line for the status bar.

A decision spreads to the same words elsewhere in the article (`core.propagation`), so a
key can change spans far from where the annotator looks. The window says so every time:
"“Zebak” → DATE, and 4 more mentions: Ctrl+Z undoes all".
"""

from __future__ import annotations

from annotator.core.edits import Edit

UNDO_KEY = "Ctrl+Z"


def other_mentions(edit: Edit, start: int, end: int) -> int:
    """How many places other than `start:end` the edit changed (one per range)."""
    changes = edit.changes()
    spans = changes.added or changes.removed
    return len({(span.start, span.end) for span in spans} - {(start, end)})


def status_line(what: str, others: int) -> str:
    """`what` was done; with `others` more mentions changed by the same key."""
    if others <= 0:
        return what
    mentions = "mention" if others == 1 else "mentions"
    return f"{what}, and {others} more {mentions}: {UNDO_KEY} undoes all"


def quoted(text: str, start: int, end: int, limit: int = 40) -> str:
    """`text[start:end]` in quotes, cut short with an ellipsis past `limit` characters."""
    words = " ".join(text[start:end].split())
    if len(words) > limit:
        words = words[: limit - 1] + "…"
    return f"“{words}”"
