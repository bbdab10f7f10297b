"""What a trained version records about itself in its `meta.json`, read without spaCy.

`annotator models` lists every version of a dataset; loading spaCy (a second) to read a
number from a JSON file would be most of its time.
"""

from __future__ import annotations

import json
from pathlib import Path

CONFIDENCE_KEY = "annotator_confidence"  # in a version's meta.json: its least probability


def confidence_of(folder: Path) -> float | None:
    """The least probability the version's suggestions need (`nlp/confidence.py`), or
    None when it records none or its folder cannot be read."""
    try:
        meta = json.loads((folder / "meta.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    value = meta.get(CONFIDENCE_KEY) if isinstance(meta, dict) else None
    if isinstance(value, int | float) and not isinstance(value, bool) and 0.0 <= value <= 1.0:
        return float(value)
    return None
