"""Where the store and the bundled resources live."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import platformdirs

APP_NAME = "annotator"
DB_ENV = "ANNOTATOR_DB"
# `--db`, ANNOTATOR_DB and the window take a file or a URL of a database on a PostgreSQL
# server (any case, with or without psycopg's driver name).
SERVER_SCHEMES = ("postgresql", "postgres", "postgresql+psycopg")


def is_server_url(text: str) -> bool:
    """Whether a store's location names a database on a server rather than a file."""
    scheme, separator, _ = text.partition("://")
    return bool(separator) and scheme.lower() in SERVER_SCHEMES


def default_store_path() -> Path:
    """`$ANNOTATOR_DB` if it names a file, else `annotations.db` in the user's data
    directory."""
    override = os.environ.get(DB_ENV)
    if override and not is_server_url(override):
        return Path(override).expanduser()
    return platformdirs.user_data_path(APP_NAME) / "annotations.db"


def resources_dir() -> Path:
    """The `resources/` folder: in a PyInstaller bundle, the wheel, or the checkout."""
    bundle = getattr(sys, "_MEIPASS", None)
    if bundle is not None:
        return Path(bundle) / "resources"
    installed = Path(__file__).parent / "resources"
    if installed.is_dir():
        return installed
    return Path(__file__).parent.parent / "resources"


def models_dir() -> Path:
    """Where `annotator train` keeps each dataset's versions: `models/DATASET/N/` in the
    user's data folder."""
    return platformdirs.user_data_path(APP_NAME) / "models"
