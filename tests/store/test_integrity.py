"""The store knows when its file is missing, damaged, replaced or moved away."""

from __future__ import annotations

from pathlib import Path

import pytest

from annotator.core.errors import StoreError
from annotator.store import Store

# -- a store that is not there --------------------------------------------------------------


def test_opening_without_create_refuses_a_missing_path_and_creates_nothing(
    tmp_path: Path,
) -> None:
    missing = tmp_path / "typo" / "anotations.db"
    with pytest.raises(StoreError, match=f"no store at {missing}"):
        Store.open(missing, create=False)
    assert not missing.exists()
    assert not missing.parent.exists()


def test_opening_without_create_refuses_an_empty_file_and_leaves_it_empty(
    db_path: Path,
) -> None:
    db_path.touch()
    with pytest.raises(StoreError, match="no store at"):
        Store.open(db_path, create=False)
    assert db_path.stat().st_size == 0


def test_opening_without_create_opens_an_existing_store(db_path: Path) -> None:
    with Store.open(db_path) as store:
        store.create_dataset("news")
    with Store.open(db_path, create=False) as store:
        assert [d.name for d in store.list_datasets()] == ["news"]
