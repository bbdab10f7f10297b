"""annotator: correct and add named-entity labels on news articles, offline.

A tour of the package is in ARCHITECTURE.md: `core` holds the domain (pure Python),
`store` the SQLite file, `nlp` everything spaCy, `formats` the file readers and writers,
`services` the operations built from them, and `cli` / `ui` the two ways in.
"""

__version__ = "0.1.0"
