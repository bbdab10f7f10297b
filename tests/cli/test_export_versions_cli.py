"""`annotator export --version` and `--format prodigy-review`, read back by `import`."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from annotator.store import Store

# Astral characters before the spans: a UTF-16 or byte offset would land elsewhere.
FIRST = "😀 Ada Lovelace met Charles Babbage in London."
SECOND = "Grace Hopper 👩‍💻 worked for the Navy in Arlington."


def span(text: str, words: str, label: str, **more: Any) -> dict[str, Any]:
    start = text.index(words)
    return {"start": start, "end": start + len(words), "label": label, **more}


ARTICLES = [
    {"text": FIRST, "spans": [span(FIRST, "Ada Lovelace", "PERSON")]},
    {"text": SECOND, "spans": [span(SECOND, "Grace Hopper", "PERSON")]},
]
ADA = [
    {
        "text": FIRST,
        "spans": [span(FIRST, "Ada Lovelace", "PERSON"), span(FIRST, "Charles Babbage", "PERSON")],
        "answer": "accept",
        "_annotator_id": "ada",
    },
    {"text": SECOND, "spans": [span(SECOND, "Grace Hopper", "PERSON")], "answer": "reject"}
    | {"_annotator_id": "ada"},
]
BO = [
    {"text": FIRST, "spans": [span(FIRST, "Ada Lovelace", "PERSON")], "answer": "accept"}
    | {"_annotator_id": "bo"},
    {
        "text": SECOND,
        "spans": [span(SECOND, "Grace Hopper", "PERSON", answer="accept")],
        "answer": "accept",
        "_annotator_id": "bo",
    },
]
# A reviewer's settled version, as Prodigy's review interface saves it.
RITA = [
    {
        "text": FIRST,
        "spans": [
            span(FIRST, "Ada Lovelace", "PERSON"),
            span(FIRST, "Charles Babbage", "PERSON"),
            span(FIRST, "London", "GPE"),
        ],
        "answer": "accept",
        "_annotator_id": "rita",
        "_view_id": "review",
    }
]


def write_jsonl(path: Path, records: list[dict[str, Any]]) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    return path


def read_jsonl(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


@pytest.fixture
def team(cli, tmp_path: Path) -> Path:
    """The lead's articles, two annotators' versions of both and a reviewer's of one."""
    db = tmp_path / "team.db"
    for name, records in (("articles", ARTICLES), ("ada", ADA), ("bo", BO), ("rita", RITA)):
        source = write_jsonl(tmp_path / f"{name}.jsonl", records)
        result = cli("import", source, "-d", "news", "--add-labels", "--db", db)
        assert result.code == 0, result.err
    return db


def versions(db: Path) -> list[tuple[str, str | None, bool, str, list[tuple[Any, ...]]]]:
    """Every version in the store: text, annotator, reviewed, status, spans exactly."""
    with Store.open(db) as store:
        dataset = store.get_dataset("news")
        return sorted(
            (
                v.text,
                v.annotator,
                v.reviewed,
                v.status.value,
                [(s.start, s.end, s.label, s.state.value, v.covered_text(s)) for s in v.spans],
            )
            for document_id in store.document_ids(dataset.id)
            for v in store.versions_of(document_id)
        )


def test_all_versions_exported_then_imported_into_a_fresh_store_come_back_whole(
    cli, team: Path, tmp_path: Path
) -> None:
    out = tmp_path / "all.jsonl"
    result = cli("export", out, "--version", "all", "--status", "all", "-d", "news", "--db", team)
    assert result.code == 0, result.err
    assert "Exported 5 versions" in result.out
    lines = read_jsonl(out)
    assert [(t["_annotator_id"], t["_session_id"], t["_view_id"]) for t in lines] == [
        ("ada", "ada", "ner_manual"),
        ("bo", "bo", "ner_manual"),
        ("rita", "rita", "review"),
        ("ada", "ada", "ner_manual"),
        ("bo", "bo", "ner_manual"),
    ]
    fresh = tmp_path / "fresh.db"
    assert cli("import", out, "-d", "news", "--add-labels", "--db", fresh).code == 0
    expected = versions(team)
    assert len(expected) == 5
    assert versions(fresh) == expected
    assert ("Charles Babbage" in str(expected)) and ("London" in str(expected))


def test_reviewed_and_a_name_pick_versions_and_an_unknown_name_lists_the_annotators(
    cli, team: Path, tmp_path: Path
) -> None:
    out = tmp_path / "out.jsonl"
    args = ("-d", "news", "--db", team, "--status", "all")
    assert cli("export", out, "--version", "reviewed", *args).code == 0
    (settled,) = read_jsonl(out)
    assert [settled["text"][s["start"] : s["end"]] for s in settled["spans"]] == [
        "Ada Lovelace",
        "Charles Babbage",
        "London",
    ]
    assert cli("export", out, "--version", "bo", *args).code == 0
    assert [(t["_annotator_id"], t["answer"]) for t in read_jsonl(out)] == [
        ("bo", "accept"),
        ("bo", "accept"),
    ]
    refused = cli("export", tmp_path / "no.jsonl", "--version", "eve", *args)
    assert refused.code != 0
    assert "dataset 'news' has no version by 'eve'; its annotators: ada, bo" in refused.err
    assert "Traceback" not in refused.err and not (tmp_path / "no.jsonl").exists()


def test_prodigy_review_gives_each_document_its_versions_and_reads_back(
    cli, team: Path, tmp_path: Path
) -> None:
    out = tmp_path / "review.jsonl"
    result = cli(
        "export", out, "--format", "prodigy-review", "--status", "all", "-d", "news", "--db", team
    )
    assert result.code == 0, result.err
    assert "Exported 2 documents" in result.out
    first, second = read_jsonl(out)
    assert (first["_annotator_id"], first["_view_id"]) == ("rita", "review")
    assert first["sessions"] == ["ada", "bo"]
    assert [(v["sessions"], v["default"], len(v["spans"])) for v in first["versions"]] == [
        (["ada"], False, 2),
        (["bo"], False, 1),
    ]
    # Nobody settled the second: its top is the shared input, which neither version is.
    assert "_annotator_id" not in second and second["spans"] == []
    assert [(v["sessions"], v["answer"]) for v in second["versions"]] == [
        (["ada"], "reject"),
        (["bo"], "accept"),
    ]
    fresh = tmp_path / "fresh.db"
    assert cli("import", out, "-d", "news", "--add-labels", "--db", fresh).code == 0
    assert versions(fresh) == versions(team)


def test_versions_that_agree_are_one_entry_naming_both_the_default(cli, tmp_path: Path) -> None:
    """ada and bo made the same version, and the reviewer settled on it."""
    db = tmp_path / "agree.db"
    same = {"text": FIRST, "spans": [span(FIRST, "Ada Lovelace", "PERSON")], "answer": "accept"}
    made = [same | {"_annotator_id": name} for name in ("ada", "bo")]
    settled = same | {"_annotator_id": "rita", "_view_id": "review"}
    source = write_jsonl(tmp_path / "agree.jsonl", [*made, settled])
    assert cli("import", source, "-d", "news", "--add-labels", "--db", db).code == 0
    out = tmp_path / "review.jsonl"
    assert cli("export", out, "-f", "prodigy-review", "-d", "news", "--db", db).code == 0
    (line,) = read_jsonl(out)
    assert line["_annotator_id"] == "rita"
    assert [(v["sessions"], v["default"]) for v in line["versions"]] == [(["ada", "bo"], True)]
    args = ("-f", "prodigy-review", "--version", "all", "--db", db, "-d", "news")
    refused = cli("export", out, *args)
    assert refused.code != 0 and "does not apply" in refused.err


def test_prodigy_s_own_review_file_comes_back_in_its_shape(
    cli, external: Path, tmp_path: Path
) -> None:
    path = external / "prodigy" / "projects__spanruler_restaurant_reviews__test_review.jsonl"
    db = tmp_path / "review.db"
    assert cli("import", path, "-d", "food", "--add-labels", "--db", db).code == 0
    out = tmp_path / "out.jsonl"
    result = cli("export", out, "-f", "prodigy-review", "-d", "food", "--db", db, "--status", "all")
    assert result.code == 0, result.err

    # Prodigy's `default` marks the version it showed first, which is not always the one
    # settled on; ours marks the one equal to the top level. The rest is compared.
    def shape(task: dict[str, Any]) -> tuple[Any, ...]:
        def spans(item: dict[str, Any]) -> list[tuple[int, int, str]]:
            return [(s["start"], s["end"], s["label"]) for s in item.get("spans") or []]

        made = sorted((sorted(v["sessions"]), v["answer"], spans(v)) for v in task["versions"])
        return task["text"], task["_annotator_id"], task["answer"], spans(task), made

    original = sorted(shape(task) for task in read_jsonl(path))
    assert sorted(shape(task) for task in read_jsonl(out)) == original
