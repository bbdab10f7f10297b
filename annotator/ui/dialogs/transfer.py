"""File > Import Articles, File > Open the Sample Articles and File > Export."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QWidget,
)

from annotator.core.model import Status
from annotator.formats import table
from annotator.paths import resources_dir
from annotator.services.exporting import ExportOptions, ExportReport
from annotator.services.exporting import export_dataset as export_to_file
from annotator.services.importing import ImportOptions, ImportReport, import_paths
from annotator.ui.controllers.jobs import run_with_progress
from annotator.ui.controllers.workflow import Workflow
from annotator.ui.dialogs.datasets import create_with_preset

SAMPLES = "samples"
DEFAULT_DATASET = "articles"
MAX_LISTED = 12


def import_filter() -> str:
    """The Import dialog's filter, from the table of formats: every file an import reads,
    then each kind of file, then all files."""
    entries = [("Articles and annotations", table.named_suffixes())]
    entries += [(kind.name, list(kind.suffixes)) for kind in table.file_kinds()]
    listed = [
        f"{name} ({' '.join('*' + suffix for suffix in suffixes)})" for name, suffixes in entries
    ]
    return ";;".join([*listed, "All files (*)"])


def import_articles(parent: QWidget, workflow: Workflow) -> ImportReport | None:
    files, _ = QFileDialog.getOpenFileNames(parent, "Import Articles", "", import_filter())
    if not files:
        return None
    return import_into(parent, workflow, [Path(f) for f in files])


def import_into(
    parent: QWidget, workflow: Workflow, paths: list[Path], dataset: str | None = None
) -> ImportReport | None:
    """Import `paths` into `dataset` (default: the open one), asking before skipping bad
    records; the dataset opens afterwards."""
    name = dataset or (workflow.dataset.name if workflow.dataset else None)
    if name is None:
        name = DEFAULT_DATASET
        if workflow.store.find_dataset(name) is None:
            create_with_preset(workflow.store, name, "news")
    options = ImportOptions(add_labels=True)
    report = _import(parent, workflow, paths, name, options)
    if report is not None and report.refused:
        if not _ask_to_skip(parent, report):
            return report
        report = _import(
            parent, workflow, paths, name, ImportOptions(add_labels=True, skip_invalid=True)
        )
    if report is None:
        return None
    if workflow.dataset is not None and workflow.dataset.name == name:
        workflow.refresh_dataset()
    else:
        workflow.open_dataset(name)
    QMessageBox.information(parent, "Import", _summary(report, name))
    return report


def open_samples(parent: QWidget, workflow: Workflow) -> ImportReport | None:
    """The articles shipped with the app, in a dataset of their own with the news labels."""
    if workflow.store.find_dataset(SAMPLES) is None:
        create_with_preset(workflow.store, SAMPLES, "news")
    files = sorted((resources_dir() / "samples").glob("*.txt"))
    outcome = run_with_progress(
        parent,
        "Opening the samples",
        lambda progress: import_paths(
            workflow.store, files, SAMPLES, ImportOptions(), progress=progress
        ),
    )
    if outcome.error is not None:
        QMessageBox.warning(parent, "Samples", outcome.error)
        return None
    workflow.open_dataset(SAMPLES)
    return outcome.value


def _import(
    parent: QWidget, workflow: Workflow, paths: list[Path], name: str, options: ImportOptions
) -> ImportReport | None:
    outcome = run_with_progress(
        parent,
        "Importing",
        lambda progress: import_paths(workflow.store, paths, name, options, progress=progress),
    )
    if outcome.error is not None:
        QMessageBox.warning(parent, "Import", outcome.error)
        return None
    return outcome.value


def _ask_to_skip(parent: QWidget, report: ImportReport) -> bool:
    listed = "\n".join(str(problem) for problem in report.problems[:MAX_LISTED])
    more = len(report.problems) - MAX_LISTED
    if more > 0:
        listed += f"\n… and {more} more"
    answer = QMessageBox.question(
        parent,
        "Import",
        f"Nothing was imported: {len(report.problems)} problem(s) in the input.\n\n{listed}\n\n"
        "Import the valid records and skip these?",
    )
    return answer == QMessageBox.StandardButton.Yes


def _summary(report: ImportReport, name: str) -> str:
    lines = [f"Imported {report.added} document(s) into {name}."]
    if report.duplicates:
        lines.append(f"Skipped {report.duplicates} duplicate(s) (same text).")
    if report.problems:
        lines.append(f"Skipped {len(report.problems)} invalid record(s) or file(s).")
    if report.new_labels:
        lines.append(f"New labels: {', '.join(report.new_labels)}.")
    return "\n".join(lines)


class ExportDialog(QDialog):
    """Where, in which format, which documents, and whether open suggestions go too."""

    def __init__(self, dataset: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(f"Export {dataset}")
        self.path = QLineEdit(str(Path.home() / f"{dataset}.jsonl"))
        browse = QPushButton("Browse…")
        browse.clicked.connect(self._browse)
        where = QHBoxLayout()
        where.addWidget(self.path, 1)
        where.addWidget(browse)
        self.format = QComboBox()
        self._suffixes: dict[str, str] = {}
        for row in table.writable():
            self.format.addItem(row.title, row.name)
            self._suffixes[row.name] = row.suffixes[0]
        self.format.currentIndexChanged.connect(self._suffix_follows_format)
        self.statuses = QComboBox()
        # Item data holds plain strings: Qt turns a str enum into a QString anyway.
        self.statuses.addItem("Done", "done")
        self.statuses.addItem("Done and in progress", "done in_progress")
        self.statuses.addItem("All", "")
        self.suggestions = QCheckBox("Include open suggestions (as pre-annotations)")
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form = QFormLayout(self)
        form.addRow("File:", where)
        form.addRow("Format:", self.format)
        form.addRow("Articles:", self.statuses)
        form.addRow("", self.suggestions)
        form.addRow(buttons)
        self.resize(560, 0)

    def options(self) -> ExportOptions:
        statuses = str(self.statuses.currentData()).split()
        return ExportOptions(
            fmt=str(self.format.currentData()),
            statuses=frozenset(Status(value) for value in statuses) if statuses else None,
            include_suggestions=self.suggestions.isChecked(),
        )

    def _browse(self) -> None:
        chosen, _ = QFileDialog.getSaveFileName(self, "Export to", self.path.text())
        if chosen:
            self.path.setText(chosen)

    def _suffix_follows_format(self) -> None:
        suffix = self._suffixes[str(self.format.currentData())]
        self.path.setText(str(Path(self.path.text()).with_suffix(suffix)))


def export_dataset(parent: QWidget, workflow: Workflow) -> ExportReport | None:
    dataset = workflow.dataset
    if dataset is None:
        QMessageBox.information(parent, "Export", "Open a dataset first.")
        return None
    dialog = ExportDialog(dataset.name, parent)
    if dialog.exec() != QDialog.DialogCode.Accepted:
        return None
    out = Path(dialog.path.text()).expanduser()
    options = dialog.options()
    outcome = run_with_progress(
        parent,
        "Exporting",
        lambda progress: export_to_file(
            workflow.store, dataset.name, out, options, progress=progress
        ),
    )
    if outcome.error is not None or outcome.value is None:
        QMessageBox.warning(parent, "Export", outcome.error or "nothing was written")
        return None
    report = outcome.value
    QMessageBox.information(
        parent, "Export", f"Wrote {report.documents} document(s), {report.spans} span(s) to {out}."
    )
    return report
