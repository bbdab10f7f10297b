"""The effort benchmark's edit count (`edits`): propagation and the article rules save the
repeated corrections that model-only needs."""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path
from types import ModuleType

import spacy

BENCH = Path(__file__).resolve().parents[2] / "bench"
TEXT = (
    "Zikruhudo Samadov spoke in Ishkashim. Samadov said the clinic is full. "
    "Later Samadov added that Ishkashim needs doctors."
)


def load_effort() -> ModuleType:
    if str(BENCH) not in sys.path:
        sys.path.insert(0, str(BENCH))  # its window part's modules sit beside it
    spec = importlib.util.spec_from_file_location("effort", BENCH / "effort.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["effort"] = module  # dataclasses look their module up while it loads
    spec.loader.exec_module(module)
    return module


def gold_span(text: str, word: str, label: str, occurrence: int) -> dict[str, object]:
    start = -1
    for _ in range(occurrence + 1):
        start = text.index(word, start + 1)
    return {"start": start, "end": start + len(word), "label": label}


def run(tmp_path: Path, patterns: list[dict[str, str]]) -> dict[str, int]:
    """The replay over TEXT with an entity-ruler pipeline standing in for a model."""
    nlp = spacy.blank("en")
    nlp.add_pipe("entity_ruler").add_patterns(patterns)  # type: ignore[attr-defined]
    nlp.to_disk(tmp_path / "model")
    spans = [gold_span(TEXT, "Zikruhudo Samadov", "PERSON", 0)]
    spans += [gold_span(TEXT, "Samadov", "PERSON", n) for n in (1, 2)]
    spans += [gold_span(TEXT, "Ishkashim", "GPE", n) for n in (0, 1)]
    gold = tmp_path / "gold.jsonl"
    gold.write_text(json.dumps({"text": TEXT, "spans": spans}) + "\n", encoding="utf-8")
    counts: dict[str, int] = load_effort().measure(gold, model=str(tmp_path / "model")).counts
    return counts


def test_propagation_turns_two_relabels_into_one(tmp_path: Path) -> None:
    result = run(
        tmp_path,
        [
            {"label": "PERSON", "pattern": "Zikruhudo Samadov"},
            {"label": "PERSON", "pattern": "Samadov"},
            {"label": "ORG", "pattern": "Ishkashim"},  # the model's repeated mistake
        ],
    )
    assert result == {
        "documents": 1,
        "gold_spans": 5,
        "actions": 2,  # relabel one "Ishkashim", the other follows; accept all
        "actions_without_suggestions": 5,
        "actions_model_only": 3,  # relabel both; accept all
    }


def test_a_suggested_full_name_corrects_the_surname_alone(tmp_path: Path) -> None:
    result = run(
        tmp_path,
        [
            {"label": "PERSON", "pattern": "Zikruhudo Samadov"},
            {"label": "ORG", "pattern": "Samadov"},  # the model's repeated mistake
            {"label": "GPE", "pattern": "Ishkashim"},
        ],
    )
    assert result["actions"] == 1  # "Samadov" is a PERSON from the start: accept all
    assert result["actions_model_only"] == 3  # relabel both "Samadov"; accept all


def test_a_relabel_in_one_article_is_not_needed_in_the_next(tmp_path: Path) -> None:
    nlp = spacy.blank("en")
    nlp.add_pipe("entity_ruler").add_patterns(  # type: ignore[attr-defined]
        [{"label": "ORG", "pattern": "Ishkashim"}]  # the model's mistake in every article
    )
    nlp.to_disk(tmp_path / "model")
    texts = ["Floods hit Ishkashim on Monday.", "Doctors left Ishkashim in May."]
    gold = tmp_path / "gold.jsonl"
    gold.write_text(
        "".join(
            json.dumps({"text": t, "spans": [gold_span(t, "Ishkashim", "GPE", 0)]}) + "\n"
            for t in texts
        ),
        encoding="utf-8",
    )
    effort = load_effort().measure(gold, model=str(tmp_path / "model"))
    assert effort.actions == {"relabel model": 1, "accept all": 1}  # memory fixed the second
    assert effort.model_only == {"relabel model": 2}  # nothing left to accept after a relabel
