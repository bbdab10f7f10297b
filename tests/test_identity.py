"""Who is annotating: each source of the name wins over the next, bad names are refused."""

from __future__ import annotations

import json
import os
import pwd
import stat
from pathlib import Path
from typing import Any

import pytest

from annotator import identity
from annotator.app import window_arguments
from annotator.core.errors import AnnotatorNameError

pytestmark = pytest.mark.usefixtures("no_annotator_in_environment")


class _Entry:
    def __init__(self, gecos: str) -> None:
        self.pw_gecos = gecos


@pytest.fixture
def system(monkeypatch: pytest.MonkeyPatch) -> Any:
    """The system's answers: the passwd GECOS field and the login."""

    def set_system(gecos: str, login: str = "ada") -> None:
        monkeypatch.setattr(pwd, "getpwuid", lambda uid: _Entry(gecos))
        monkeypatch.setenv("LOGNAME", login)

    set_system("Ada Lovelace,Room 12,,")
    return set_system


def test_each_source_wins_over_the_next(system: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    assert identity.resolve() == identity.Annotator("Ada Lovelace", "system")
    identity.save_name("Ada L.")
    assert identity.resolve() == identity.Annotator("Ada L.", "saved")
    monkeypatch.setenv(identity.NAME_ENV, "Grace Hopper")
    assert identity.resolve() == identity.Annotator("Grace Hopper", "environment")
    assert identity.resolve("Katherine") == identity.Annotator("Katherine", "option")


def test_only_the_systems_guess_is_not_a_chosen_name(system: Any) -> None:
    assert not identity.resolve().chosen
    assert identity.resolve("Ada").chosen
    identity.save_name("Ada")
    assert identity.resolve().chosen


def test_the_login_stands_in_when_the_system_has_no_full_name(system: Any) -> None:
    system("", login="alovelace")
    assert identity.resolve().name == "alovelace"
    system("\tbroken\x07,", login="alovelace")  # a full name that is no name
    assert identity.resolve().name == "alovelace"


@pytest.mark.parametrize(
    ("name", "reason"),
    [
        ("Ada\nLovelace", "contains the character U+000A"),
        (" Ada", "cannot be empty or start or end with spaces"),
        ("", "cannot be empty"),
        ("A" * 101, "is longer than 100 characters"),
        ("Ada\u202eLovelace", "contains the character U+202E"),
    ],
)
def test_a_bad_name_is_refused_in_one_line_that_says_where_it_came_from(
    name: str, reason: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    with pytest.raises(AnnotatorNameError) as given:
        identity.resolve(name)
    assert str(given.value).startswith("--annotator: ") and reason in str(given.value)
    assert "\n" not in str(given.value).replace(repr(name), "")
    if name:  # an empty variable is the same as none
        monkeypatch.setenv(identity.NAME_ENV, name)
        with pytest.raises(AnnotatorNameError, match=f"^{identity.NAME_ENV}: "):
            identity.resolve()


def test_the_saved_name_is_private_and_a_broken_file_is_named(system: Any) -> None:
    identity.save_name("Ada Lovelace")
    path = identity.saved_path()
    assert json.loads(path.read_text(encoding="utf-8")) == {"name": "Ada Lovelace"}
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    path.write_text("not json", encoding="utf-8")
    with pytest.raises(AnnotatorNameError, match=f"^{path}: not a saved annotator name"):
        identity.resolve()
    path.write_text(json.dumps({"name": "Ada\tL"}), encoding="utf-8")
    with pytest.raises(AnnotatorNameError, match="U\\+0009"):
        identity.resolve()
    with pytest.raises(AnnotatorNameError):
        identity.save_name("Ada\tL")


def test_the_saved_name_lives_in_the_user_config_folder() -> None:
    config = Path(os.environ["XDG_CONFIG_HOME"])
    assert identity.saved_path() == config / "annotator" / "annotator.json"


@pytest.mark.parametrize(
    ("args", "wanted"),
    [
        ([], (None, None)),
        (["--db", "x.db"], (Path("x.db"), None)),
        (["--db=x.db"], (Path("x.db"), None)),
        (["--annotator", "Ada Lovelace"], (None, "Ada Lovelace")),
        (["--annotator=Ada"], (None, "Ada")),
        (["--db", "x.db", "--annotator", "Ada"], (Path("x.db"), "Ada")),
        (["--annotator", "Ada", "--db=x.db"], (Path("x.db"), "Ada")),
        (["import", "a.txt"], None),
        (["--annotator", "Ada", "import", "a.txt"], None),
        (["--db", "x.db", "stats"], None),
        (["--db"], None),
        (["--annotator"], None),
        (["--db", "x.db", "--db", "y.db"], None),
        (["--version"], None),
    ],
)
def test_the_window_opens_with_only_db_and_annotator(
    args: list[str], wanted: tuple[Path | None, str | None] | None
) -> None:
    assert window_arguments(args) == wanted
