"""Operations built from the store, spaCy and the file formats: import, export, ..."""
