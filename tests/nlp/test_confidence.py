"""A dataset's own version suggests only the entities its beam is sure enough of.

A small `ner` trained here on a blank pipeline (a few steps: sure of some brands, less
of others) stands in for a trained version; a stock model records no confidence and
predicts greedily as before.
"""

from __future__ import annotations

import random
from pathlib import Path

import pytest
import spacy
from spacy.language import Language
from spacy.training import Example

from annotator.nlp.confidence import (
    CONFIDENCE_KEY,
    found_in,
    likeliest,
    record_confidence,
    recorded_confidence,
)
from annotator.nlp.suggester import SpacySuggester

BRANDS = ["Gucci", "Prada", "Zara", "Uniqlo", "Levi's", "Nike"]
TEMPLATES = [
    "I bought a shirt from {b} today.",
    "My {b} jacket is warm.",
    "Everyone wears {b} now.",
    "The {b} shop was closed.",
]
TEXT = "I bought a shirt from Gucci today. My Hermes jacket is warm. Everyone wears Celine."


@pytest.fixture(scope="module")
def version() -> Language:
    """A blank pipeline's `ner`, a few passes over 24 sentences: unsure of new brands."""
    spacy.util.fix_random_seed(0)
    nlp = spacy.blank("en")
    nlp.add_pipe("ner").add_label("BRAND")  # type: ignore[attr-defined]
    examples = []
    for brand in BRANDS:
        for template in TEMPLATES:
            text = template.format(b=brand)
            start = text.index(brand)
            entities = [(start, start + len(brand), "BRAND")]
            examples.append(Example.from_dict(nlp.make_doc(text), {"entities": entities}))
    optimizer = nlp.initialize(lambda: examples)
    for seed in range(4):
        random.Random(seed).shuffle(examples)
        for first in range(0, len(examples), 8):
            nlp.update(examples[first : first + 8], sgd=optimizer)
    return nlp


def suggested(nlp: Language) -> list[tuple[str, str]]:
    suggester = SpacySuggester(nlp, label_for=lambda label: label, refine=False)
    (analysis,) = suggester.analyse([TEXT])
    return [(TEXT[s.start : s.end], s.label) for s in analysis.suggestions]


def test_a_version_suggests_only_what_its_beam_is_as_sure_of_as_it_records(
    version: Language,
) -> None:
    found = sorted(found_in(version, [TEXT])[0], key=lambda f: -f.probability)
    surest, next_ = found[0], found[1]
    assert surest.probability > next_.probability > 0.1  # two brands, not equally sure
    greedy = suggested(version)  # no confidence recorded: every entity greedy finds
    assert (TEXT[next_.start : next_.end], "BRAND") in greedy and len(greedy) >= 2

    version.meta[CONFIDENCE_KEY] = (surest.probability + next_.probability) / 2
    try:
        assert suggested(version) == [(TEXT[surest.start : surest.end], "BRAND")]
        version.meta[CONFIDENCE_KEY] = next_.probability
        sure_enough = {TEXT[f.start : f.end] for f in found if f.probability >= next_.probability}
        assert {text for text, _ in suggested(version)} == sure_enough
    finally:
        del version.meta[CONFIDENCE_KEY]


def test_the_likeliest_of_overlapping_entities_stands(version: Language) -> None:
    found = [(0, 2, "BRAND", 0.6), (1, 3, "BRAND", 0.7), (4, 5, "BRAND", 0.3)]
    assert likeliest(found, 0.5) == [(1, 3, "BRAND", 0.7)]
    assert likeliest(found, 0.2) == [(1, 3, "BRAND", 0.7), (4, 5, "BRAND", 0.3)]


def test_the_confidence_is_kept_in_the_versions_folder(version: Language, tmp_path: Path) -> None:
    version.to_disk(tmp_path / "v1")
    assert recorded_confidence(spacy.load(tmp_path / "v1")) is None  # as a stock model
    record_confidence(tmp_path / "v1", 0.8)
    assert recorded_confidence(spacy.load(tmp_path / "v1")) == 0.8
    assert recorded_confidence(spacy.blank("en")) is None  # no ner: nothing to be sure of
