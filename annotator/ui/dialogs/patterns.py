"""Model > Import Patterns…: a patterns.jsonl file becomes a suggestion source of the open
dataset (`services/patterns.py`, checked off the GUI thread: it asks spaCy's Matcher)."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QFileDialog, QMessageBox, QWidget

from annotator.services.patterns import PatternImport, import_patterns
from annotator.ui.controllers.jobs import run_with_progress
from annotator.ui.controllers.workflow import Workflow

MAX_LISTED = 12
TITLE = "Import Patterns"


def import_patterns_file(parent: QWidget, workflow: Workflow) -> PatternImport | None:
    """Ask for a patterns.jsonl file and add its patterns to the open dataset; labels it
    brings are added, as File > Import Articles adds them. The open article gets the
    patterns' suggestions at once, the others when they open."""
    dataset = workflow.dataset
    if dataset is None:
        QMessageBox.information(parent, TITLE, "Open a dataset first: patterns belong to one.")
        return None
    file, _ = QFileDialog.getOpenFileName(parent, TITLE, "", "Patterns (*.jsonl);;All files (*)")
    if not file:
        return None
    store, name, path = workflow.store, dataset.name, Path(file)
    outcome = run_with_progress(
        parent,
        "Importing patterns",
        lambda _progress: import_patterns(store, name, path, add_labels=True),
    )
    report = outcome.value
    if outcome.error is not None or report is None:
        QMessageBox.warning(parent, TITLE, outcome.error or "The import stopped.")
        return None
    if report.refused:
        QMessageBox.warning(parent, TITLE, _problems(report))
        return report
    workflow.refresh_dataset()
    workflow.analyse_open_document()
    QMessageBox.information(parent, TITLE, _summary(report, dataset.name))
    return report


def _problems(report: PatternImport) -> str:
    listed = "\n".join(str(problem) for problem in report.problems[:MAX_LISTED])
    more = len(report.problems) - MAX_LISTED
    if more > 0:
        listed += f"\n… and {more} more"
    return f"Nothing was imported: {len(report.problems)} problem(s) in the file.\n\n{listed}"


def _summary(report: PatternImport, name: str) -> str:
    if report.added:
        lines = [f"Imported {report.added} pattern(s) into {name}."]
    else:
        lines = [f"{name} has all {report.read} of these patterns already."]
    if report.new_labels:
        lines.append(f"New labels: {', '.join(report.new_labels)}.")
    for label, count in sorted(report.dropped.items()):
        lines.append(f"{count} pattern(s) of {label} suggest nothing: the mapping drops it.")
    if report.needs_pipeline:
        lines.append(
            f"{sum(report.needs_pipeline.values())} pattern(s) read "
            f"{', '.join(sorted(report.needs_pipeline))}, which annotator never computes: "
            "kept for the export, they suggest nothing here."
        )
    lines.append('Their suggestions show with the source "patterns" as articles open.')
    return "\n".join(lines)
