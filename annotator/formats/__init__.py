"""File formats: readers that turn files into `Record`s and writers that turn documents
into files, listed in one table (`annotator.formats.table`). Pure Python apart from the
JSON helpers; spaCy's `.spacy` writer lives in `annotator.nlp` because it needs spaCy.
"""

from annotator.formats.registry import (
    AUTO,
    detect_format,
    folder_suffixes,
    import_formats,
    iter_file,
    read_file,
)

__all__ = ["AUTO", "detect_format", "folder_suffixes", "import_formats", "iter_file", "read_file"]
