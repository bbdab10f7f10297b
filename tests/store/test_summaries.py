"""The document list's queries on a real store file: titles, filters, order, pages, next."""

from __future__ import annotations

import random
from typing import Any

import pytest

from annotator.core.edits import SetStatus
from annotator.core.hashing import input_hash
from annotator.core.model import Dataset, Document, Label, Span, SpanState, Status
from annotator.core.summaries import SORT_KEYS, DocumentQuery, DocumentSummary, SortKey
from annotator.store import Store

LABELS = (Label("PERSON"), Label("ORG"), Label("GPE"))
OPEN = frozenset({Status.NEW, Status.IN_PROGRESS})


@pytest.fixture(autouse=True)
def _as_ana(request: pytest.FixtureRequest) -> None:
    """The store acts as ana, who decided on the documents the tests add."""
    if "store" in request.fixturenames:
        request.getfixturevalue("store").annotator = "ana"


def doc(
    text: str,
    *spans: Span,
    status: Status = Status.NEW,
    meta: dict[str, Any] | None = None,
    updated_at: float = 1.0,
    annotator: str | None = None,
) -> Document:
    return Document(
        id=0,
        dataset_id=0,
        text=text,
        spans=tuple(sorted(spans, key=lambda s: s.key)),
        status=status,
        meta=meta or {},
        input_hash=input_hash(text),
        annotator=annotator,
        created_at=updated_at,
        updated_at=updated_at,
    )


def add(store: Store, dataset: Dataset, *documents: Document) -> list[int]:
    before = set(store.document_ids(dataset.id))
    store.add_documents(dataset.id, [(d, None) for d in documents])
    return [i for i in store.document_ids(dataset.id) if i not in before]


def ids(store: Store, dataset: Dataset, query: DocumentQuery) -> list[int]:
    return [s.id for s in store.summaries(dataset.id, query, 0, 10_000)]


@pytest.fixture
def dataset(store: Store) -> Dataset:
    return store.create_dataset("news", labels=LABELS)


@pytest.fixture
def news(store: Store, dataset: Dataset) -> dict[str, int]:
    """Six articles with distinct titles, statuses, spans and change times."""
    texts = {
        "maersk": doc(
            "Maersk opens an office in Rotterdam\n\nThe shipping firm Maersk said on Monday.",
            Span(0, 6, "ORG", SpanState.ACCEPTED),
            Span(26, 35, "GPE", SpanState.SUGGESTED, "model"),
            status=Status.DONE,
            updated_at=50.0,
            annotator="ana",
        ),
        "zaha": doc(
            "zaha Hadid's museum opens\nGlasgow cheered.",
            Span(0, 10, "PERSON", SpanState.MANUAL),
            Span(26, 33, "GPE", SpanState.ACCEPTED),
            Span(5, 10, "ORG", SpanState.REJECTED),
            updated_at=10.0,
        ),
        "port": doc(
            "Port strike ends\nDockers in Antwerp return to work; 100% of shifts covered.",
            Span(28, 35, "GPE", SpanState.SUGGESTED, "model"),
            Span(0, 4, "ORG", SpanState.SUGGESTED, "model"),
            status=Status.IN_PROGRESS,
            updated_at=30.0,
        ),
        "budget": doc(
            "The budget vote was delayed again.",
            Span(4, 10, "ORG", SpanState.REJECTED),
            meta={"title": "  budget_Vote delayed  "},
            status=Status.SKIPPED,
            updated_at=40.0,
        ),
        "election": doc(
            "Élection à Genève\nLes électeurs de Genève ont voté.",
            status=Status.NEW,
            updated_at=20.0,
        ),
        "ceasefire": doc(
            "Ceasefire talks resume in Nairobi.",
            Span(26, 33, "GPE", SpanState.MANUAL),
            status=Status.REJECTED,
            updated_at=60.0,
        ),
    }
    added = add(store, dataset, *texts.values())
    return dict(zip(texts, added, strict=True))


# -- titles -------------------------------------------------------------------------------


def test_summary_fields(store: Store, dataset: Dataset, news: dict[str, int]) -> None:
    by_id = {s.id: s for s in store.summaries(dataset.id, DocumentQuery(), 0, 100)}
    assert by_id[news["maersk"]] == DocumentSummary(
        id=news["maersk"],
        title="Maersk opens an office in Rotterdam",
        status=Status.DONE,
        gold=1,
        suggested=1,
        updated_at=50.0,
        annotator="ana",
        versions=1,
    )
    assert (by_id[news["zaha"]].gold, by_id[news["zaha"]].suggested) == (2, 0)
    assert (by_id[news["port"]].gold, by_id[news["port"]].suggested) == (0, 2)
    assert by_id[news["budget"]].title == "budget_Vote delayed"


TITLE_CASES = [
    ("plain", {}),
    ("  \n\n  Headline after blank lines\nbody", {}),
    ("Windows title\r\nbody\r\n", {}),
    ("\u3000\u00a0Ideographic space first\nbody", {}),
    ("x" * 79 + "  \nbody", {}),
    ("A first line far longer than eighty characters, which the list cuts to eighty of them", {}),
    ("One 😀 emoji and 𝔘 in a title\nbody", {}),
    ("Fallback\nbody", {"title": "   "}),
    ("Fallback for a number\nbody", {"title": 12}),
    ("Fallback for a list\nbody", {"title": ["a"]}),
    ("Meta wins\nbody", {"title": "\tThe meta title\u2003"}),
    ("   ", {}),
    ("\n\n\n", {}),
]


@pytest.mark.parametrize(("text", "meta"), TITLE_CASES)
def test_title_matches_document_title(
    store: Store, dataset: Dataset, text: str, meta: dict[str, Any]
) -> None:
    (document_id,) = add(store, dataset, doc(text, meta=meta))
    (summary,) = store.summaries(dataset.id, DocumentQuery(), 0, 10)
    assert summary.title == store.get_document(document_id).title


def test_title_matches_document_title_on_random_texts(store: Store, dataset: Dataset) -> None:
    rng = random.Random(11)
    alphabet = "ab Zü😀\n\r\t\u00a0\u2028\u3000\x1c-"
    documents = []
    for number in range(300):
        lead = "".join(rng.choice(" \n\t\u00a0\u3000") for _ in range(rng.randint(0, 40)))
        body = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 400)))
        documents.append(doc(f"{lead}{body}{number}"))
    add(store, dataset, *documents)
    summaries = store.summaries(dataset.id, DocumentQuery(), 0, 1000)
    assert len(summaries) == 300
    for summary in summaries:
        assert summary.title == store.get_document(summary.id).title, summary.id


# -- filters ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        (DocumentQuery(), ["maersk", "zaha", "port", "budget", "election", "ceasefire"]),
        (DocumentQuery(statuses=frozenset({Status.DONE})), ["maersk"]),
        (DocumentQuery(statuses=OPEN), ["zaha", "port", "election"]),
        # accepted, manual and suggested spans count; rejected ones do not
        (DocumentQuery(label="ORG"), ["maersk", "port"]),
        (DocumentQuery(label="GPE"), ["maersk", "zaha", "port", "ceasefire"]),
        (DocumentQuery(label="GPE", statuses=OPEN), ["zaha", "port"]),
        (DocumentQuery(text="ROTTERDAM"), ["maersk"]),
        (DocumentQuery(text="museum opens"), ["zaha"]),
        # the meta title counts as well as the text
        (DocumentQuery(text="budget_vote"), ["budget"]),
        # % and _ are literal, not wildcards
        (DocumentQuery(text="100%"), ["port"]),
        (DocumentQuery(text="t_e"), []),
        (DocumentQuery(text="1%0"), []),
        (DocumentQuery(text="genève"), ["election"]),
        (DocumentQuery(text="opens", label="PERSON"), ["zaha"]),
        (DocumentQuery(label="LOC"), []),
    ],
)
def test_filters(
    store: Store,
    dataset: Dataset,
    news: dict[str, int],
    query: DocumentQuery,
    expected: list[str],
) -> None:
    assert ids(store, dataset, query) == [news[name] for name in expected]
    assert store.count_matching(dataset.id, query) == len(expected)


def test_other_datasets_never_show(store: Store, dataset: Dataset, news: dict[str, int]) -> None:
    other = store.create_dataset("other", labels=LABELS)
    add(store, other, doc("Maersk in Rotterdam again", Span(0, 6, "ORG", SpanState.MANUAL)))
    assert store.count_matching(dataset.id, DocumentQuery(text="rotterdam")) == 1
    assert store.count_matching(other.id, DocumentQuery()) == 1
    assert store.position_of(other.id, DocumentQuery(), news["maersk"]) is None


# -- order and pages ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("sort", "expected"),
    [
        ("id", ["maersk", "zaha", "port", "budget", "election", "ceasefire"]),
        # ASCII letters ignore case ("budget" is lower case); "Élection" comes after Z
        ("title", ["budget", "ceasefire", "maersk", "port", "zaha", "election"]),
        # the workflow order of statuses, not the alphabetical one
        ("status", ["zaha", "election", "port", "maersk", "budget", "ceasefire"]),
        # ties fall back to the id
        ("gold", ["port", "budget", "election", "maersk", "ceasefire", "zaha"]),
        ("updated", ["zaha", "election", "port", "budget", "maersk", "ceasefire"]),
    ],
)
def test_sort_orders(
    store: Store, dataset: Dataset, news: dict[str, int], sort: SortKey, expected: list[str]
) -> None:
    ascending = ids(store, dataset, DocumentQuery(sort=sort))
    descending = ids(store, dataset, DocumentQuery(sort=sort, descending=True))
    assert ascending == [news[name] for name in expected]
    assert descending == ascending[::-1]


def test_unknown_sort_key_is_refused() -> None:
    with pytest.raises(ValueError, match="cannot sort documents by 'length'"):
        DocumentQuery(sort="length")  # type: ignore[arg-type]


@pytest.fixture
def many(store: Store, dataset: Dataset) -> list[int]:
    """95 articles with repeated titles, gold counts and change times (many ties)."""
    rng = random.Random(3)
    statuses = list(Status)
    documents = []
    for number in range(95):
        text = f"{rng.choice(['Alpha', 'beta', 'Gamma'])} report\nnumber {number} Rotterdam"
        spans = [Span(0, 5, "ORG", SpanState.ACCEPTED)] if rng.random() < 0.5 else []
        documents.append(
            doc(
                text,
                *spans,
                status=rng.choice(statuses),
                updated_at=float(rng.randint(1, 5)),
            )
        )
    return add(store, dataset, *documents)


@pytest.mark.parametrize("sort", SORT_KEYS)
@pytest.mark.parametrize("descending", [False, True])
def test_pages_join_into_the_whole_list(
    store: Store, dataset: Dataset, many: list[int], sort: SortKey, descending: bool
) -> None:
    query = DocumentQuery(sort=sort, descending=descending)
    whole = ids(store, dataset, query)
    assert sorted(whole) == sorted(many)
    pages = [
        s.id for offset in range(0, 95, 20) for s in store.summaries(dataset.id, query, offset, 20)
    ]
    assert pages == whole
    assert store.matching_ids(dataset.id, query) == whole
    assert store.summaries(dataset.id, query, 95, 20) == []
    for row, document_id in enumerate(whole):
        assert store.position_of(dataset.id, query, document_id) == row


def test_position_of_a_filtered_out_document_is_none(
    store: Store, dataset: Dataset, news: dict[str, int]
) -> None:
    query = DocumentQuery(statuses=OPEN, sort="title")
    assert store.position_of(dataset.id, query, news["maersk"]) is None
    assert store.position_of(dataset.id, query, news["port"]) == 0
    assert store.position_of(dataset.id, query, news["election"]) == 2
    assert store.position_of(dataset.id, query, 999_999) is None


# -- the next open document ---------------------------------------------------------------


def test_next_open_follows_the_query_order_and_wraps(
    store: Store, dataset: Dataset, news: dict[str, int]
) -> None:
    by_id = DocumentQuery()
    # open ones by id: zaha, port, election
    assert store.next_open_after(dataset.id, by_id, news["maersk"]) == news["zaha"]
    assert store.next_open_after(dataset.id, by_id, news["zaha"]) == news["port"]
    assert store.next_open_after(dataset.id, by_id, news["port"]) == news["election"]
    assert store.next_open_after(dataset.id, by_id, news["election"]) == news["zaha"]
    assert store.next_open_after(dataset.id, by_id, news["ceasefire"]) == news["zaha"]
    by_title = DocumentQuery(sort="title")
    # open ones by title: port, zaha, election
    assert store.next_open_after(dataset.id, by_title, news["maersk"]) == news["port"]
    assert store.next_open_after(dataset.id, by_title, news["zaha"]) == news["election"]
    assert store.next_open_after(dataset.id, by_title, news["election"]) == news["port"]
    backwards = DocumentQuery(sort="title", descending=True)
    assert store.next_open_after(dataset.id, backwards, news["maersk"]) == news["election"]


def test_next_open_after_marking_the_current_one_done(
    store: Store, dataset: Dataset, news: dict[str, int]
) -> None:
    query = DocumentQuery(statuses=OPEN)
    port = store.get_document(news["port"])
    store.apply(port, SetStatus(Status.IN_PROGRESS, Status.DONE))
    # the document left the query, yet its place in the order still counts
    assert store.position_of(dataset.id, query, news["port"]) is None
    assert store.next_open_after(dataset.id, query, news["port"]) == news["election"]


def test_next_open_keeps_the_other_filters(
    store: Store, dataset: Dataset, news: dict[str, int]
) -> None:
    gpe = DocumentQuery(label="GPE")
    assert store.next_open_after(dataset.id, gpe, news["zaha"]) == news["port"]
    assert store.next_open_after(dataset.id, gpe, news["port"]) == news["zaha"]
    done_only = DocumentQuery(statuses=frozenset({Status.DONE}))
    assert store.next_open_after(dataset.id, done_only, news["maersk"]) is None
    alone = DocumentQuery(text="museum")
    assert store.next_open_after(dataset.id, alone, news["zaha"]) is None
    assert store.next_open_after(dataset.id, alone, news["maersk"]) == news["zaha"]
    assert store.next_open_after(dataset.id, DocumentQuery(), 999_999) == news["zaha"]


def test_progress(store: Store, dataset: Dataset, news: dict[str, int]) -> None:
    assert store.progress(dataset.id) == (1, 6)
    store.apply(store.get_document(news["zaha"]), SetStatus(Status.NEW, Status.DONE))
    assert store.progress(dataset.id) == (2, 6)
    empty = store.create_dataset("empty")
    assert store.progress(empty.id) == (0, 0)


def test_summaries_of_keeps_the_order_given_and_drops_unknown_ids(
    store: Store, dataset: Dataset
) -> None:
    added = add(store, dataset, *(doc(f"Article {n}\nbody") for n in range(1200)))
    wanted = [*added[::-1], 999_999]
    summaries = store.summaries_of(wanted)
    assert [s.id for s in summaries] == added[::-1]
    assert summaries[0].title == "Article 1199"
    assert store.summaries_of([]) == []
