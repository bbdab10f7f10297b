"""File formats: readers that turn files into `Record`s and writers that turn documents
into files. Pure Python apart from the JSON helpers; spaCy's `.spacy` writer lives in
`annotator.nlp` because it needs spaCy.
"""

from annotator.formats.registry import (
    IMPORT_FORMATS,
    READERS,
    SUFFIXES,
    detect_format,
    iter_file,
    read_file,
)

__all__ = ["IMPORT_FORMATS", "READERS", "SUFFIXES", "detect_format", "iter_file", "read_file"]
