"""Scoring a pipeline's entities against gold documents with spaCy's scorer.

The examples are what `spacy evaluate` builds from a `.spacy` file (spaCy's `Corpus`):
the gold `Doc` rebuilt from the stored tokens (`docbin.gold_doc`, as the export writes
it), and the pipeline's own `Doc` of the same text. The pipeline's labels are mapped onto
the dataset's first, as its suggestions are; with a mapping that changes nothing the
figures are exactly `spacy evaluate`'s.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

from spacy.language import Language
from spacy.scorer import get_ner_prf
from spacy.tokens import Doc
from spacy.tokens import Span as SpacySpan
from spacy.training import Example

from annotator.core.model import Span
from annotator.core.tokens import Tokens
from annotator.core.training import Figures, Scores
from annotator.nlp.docbin import gold_doc

Gold = tuple[str, Tokens, Sequence[Span]]  # a document's text, its tokens, its gold spans


def score_entities(
    nlp: Language,
    gold: Iterable[Gold],
    map_label: Callable[[str], str | None] = lambda label: label,
    *,
    batch_size: int = 64,
) -> Scores:
    """Micro and per-label P/R/F1 of `nlp`'s entities (mapped by `map_label`, None drops
    one) against the gold spans."""
    references = [gold_doc(nlp.vocab, text, tokens, spans)[0] for text, tokens, spans in gold]
    predicted = nlp.pipe((doc.text for doc in references), batch_size=batch_size)
    examples = [
        Example(_mapped(doc, map_label), reference)
        for doc, reference in zip(predicted, references, strict=True)
    ]
    return scores_from_spacy(get_ner_prf(examples), len(examples))


def _mapped(doc: Doc, map_label: Callable[[str], str | None]) -> Doc:
    entities = []
    for entity in doc.ents:
        label = map_label(entity.label_)
        if label is not None:
            entities.append(SpacySpan(doc, entity.start, entity.end, label=label))
    doc.ents = entities
    return doc


def scores_from_spacy(found: Mapping[str, Any], documents: int) -> Scores:
    """`Scores` from the `ents_*` figures of spaCy's scorer (None, when nothing was
    found or expected, is 0)."""
    per_type: dict[str, dict[str, float]] = found.get("ents_per_type") or {}
    return Scores(
        Figures(found.get("ents_p") or 0.0, found.get("ents_r") or 0.0, found.get("ents_f") or 0.0),
        {label: Figures(f["p"], f["r"], f["f"]) for label, f in per_type.items()},
        documents,
    )
