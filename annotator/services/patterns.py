"""A dataset's patterns: importing a `patterns.jsonl` file, exporting it with the phrase
memory, listing and removing them.

An import checks the whole file first (JSON, "label" and "pattern", spaCy's `Matcher`
for token patterns, the dataset's labels) and writes nothing unless every line passes;
then it writes the patterns, and the labels they bring, in one transaction. The same
file imported twice adds nothing the second time.

A pattern's label maps onto the dataset's labels as a model's does: through the
dataset's mapping, else to the dataset label of that name. A label that maps to none is
refused, as an import refuses an unknown label: `add_labels` adds it (a dataset without
labels takes the patterns' own, as an import gives it those of its files). One the mapping
drops on purpose is kept, and suggests nothing while the mapping drops it.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from annotator.core.errors import InputError
from annotator.core.labels import new_label
from annotator.core.memory import PhraseMemory
from annotator.core.model import Dataset, Label
from annotator.core.patterns import Pattern, exported
from annotator.formats.destination import Target, open_output
from annotator.formats.patterns import read_patterns, write_patterns
from annotator.store import Store


@dataclass
class PatternImport:
    """What `import_patterns` found and did."""

    read: int = 0  # patterns in the file
    added: int = 0  # new to the dataset (0 when refused)
    new_labels: list[str] = field(default_factory=list)
    dropped: Counter[str] = field(default_factory=Counter)  # label the mapping drops -> patterns
    needs_pipeline: Counter[str] = field(default_factory=Counter)  # attribute -> patterns
    problems: list[InputError] = field(default_factory=list)

    @property
    def refused(self) -> bool:
        return bool(self.problems)


@dataclass(frozen=True, slots=True)
class PatternExport:
    """What `export_patterns` wrote."""

    lines: int  # lines written
    memory: int  # of them, the phrase memory's
    dropped: int  # patterns left out: the mapping drops their label


@dataclass(frozen=True, slots=True)
class PatternFile:
    """The patterns one file brought into a dataset."""

    file: str
    phrases: int
    token_patterns: int
    labels: tuple[str, ...]


def import_patterns(
    store: Store,
    dataset_name: str,
    path: Path,
    *,
    add_labels: bool = False,
    encoding: str = "utf-8",
) -> PatternImport:
    """Check every line of `path` and, when all pass, add its patterns to the dataset."""
    from annotator.nlp.patterns import needed_annotations, token_pattern_problem

    dataset = store.get_dataset(dataset_name)
    report = PatternImport()
    closed = bool(dataset.labels) and not add_labels
    new: dict[str, None] = {}
    patterns: list[Pattern] = []
    try:
        lines = list(read_patterns(path, encoding))
    except InputError as error:  # the file as a whole: missing, binary, not text...
        report.problems.append(error)
        return report
    for number, item in lines:
        if isinstance(item, InputError):
            report.problems.append(item)
            continue
        tokens = item.tokens
        if tokens is not None:
            problem = token_pattern_problem(tokens)
            if problem is not None:
                report.problems.append(InputError(path, number, problem))
                continue
            for attribute in needed_annotations(tokens):
                report.needs_pipeline[attribute] += 1
        if dataset.map_label(item.label) is None:
            if item.label in dataset.label_map:
                report.dropped[item.label] += 1
            elif closed:
                report.problems.append(InputError(path, number, _unknown(dataset, item.label)))
                continue
            else:
                new[item.label] = None
        patterns.append(item)
    report.read = len(patterns) + len(report.problems)
    if report.problems:
        report.needs_pipeline.clear()
        report.dropped.clear()
        return report
    if not patterns:
        report.problems.append(InputError(path, None, "holds no patterns"))
        return report
    labels = _new_labels(dataset.labels, new)
    report.added = store.add_patterns(dataset.id, patterns, file=path.name, new_labels=labels)
    report.new_labels = [label.name for label in labels]
    return report


def export_patterns(store: Store, dataset_name: str, out: Target) -> PatternExport:
    """Write the dataset's phrase memory (the store's annotator's) and its patterns to `out`
    as a `patterns.jsonl` file spaCy's `EntityRuler` loads, labels as the dataset names
    them. A file at `out` is replaced whole or left as it was."""
    dataset = store.get_dataset(dataset_name)
    memory = PhraseMemory.from_counts(store.phrase_counts(dataset.id))
    patterns = store.patterns(dataset.id)
    labels = {pattern.label: dataset.map_label(pattern.label) for pattern in patterns}
    lines, dropped = exported(patterns, memory, labels)
    with open_output(out, protected=store.files()) as handle:
        written = write_patterns(handle, lines)
    return PatternExport(written, len(memory), dropped)


def pattern_files(store: Store, dataset_name: str) -> list[PatternFile]:
    """The files the dataset's patterns came from, in the order first imported."""
    dataset = store.get_dataset(dataset_name)
    counts: dict[str, tuple[Counter[str], dict[str, None]]] = {}
    for file, pattern in store.patterns_by_file(dataset.id):
        kinds, labels = counts.setdefault(file, (Counter(), {}))
        kinds["phrase" if pattern.phrase is not None else "tokens"] += 1
        labels[pattern.label] = None
    return [
        PatternFile(file, kinds["phrase"], kinds["tokens"], tuple(labels))
        for file, (kinds, labels) in counts.items()
    ]


def remove_patterns(store: Store, dataset_name: str, file: str | None) -> int:
    """Remove the patterns `file` brought (all of them when None); how many went."""
    return store.remove_patterns(store.get_dataset(dataset_name).id, file)


def _unknown(dataset: Dataset, label: str) -> str:
    known = ", ".join(dataset.label_names) or "none"
    return (
        f"unknown label {label!r} (the dataset's labels: {known}); use --add-labels to add "
        f"it, or map it onto one with 'annotator labels map {label} LABEL'"
    )


def _new_labels(existing: tuple[Label, ...], names: dict[str, None]) -> list[Label]:
    added: list[Label] = []
    for name in names:
        added.append(new_label([*existing, *added], name))
    return added
