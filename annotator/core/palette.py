"""Default label colours: displaCy's for the labels it knows, a fixed cycle for others."""

from __future__ import annotations

import hashlib

KNOWN_COLORS: dict[str, str] = {
    "PERSON": "#aa9cfc",
    "PER": "#aa9cfc",
    "ORG": "#7aecec",
    "GPE": "#feca74",
    "LOC": "#ff9561",
    "LOCATION": "#ff9561",
    "NORP": "#c887fb",
    "FAC": "#9cc9cc",
    "DATE": "#bfe1d9",
    "TIME": "#bfe1d9",
    "EVENT": "#ffeb80",
    "PRODUCT": "#bfeeb7",
    "WORK_OF_ART": "#f0d0ff",
    "LAW": "#ff8197",
    "LANGUAGE": "#ff8197",
    "MONEY": "#e4e7d2",
    "PERCENT": "#e4e7d2",
    "QUANTITY": "#e4e7d2",
    "ORDINAL": "#e4e7d2",
    "CARDINAL": "#e4e7d2",
    "MISC": "#f0d0ff",
}

CYCLE = (
    "#8dd3c7", "#fdb462", "#b3de69", "#fccde5", "#bebada",
    "#80b1d3", "#ffed6f", "#ccebc5", "#fb8072", "#d9d9d9",
)  # fmt: skip


def color_for(label: str) -> str:
    """A stable colour for `label`: the same name gets the same colour in every dataset."""
    known = KNOWN_COLORS.get(label.upper())
    if known:
        return known
    digest = hashlib.sha1(label.encode("utf-8"), usedforsecurity=False).digest()
    return CYCLE[digest[0] % len(CYCLE)]
