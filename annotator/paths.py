"""Where the store and the bundled resources live."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import platformdirs

APP_NAME = "annotator"
DB_ENV = "ANNOTATOR_DB"


def default_store_path() -> Path:
    """`$ANNOTATOR_DB` if set, else `annotations.db` in the user's data directory."""
    override = os.environ.get(DB_ENV)
    if override:
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
