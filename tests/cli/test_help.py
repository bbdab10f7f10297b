"""`--help` reads like spaCy's: plain types, usage lines without doubled dots, every
argument explained, and the top level says how to open the window."""

from __future__ import annotations

import re

import pytest
import typer

from annotator.cli.main import app


def command_paths() -> list[tuple[str, ...]]:
    """Every command and sub-command, as typed after `annotator`."""
    found: list[tuple[str, ...]] = []

    def walk(command: object, path: tuple[str, ...]) -> None:
        found.append(path)
        for name, child in sorted(getattr(command, "commands", {}).items()):
            walk(child, (*path, name))

    walk(typer.main.get_command(app), ())
    return found


def test_the_top_level_help_says_a_bare_annotator_opens_the_window(cli) -> None:
    result = cli("--help")
    assert result.code == 0
    wanted = "'annotator' with no command (or with only --db PATH and --annotator NAME) opens"
    assert wanted + " the window" in " ".join(result.out.split())
    assert "documents" in result.out


def test_import_and_export_usage_name_what_the_text_names(cli) -> None:
    imported = cli("import", "--help").out
    assert "Usage: annotator import [OPTIONS] {PATH}..." in imported
    assert re.search(r"^  PATH <path>\.\.\.  Files or folders to import\.", imported, re.M)
    exported = cli("export", "--help").out
    assert "Usage: annotator export [OPTIONS] {OUT}" in exported
    assert re.search(r"^  -s, --status <str>\.\.\. ", exported, re.M)


@pytest.mark.parametrize("path", command_paths(), ids=" ".join)
def test_every_help_shows_plain_types_and_explains_each_argument(
    cli, path: tuple[str, ...]
) -> None:
    result = cli(*path, "--help")
    assert result.code == 0, result.err
    assert "list[" not in result.out  # `<path>...`, not `<list[Path]>`
    assert not re.search(r"\{[^}]*\.\.\.\}", result.out)  # not `{PATH...}...`
    arguments = (
        result.out.split("Arguments:\n", 1)[1].split("\n\n", 1)[0]
        if ("Arguments:\n" in result.out)
        else ""
    )
    for row in arguments.splitlines():
        if row.startswith("  ") and not row.startswith("   "):
            _, _, explained = row.strip().partition("  ")
            assert explained.strip() and not explained.strip().startswith("["), row
