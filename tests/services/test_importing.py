"""Importing files: what lands in the store, and that a refused import changes nothing."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from annotator.core.errors import InputError
from annotator.core.model import Status
from annotator.core.token_json import token_json_bytes
from annotator.services.importing import ImportOptions, expand_paths, import_paths
from annotator.store import Store


def dump(db: Path) -> list[str]:
    """Every row of the store, as SQL text: equal dumps mean an unchanged store."""
    with sqlite3.connect(db) as conn:
        return list(conn.iterdump())


def write(path: Path, data: str | bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(data, bytes):
        path.write_bytes(data)
    else:
        path.write_bytes(data.encode("utf-8"))
    return path


def texts(store: Store, dataset: str) -> list[str]:
    found = store.get_dataset(dataset)
    return [doc.text for doc, _ in store.iter_documents(found.id)]


def test_plain_text_keeps_title_and_normalises_line_ends(store: Store, tmp_path: Path) -> None:
    article = write(
        tmp_path / "a.txt", "\ufeffStorm hits Lisbon\r\n\r\nThe storm arrived at 6 am.\r\n"
    )
    report = import_paths(store, [article], "news")
    assert (report.added, report.problems) == (1, [])
    document = next(store.iter_documents(store.get_dataset("news").id))[0]
    assert document.text == "Storm hits Lisbon\n\nThe storm arrived at 6 am.\n"
    assert document.meta == {"file": "a.txt", "title": "Storm hits Lisbon"}
    assert document.status is Status.NEW


def test_a_folder_is_read_recursively_and_hidden_files_are_skipped(
    store: Store, tmp_path: Path
) -> None:
    write(tmp_path / "in" / "one.txt", "First article.")
    write(tmp_path / "in" / "sub" / "two.md", "Second article.")
    write(tmp_path / "in" / ".hidden" / "three.txt", "Not me.")
    write(tmp_path / "in" / "notes.csv", "not,an,article")
    report = import_paths(store, [tmp_path / "in"], "news")
    assert report.added == 2
    assert sorted(texts(store, "news")) == ["First article.", "Second article."]


def test_the_same_text_twice_is_counted_as_a_duplicate(store: Store, tmp_path: Path) -> None:
    first = write(tmp_path / "a.txt", "Same words.")
    second = write(tmp_path / "b.txt", "Same words.")
    report = import_paths(store, [first, second], "news")
    assert (report.added, report.duplicates) == (1, 1)
    again = import_paths(store, [first], "news")
    assert (again.added, again.duplicates) == (0, 1)
    assert texts(store, "news") == ["Same words."]


def test_same_text_in_two_datasets_is_not_a_duplicate(store: Store, tmp_path: Path) -> None:
    article = write(tmp_path / "a.txt", "Shared article.")
    import_paths(store, [article], "one")
    report = import_paths(store, [article], "two")
    assert report.added == 1


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"", "is empty"),
        (b"   \n\t\n", "is empty"),
        (b"caf\xe9 au lait", "not valid utf-8 (byte offset 3"),
        (b"\xff\xfeh\x00i\x00", "UTF-16"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "binary"),
    ],
)
def test_a_bad_file_refuses_the_whole_import(
    store: Store, db_path: Path, tmp_path: Path, data: bytes, reason: str
) -> None:
    good = write(tmp_path / "good.txt", "A fine article about Oslo.")
    bad = write(tmp_path / "bad.txt", data)
    before = dump(db_path)
    report = import_paths(store, [good, bad], "news")
    assert report.refused
    assert report.added == 0
    assert len(report.problems) == 1
    message = str(report.problems[0])
    assert message.startswith(str(bad))
    assert reason.lower() in message.lower()
    assert dump(db_path) == before
    assert store.find_dataset("news") is None


def test_skip_invalid_imports_the_good_files_and_lists_the_bad(
    store: Store, tmp_path: Path
) -> None:
    good = write(tmp_path / "good.txt", "A fine article about Oslo.")
    bad = write(tmp_path / "bad.txt", b"caf\xe9")
    report = import_paths(store, [good, bad], "news", ImportOptions(skip_invalid=True))
    assert not report.refused
    assert report.added == 1
    assert [p.path for p in report.problems] == [str(bad)]


def test_another_encoding_can_be_named(store: Store, tmp_path: Path) -> None:
    latin = write(tmp_path / "latin.txt", "Café in Zürich".encode("latin-1"))
    report = import_paths(store, [latin], "news", ImportOptions(encoding="latin-1"))
    assert report.added == 1
    assert texts(store, "news") == ["Café in Zürich"]


def test_a_missing_path_is_named(store: Store, tmp_path: Path) -> None:
    with pytest.raises(InputError, match="does not exist"):
        list(expand_paths([tmp_path / "nowhere.txt"]))


def test_a_folder_named_like_a_file_is_read_as_a_folder(store: Store, tmp_path: Path) -> None:
    write(tmp_path / "article.txt" / "inside.txt", "Inside a folder called article.txt.")
    report = import_paths(store, [tmp_path / "article.txt"], "news")
    assert report.added == 1


def test_skip_invalid_keeps_the_good_lines_of_a_file_with_bad_ones(
    store: Store, db_path: Path, tmp_path: Path
) -> None:
    lines = [
        '{"text": "Oslo is cold.", "spans": [{"start": 0, "end": 4, "label": "GPE"}]}',
        '{"text": "Truncated line',
        '{"text": "Lima is warm.", "spans": [{"start": 0, "end": 4, "label": "GPE"}],'
        ' "answer": "accept"}',
        '{"text": "Bad span.", "spans": [{"start": 5, "end": 2, "label": "GPE"}]}',
    ]
    path = write(tmp_path / "mixed.jsonl", "\n".join(lines) + "\n")
    before = dump(db_path)
    refused = import_paths(store, [path], "news")
    assert refused.refused
    assert [(p.line, p.reason.split(" (")[0]) for p in refused.problems] == [
        (2, "invalid JSON"),
        (4, "span 5-2 'GPE': the end comes before the start"),
    ]
    assert dump(db_path) == before

    report = import_paths(store, [path], "news", ImportOptions(skip_invalid=True))
    assert (report.added, len(report.problems)) == (2, 2)
    assert sorted(texts(store, "news")) == ["Lima is warm.", "Oslo is cold."]


def test_import_reports_its_stages(store: Store, tmp_path: Path) -> None:
    class Recorded:
        def __init__(self) -> None:
            self.stages: dict[str, list[int]] = {}
            self._current = ""

        def stage(self, name: str, total: int, unit: str) -> None:
            self._current = name
            self.stages[name] = [total, 0]

        def advance(self, count: int = 1) -> None:
            self.stages[self._current][1] += count

    lines = "\n".join(f'{{"text": "Report {n} from Accra."}}' for n in range(30))
    write(tmp_path / "many.jsonl", lines + "\n")
    write(tmp_path / "one.txt", "A single article.")
    progress = Recorded()
    import_paths(store, [tmp_path], "news", progress=progress)
    assert progress.stages == {"Checking": [2, 2], "Saving": [31, 31]}


def test_what_a_brat_file_holds_beyond_entities_is_reported(store: Store, tmp_path: Path) -> None:
    write(tmp_path / "doc.txt", "Sony bought Ericsson in Stockholm.\n")
    write(
        tmp_path / "doc.ann",
        "T1\tOrganization 0 4\tSony\n"
        "T2\tOrganization 12 20\tEricsson\n"
        "T3\tGPE 24 29;30 33\tStock holm\n"
        "R1\tAcquired Arg1:T1 Arg2:T2\t\n",
    )
    report = import_paths(store, [tmp_path / "doc.txt"], "news")
    assert report.added == 1
    assert dict(report.not_imported) == {"relation": 1, "discontinuous": 1}


def test_labels_an_import_creates_get_colours_and_hotkeys(store: Store, tmp_path: Path) -> None:
    record = '{"text": "Ada Lovelace met Babbage in London.", "spans": ['
    record += (
        '{"start": 0, "end": 12, "label": "PERSON"}, {"start": 29, "end": 35, "label": "GPE"}]}'
    )
    import_paths(store, [write(tmp_path / "a.jsonl", record + "\n")], "news")
    labels = store.get_dataset("news").labels
    assert [(label.name, label.hotkey) for label in labels] == [("PERSON", "1"), ("GPE", "2")]
    assert all(label.color.startswith("#") for label in labels)


def test_labelled_records_bring_their_own_labels_not_the_preset(
    store: Store, tmp_path: Path
) -> None:
    record = '{"text": "Ada met Babbage.", "spans": [{"start": 0, "end": 3, "label": "PER"}]}'
    report = import_paths(store, [write(tmp_path / "a.jsonl", record + "\n")], "gold")
    assert report.preset is None
    assert store.get_dataset("gold").label_names == ("PER",)


def test_a_symbolic_link_loop_in_a_folder_is_named_and_the_rest_imports(
    store: Store, tmp_path: Path
) -> None:
    write(tmp_path / "in" / "good.txt", "A fine article about Oslo.")
    (tmp_path / "in" / "a.txt").symlink_to("b.txt")
    (tmp_path / "in" / "b.txt").symlink_to("a.txt")
    refused = import_paths(store, [tmp_path / "in"], "news")
    assert [(Path(p.path).name, p.reason) for p in refused.problems] == [
        (name, "is a symbolic link that leads back to itself (a loop), not a file")
        for name in ("a.txt", "b.txt")
    ]
    report = import_paths(store, [tmp_path / "in"], "news", ImportOptions(skip_invalid=True))
    assert texts(store, "news") == ["A fine article about Oslo."]
    assert report.added == 1


def test_an_import_stopped_while_saving_leaves_no_empty_dataset(
    store: Store, db_path: Path, tmp_path: Path
) -> None:
    class StopWhileSaving:
        """Ctrl-C as the first document is being saved."""

        def stage(self, name: str, total: int, unit: str) -> None:
            self.saving = name == "Saving"

        def advance(self, count: int = 1) -> None:
            if self.saving:
                raise KeyboardInterrupt

    article = write(tmp_path / "a.txt", "A fine article about Oslo.")
    before = dump(db_path)
    with pytest.raises(KeyboardInterrupt):
        import_paths(store, [article], "news", progress=StopWhileSaving())
    assert store.find_dataset("news") is None
    assert dump(db_path) == before


def test_spans_checked_in_worker_processes_match_the_tokenizer(
    store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from annotator.nlp import Tokenizer, tokenizer

    monkeypatch.setattr(tokenizer, "IN_PROCESS_FIRST", 3)  # workers after three texts
    lines = []
    for n in range(40):
        text = f"Report {n}: Ada Lovelace met Babbage in London (U.K.) on Monday."
        start = text.index("Ada")
        spans = [{"start": start, "end": start + 12, "label": "PERSON"}]
        if n == 30:  # one span that cuts a word, found by a worker
            spans = [{"start": start, "end": start + 2, "label": "PERSON"}]
        lines.append(json.dumps({"text": text, "spans": spans, "answer": "accept"}))
    path = write(tmp_path / "wire.jsonl", "\n".join(lines) + "\n")
    refused = import_paths(store, [path], "news")
    assert [(p.line, p.reason.split(":")[0]) for p in refused.problems] == [
        (31, "span 11-13 'PERSON' 'Ad'")
    ]
    report = import_paths(store, [path], "news", ImportOptions(skip_invalid=True))
    assert report.added == 39
    spacy_tokens = Tokenizer("en")
    dataset = store.get_dataset("news")
    stored = store.stream_documents(dataset.id, with_tokens=True, with_token_json=True)
    for document, tokens, token_json in stored:
        assert tokens == spacy_tokens.tokens(document.text)
        assert token_json == token_json_bytes(document.text, tokens)  # made by the workers
        assert [span.label for span in document.spans] == ["PERSON"]


def test_what_is_saved_is_what_was_checked_even_if_the_file_changes(
    store: Store, tmp_path: Path
) -> None:
    path = write(tmp_path / "wire.jsonl", '{"text": "Oslo is cold."}\n')

    class Rewrite:
        def stage(self, name: str, total: int, unit: str) -> None:
            if name == "Saving":  # a record nobody checked, with a span outside its text
                path.write_text(
                    '{"text": "Lima.", "spans": [{"start": 9, "end": 12, "label": "X"}]}\n'
                )

        def advance(self, count: int = 1) -> None:
            pass

    report = import_paths(store, [path], "news", progress=Rewrite())
    assert report.added == 1
    assert texts(store, "news") == ["Oslo is cold."]


def test_a_program_without_a_main_guard_still_imports_spans(tmp_path: Path) -> None:
    """Worker processes re-run the program that started them; without the guard they fail
    to start, and the import tokenizes in its own process instead."""
    lines = [
        json.dumps(
            {
                "text": f"Story {n}: Ada met Grace.",
                "spans": [{"start": 8 + len(str(n)), "end": 11 + len(str(n)), "label": "PERSON"}],
                "answer": "accept",
            }
        )
        for n in range(12)
    ]
    source = write(tmp_path / "wire.jsonl", "\n".join(lines) + "\n")
    script = write(
        tmp_path / "unguarded.py",
        "import sys\n"
        "from pathlib import Path\n"
        "from annotator.nlp import tokenizer\n"
        "tokenizer.IN_PROCESS_FIRST = 2\n"
        "from annotator.services.importing import import_paths\n"
        "from annotator.store import Store\n"
        "with Store.open(Path(sys.argv[2])) as store:\n"
        "    print('added', import_paths(store, [Path(sys.argv[1])], 'news').added)\n",
    )
    done = subprocess.run(
        [sys.executable, str(script), str(source), str(tmp_path / "store.db")],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.stdout.strip().splitlines()[-1] == "added 12", done.stderr[-1500:]
