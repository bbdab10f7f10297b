"""Entity patterns: the lines of a spaCy `EntityRuler` / Prodigy `patterns.jsonl` file.

A pattern is a label and either a phrase (`{"label": "ORG", "pattern": "Apple Inc."}`,
matched on exact words, case-sensitive, as the `EntityRuler` does by default) or a token
pattern (`{"label": "GPE", "pattern": [{"LOWER": "san"}, {"LOWER": "francisco"}]}`,
spaCy's `Matcher` syntax), with an optional "id". Imported into a dataset they are a
suggestion source of their own (`PATTERNS_SOURCE`), matched by `annotator.nlp.patterns`.

Rules (the README quotes them):
- A pattern's label maps onto the dataset's labels as a model's does (`Dataset.map_label`);
  one the mapping drops is kept but suggests nothing.
- Where matches overlap, the one of most tokens wins, then the earliest: the
  `EntityRuler`'s rule. Pattern matches and the phrase memory's are one pool for it.
- A pattern is kept as its JSON with the keys of each object sorted, so the same line
  imported twice (even with its keys in another order) is one pattern, and an export
  gives back what it says.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from annotator.core.memory import PhraseMemory
from annotator.core.model import label_problem

PatternId = str | int


@dataclass(frozen=True, slots=True)
class Pattern:
    """One pattern as its file gave it: its label, its "pattern" as JSON, its "id"."""

    label: str
    body: str  # canonical JSON of "pattern": a string (phrase) or a list of token dicts
    id: PatternId | None = None

    @property
    def phrase(self) -> str | None:
        """The phrase of a phrase pattern, None for a token pattern."""
        value = json.loads(self.body)
        return value if isinstance(value, str) else None

    @property
    def tokens(self) -> list[dict[str, Any]] | None:
        """The token dicts of a token pattern, None for a phrase pattern."""
        value = json.loads(self.body)
        return value if isinstance(value, list) else None

    def as_json(self, label: str | None = None) -> dict[str, Any]:
        """The line of a `patterns.jsonl` file, under `label` if given."""
        line: dict[str, Any] = {"label": label or self.label, "pattern": json.loads(self.body)}
        if self.id is not None:
            line["id"] = self.id
        return line


def canonical(value: object) -> str:
    """The JSON that stands for `value` in the store: keys sorted, characters as they are."""
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def pattern_from_json(value: object) -> Pattern:
    """A `Pattern` from one parsed line; `ValueError` says what is wrong with it.

    What spaCy's `Matcher` thinks of a token pattern is checked in `annotator.nlp`.
    """
    if not isinstance(value, dict):
        raise ValueError(f"a pattern is a JSON object, not {_json_type(value)}")
    if "label" not in value:
        raise ValueError('the pattern has no "label"')
    if "pattern" not in value:
        raise ValueError('the pattern has no "pattern"')
    label = value["label"]
    problem = label_problem(label)
    if problem:
        raise ValueError(problem)
    body = value["pattern"]
    if isinstance(body, str):
        if not body.strip():
            raise ValueError("the phrase is empty")
    elif isinstance(body, list):
        if not body:
            raise ValueError("the token pattern is an empty list")
        for number, token in enumerate(body, start=1):
            if not isinstance(token, dict):
                kind = _json_type(token)
                raise ValueError(f"token {number} of the pattern is {kind}, not an object")
    else:
        raise ValueError(
            f'"pattern" is a phrase (a string) or a list of token objects, not {_json_type(body)}'
        )
    ent_id = value.get("id")
    if ent_id is not None and (not isinstance(ent_id, str | int) or isinstance(ent_id, bool)):
        raise ValueError(f'"id" is a string or a number, not {_json_type(ent_id)}')
    return Pattern(label, canonical(body), ent_id)


def memory_patterns(memory: PhraseMemory) -> list[Pattern]:
    """The phrase memory as phrase patterns, by phrase (one per phrase it suggests)."""
    return [Pattern(label, canonical(phrase)) for phrase, label in sorted(memory.labels.items())]


def exported(
    patterns: Iterable[Pattern], memory: PhraseMemory, label_for: Mapping[str, str | None]
) -> tuple[list[dict[str, Any]], int]:
    """The lines of an export: the memory's phrases, then the patterns under the dataset's
    labels (`label_for`: pattern label -> dataset label, None when dropped); and how many
    patterns the mapping drops. A line given twice is written once."""
    lines: list[dict[str, Any]] = []
    seen: set[tuple[str, str, PatternId | None]] = set()
    dropped = 0
    for pattern in memory_patterns(memory):
        seen.add((pattern.label, pattern.body, None))
        lines.append(pattern.as_json())
    for pattern in patterns:
        label = label_for.get(pattern.label)
        if label is None:
            dropped += 1
            continue
        key = (label, pattern.body, pattern.id)
        if key not in seen:
            seen.add(key)
            lines.append(pattern.as_json(label))
    return lines, dropped


def _json_type(value: object) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, list):
        return "a list"
    return "an object"
