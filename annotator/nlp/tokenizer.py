"""Token boundaries from spaCy's rule-based tokenizer (no trained pipeline needed)."""

from __future__ import annotations

import multiprocessing
import multiprocessing.connection
import os
import threading
from collections import deque
from collections.abc import Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from typing import Any

import spacy
from spacy.language import Language
from spacy.tokens import Doc

from annotator.core.errors import AnnotatorError
from annotator.core.pieces import PIECE_CHARACTERS, joined_tokens, piece_bounds
from annotator.core.token_json import packed_token_json
from annotator.core.tokens import Tokens


class Tokenizer:
    """Tokenizes texts the way a spaCy pipeline for `lang` would."""

    def __init__(self, lang: str = "en") -> None:
        try:
            self._nlp: Language = spacy.blank(lang)
        except (ImportError, KeyError, ValueError) as error:
            raise AnnotatorError(f"spaCy has no tokenizer for language {lang!r}: {error}") from None
        self.lang = lang

    def tokens(self, text: str) -> Tokens:
        """The text's tokens; a text over spaCy's `max_length` is tokenized in pieces."""
        if len(text) <= self._nlp.max_length:
            return tokens_of(self._nlp.make_doc(text))
        bounds = piece_bounds(text, min(PIECE_CHARACTERS, self._nlp.max_length))
        return joined_tokens([(s, tokens_of(self._nlp.make_doc(text[s:e]))) for s, e in bounds])

    def tokens_many(self, texts: Iterable[str], *, batch_size: int = 256) -> Iterator[Tokens]:
        for text in texts:
            yield self.tokens(text)


def tokenize(nlp: Language, texts: Iterable[str], *, batch_size: int = 256) -> Iterator[Doc]:
    """Docs with tokens only (no pipeline components run)."""
    tokenizer: Any = nlp.tokenizer  # typed as a plain callable in spaCy, it has `pipe`
    yield from tokenizer.pipe(texts, batch_size=batch_size)


def tokens_of(doc: Doc) -> Tokens:
    """Token offsets straight from the Doc's arrays (no Token objects: 20x faster)."""
    if not len(doc):
        return Tokens((), ())
    columns = doc.to_array(["IDX", "LENGTH"]).T
    starts = columns[0].tolist()
    ends = (columns[0] + columns[1]).tolist()
    return Tokens(tuple(starts), tuple(ends))


# -- tokenizing in worker processes ---------------------------------------------------------

# Texts tokenized in this process before workers are started: a small import would spend
# longer starting them (each imports spaCy) than tokenizing.
IN_PROCESS_FIRST = 1000
_BATCH_TEXTS = 64
_BATCH_CHARACTERS = 1 << 20
_Found = tuple[bytes, bytes | None]  # a worker's result: tokens as stored, their JSON
_worker: Tokenizer | None = None  # the tokenizer of a worker process, set as it starts


def worker_count() -> int:
    """The cores this process may run on (at most 4: tokenizing is not all of an import)."""
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        cores = os.cpu_count() or 1
    return max(1, min(4, cores))


@dataclass(frozen=True, slots=True)
class Tokenized:
    """A text's tokens, with Prodigy's JSON token list, packed as the store keeps it, when
    a worker made it too (making it is as costly as tokenizing)."""

    tokens: Tokens
    token_json: bytes | None = None


class TokenStream:
    """Tokens for a stream of texts, in order, from worker processes once there are many.

    `None` in place of a text (a record that needs no tokens) gives `None` in its place, so
    callers can zip results with what they read. At most a few batches are in flight, so
    memory stays flat however many texts pass. Use as a context manager: leaving it stops
    the workers.
    """

    def __init__(self, tokenizer: Tokenizer, processes: int) -> None:
        self._tokenizer = tokenizer
        self._processes = processes
        self._pool: ProcessPoolExecutor | None = None
        self._tokenized = 0

    def __enter__(self) -> TokenStream:
        return self

    def __exit__(self, *_exc: object) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None

    def tokens(self, texts: Iterable[str | None]) -> Iterator[Tokenized | None]:
        items = iter(texts)
        for text in items:
            yield self._here(text)
            if self._processes > 1 and self._tokenized >= IN_PROCESS_FIRST:
                yield from self._in_workers(items)
                return

    def _here(self, text: str | None) -> Tokenized | None:
        if text is None:
            return None
        self._tokenized += 1
        return Tokenized(self._tokenizer.tokens(text))

    def _in_workers(self, items: Iterator[str | None]) -> Iterator[Tokenized | None]:
        pool = self._start()
        pending: deque[tuple[list[str | None], Future[list[_Found]] | None]] = deque()
        try:
            for batch in _batches(items):
                texts = [text for text in batch if text is not None]
                future = pool.submit(_tokenize_batch, texts) if texts else None
                pending.append((batch, future))
                if len(pending) > 2 * self._processes:
                    yield from _merged(*pending[0])
                    pending.popleft()
            while pending:
                yield from _merged(*pending[0])
                pending.popleft()
        except BrokenProcessPool:
            # A worker could not start: a program ran an import without the
            # `if __name__ == "__main__"` guard spawned processes need. Go on in here.
            self.__exit__()
            self._processes = 1
            for batch, _ in pending:
                yield from [self._here(text) for text in batch]
            yield from (self._here(text) for text in items)

    def _start(self) -> ProcessPoolExecutor:
        if self._pool is None:
            self._pool = ProcessPoolExecutor(
                self._processes,
                mp_context=multiprocessing.get_context("spawn"),  # no fork of a threaded app
                initializer=_start_worker,
                initargs=(self._tokenizer.lang,),
            )
        return self._pool


def _merged(batch: list[str | None], future: Future[list[_Found]] | None) -> list[Tokenized | None]:
    """A batch's results in order (all of them or, from a broken pool, an exception)."""
    found = iter(future.result() if future is not None else ())
    merged: list[Tokenized | None] = []
    for text in batch:
        if text is None:
            merged.append(None)
        else:
            data, token_json = next(found)
            merged.append(Tokenized(Tokens.from_bytes(data), token_json))
    return merged


def _batches(items: Iterator[str | None]) -> Iterator[list[str | None]]:
    batch: list[str | None] = []
    texts = characters = 0
    for text in items:
        batch.append(text)
        if text is not None:
            texts += 1
            characters += len(text)
        if texts >= _BATCH_TEXTS or characters >= _BATCH_CHARACTERS or len(batch) >= 1024:
            yield batch
            batch = []
            texts = characters = 0
    if batch:
        yield batch


def _start_worker(lang: str) -> None:
    global _worker
    parent = multiprocessing.parent_process()
    if parent is not None:  # a killed import must not leave its workers behind
        threading.Thread(target=_exit_with, args=(parent.sentinel,), daemon=True).start()
    _worker = Tokenizer(lang)


def _exit_with(sentinel: int) -> None:
    multiprocessing.connection.wait([sentinel])
    os._exit(0)


def _tokenize_batch(texts: list[str]) -> list[_Found]:
    """In a worker: each text's tokens in the store's form (interleaved uint32 offsets)
    and their Prodigy JSON, packed."""
    assert _worker is not None
    found: list[_Found] = []
    for text in texts:
        tokens = _worker.tokens(text)
        found.append((tokens.to_bytes(), packed_token_json(text, tokens)))
    return found
