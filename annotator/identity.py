"""Who is annotating: the one rule that picks the name the store records on documents.

The first of these wins: `--annotator NAME` given to the command (or before it), the
`ANNOTATOR_NAME` variable, the name saved by the window, the user's full name from the
system (the first comma-separated part of the passwd GECOS field), the login. It is a
name, not a security boundary: anyone who can write the store can write any name.

The saved name is a small JSON file in the user config folder beside Qt's settings file,
not in the settings themselves: Qt keeps those in the registry on Windows and in a plist
on macOS, which the command line (never importing Qt) could not read. Both read this file
the same way.
"""

from __future__ import annotations

import contextlib
import getpass
import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import platformdirs

from annotator.core.errors import AnnotatorNameError
from annotator.core.model import annotator_name_problem
from annotator.paths import APP_NAME

NAME_ENV = "ANNOTATOR_NAME"
Source = Literal["option", "environment", "saved", "system"]


@dataclass(frozen=True, slots=True)
class Annotator:
    """The name to record (None: the system gives no usable one) and where it came from."""

    name: str | None
    source: Source

    @property
    def given(self) -> str | None:
        """The name if given for this run (`--annotator`, `ANNOTATOR_NAME`), else None: on
        a server the database user is the annotator unless a name is given."""
        return self.name if self.source in ("option", "environment") else None

    @property
    def chosen(self) -> bool:
        """Whether a person chose the name (option, variable, saved), rather than the
        system's guess the window asks to confirm at its first start."""
        return self.source != "system"


def resolve(given: str | None = None) -> Annotator:
    """The annotator by the rule above; a bad name raises `AnnotatorNameError`."""
    if given is not None:
        return Annotator(checked(given, "--annotator"), "option")
    from_env = os.environ.get(NAME_ENV)
    if from_env:
        return Annotator(checked(from_env, NAME_ENV), "environment")
    saved = saved_name()
    if saved is not None:
        return Annotator(saved, "saved")
    return Annotator(system_name(), "system")


def checked(name: str, origin: str) -> str:
    problem = annotator_name_problem(name)
    if problem is not None:
        raise AnnotatorNameError(f"{origin}: {problem}")
    return name


def saved_path() -> Path:
    return platformdirs.user_config_path(APP_NAME) / "annotator.json"


def saved_name() -> str | None:
    """The name the window saved, or None; a damaged or hand-broken file is refused."""
    path = saved_path()
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return None
    except (OSError, UnicodeDecodeError) as error:
        raise AnnotatorNameError(f"{path}: cannot read the saved name ({error})") from None
    try:
        name = json.loads(text).get("name")
    except (ValueError, AttributeError):
        name = None
    if not isinstance(name, str):
        raise AnnotatorNameError(
            f'{path}: not a saved annotator name (expected {{"name": "..."}}); '
            "delete it or choose the name again in the window"
        )
    return checked(name, str(path))


def save_name(name: str) -> None:
    """Keep `name` for the next start of the window and every command (owner-only file)."""
    path = saved_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(path.name + ".tmp")
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "w", encoding="utf-8") as file:
        json.dump({"name": checked(name, "annotator name")}, file, ensure_ascii=False)
        file.flush()
        os.fsync(file.fileno())
    temporary.replace(path)


def system_name() -> str | None:
    """The user's full name from the system, else the login; None if neither is a name."""
    candidates = [_full_name()]
    with contextlib.suppress(KeyError, OSError, ImportError):
        candidates.append(getpass.getuser())
    for candidate in candidates:
        if candidate and annotator_name_problem(candidate) is None:
            return candidate
    return None


def _full_name() -> str | None:
    try:
        import pwd
    except ImportError:  # Windows: no passwd database
        return None
    try:
        gecos = pwd.getpwuid(os.getuid()).pw_gecos
    except (KeyError, OSError):
        return None
    return gecos.split(",", 1)[0].strip() or None
