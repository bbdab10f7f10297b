"""The `.spacy` writer: Docs that spaCy reads back with the stored text and gold entities."""

from __future__ import annotations

import spacy
from hypothesis import given, settings
from hypothesis import strategies as st
from spacy.tokens import DocBin

from annotator.core.model import Document, Span
from annotator.core.tokens import Tokens
from annotator.nlp import Tokenizer
from annotator.nlp.docbin import DocBinWriter, make_doc, words_and_spaces

TOKENIZER = Tokenizer("en")
NLP = spacy.blank("en")


def document(text: str) -> Document:
    return Document(id=1, dataset_id=1, text=text)


def read_back(writer: DocBinWriter) -> list[spacy.tokens.Doc]:
    return list(DocBin().from_bytes(writer.to_bytes()).get_docs(NLP.vocab))


def test_docs_read_back_with_the_exact_text_and_entities() -> None:
    texts = [
        "Angela Merkel visited Paris.\r\nThen  she left 👍🏽.",
        " Leading space and trailing newline\n",
        "Cafe\u0301 Zoë opened in Köln",
    ]
    writer = DocBinWriter("en")
    for text in texts:
        start = text.index(text.split()[0])
        first = Span(start, start + len(text.split()[0]), "X")
        assert writer.add(document(text), TOKENIZER.tokens(text), [first]) == 0
    docs = read_back(writer)
    assert [d.text for d in docs] == texts
    assert [[(e.text, e.label_) for e in d.ents] for d in docs] == [
        [("Angela", "X")],
        [("Leading", "X")],
        [("Cafe\u0301", "X")],
    ]
    assert all("sc" not in d.spans for d in docs)


def test_overlapping_gold_spans_go_to_spans_sc_and_the_longest_become_ents() -> None:
    text = "Bank of America Tower opened in New York"
    spans = [Span(0, 15, "ORG"), Span(0, 21, "FAC"), Span(8, 15, "GPE"), Span(32, 40, "GPE")]
    writer = DocBinWriter("en")
    assert writer.add(document(text), TOKENIZER.tokens(text), spans) == 0
    (doc,) = read_back(writer)
    assert [(e.text, e.label_) for e in doc.ents] == [
        ("Bank of America Tower", "FAC"),
        ("New York", "GPE"),
    ]
    assert sorted((s.start_char, s.end_char, s.label_) for s in doc.spans["sc"]) == sorted(
        s.key for s in spans
    )
    assert writer.overlapping == 2


def test_a_span_off_token_boundaries_is_left_out_and_counted() -> None:
    text = "Microsoft's CEO"
    writer = DocBinWriter("en")
    assert (
        writer.add(document(text), TOKENIZER.tokens(text), [Span(0, 4, "ORG"), Span(0, 9, "ORG")])
        == 1
    )
    (doc,) = read_back(writer)
    assert [e.text for e in doc.ents] == ["Microsoft"]


def test_tokens_that_skip_text_still_give_the_exact_text() -> None:
    # Prodigy files may list no token for a newline or a run of spaces.
    text = "Hello   world\nagain"
    tokens = Tokens((0, 8, 14), (5, 13, 19))
    writer = DocBinWriter("en")
    writer.add(document(text), tokens, [Span(8, 13, "X")])
    (doc,) = read_back(writer)
    assert doc.text == text
    assert [e.text for e in doc.ents] == ["world"]


def test_tokens_without_spans_mean_every_token_is_outside() -> None:
    text = "Nothing here."
    writer = DocBinWriter("en")
    writer.add(document(text), TOKENIZER.tokens(text), [])
    (doc,) = read_back(writer)
    assert [t.ent_iob_ for t in doc] == ["O", "O", "O"]
    assert len(writer) == 1


@st.composite
def text_and_tokens(draw: st.DrawFn) -> tuple[str, Tokens]:
    text = draw(st.text(alphabet=st.sampled_from("ab \n\t\u00a0👍"), min_size=1, max_size=30))
    cuts = sorted(draw(st.sets(st.integers(0, len(text)), max_size=12)))
    pairs = [(a, b) for a, b in zip(cuts[::2], cuts[1::2], strict=False) if a < b]
    return text, Tokens.from_pairs(pairs)


@settings(max_examples=300, deadline=None)
@given(text_and_tokens())
def test_words_and_spaces_always_rebuild_the_text(case: tuple[str, Tokens]) -> None:
    text, tokens = case
    words, spaces = words_and_spaces(text, tokens)
    assert "".join(w + (" " if s else "") for w, s in zip(words, spaces, strict=True)) == text
    assert all(words)
    doc = make_doc(NLP.vocab, text, tokens)
    for start, end in zip(tokens.starts, tokens.ends, strict=True):
        assert doc.char_span(start, end) is not None  # every stored token is a Doc token
