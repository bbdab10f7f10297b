"""Token offsets of documents for snapping: remembered, stored, or computed once.

`TokenCache` is used from a worker thread while the UI thread reads other things, so its
memory is guarded by a lock. spaCy's tokenizer has no documented thread-safety, so it is
only ever run under a second lock (which also keeps two threads from tokenizing the same
document twice).
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from typing import TYPE_CHECKING

from annotator.core.model import Document
from annotator.core.snapping import snap_selection
from annotator.core.tokens import Tokens
from annotator.store import Store

if TYPE_CHECKING:
    from annotator.nlp import Tokenizer


class TokenCache:
    """The tokens of the last `max_documents` documents used, by document id."""

    def __init__(self, store: Store, *, lang: str = "en", max_documents: int = 64) -> None:
        if max_documents < 1:
            raise ValueError(f"max_documents must be at least 1, not {max_documents}")
        self._store = store
        self._lang = lang  # for callers that do not say which language a document is in
        self._max_documents = max_documents
        self._cache: OrderedDict[int, Tokens] = OrderedDict()
        self._lock = threading.Lock()
        self._tokenizers: dict[str, Tokenizer] = {}
        self._tokenizer_lock = threading.Lock()

    def __len__(self) -> int:
        with self._lock:
            return len(self._cache)

    def tokens(self, document: Document, lang: str | None = None) -> Tokens:
        """The document's tokens: from memory, else the store, else spaCy's tokenizer for
        `lang` (the dataset's language; then stored)."""
        found = self._remembered(document.id)
        if found is not None:
            return found
        found = self._store.get_tokens(document.id)
        if found is None:
            found = self._tokenize(document, lang or self._lang)
        self.remember(document.id, found)
        return found

    def snap(
        self, document: Document, start: int, end: int, *, exact: bool = False
    ) -> tuple[int, int] | None:
        """`snap_selection` on the document's tokens."""
        return snap_selection(document.text, self.tokens(document), start, end, exact=exact)

    def _remembered(self, document_id: int) -> Tokens | None:
        with self._lock:
            found = self._cache.get(document_id)
            if found is not None:
                self._cache.move_to_end(document_id)
            return found

    def remember(self, document_id: int, tokens: Tokens) -> None:
        """Keep tokens computed elsewhere (by the model) for `document_id`."""
        with self._lock:
            self._cache[document_id] = tokens
            self._cache.move_to_end(document_id)
            while len(self._cache) > self._max_documents:
                self._cache.popitem(last=False)

    def _tokenize(self, document: Document, lang: str) -> Tokens:
        with self._tokenizer_lock:
            done = self._remembered(document.id)  # another thread may have finished it
            if done is not None:
                return done
            tokenizer = self._tokenizers.get(lang)
            if tokenizer is None:  # spaCy takes a second to import: only when needed
                from annotator.nlp import Tokenizer

                tokenizer = self._tokenizers[lang] = Tokenizer(lang)
            tokens = tokenizer.tokens(document.text)
            self._store.save_tokens(document.id, tokens)
            self.remember(document.id, tokens)
            return tokens
