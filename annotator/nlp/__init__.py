"""Everything that touches spaCy lives here; the rest of the package sees plain values."""

from annotator.nlp.tokenizer import Tokenizer

__all__ = ["Tokenizer"]
