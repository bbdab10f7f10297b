"""The layer rules of ARCHITECTURE.md: import-linter's contracts, and a plain AST check.

The AST check needs no import graph: it reads every module of the package and looks at
each import statement (including those inside functions and `importlib.import_module`
calls with a literal name), so it also catches imports that import-linter's cache missed.
"""

from __future__ import annotations

import ast
import os
import subprocess
import sys
import tomllib
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "annotator"

# Third-party package -> the only parts of annotator that may import it.
OWNERS: dict[str, tuple[str, ...]] = {
    # Not even the composition root: annotator.app leaves starting Qt to annotator.ui.shell.launch.
    "PySide6": ("annotator.ui",),
    "shiboken6": ("annotator.ui",),
    "spacy": ("annotator.nlp",),
    "thinc": ("annotator.nlp",),
    "sqlmodel": ("annotator.store",),
    "sqlalchemy": ("annotator.store",),
    "sqlite3": ("annotator.store",),
}


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def imported_names(source: str, module: str) -> Iterator[tuple[int, str]]:
    """(line, absolute module name) of every import in `source`."""
    package = module if module.count(".") == 0 else module.rsplit(".", 1)[0]
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                yield node.lineno, ".".join([*base, node.module or ""]).rstrip(".")
            else:
                yield node.lineno, node.module or ""
        elif (
            isinstance(node, ast.Call)
            and _call_name(node.func) in {"import_module", "__import__"}
            and node.args
            and isinstance(node.args[0], ast.Constant)
            and isinstance(node.args[0].value, str)
        ):
            yield node.lineno, node.args[0].value


def _call_name(func: ast.expr) -> str:
    if isinstance(func, ast.Name):
        return func.id
    if isinstance(func, ast.Attribute):
        return func.attr
    return ""


def violations(source: str, module: str) -> list[str]:
    found = []
    for line, name in imported_names(source, module):
        top = name.split(".")[0]
        owners = OWNERS.get(top)
        if owners is None:
            continue
        if not any(module == owner or module.startswith(owner + ".") for owner in owners):
            found.append(f"{module}:{line} imports {name} (only {', '.join(owners)} may)")
    return found


def package_modules() -> list[Path]:
    return sorted(PACKAGE.rglob("*.py"))


def test_the_package_has_modules_in_every_layer() -> None:
    names = {module_name(path) for path in package_modules()}
    for expected in ("annotator.core.model", "annotator.store.db", "annotator.nlp.tokenizer"):
        assert expected in names


def test_third_party_imports_stay_in_their_layer() -> None:
    found = [
        problem
        for path in package_modules()
        for problem in violations(path.read_text(encoding="utf-8"), module_name(path))
    ]
    assert found == []


def test_owners_do_import_what_they_own() -> None:
    """The check above sees real imports: the owning layers are caught using them."""
    seen = {
        name.split(".")[0]
        for path in package_modules()
        for _, name in imported_names(path.read_text(encoding="utf-8"), module_name(path))
    }
    assert {"spacy", "sqlalchemy", "sqlmodel", "sqlite3"} <= seen


@pytest.mark.parametrize(
    ("source", "module", "bad"),
    [
        ("import PySide6.QtGui", "annotator.core.text", True),
        ("from PySide6 import QtGui", "annotator.store.db", True),
        ("def f():\n    import spacy\n", "annotator.formats.readers.text", True),
        ("import importlib\nimportlib.import_module('sqlite3')", "annotator.cli.main", True),
        ("from sqlalchemy.orm import Session", "annotator.services.exporting", True),
        ("import thinc.api", "annotator.ui.view", True),
        ("import spacy", "annotator.nlpx", True),  # a look-alike name is not the owner
        ("import spacy", "annotator.nlp.tokenizer", False),
        ("from PySide6.QtWidgets import QWidget", "annotator.ui.window", False),
        ("import sqlite3", "annotator.store", False),
        ("from .db import open_engine", "annotator.store.repository", False),
        ("import json, re", "annotator.core.model", False),
    ],
)
def test_the_ast_check_flags_what_it_should(source: str, module: str, bad: bool) -> None:
    assert bool(violations(source, module)) is bad


def test_relative_imports_resolve_to_absolute_names() -> None:
    names = [name for _, name in imported_names("from ..core import model\n", "annotator.store.db")]
    assert names == ["annotator.core"]


# -- import-linter -------------------------------------------------------------------------


def contract_names() -> list[str]:
    settings = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    return [contract["name"] for contract in settings["tool"]["importlinter"]["contracts"]]


def test_import_linter_contracts_are_kept() -> None:
    names = contract_names()
    assert len(names) >= 5
    executable = Path(sys.executable).with_name("lint-imports")
    result = subprocess.run(
        [str(executable), "--no-cache"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        check=False,
    )
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert f"Contracts: {len(names)} kept, 0 broken." in output, output
    for name in names:
        assert f"{name} KEPT" in output, output
