"""`annotator datasets`: names and languages a dataset may have."""

from __future__ import annotations

import json
from pathlib import Path

import pytest


def names(cli, db_path: Path) -> list[list[str]]:
    listing = cli("datasets", "--db", db_path).out.splitlines()
    return [line.split()[:2] for line in listing[2:] if line.strip() and line[0] != "-"]


@pytest.mark.parametrize("name", ["news\nwire", "news\x07", "\u202enews"])
def test_a_name_with_a_line_break_bell_or_bidi_mark_is_refused(
    cli, db_path: Path, name: str
) -> None:
    assert cli("datasets", "create", "news", "--db", db_path).code == 0
    created = cli("datasets", "create", name, "--db", db_path)
    renamed = cli("datasets", "rename", "news", name, "--db", db_path)
    for result in (created, renamed):
        assert result.code == 1
        assert f"dataset name {name!r} contains the character U+" in result.err
    assert names(cli, db_path) == [["news", "en"]]


def test_a_language_spacy_does_not_know_is_refused_where_it_is_given(
    cli, db_path: Path, tmp_path: Path
) -> None:
    """`--lang english` was stored, then every tokenizer (import, window, export) failed."""
    article = tmp_path / "a.txt"
    article.write_text("Rain fell on Accra.", encoding="utf-8")
    imported = cli("import", article, "-d", "wire", "--lang", "english", "--db", db_path)
    created = cli("datasets", "create", "news", "--lang", "english", "--db", db_path)
    for result in (imported, created):
        assert result.code == 1
        assert "spaCy has no language 'english'; did you mean 'en' (English)?" in result.err
    assert "No datasets" in cli("datasets", "--db", db_path).out


def test_set_lang_changes_the_language_export_then_uses(cli, db_path: Path, tmp_path: Path) -> None:
    article = tmp_path / "a.txt"
    article.write_text("Der Regen fiel auf Accra.", encoding="utf-8")
    assert cli("import", article, "-d", "wire", "--lang", "eng", "--db", db_path).code == 0
    assert names(cli, db_path) == [["wire", "en"]]  # spaCy's own code for "eng"
    refused = cli("datasets", "set-lang", "wire", "German", "--db", db_path)
    assert "did you mean 'de' (German)?" in refused.err
    changed = cli("datasets", "set-lang", "wire", "de", "--db", db_path)
    assert changed.code == 0, changed.err
    assert "Dataset 'wire' is in language de now (was en)" in changed.out
    assert names(cli, db_path) == [["wire", "de"]]
    out = tmp_path / "wire.spacy"
    exported = cli(
        "export", out, "-d", "wire", "--format", "spacy", "--status", "all", "--db", db_path
    )
    assert exported.code == 0, exported.err
    import spacy
    from spacy.tokens import DocBin

    (doc,) = DocBin().from_disk(out).get_docs(spacy.blank("de").vocab)
    assert doc.lang_ == "de"
    assert json.loads(cli("stats", "-d", "wire", "--json", "--db", db_path).out)["documents"]
