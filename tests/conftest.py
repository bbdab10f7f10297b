"""Shared fixtures. Qt runs offscreen; every test gets its own store file."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")  # before any QApplication exists

import itertools
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from annotator.cli import main
from annotator.store import Store
from annotator.store.db import UNKNOWN_OWNER
from tests.postgres_server import REQUIRE as REQUIRE_POSTGRES
from tests.postgres_server import PostgresServer, server_binaries

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
    # Commands act as the annotator a store opened without a name acts as, so a test can
    # fill a store directly and read it back through a command. The tests of how a name
    # is found remove it (`no_annotator_in_environment`).
    monkeypatch.setenv("ANNOTATOR_NAME", UNKNOWN_OWNER)


@pytest.fixture
def no_annotator_in_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("ANNOTATOR_NAME", raising=False)


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "annotations.db"


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--backend",
        choices=("sqlite", "postgresql"),
        default="sqlite",
        help="where the `store` fixture keeps its data: an SQLite file (the default) or a "
        "fresh database on a PostgreSQL server the tests start",
    )


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Under `--backend postgresql`, tests of what only an SQLite file has are skipped."""
    if config.getoption("--backend") != "postgresql":
        return
    file_only = pytest.mark.skip(reason="about the SQLite file itself")
    for item in items:
        if "sqlite_only" in item.keywords:
            item.add_marker(file_only)


def _binaries_or_skip() -> Path:
    """PostgreSQL's server programs; a skip without them, a failure where CI needs them."""
    binaries = server_binaries()
    if binaries is None:
        if os.environ.get(REQUIRE_POSTGRES):
            pytest.fail("PostgreSQL's server binaries are missing (apt-get install postgresql)")
        pytest.skip("PostgreSQL's server binaries are not installed (apt-get install postgresql)")
    return binaries


@pytest.fixture(scope="session")
def postgres() -> Iterator[PostgresServer]:
    """A real PostgreSQL server for the session (tests/postgres_server.py)."""
    server = PostgresServer(_binaries_or_skip())
    try:
        server.start()
        yield server
    finally:
        server.stop()


_databases = itertools.count(1)


@pytest.fixture
def server_url(postgres: PostgresServer) -> str:
    """A new, empty database on the server, as a `postgresql://` URL."""
    name = f"store_{next(_databases)}"
    postgres.sql(f"CREATE DATABASE {name}")
    return postgres.url(name).replace("postgresql+psycopg://", "postgresql://")


@pytest.fixture
def store(request: pytest.FixtureRequest, db_path: Path) -> Iterator[Store]:
    where: Path | str = db_path
    if request.config.getoption("--backend") == "postgresql":
        where = request.getfixturevalue("server_url")
    with Store.open(where) as opened:
        yield opened


def save_rules_model(folder: Path, patterns: list[dict[str, str]], name: str = "rules") -> Path:
    """An entity-ruler pipeline saved to `folder`, standing in for a trained model.

    Loading it by path goes through the same resolution and loading code as any installed
    pipeline; its suggestions carry the source "en_<name>".
    """
    import spacy  # only the tests that need a pipeline pay for importing spaCy

    nlp = spacy.blank("en")
    nlp.add_pipe("entity_ruler").add_patterns(patterns)  # type: ignore[attr-defined]
    nlp.meta["name"] = name
    nlp.to_disk(folder)
    return folder


@pytest.fixture(scope="session")
def make_rules_model(
    tmp_path_factory: pytest.TempPathFactory,
) -> Callable[[list[dict[str, str]]], Path]:
    """`make_rules_model(patterns)`: a fresh rules pipeline folder for these patterns."""

    def make(patterns: list[dict[str, str]]) -> Path:
        return save_rules_model(tmp_path_factory.mktemp("models") / "rules", patterns)

    return make


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


def _own_server(*, durable: bool) -> Iterator[PostgresServer]:
    server = PostgresServer(_binaries_or_skip(), durable=durable)
    try:
        server.start()
        server.sql("CREATE DATABASE team")
        yield server
    finally:
        server.stop()


@pytest.fixture
def lone_postgres() -> Iterator[PostgresServer]:
    """A server of the test's own, which the test may pause (a restart, a lost network)."""
    yield from _own_server(durable=False)


@pytest.fixture
def durable_postgres() -> Iterator[PostgresServer]:
    """A server of the test's own with the server's own durability settings (a COMMIT is
    acknowledged once written to the log), which the test may crash and start again."""
    yield from _own_server(durable=True)
