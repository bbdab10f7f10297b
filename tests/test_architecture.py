"""The layer rules of ARCHITECTURE.md: import-linter's contracts, and a plain AST check.

The AST check needs no import graph: it reads every module of the package and looks at
each import statement (including those inside functions and `importlib.import_module`
calls with a literal name), so it also catches imports that import-linter's cache missed.
"""

from __future__ import annotations

import ast
import io
import os
import subprocess
import sys
import tokenize
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


# -- one way to talk SQL -------------------------------------------------------------------

# The only modules that reach the sqlite3 driver itself rather than SQLAlchemy Core: opening
# the file (pragmas, BEGIN IMMEDIATE, WAL, migrations), the online backup, the integrity
# checks, the salvage of a damaged file, and the few statements run on the cursor for a
# measured reason (store/fast_path.py). On a server, the database user, the team's roles
# and policies and the change notices' triggers (DDL with no Core form) are plain SQL too,
# and so is an edit sent in one round trip through psycopg's pipeline (server_edits.py).
DRIVER_MODULES = {
    "annotator.store.db",
    "annotator.store.backups",
    "annotator.store.integrity",
    "annotator.store.recovery",
    "annotator.store.fast_path",
    "annotator.store.server",
    "annotator.store.team_roles",
    "annotator.store.notices",
    "annotator.store.server_edits",
}
# The schema steps (Alembic revisions), as they were written against the driver before.
MIGRATIONS = "annotator.store.migrations."
DRIVER_NAMES = {
    "sqlite3",
    "exec_driver_sql",
    "driver_connection",
    "dbapi_connection",
    "raw_connection",
}


def driver_uses(source: str) -> list[tuple[int, str]]:
    """(line, name) of every driver name in the code itself, not in strings or comments."""
    return [
        (token.start[0], token.string)
        for token in tokenize.generate_tokens(io.StringIO(source).readline)
        if token.type == tokenize.NAME and token.string in DRIVER_NAMES
    ]


def test_only_the_sqlite_modules_reach_the_driver() -> None:
    found = [
        f"{module_name(path)}:{line} uses {name}"
        for path in package_modules()
        if module_name(path) not in DRIVER_MODULES and not module_name(path).startswith(MIGRATIONS)
        for line, name in driver_uses(path.read_text(encoding="utf-8"))
    ]
    assert found == []


def test_the_driver_modules_are_there_and_use_the_driver() -> None:
    """The list above names real modules that need it: a stale entry fails here."""
    for module in sorted(DRIVER_MODULES):
        path = ROOT.joinpath(*module.split(".")).with_suffix(".py")
        assert driver_uses(path.read_text(encoding="utf-8")), module


@pytest.mark.parametrize(
    ("source", "used"),
    [
        ("conn.exec_driver_sql('PRAGMA user_version')", True),
        ("raw = conn.connection.driver_connection", True),
        ("raw = engine.raw_connection()", True),
        ("import sqlite3", True),
        ("from sqlite3 import IntegrityError", True),
        ('"""Core statements; the sqlite3 driver only in fast_path."""', False),
        ("x = 1  # not exec_driver_sql", False),
        ("conn.execute(select(DOCUMENT.c.id))", False),
    ],
)
def test_the_driver_check_flags_what_it_should(source: str, used: bool) -> None:
    assert bool(driver_uses(source)) is used


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


# -- the window: one wiring module, one owner of what is current -----------------------

UI = PACKAGE / "ui"
# A worker thread's own plumbing (its requests and results across the thread boundary)
# is connected where the thread is made, and a child process's output where the process
# is started, and a poll's timer where it is made; everything between parts is wiring.
OWN_PLUMBING = {
    UI / "controllers" / "nlp_worker.py",
    UI / "controllers" / "jobs.py",
    UI / "controllers" / "training.py",
    UI / "controllers" / "live.py",
}
# What only the view state holds: no controller and not the window keeps its own copy.
STATE_NAMES = {"_current", "_selection", "_show_rejected", "_list_query", "_dataset", "_document"}


def connections(path: Path) -> list[int]:
    """The lines of `path` that call `<signal>.connect(...)`."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return [
        node.lineno
        for node in ast.walk(tree)
        if isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr == "connect"
    ]


def assigned_attributes(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return {
        target.attr
        for node in ast.walk(tree)
        if isinstance(node, ast.Assign | ast.AnnAssign)
        for target in (node.targets if isinstance(node, ast.Assign) else [node.target])
        if isinstance(target, ast.Attribute)
        and isinstance(target.value, ast.Name)
        and target.value.id == "self"
    }


def test_controllers_the_state_and_the_window_connect_nothing() -> None:
    """Parts are connected in `ui/shell/wiring.py` only, so the order of every route of
    an edit is written in one place."""
    modules = [
        *sorted((UI / "controllers").glob("*.py")),
        *sorted((UI / "state").glob("*.py")),
        UI / "shell" / "main_window.py",
        ROOT / "annotator" / "app.py",
    ]
    found = {
        str(path.relative_to(ROOT)): lines
        for path in modules
        if path not in OWN_PLUMBING and (lines := connections(path))
    }
    assert found == {}
    assert connections(UI / "shell" / "wiring.py")


def test_only_the_view_state_holds_what_is_current() -> None:
    modules = [*sorted((UI / "controllers").glob("*.py")), UI / "shell" / "main_window.py"]
    held = {
        str(path.relative_to(ROOT)): names
        for path in modules
        if (names := assigned_attributes(path) & STATE_NAMES)
    }
    assert held == {}
    assert assigned_attributes(UI / "state" / "view_state.py") >= STATE_NAMES


def test_every_package_of_the_window_is_under_the_layers_contract() -> None:
    """A new feature package of `ui/` is kept from importing the others only once it is
    named in the contract: this fails until it is."""
    settings = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    contract = next(
        contract
        for contract in settings["tool"]["importlinter"]["contracts"]
        if contract["type"] == "layers" and contract["layers"][0] == "annotator.ui.shell"
    )
    named = {name.strip() for layer in contract["layers"] for name in layer.split("|")}
    packages = {f"annotator.ui.{path.parent.name}" for path in UI.glob("*/__init__.py")}
    assert packages - named == set()
