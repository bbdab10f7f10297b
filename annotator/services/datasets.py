"""Creating a dataset and changing its language: the language is checked against spaCy.

A dataset's language picks the tokenizer of every import, the window and export; a code
spaCy does not know ("english") would be stored and then break each of those later.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from annotator.core.model import Dataset, Label
from annotator.store import Store

DEFAULT_LANG = "en"


def checked_language(code: str) -> str:
    """spaCy's code for the language `code` ("en" for "eng"); `AnnotatorError` if none."""
    from annotator.nlp.languages import checked_language as check  # imports spaCy

    return check(code)


def create_dataset(
    store: Store,
    name: str,
    *,
    labels: Sequence[Label] = (),
    lang: str = DEFAULT_LANG,
    allow_overlap: bool = False,
    label_map: Mapping[str, str] | None = None,
) -> Dataset:
    return store.create_dataset(
        name,
        labels=labels,
        lang=checked_language(lang),
        allow_overlap=allow_overlap,
        label_map=label_map,
    )


def set_language(store: Store, name: str, lang: str) -> tuple[Dataset, str]:
    """Give dataset `name` the language `lang`; returns the dataset and its old language.

    Documents tokenized before keep their tokens (an imported file's own tokens are among
    them); documents tokenized from now on use the new language.
    """
    dataset = store.get_dataset(name)
    store.set_lang(dataset.id, checked_language(lang))
    return store.get_dataset(name), dataset.lang
