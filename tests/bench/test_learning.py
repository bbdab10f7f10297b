"""The learning-curve benchmark end to end on a few fashion comments: a block whose
documents teach no label yet is refused training and goes on with the phrase memory;
the last block is trained by `annotator train` and by `spacy train`, and the lines carry
the keys the README and the suite read."""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path
from types import ModuleType

import pytest

BENCH = Path(__file__).resolve().parents[2] / "bench"
FASHION = "prodigy/projects__ner_fashion_brands__fashion_brands_eval.jsonl"
FINAL_KEYS = {
    "documents",
    "actions",
    "actions_memory_only",
    "final_f1",
    "spacy_train_f1",
    "train_seconds",
    "spacy_train_seconds",
}


def load_learning() -> ModuleType:
    if str(BENCH) not in sys.path:
        sys.path.insert(0, str(BENCH))
    spec = importlib.util.spec_from_file_location("learning", BENCH / "learning.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["learning"] = module  # dataclasses look their module up while it loads
    spec.loader.exec_module(module)
    return module


@pytest.mark.slow
def test_the_bench_prints_a_line_per_block_and_the_final_figures(
    external: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # The first 4 comments to annotate name no brand; the next 4 name one.
    load_learning().main(
        [str(external / FASHION), "--limit", "8", "--every", "4", "--max-steps", "2"]
    )
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    first, last, final = lines
    assert first["documents"] == 4 and first["f1"] is None
    assert "FASHION_BRAND" in first["refused"] and "has no example" in first["refused"]
    assert first["actions_per_document"] == first["memory_only_per_document"] == 0.0
    assert last["documents"] == 8 and last["suggested_by"] is None
    assert last["by_kind"] == {"add": 1}  # the brand drawn, the only action
    assert last["actions_per_document"] == last["memory_only_per_document"] == 0.25
    assert set(final) >= FINAL_KEYS
    assert final["documents"] == 8 and final["actions"] == final["actions_memory_only"] == 1
    assert last["f1"] == final["final_f1"] and 0 <= final["final_f1"] <= 1
    assert final["train_seconds"] > 0 and final["spacy_train_seconds"] > 0
    assert final["train_cpu_seconds"] > 0 and final["spacy_train_cpu_seconds"] > 0
    assert [len(runs) for runs in final["all_seconds"].values()] == [2, 2]
