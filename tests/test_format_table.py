"""One row added to the table of formats, and nothing else, gives a format the command
line takes (`--format` of import and export), the services read and write (a folder
import picks up its files) and the Import and Export dialogs offer.

The row is added in a fresh interpreter before anything reads the table, as a format
module of the project would be."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.gui

# A toy format: one article per file (read as plain text), written one article per line.
TOY = """
from annotator.formats import table
from annotator.formats.readers import text
from annotator.formats.writers import LineWriter


class Writer(LineWriter):
    def lines(self, document, tokens, token_json, spans):
        return (document.text.replace("\\n", " ") + "\\n").encode("utf-8"), 0


ROW = table.Format(
    "toy",
    "Toy articles",
    (".toy",),
    table.Reading(text.read, table.FileKind("Toy files", (".toy",))),
    table.Writing("toy_format:Writer", tokens=False),
)
table.FORMATS = (*table.FORMATS, ROW)
"""

SCRIPT = """
import contextlib, io, json, sys
import toy_format  # the row, before anything reads the table

from annotator.cli import main


def run(*args):
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            main([str(arg) for arg in args])
            code = 0
        except SystemExit as stop:
            code = stop.code
    return {"code": code, "out": out.getvalue(), "err": err.getvalue()}


folder, db, out = sys.argv[1:]
seen = {
    "import_help": run("import", "--help"),
    "export_help": run("export", "--help"),
    "import": run("import", folder, "--format", "toy", "--db", db, "-d", "toys"),
    "export": run("export", out, "--format", "toy", "--status", "all", "--db", db, "-d", "toys"),
}

from PySide6.QtWidgets import QApplication

from annotator.ui.dialogs.transfer import ExportDialog, import_filter

app = QApplication([])
dialog = ExportDialog("toys")
seen["import_filter"] = import_filter()
seen["export_dialog"] = [
    (dialog.format.itemText(i), dialog.format.itemData(i)) for i in range(dialog.format.count())
]
dialog.format.setCurrentIndex(dialog.format.findData("toy"))
seen["export_path"] = dialog.path.text()
print(json.dumps(seen))
"""


def test_a_row_added_to_the_table_reaches_the_cli_the_services_and_the_dialogs(
    tmp_path: Path,
) -> None:
    (tmp_path / "toy_format.py").write_text(TOY, encoding="utf-8")
    folder = tmp_path / "articles"
    folder.mkdir()
    (folder / "one.toy").write_text("Angela Merkel met Emmanuel Macron.", encoding="utf-8")
    (folder / "two.toy").write_text("Berlin is\nin Germany.", encoding="utf-8")
    out = tmp_path / "out.toy"
    env = {**os.environ, "PYTHONPATH": str(tmp_path), "QT_QPA_PLATFORM": "offscreen"}
    done = subprocess.run(
        [sys.executable, "-c", SCRIPT, str(folder), str(tmp_path / "a.db"), str(out)],
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    seen = json.loads(done.stdout.splitlines()[-1])

    for command in ("import_help", "export_help"):  # the table's formats, then the new one
        assert re.search(r"One of: [a-z, -]+, toy\.", " ".join(seen[command]["out"].split()))
    assert seen["import"]["code"] == 0, seen["import"]
    assert "Imported 2 document(s)" in seen["import"]["out"]  # the folder's .toy files
    assert seen["export"]["code"] == 0, seen["export"]
    assert out.read_text(encoding="utf-8") == (
        "Angela Merkel met Emmanuel Macron.\nBerlin is in Germany.\n"
    )

    filters = seen["import_filter"].split(";;")
    assert filters[0].startswith("Articles and annotations (*.txt ")
    assert filters[0].endswith(" *.toy)")
    assert "Toy files (*.toy)" in filters
    assert seen["export_dialog"][-1] == ["Toy articles", "toy"]
    assert seen["export_path"].endswith("toys.toy")
