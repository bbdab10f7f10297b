"""Everything that touches spaCy lives here; the rest of the package sees plain values."""

from annotator.nlp.tokenizer import Tokenizer, TokenStream, worker_count

__all__ = ["TokenStream", "Tokenizer", "worker_count"]
