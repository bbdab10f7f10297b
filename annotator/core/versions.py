"""Which version of each document a read or an export gives (schema 4: one per person).

Every annotator has their own spans and status per document; a reviewer's settled result
is a version too. `VersionChoice` names the one wanted:

- `auto` (an export's default): the reviewed version where there is one, else the
  reader's own, else the only annotator's version, else the shared input;
- `reviewed`: only documents a reviewer settled, as settled;
- `annotator`: only documents that person has a version of, as theirs;
- `all`: every version of every document, one after the other.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Pick(StrEnum):
    AUTO = "auto"
    REVIEWED = "reviewed"
    ANNOTATOR = "annotator"
    ALL = "all"


@dataclass(frozen=True, slots=True)
class VersionChoice:
    pick: Pick = Pick.AUTO
    annotator: str | None = None  # the person of `annotator`; the reader, for `auto`

    @classmethod
    def parse(cls, text: str, reader: str) -> VersionChoice:
        """`--version`'s value: "reviewed", "all", "auto", else an annotator's name."""
        if text in (Pick.REVIEWED, Pick.ALL):
            return cls(Pick(text))
        if text == Pick.AUTO:
            return cls(Pick.AUTO, reader)
        return cls(Pick.ANNOTATOR, text)
