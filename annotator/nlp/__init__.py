"""Everything that touches spaCy lives here; the rest of the package sees plain values."""

from annotator.nlp.tokenizer import Tokenized, Tokenizer, TokenStream, worker_count

__all__ = ["TokenStream", "Tokenized", "Tokenizer", "worker_count"]
