"""TokenCache: memory, then the store, then spaCy; bounded, and safe from two threads."""

from __future__ import annotations

import threading
from collections import Counter

import pytest
import spacy

from annotator.core.hashing import input_hash
from annotator.core.model import Document
from annotator.core.tokens import Tokens
from annotator.nlp import Tokenizer
from annotator.nlp.tokenizer import tokens_of
from annotator.services.tokens import TokenCache
from annotator.store import Store

TEXTS = [
    f"Article {n}: Mayor Inês Duarte met officials in Lisbon on Monday,  and said ({n}) 🙂."
    for n in range(12)
]


@pytest.fixture
def documents(store: Store) -> list[Document]:
    dataset = store.create_dataset("news")
    store.add_documents(
        dataset.id,
        [
            (Document(id=0, dataset_id=0, text=text, input_hash=input_hash(text)), None)
            for text in TEXTS
        ],
    )
    return [store.get_document(i) for i in store.document_ids(dataset.id)]


@pytest.fixture
def tokenized(monkeypatch: pytest.MonkeyPatch) -> Counter[str]:
    """Texts the spaCy tokenizer was run on, counted."""
    calls: Counter[str] = Counter()
    original = Tokenizer.tokens

    def counting(self: Tokenizer, text: str) -> Tokens:
        calls[text] += 1
        return original(self, text)

    monkeypatch.setattr(Tokenizer, "tokens", counting)
    return calls


@pytest.fixture
def store_reads(store: Store, monkeypatch: pytest.MonkeyPatch) -> Counter[int]:
    """Document ids whose tokens were read from the store, counted."""
    reads: Counter[int] = Counter()
    original = store.get_tokens

    def counting(document_id: int) -> Tokens | None:
        reads[document_id] += 1
        return original(document_id)

    monkeypatch.setattr(store, "get_tokens", counting)
    return reads


def spacy_tokens(text: str) -> Tokens:
    """spaCy's tokens, without going through (and counting) `Tokenizer.tokens`."""
    return tokens_of(spacy.blank("en").make_doc(text))


def test_tokens_are_computed_once_then_remembered(
    store: Store, documents: list[Document], tokenized: Counter[str], store_reads: Counter[int]
) -> None:
    cache = TokenCache(store, lang="en")
    first = cache.tokens(documents[0])
    assert first == spacy_tokens(TEXTS[0])
    assert tokenized[TEXTS[0]] == 1
    again = cache.tokens(documents[0])
    assert again == first
    assert tokenized[TEXTS[0]] == 1
    assert store_reads[documents[0].id] == 1  # the second call touched neither


def test_computed_tokens_are_saved_and_survive_reopening(
    store: Store, documents: list[Document], tokenized: Counter[str]
) -> None:
    assert store.get_tokens(documents[1].id) is None
    expected = TokenCache(store, lang="en").tokens(documents[1])
    assert store.get_tokens(documents[1].id) == expected
    store.close()
    with Store.open(store.location) as reopened:
        assert reopened.get_tokens(documents[1].id) == expected
        fresh = TokenCache(reopened, lang="en")
        assert fresh.tokens(documents[1]) == expected
    assert tokenized[TEXTS[1]] == 1  # the new cache read them from the file


def test_stored_tokens_are_used_as_they_are(
    store: Store, documents: list[Document], tokenized: Counter[str]
) -> None:
    """Tokens that came with an imported record win over spaCy's."""
    text = documents[2].text
    own = Tokens.from_pairs([(0, 7), (8, 10)])  # "Article", "2:" as one token
    store.save_tokens(documents[2].id, own)
    cache = TokenCache(store, lang="en")
    assert cache.tokens(documents[2]) == own
    assert tokenized[text] == 0
    assert cache.snap(documents[2], 9, 10) == (8, 10)


def test_the_memory_holds_at_most_max_documents(
    store: Store, documents: list[Document], store_reads: Counter[int]
) -> None:
    cache = TokenCache(store, lang="en", max_documents=3)
    for document in documents[:5]:
        cache.tokens(document)
    assert len(cache) == 3
    cache.tokens(documents[2])  # still remembered: used recently
    assert store_reads[documents[2].id] == 1
    cache.tokens(documents[5])  # evicts documents[3], the least recently used
    cache.tokens(documents[4])
    assert store_reads[documents[4].id] == 1
    cache.tokens(documents[3])
    assert store_reads[documents[3].id] == 2
    cache.tokens(documents[0])  # long evicted
    assert store_reads[documents[0].id] == 2
    assert len(cache) == 3


def test_max_documents_must_be_positive(store: Store) -> None:
    with pytest.raises(ValueError, match="max_documents"):
        TokenCache(store, lang="en", max_documents=0)


def test_snap_uses_the_documents_tokens(store: Store, documents: list[Document]) -> None:
    cache = TokenCache(store, lang="en")
    document = documents[3]
    text = document.text
    ines = text.index("Inês")
    assert cache.snap(document, ines + 1, ines + 9) == (ines, ines + len("Inês Duarte"))
    assert cache.snap(document, ines + 9, ines + 1) == (ines, ines + len("Inês Duarte"))
    assert cache.snap(document, ines + 1, ines + 8) == (ines, ines + 4)  # "Dua": a graze
    assert cache.snap(document, ines - 1, ines + 8) == (ines, ines + 4)  # from a space
    assert cache.snap(document, ines + 1, ines + 3, exact=True) == (ines + 1, ines + 3)
    assert cache.snap(document, ines, ines) is None


def test_two_threads_get_equal_tokens_and_each_text_is_tokenized_once(
    store: Store, documents: list[Document], tokenized: Counter[str]
) -> None:
    cache = TokenCache(store, lang="en")
    results: dict[str, list[Tokens]] = {}
    errors: list[BaseException] = []
    start = threading.Barrier(2)

    def work(name: str, order: list[Document]) -> None:
        try:
            start.wait()
            results[name] = [cache.tokens(document) for document in order]
        except BaseException as error:  # a failure in a thread must fail the test
            errors.append(error)

    threads = [
        threading.Thread(target=work, args=("forward", documents)),
        threading.Thread(target=work, args=("backward", documents[::-1])),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    assert results["forward"] == results["backward"][::-1]
    assert results["forward"] == [spacy_tokens(text) for text in TEXTS]
    assert all(tokenized[text] == 1 for text in TEXTS), tokenized
    assert [store.get_tokens(d.id) for d in documents] == results["forward"]


def test_each_document_is_tokenized_in_its_datasets_language(store: Store) -> None:
    text = "Il a pris l'avion pour Lyon."
    dataset = store.create_dataset("nouvelles", lang="fr")
    document = Document(id=0, dataset_id=dataset.id, text=text, input_hash=input_hash(text))
    store.add_documents(dataset.id, [(document, None)])
    stored = store.get_document(store.document_ids(dataset.id)[0])
    tokens = TokenCache(store).tokens(stored, "fr")
    words = [text[s:e] for s, e in zip(tokens.starts, tokens.ends, strict=True)]
    assert "avion" in words  # French splits the elided article off: "l'" "avion"
