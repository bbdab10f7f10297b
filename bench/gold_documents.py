"""A gold file (Prodigy-style JSONL: `text`, `spans`) as texts and their gold span keys."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

Key = tuple[int, int, str]


@dataclass(frozen=True, slots=True)
class GoldDocument:
    text: str
    spans: frozenset[Key]


def read_gold(path: Path) -> list[GoldDocument]:
    documents = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip():
            record = json.loads(line)
            keys = frozenset((s["start"], s["end"], s["label"]) for s in record["spans"])
            documents.append(GoldDocument(record["text"], keys))
    return documents
