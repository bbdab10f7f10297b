"""The trained versions a store records for each dataset."""

from __future__ import annotations

import pytest

from annotator.core.errors import StoreError
from annotator.core.training import Figures, ModelVersion, Scores
from annotator.store import Store


def version(dataset_id: int, number: int, f: float) -> ModelVersion:
    return ModelVersion(
        dataset_id=dataset_id,
        number=number,
        path=f"/models/news/{number}",
        base="blank",
        created_at=float(number),
        seconds=3.0,
        scores=Scores(Figures(f, f, f), {"ORG": Figures(1.0, f, f)}, 4),
        train_documents=12,
        eval_documents=4,
    )


def test_versions_are_numbered_per_dataset_read_back_in_order_and_go_with_their_dataset(
    store: Store,
) -> None:
    news = store.create_dataset("news")
    other = store.create_dataset("other")
    store.add_model_version(version(news.id, 2, 0.5))
    store.add_model_version(version(news.id, 1, 0.25))
    assert [v.number for v in store.model_versions(news.id)] == [1, 2]
    assert store.model_versions(news.id)[1] == version(news.id, 2, 0.5)
    assert store.next_model_number(news.id) == 3
    assert store.next_model_number(other.id) == 1
    with pytest.raises(StoreError, match="already has a model version 2"):
        store.add_model_version(version(news.id, 2, 0.75))
    store.delete_dataset("news")
    assert store.model_versions(news.id) == []
