"""Which languages a dataset may have: those spaCy can make a tokenizer for."""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

import spacy
import spacy.lang

from annotator.core.errors import AnnotatorError

_LANGUAGE_CLASS = re.compile(r"^class (\w+)\(Language\)", re.MULTILINE)


def checked_language(code: str) -> str:
    """spaCy's own code for `code` ("en" for "en" or "eng"), or `AnnotatorError` saying why
    not and which code was probably meant ("english" is refused: did you mean "en"?).

    A dataset's language picks the tokenizer of every import, the window and export, so
    it is checked by building that tokenizer once, here.
    """
    try:
        return str(spacy.blank(code.strip()).lang)
    except ImportError as error:
        if code.strip() in languages():  # known to spaCy, but needs a package it lacks
            raise AnnotatorError(
                f"spaCy's tokenizer for language {code!r} needs a package that is not "
                f"installed: {str(error).splitlines()[0]}"
            ) from None
    except (KeyError, ValueError):
        pass
    raise AnnotatorError(f"spaCy has no language {code!r}{_hint(code)}") from None


@cache
def languages() -> dict[str, str]:
    """The language codes spaCy ships, with the name of each ("en": "English")."""
    found: dict[str, str] = {}
    for folder in sorted(Path(next(iter(spacy.lang.__path__))).iterdir()):
        init = folder / "__init__.py"
        if folder.is_dir() and init.is_file():
            named = _LANGUAGE_CLASS.search(init.read_text(encoding="utf-8"))
            found[folder.name] = named.group(1) if named else folder.name
    return found


def _hint(code: str) -> str:
    known = languages()
    by_name = {name.lower(): lang for lang, name in known.items()}
    wanted = code.strip().lower()
    meant = by_name.get(wanted) or (wanted if wanted in known else None)
    if meant:
        return f"; did you mean {meant!r} ({known[meant]})?"
    return f"; use a code such as 'en', 'de' or 'fr' (spaCy has {', '.join(known)})"
