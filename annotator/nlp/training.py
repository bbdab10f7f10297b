"""Training an NER pipeline with spaCy's own machinery.

The config is spaCy's generated one (`init_config`, CPU, efficiency: tok2vec + ner), or
for a base pipeline the same with the base's `ner` (and whatever it listens to) sourced
from it; `init_nlp` builds and initializes the pipeline and `spacy.training.loop.train`
runs spaCy's loop, saving `model-best` at each better held-out score. Two registered
functions are this module's only hooks into the loop: a logger (the held-out F1 and the
loss at each evaluation) and a before-update callback (each step, and the time budget,
which spaCy has no setting for). Ctrl-C or the end of the budget keep `model-best`.
"""

from __future__ import annotations

import io
import itertools
import shutil
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

import spacy
import srsly
from spacy.cli.init_config import init_config
from spacy.language import Language
from spacy.training.initialize import init_nlp
from spacy.training.loop import DIR_MODEL_BEST, train
from spacy.util import load_config, registry
from thinc.api import Config

from annotator.core.errors import AnnotatorError
from annotator.nlp.models import listened_to, pipeline_config

BLANK = "blank"
_names = itertools.count(1)


@dataclass(frozen=True, slots=True)
class TrainingSettings:
    lang: str
    base: str = BLANK  # "blank", or a pipeline (package or folder) whose ner is fine-tuned
    max_steps: int = 20000  # spaCy's default
    max_seconds: float | None = None
    seed: int = 0
    name: str = "pipeline"  # the pipeline's meta name: suggestions' source is "LANG_NAME"


@dataclass(frozen=True, slots=True)
class Step:
    """Where training is: the step, the NER loss and the held-out F1 of the last evaluation.

    `per_label` is set only on the step of an evaluation: each label's held-out F1 then.
    """

    step: int
    loss: float | None
    f1: float | None
    per_label: tuple[tuple[str, float], ...] | None = None


@dataclass(frozen=True, slots=True)
class Trained:
    """The best pipeline of a run (`model-best`), and how the run ended."""

    path: Path
    steps: int
    best_f1: float
    stopped: str = ""  # "", "interrupted" (Ctrl-C) or "time" (the budget ran out)
    # spaCy's scores of the best pipeline on the held-out documents (`ents_*`, as its
    # meta.json records them) and the labels of its ner
    performance: Mapping[str, Any] = field(default_factory=dict)
    labels: tuple[str, ...] = ()


class _TimeUp(Exception):
    """Raised from the before-update callback when the time budget is spent."""


def base_labels(base: str) -> tuple[str, ...]:
    """The entity labels of the base pipeline's `ner`; a clear error for a base that is
    not a pipeline."""
    nlp = load_base(base)
    if "ner" not in nlp.pipe_names:
        raise AnnotatorError(f"the base pipeline {base!r} has no 'ner' component to fine-tune")
    return tuple(nlp.get_pipe("ner").labels)  # type: ignore[attr-defined]


def base_lang(base: str) -> str:
    return str(_base_config(base)["nlp"]["lang"])


def load_base(base: str) -> Language:
    _base_config(base)
    try:
        return spacy.load(base)
    except Exception as error:  # a third-party pipeline can fail in any way; say which
        raise AnnotatorError(f"cannot load the base pipeline {base!r}: {error}") from None


def _base_config(base: str) -> dict[str, Any]:
    config = pipeline_config(base)
    if config is None:
        folder = Path(base).expanduser()
        if folder.exists():
            raise AnnotatorError(f"{base} is not a spaCy pipeline (no config.cfg in it)")
        raise AnnotatorError(
            f"no spaCy pipeline {base!r}: it is neither an installed package nor a folder"
        )
    return config


def training_config(settings: TrainingSettings, train_path: Path, dev_path: Path) -> Config:
    """spaCy's generated CPU config for `ner`, pointed at the two `.spacy` files."""
    config = init_config(lang=settings.lang, pipeline=["ner"], optimize="efficiency", gpu=False)
    config["paths"]["train"] = str(train_path)
    config["paths"]["dev"] = str(dev_path)
    config["system"]["seed"] = settings.seed
    training = config["training"]
    training["max_steps"] = settings.max_steps
    training["eval_frequency"] = max(1, min(200, settings.max_steps // 10))
    if settings.base != BLANK:
        _source_ner(config, settings.base)
    return config


def _source_ner(config: Config, base: str) -> None:
    """Take the base's `ner`, and the embedding layers it listens to, as they are."""
    base_config = _base_config(base)
    components = dict(base_config.get("components", {}))
    if "ner" not in components:
        raise AnnotatorError(f"the base pipeline {base!r} has no 'ner' component to fine-tune")
    pipeline = [name for name in listened_to(components["ner"]) if name in components]
    config["nlp"]["pipeline"] = [*pipeline, "ner"]
    config["components"] = {name: {"source": base} for name in config["nlp"]["pipeline"]}


def train_ner(
    settings: TrainingSettings,
    train_path: Path,
    dev_path: Path,
    work: Path,
    *,
    new_labels: tuple[str, ...] = (),
    on_step: Callable[[Step], None] = lambda step: None,
) -> Trained:
    """Train into `work` (spaCy's `model-best` and `model-last` go there) and return the
    best pipeline. `new_labels` are added to a base's `ner` before training."""
    config = training_config(settings, train_path, dev_path)
    run = _Run(settings, on_step)
    config["training"]["logger"] = {"@loggers": run.register_logger()}
    config["training"]["before_update"] = {"@callbacks": run.register_callback()}
    quiet = io.StringIO()
    work.mkdir(parents=True, exist_ok=True)
    try:
        nlp = init_nlp(config)
        if new_labels:
            ner = nlp.get_pipe("ner")
            for label in new_labels:
                ner.add_label(label)  # type: ignore[attr-defined]
        run.started = time.monotonic()
        train(nlp, work, stdout=quiet, stderr=quiet)
    except _TimeUp:
        run.stopped = "time"
    except KeyboardInterrupt:
        if not (work / DIR_MODEL_BEST).is_dir():
            raise
        run.stopped = "interrupted"
    best = work / DIR_MODEL_BEST
    if not best.is_dir():
        raise AnnotatorError("training stopped before its first evaluation: nothing to keep")
    _plain_training_section(best)
    meta = srsly.read_json(best / "meta.json")
    meta["name"] = settings.name
    srsly.write_json(best / "meta.json", meta)
    labels = tuple(meta.get("labels", {}).get("ner", ()))
    return Trained(best, run.step, run.best, run.stopped, meta.get("performance", {}), labels)


def _plain_training_section(folder: Path) -> None:
    """Put spaCy's own logger back in the saved config (the hooks live only in this run),
    so that `spacy train` accepts the folder's config as it is."""
    path = folder / "config.cfg"
    config = load_config(path, interpolate=False)
    config["training"]["logger"] = {"@loggers": "spacy.ConsoleLogger.v1", "progress_bar": False}
    config["training"]["before_update"] = None
    config.to_disk(path)


class _Run:
    """One training run's hooks, registered under names of their own."""

    def __init__(self, settings: TrainingSettings, on_step: Callable[[Step], None]) -> None:
        self._settings = settings
        self._on_step = on_step
        self.started = time.monotonic()
        self.step = 0
        self.loss: float | None = None
        self.f1: float | None = None
        self.best = 0.0
        self.stopped = ""

    def register_logger(self) -> str:
        name = f"annotator.training_logger.{next(_names)}"
        registry.loggers.register(name, func=lambda: self._setup_logger)
        return name

    def register_callback(self) -> str:
        name = f"annotator.before_update.{next(_names)}"
        registry.callbacks.register(name, func=lambda: self._before_update)
        return name

    def _setup_logger(
        self, _nlp: Language, _stdout: IO[str], _stderr: IO[str]
    ) -> tuple[Callable[[dict[str, Any] | None], None], Callable[[], None]]:
        return self._log_step, lambda: None

    def _log_step(self, info: dict[str, Any] | None) -> None:
        if info is None:
            return
        self.loss = float(info["losses"].get("ner", 0.0))
        self.f1 = float(info["score"] or 0.0)
        self.best = max(self.best, self.f1)
        self._on_step(Step(self.step, self.loss, self.f1, _per_label(info)))

    def _before_update(self, _nlp: Language, args: dict[str, Any]) -> None:
        self.step = int(args["step"])
        budget = self._settings.max_seconds
        if budget is not None and self.step > 0 and time.monotonic() - self.started > budget:
            raise _TimeUp
        self._on_step(Step(self.step, self.loss, self.f1))


def _per_label(info: dict[str, Any]) -> tuple[tuple[str, float], ...]:
    """Each label's held-out F1 from an evaluation's scores (spaCy's `ents_per_type`)."""
    per_type = (info.get("other_scores") or {}).get("ents_per_type") or {}
    return tuple(sorted((str(label), float(f["f"] or 0.0)) for label, f in per_type.items()))


def move_pipeline(source: Path, target: Path) -> None:
    """Move a finished pipeline folder to its place; `target` must not exist yet."""
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.move(str(source), str(target))
