"""`annotator agreement`: the tables, the JSON and the one-line refusals.

The figures are those of tests/services/test_agreement.py, worked by hand there: first
with a stand-in for the store's `versions_for_agreement` (exact cases), then from a real
store where each annotator wrote and finished their own version.
"""

from __future__ import annotations

import json
from collections.abc import Collection, Iterator
from pathlib import Path

import pytest

from annotator.core.edits import AddSpan, SetStatus
from annotator.core.hashing import input_hash
from annotator.core.model import Document, Span, SpanState, Status
from annotator.core.tokens import Tokens
from annotator.services.agreement import FinishedDocument
from annotator.store import Store

TEXT = "Anna Berg met Omar in Lyon ."


def span(phrase: str, label: str) -> Span:
    start = TEXT.index(phrase)
    return Span(start, start + len(phrase), label, SpanState.MANUAL)


VERSIONS: dict[str, tuple[Span, ...]] = {
    "ann": (span("Anna Berg", "PER"), span("Omar", "PER"), span("Lyon", "LOC")),
    "bob": (span("Anna Berg", "PER"), span("Lyon", "ORG")),
}


@pytest.fixture
def versions(monkeypatch: pytest.MonkeyPatch) -> dict[str, tuple[Span, ...]]:
    """The store's finished versions of dataset 'news': one document, as given here."""
    given = dict(VERSIONS)

    def versions_for_agreement(
        store: Store, dataset_id: int, annotators: Collection[str] | None = None
    ) -> Iterator[FinishedDocument]:
        kept = {n: s for n, s in given.items() if annotators is None or n in annotators}
        if kept:
            yield TEXT, None, kept

    monkeypatch.setattr(Store, "versions_for_agreement", versions_for_agreement, raising=False)
    return given


@pytest.fixture
def news(cli, db_path: Path) -> Path:
    assert cli("datasets", "create", "news", "--db", db_path).code == 0
    return db_path


def test_the_tables_show_each_pair_overall_and_per_label(cli, news: Path, versions) -> None:
    result = cli("agreement", "--dataset", "news", "--db", news)
    assert result.code == 0, result.err
    lines = [line.split() for line in result.out.splitlines()]
    assert "Agreement in dataset 'news': 2 annotators (ann, bob), 1 document(s)" in result.out
    # annotators, documents, tokens, spans, P, R, F1, kappa (17/31), alpha (68/120)
    assert ["ann", "/", "bob", "1", "7", "5", "0.500", "0.333", "0.400", "0.548", "0.567"] in lines
    assert ["all", "1", "7", "5", "0.500", "0.333", "0.400", "0.567"] in lines
    # label, pair, matched, first's, second's, P, R, F1: undefined figures are "-".
    assert ["LOC", "ann", "/", "bob", "0", "1", "0", "-", "0.000", "0.000"] in lines
    assert ["ORG", "all", "0", "0", "1", "0.000", "-", "0.000"] in lines
    assert ["PER", "ann", "/", "bob", "1", "2", "1", "1.000", "0.500", "0.667"] in lines


def test_annotators_choose_the_reference(cli, news: Path, versions) -> None:
    result = cli("agreement", "-d", "news", "--annotators", "bob, ann", "--db", news)
    assert result.code == 0, result.err
    assert "bob / ann    1           7        5       0.333" in result.out


def test_json_holds_the_same_figures_with_null_for_undefined(cli, news: Path, versions) -> None:
    result = cli("agreement", "-d", "news", "--json", "--db", news)
    assert result.code == 0, result.err
    data = json.loads(result.out)
    assert (data["dataset"], data["annotators"]) == ("news", ["ann", "bob"])
    [pair] = data["pairs"]
    assert (pair["reference"], pair["other"], pair["documents"], pair["tokens"]) == (
        "ann",
        "bob",
        1,
        7,
    )
    assert pair["spans"] == {
        "matched": 1,
        "reference": 3,
        "other": 2,
        "precision": 0.5,
        "recall": pytest.approx(1 / 3),
        "f1": 0.4,
    }
    assert (pair["kappa"], pair["alpha"]) == (pytest.approx(17 / 31), pytest.approx(68 / 120))
    assert pair["labels"]["LOC"]["precision"] is None
    overall = data["overall"]
    assert (overall["documents"], overall["spans_compared"]) == (1, 5)
    assert overall["alpha"] == pytest.approx(68 / 120)
    assert overall["labels"]["ORG"]["recall"] is None


def test_an_unknown_annotator_gets_one_line_naming_who_is_there(cli, news: Path, versions) -> None:
    result = cli("agreement", "-d", "news", "--annotators", "ann,carol", "--db", news)
    assert result.code == 1
    assert result.out == ""
    assert result.err.strip() == (
        "\u2718 annotator 'carol' marked no document of dataset 'news' done; "
        "those who did: ann, bob"
    )


def test_one_annotator_is_not_an_agreement(cli, news: Path, versions) -> None:
    del versions["bob"]
    result = cli("agreement", "-d", "news", "--db", news)
    assert result.code == 1
    assert result.err.strip() == (
        "\u2718 agreement needs two annotators who marked the same documents done; "
        "found: ann (1 done)"
    )


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--annotators", "ann"), "--annotators needs at least two names, separated by commas"),
        (("-d", "sports"), "pick one with --dataset NAME"),
    ],
)
def test_bad_options_get_one_line(
    cli, news: Path, versions, args: tuple[str, ...], message: str
) -> None:
    result = cli("agreement", *args, "--db", news)
    assert result.code == 1
    assert message in result.err
    assert len(result.err.strip().splitlines()) == 1
    assert "Traceback" not in result.out + result.err


def test_tokens_stored_for_the_document_are_used(cli, news: Path, monkeypatch) -> None:
    """Stored tokens count as given: one token per word here, not spaCy's."""
    words = Tokens.from_pairs([(0, 9), (10, 13), (14, 18), (19, 21), (22, 26), (27, 28)])

    def versions_for_agreement(
        store: Store, dataset_id: int, annotators: Collection[str] | None = None
    ) -> Iterator[FinishedDocument]:
        yield TEXT, words, dict(VERSIONS)

    monkeypatch.setattr(Store, "versions_for_agreement", versions_for_agreement, raising=False)
    data = json.loads(cli("agreement", "-d", "news", "--json", "--db", news).out)
    assert data["pairs"][0]["tokens"] == 6


# -- a real store: each annotator's version written as the window writes it ---------------

KYIV = "Kyiv hosted the talks ."


def annotate(db_path: Path, annotator: str, text: str, spans: list[Span], status: Status) -> None:
    """`annotator` opens the document, adds `spans` one edit each and sets its status."""
    with Store.open(db_path, annotator=annotator) as store:
        dataset = store.get_dataset("news")
        [document] = [
            store.get_document(i)
            for i in store.document_ids(dataset.id)
            if store.get_document(i).text == text
        ]
        for added in spans:
            document = store.apply(document, AddSpan(added))
        store.apply(document, SetStatus(document.status, status))


@pytest.fixture
def two_versions(db_path: Path) -> Path:
    """ann and bob finished the Lyon article (as above); cy is still on it; only ann
    finished the Kyiv one."""
    with Store.open(db_path, annotator="lead") as store:
        dataset = store.create_dataset("news")
        store.add_documents(
            dataset.id,
            [(Document(0, dataset.id, t, input_hash=input_hash(t)), None) for t in (TEXT, KYIV)],
        )
    done, in_progress = Status.DONE, Status.IN_PROGRESS
    annotate(db_path, "ann", TEXT, list(VERSIONS["ann"]), done)
    annotate(db_path, "bob", TEXT, list(VERSIONS["bob"]), done)
    annotate(db_path, "cy", TEXT, [span("Omar", "PER")], in_progress)
    annotate(db_path, "ann", KYIV, [Span(0, 4, "LOC")], done)
    annotate(db_path, "bob", KYIV, [Span(0, 4, "GPE")], in_progress)
    return db_path


def test_a_real_store_gives_the_figures_worked_by_hand(cli, two_versions: Path) -> None:
    result = cli("agreement", "--dataset", "news", "--db", two_versions)
    assert result.code == 0, result.err
    assert "2 annotators (ann, bob), 1 document(s)" in result.out
    lines = [line.split() for line in result.out.splitlines()]
    assert ["ann", "/", "bob", "1", "7", "5", "0.500", "0.333", "0.400", "0.548", "0.567"] in lines
    data = json.loads(cli("agreement", "-d", "news", "--json", "--db", two_versions).out)
    assert data["pairs"][0]["kappa"] == pytest.approx(17 / 31)
    assert data["overall"]["alpha"] == pytest.approx(68 / 120)
    with Store.open(two_versions, annotator="ann") as store:  # measuring only read it
        ids = store.document_ids(store.get_dataset("news").id)
        assert [store.get_tokens(i) for i in ids] == [None, None]


def test_a_real_store_names_who_finished_documents(cli, two_versions: Path) -> None:
    result = cli("agreement", "-d", "news", "--annotators", "ann,cy", "--db", two_versions)
    assert result.code == 1
    assert result.err.strip() == (
        "\u2718 annotator 'cy' marked no document of dataset 'news' done; those who did: ann, bob"
    )
