"""Shared fixtures. Qt runs offscreen; every test gets its own store file."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")  # before any QApplication exists

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from annotator.cli import main
from annotator.store import Store

SHARED = Path(__file__).resolve().parents[2] / "shared"
EXTERNAL = SHARED / "data" / "external"


@pytest.fixture(autouse=True)
def _isolated_user_dirs(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    """No test may touch the real user's store, settings or logs."""
    home = tmp_path_factory.mktemp("home")
    for variable in ("XDG_DATA_HOME", "XDG_CONFIG_HOME", "XDG_STATE_HOME", "XDG_CACHE_HOME"):
        monkeypatch.setenv(variable, str(home / variable.lower()))
    monkeypatch.delenv("ANNOTATOR_DB", raising=False)


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "annotations.db"


@pytest.fixture
def store(db_path: Path):
    with Store.open(db_path) as opened:
        yield opened


@pytest.fixture
def external() -> Path:
    """The third-party acceptance files; tests using them skip when ../shared is absent."""
    if not EXTERNAL.is_dir():
        pytest.skip("../shared/data/external is not available")
    return EXTERNAL


@dataclass
class CliResult:
    code: int
    out: str
    err: str


@pytest.fixture
def cli(capsys: pytest.CaptureFixture[str]) -> Callable[..., CliResult]:
    """Run `annotator ARGS...` in-process, the way the console script does."""

    def run(*args: str | Path) -> CliResult:
        capsys.readouterr()
        try:
            main([str(a) for a in args])
        except SystemExit as stop:
            code = stop.code if isinstance(stop.code, int) else (0 if stop.code is None else 1)
        else:
            code = 0
        captured = capsys.readouterr()
        return CliResult(code, captured.out, captured.err)

    return run
