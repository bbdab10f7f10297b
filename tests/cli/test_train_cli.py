"""`annotator train`, `evaluate` and `models` as a user types them, on a tiny dataset.

One training run serves the whole module (spaCy's loop on 20 short comments, a few dozen
steps); `evaluate` is checked against `python -m spacy evaluate` on the `.spacy` export.
"""

from __future__ import annotations

import contextlib
import io
import json
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
import spacy

from annotator.cli import main
from annotator.cli.progress import StepBar
from annotator.nlp.training import Step
from annotator.store import Store
from tests.conftest import CliResult

BRANDS = ["Gucci", "Prada", "Zara", "Uniqlo", "Levis", "Adidas", "Nike", "Chanel", "Dior"]
CITIES = ["Paris", "London", "Tokyo", "Berlin", "Madrid", "Rome"]
TEMPLATES = [
    "I bought a new jacket from {b} when I was in {c} last week.",
    "My sister says {b} shoes are worth it, even in {c}.",
    "Has anyone tried the {b} store in {c}? The jeans fit well.",
]
FRESH = [  # other sentences, other brands: for figures that are not all perfect
    "Everyone in Lisbon wears Moncler now.",
    "The Hermes scarf I got in Oslo was a gift.",
    "Paris has a Celine shop next to the station.",
    "Tokyo loves Gucci, they say.",
]


def comments(count: int) -> list[dict[str, object]]:
    records = []
    for i in range(count):
        brand, city = BRANDS[i % len(BRANDS)], CITIES[(i * 5 + i // 9) % len(CITIES)]
        records.append(labelled(TEMPLATES[i % len(TEMPLATES)].format(b=brand, c=city), brand, city))
    return records


def labelled(text: str, *names: str) -> dict[str, object]:
    spans = []
    for name in names:
        start = text.index(name)
        label = "GPE" if name in CITIES or name in ("Lisbon", "Oslo") else "BRAND"
        spans.append({"start": start, "end": start + len(name), "label": label})
    return {"text": text, "spans": spans, "answer": "accept"}


def run(*args: str | Path) -> CliResult:
    """`annotator ARGS...` in-process, its output captured (usable outside a test)."""
    out, err = io.StringIO(), io.StringIO()
    code = 0
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            main([str(a) for a in args])
        except SystemExit as stop:
            code = stop.code if isinstance(stop.code, int) else (0 if stop.code is None else 1)
    return CliResult(code, out.getvalue(), err.getvalue())


def write_jsonl(path: Path, records: list[dict[str, object]]) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    return path


@dataclass(frozen=True)
class Trained:
    db: Path
    home: Path
    models: Path
    result: CliResult


@pytest.fixture(scope="module")
def trained(tmp_path_factory: pytest.TempPathFactory) -> Trained:
    home = tmp_path_factory.mktemp("training")
    with pytest.MonkeyPatch.context() as patch:
        # Module-scoped: set up before the per-test isolation of conftest, so isolated here.
        for variable in ("XDG_CONFIG_HOME", "XDG_STATE_HOME", "XDG_CACHE_HOME"):
            patch.setenv(variable, str(home / variable.lower()))
        patch.setenv("XDG_DATA_HOME", str(home / "data"))
        patch.delenv("ANNOTATOR_DB", raising=False)
        patch.setenv("ANNOTATOR_NAME", "unknown")
        db = home / "annotations.db"
        data = write_jsonl(home / "comments.jsonl", comments(20))
        imported = run("import", data, "--db", db, "-d", "fashion", "--preset", "none")
        assert imported.code == 0, imported.err
        fresh = write_jsonl(home / "fresh.jsonl", [labelled(t, *names(t)) for t in FRESH])
        assert run("import", fresh, "--db", db, "-d", "fresh", "--preset", "none").code == 0
        result = run("train", "-d", "fashion", "--db", db, "--max-steps", "30")
    return Trained(db, home, home / "data" / "annotator" / "models" / "fashion", result)


def names(text: str) -> list[str]:
    known = set(CITIES) | {"Lisbon", "Oslo", "Moncler", "Hermes", "Celine", "Gucci"}
    return [word.strip(",.") for word in text.split() if word.strip(",.") in known]


def test_train_makes_version_1_with_its_held_out_figures_and_it_suggests(
    trained: Trained,
) -> None:
    assert trained.result.code == 0, trained.result.err
    out = trained.result.out
    assert "Trained version 1 of 'fashion'" in out and "16 documents" in out
    assert "BRAND" in out and "GPE" in out and "(all labels)" in out
    assert "Training" in trained.result.err  # the progress bar
    with Store.open(trained.db) as store:
        dataset = store.get_dataset("fashion")
        (version,) = store.model_versions(dataset.id)
        assert Path(version.path) == trained.models / "1"
        assert (version.train_documents, version.eval_documents) == (16, 4)
        assert version.base == "blank" and version.seconds > 0
        assert set(version.scores.per_label) == {"BRAND", "GPE"}
        assert version.scores.documents == 4
        # It beat the stock model on the same four documents, which knows no BRAND.
        assert "Version 1 suggests for 'fashion' now" in out
        assert dataset.model == version.path
    nlp = spacy.load(trained.models / "1")
    assert nlp.pipe_names == ["tok2vec", "ner"]
    assert set(nlp.get_pipe("ner").labels) == {"BRAND", "GPE"}  # type: ignore[attr-defined]
    assert not [p.name for p in trained.models.iterdir() if p.name != "1"]  # no leftovers


def test_models_lists_the_version_and_says_it_suggests(trained: Trained) -> None:
    shown = run("models", "-d", "fashion", "--db", trained.db)
    assert shown.code == 0, shown.err
    assert "1 *" in shown.out and "16/4" in shown.out and "blank" in shown.out
    assert "* suggests for 'fashion'" in shown.out
    data = json.loads(run("models", "-d", "fashion", "--db", trained.db, "--json").out)
    assert data["suggesting_version"] == 1
    (version,) = data["versions"]
    assert version["eval_documents"] == 4 and set(version["scores"]["per_label"]) == {
        "BRAND",
        "GPE",
    }
    other = run("models", "-d", "fresh", "--db", trained.db)
    assert "no trained versions yet" in other.out


def test_models_shows_how_sure_a_versions_suggestions_must_be(trained: Trained) -> None:
    """The least probability a version's suggestions need (recorded in its meta.json
    after training), in the table and in the JSON; none recorded: every one counts."""
    data = json.loads(run("models", "-d", "fashion", "--db", trained.db, "--json").out)
    meta_file = Path(data["versions"][0]["path"]) / "meta.json"
    original = meta_file.read_text(encoding="utf-8")
    try:
        for recorded, shown, given in ((0.7312, "0.73", 0.7312), (None, "-", None)):
            meta = json.loads(original)
            meta.pop("annotator_confidence", None)
            if recorded is not None:
                meta["annotator_confidence"] = recorded
            meta_file.write_text(json.dumps(meta), encoding="utf-8")
            table = run("models", "-d", "fashion", "--db", trained.db)
            assert "sure from" in table.out
            (row,) = [line for line in table.out.splitlines() if line.lstrip().startswith("1 *")]
            assert f" {shown} " in row, row
            listed = run("models", "-d", "fashion", "--db", trained.db, "--json").out
            assert json.loads(listed)["versions"][0]["confidence"] == given
    finally:
        meta_file.write_text(original, encoding="utf-8")


def spacy_evaluate(model: Path | str, data: Path, out: Path) -> dict[str, object]:
    subprocess.run(
        [sys.executable, "-m", "spacy", "evaluate", str(model), str(data), "--output", str(out)],
        check=True,
        capture_output=True,
    )
    return json.loads(out.read_text(encoding="utf-8"))  # type: ignore[no-any-return]


def same_figures(ours: dict[str, object], theirs: dict[str, object]) -> None:
    micro = ours["micro"]
    assert isinstance(micro, dict)
    assert [micro[k] for k in "prf"] == pytest.approx(
        [theirs["ents_p"], theirs["ents_r"], theirs["ents_f"]]
    )
    per_type = theirs["ents_per_type"]
    assert isinstance(per_type, dict)
    per_label = ours["per_label"]
    assert isinstance(per_label, dict) and set(per_label) == set(per_type)
    for label, figures in per_type.items():
        assert per_label[label] == pytest.approx(figures), label


def test_evaluate_equals_spacys_own_evaluate_on_the_spacy_export(
    trained: Trained, tmp_path: Path, make_rules_model: Callable[[list[dict[str, str]]], Path]
) -> None:
    exported = tmp_path / "fresh.spacy"
    assert run("export", exported, "-d", "fresh", "--db", trained.db, "--format", "spacy").code == 0
    version = json.loads(
        run(
            "evaluate", "-d", "fresh", "--db", trained.db, "--model", trained.models / "1", "--json"
        ).out
    )
    same_figures(version, spacy_evaluate(trained.models / "1", exported, tmp_path / "v.json"))
    # A rules pipeline that is right on one brand, wrong on a city, and misses the rest.
    rules = make_rules_model(
        [
            {"label": "BRAND", "pattern": "Moncler"},
            {"label": "BRAND", "pattern": "Paris"},
            {"label": "GPE", "pattern": "Oslo"},
        ]
    )
    found = run("evaluate", "-d", "fresh", "--db", trained.db, "--model", rules, "--json")
    assert found.code == 0, found.err
    figures = json.loads(found.out)
    assert figures["per_label"]["BRAND"] == {"p": 0.5, "r": 0.25, "f": pytest.approx(1 / 3)}
    same_figures(figures, spacy_evaluate(rules, exported, tmp_path / "r.json"))


def test_evaluate_takes_a_version_number_and_prints_a_table(trained: Trained) -> None:
    shown = run("evaluate", "-d", "fashion", "--db", trained.db, "--model", "1")
    assert shown.code == 0, shown.err
    assert "on the 20 done documents of 'fashion'" in shown.out
    assert "BRAND" in shown.out and "(all labels)" in shown.out
    missing = run("evaluate", "-d", "fashion", "--db", trained.db, "--model", "7")
    assert missing.code == 1
    assert "has no model version 7 (versions: 1)" in missing.err


@pytest.fixture
def fashion(cli, db_path: Path, tmp_path: Path) -> Path:
    """A store with the 20 comments done in 'fashion' (nothing trained)."""
    data = write_jsonl(tmp_path / "comments.jsonl", comments(20))
    assert cli("import", data, "--db", db_path, "-d", "fashion", "--preset", "none").code == 0
    return db_path


def refused(cli, db: Path, *args: str | Path) -> str:
    result = cli("train", "-d", "fashion", "--db", db, "--max-steps", "2", *args)
    assert result.code == 1
    lines = result.err.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in result.err, result.err
    with Store.open(db) as store:
        assert store.model_versions(store.get_dataset("fashion").id) == []
    return lines[0]


def test_bad_input_gets_one_line_and_trains_nothing(
    cli, fashion: Path, tmp_path: Path, make_rules_model
) -> None:
    empty = tmp_path / "empty"
    empty.mkdir()
    assert f"{empty} is not a spaCy pipeline (no config.cfg in it)" in refused(
        cli, fashion, "--base", empty
    )
    settings_only = tmp_path / "settings-only"  # a training config, no trained pipeline
    settings_only.mkdir()
    spacy.blank("en").config.to_disk(settings_only / "config.cfg")
    assert f"cannot load the base pipeline '{settings_only}'" in refused(
        cli, fashion, "--base", settings_only
    )
    german = tmp_path / "german"
    spacy.blank("de").to_disk(german)
    assert (
        f"the base pipeline '{german}' is for language 'de', but dataset 'fashion' is 'en'"
        in refused(cli, fashion, "--base", german)
    )
    assert "at least 2 done documents to train on and 2 held out" in refused(
        cli, fashion, "--eval-split", "0.05"
    )
    few = write_jsonl(tmp_path / "few.jsonl", comments(1))
    assert cli("import", few, "--db", fashion, "-d", "few", "--preset", "none").code == 0
    assert "there are 20 in 'fashion' and 1 in 'few'" in refused(
        cli, fashion, "--eval-dataset", "few"
    )
    assert cli("labels", "add", "EVENT", "-d", "fashion", "--db", fashion).code == 0
    assert "label EVENT of 'fashion' has no example in the 16 done documents" in refused(
        cli, fashion
    )


def test_the_trained_version_suggests_the_new_label_in_an_article_it_has_not_seen(
    trained: Trained, tmp_path: Path
) -> None:
    # A brand no document names: the phrase memory cannot know it, only the model can.
    text = "I bought a new jacket from Balenciaga when I was in Oslo last week."
    unseen = write_jsonl(tmp_path / "unseen.jsonl", [{"text": text}])
    assert run("import", unseen, "--db", trained.db, "-d", "fashion").code == 0
    suggested = run("suggest", "-d", "fashion", "--db", trained.db)
    assert suggested.code == 0, suggested.err
    with Store.open(trained.db) as store:
        dataset = store.get_dataset("fashion")
        (document,) = [d for d, _ in store.iter_documents(dataset.id) if d.text == text]
        found = {(document.covered_text(s), s.label, s.source) for s in document.spans}
    assert ("Balenciaga", "BRAND", "en_fashion_v1") in found


def test_ctrl_c_in_the_command_keeps_the_best_version_so_far(
    cli, fashion: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    shown = StepBar.update

    def update(bar: StepBar, step: Step) -> None:
        if step.step == 8:
            raise KeyboardInterrupt  # what Ctrl-C raises in the loop
        shown(bar, step)

    monkeypatch.setattr(StepBar, "update", update)
    result = cli("train", "-d", "fashion", "--db", fashion, "--max-steps", "40")
    assert result.code == 130
    assert "Stopped at step 8: kept the best version so far." in result.err
    assert "Trained version 1 of 'fashion'" in result.out
    with Store.open(fashion) as store:
        (version,) = store.model_versions(store.get_dataset("fashion").id)
    assert (Path(version.path) / "config.cfg").is_file()
