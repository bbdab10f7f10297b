"""How sure a pipeline's `ner` is of each entity, through spaCy's beam.

The transition-based `ner` predicts greedily: one parse, no probabilities. Its
`beam_parse` keeps the `BEAM_WIDTH` best parses instead, and an entity's probability is
the share of the beam's probability held by the parses that have it (spaCy's
`EntityRecognizer.scored_ents`, as Prodigy's `ner.teach` uses it). A dataset's own
version records the least probability at which its entities are worth suggesting
(`CONFIDENCE_KEY` in its `meta.json`, chosen on its held-out documents when it is
trained: `annotator.core.confidence`); a pipeline without one predicts greedily as
always, so a stock model never pays for the beam.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any, cast

import srsly
from spacy.language import Language
from spacy.tokens import Doc, Span

from annotator.core.confidence import CONFIDENCE_KEY, Found, recorded_least

BEAM_WIDTH = 16
BEAM_DENSITY = 0.0001  # spaCy's pruning: parses this much less likely than the best go

Scored = tuple[int, int, str, float]  # token start, token end, label, probability


def recorded_confidence(nlp: Language) -> float | None:
    """The least probability the pipeline's suggestions need, if it records one."""
    return recorded_least(nlp.meta) if "ner" in nlp.pipe_names else None


def record_confidence(folder: Path, value: float) -> None:
    """Write `value` into the pipeline folder's `meta.json`."""
    meta = srsly.read_json(folder / "meta.json")
    meta[CONFIDENCE_KEY] = round(value, 4)
    srsly.write_json(folder / "meta.json", meta)


def scored_entities(nlp: Language, docs: Sequence[Doc]) -> list[list[Scored]]:
    """Every entity the beam finds in each doc (made by `nlp.make_doc`), with its
    probability; the components before `ner` (the embedding it listens to) run first."""
    for name, component in nlp.pipeline:
        if name == "ner":
            break
        docs = list(cast(Any, component).pipe(docs))
    ner: Any = nlp.get_pipe("ner")
    beams = ner.beam_parse(list(docs), beam_width=BEAM_WIDTH, beam_density=BEAM_DENSITY)
    scored = ner.scored_ents(beams)
    return [
        [(start, end, label, float(p)) for (start, end, label), p in found.items()]
        for found in scored
    ]


def likeliest(found: Iterable[Scored], least: float) -> list[Scored]:
    """The entities of probability `least` or more that overlap no likelier one, in order."""
    kept: list[Scored] = []
    for entity in sorted(found, key=lambda f: (-f[3], f[0], f[1])):
        start, end, _, p = entity
        if p >= least and all(end <= k[0] or start >= k[1] for k in kept):
            kept.append(entity)
    return sorted(kept)


def found_in(nlp: Language, texts: Sequence[str], batch_size: int = 64) -> list[list[Found]]:
    """Every entity the beam finds in each text, in characters, with its probability."""
    found: list[list[Found]] = []
    for first in range(0, len(texts), batch_size):
        docs = [nlp.make_doc(text) for text in texts[first : first + batch_size]]
        for doc, scored in zip(docs, scored_entities(nlp, docs), strict=True):
            found.append(
                [
                    Found(doc[s].idx, doc[e - 1].idx + len(doc[e - 1]), label, p)
                    for s, e, label, p in scored
                ]
            )
    return found


def confident_docs(
    nlp: Language, texts: Iterable[tuple[str, Any]], least: float, batch_size: int
) -> Iterator[tuple[Doc, Any]]:
    """`nlp.pipe(texts, as_tuples=True)` with `doc.ents` set to the entities of
    probability `least` or more (the likelier first where they overlap)."""
    batch: list[tuple[str, Any]] = []
    for item in texts:
        batch.append(item)
        if len(batch) >= batch_size:
            yield from _confident_batch(nlp, batch, least)
            batch = []
    if batch:
        yield from _confident_batch(nlp, batch, least)


def _confident_batch(
    nlp: Language, batch: list[tuple[str, Any]], least: float
) -> Iterator[tuple[Doc, Any]]:
    docs = [nlp.make_doc(text) for text, _ in batch]
    for doc, found in zip(docs, scored_entities(nlp, docs), strict=True):
        doc.ents = [Span(doc, s, e, label=label) for s, e, label, _ in likeliest(found, least)]
    for doc, (_, context) in zip(docs, batch, strict=True):
        yield doc, context
