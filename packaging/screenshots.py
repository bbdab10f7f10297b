"""Screenshots of the main window for the README, from a real window on a virtual screen.

    xvfb-run -a -s "-screen 0 1600x1000x24" python packaging/screenshots.py [--out DIR]
    xvfb-run -a -s "-screen 0 1366x768x24" python packaging/screenshots.py --first-start

It builds a throwaway store from the sample articles in `resources/samples/` and a long
read made of the benchmark's gold articles, pre-annotates them with the installed spaCy
pipeline (`pip install ".[model]"`), makes a few decisions through the same code path the
keys use, and saves `window-light.png`, `window-dark.png` and `window-long.png`.

`--first-start` does what a new user does instead: `annotator import` of a sample article
into an empty store, then `annotator` (the real start, the window placing itself on the
screen), and saves the whole screen once the model's suggestions are in, as
`first-start-WIDTHxHEIGHT.png`. Nothing touches your own store or settings.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SIZE = (1440, 880)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=ROOT / "packaging" / "screenshots")
    parser.add_argument(
        "--first-start",
        action="store_true",
        help="import an article into an empty store, start the window, save the screen",
    )
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as home:
        for variable in ("XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_STATE_HOME"):
            os.environ[variable] = str(Path(home) / variable.lower())
        if args.first_start:
            return _first_start(Path(home), args.out)
        return _shoot(Path(home), args.out)


FIRST_ARTICLE = "harbour-expansion.txt"


def _first_start(home: Path, out: Path) -> int:
    """`annotator import ARTICLE`, then `annotator`: the screen once suggestions are in."""
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    from annotator.app import run_window
    from annotator.cli.main import main as cli_main
    from annotator.nlp.models import resolve_model
    from annotator.paths import resources_dir
    from annotator.ui.shell.main_window import MainWindow

    if resolve_model(None, None) is None:
        print('no trained spaCy pipeline is installed: pip install ".[model]"', file=sys.stderr)
        return 1
    store = home / "annotations.db"
    try:
        cli_main(["import", str(resources_dir() / "samples" / FIRST_ARTICLE), "--db", str(store)])
    except SystemExit as stop:
        if stop.code not in (None, 0):
            return 1
    app = QApplication(sys.argv[:1])
    app.setStyle("Fusion")
    screen = app.primaryScreen().geometry()
    path = out / f"first-start-{screen.width()}x{screen.height()}.png"
    state: dict[str, object] = {}

    def look() -> None:
        windows = [w for w in app.topLevelWidgets() if isinstance(w, MainWindow)]
        window = next((w for w in windows if w.isVisible()), None)
        if window is None or window.session.tokens is None:
            return  # not up yet, or the model's analysis has not arrived
        if "ready" not in state:
            state["ready"] = True
            QTimer.singleShot(500, shoot)  # everything painted after the suggestions
            return

    def shoot() -> None:
        image = app.primaryScreen().grabWindow(0)
        state["saved"] = image.save(str(path))
        print(f"wrote {path}")
        app.exit(0)

    poll = QTimer()
    poll.timeout.connect(look)
    poll.start(50)
    QTimer.singleShot(60_000, lambda: app.exit(2))
    code = run_window(store, annotator="annotator")  # as named at the first start
    poll.stop()
    return 0 if code == 0 and state.get("saved") else 1


def _shoot(home: Path, out: Path) -> int:
    from PySide6.QtCore import QSettings
    from PySide6.QtWidgets import QApplication

    from annotator.app import assemble
    from annotator.core.model import SpanState
    from annotator.nlp.models import resolve_model
    from annotator.paths import resources_dir
    from annotator.services.importing import ImportOptions, import_paths
    from annotator.services.suggesting import SuggestOptions, suggest_dataset
    from annotator.store import Store
    from annotator.ui.dialogs.datasets import create_with_preset
    from annotator.ui.shell.launch import Parts

    if resolve_model(None, None) is None:
        print('no trained spaCy pipeline is installed: pip install ".[model]"', file=sys.stderr)
        return 1
    app = QApplication(sys.argv[:1])
    app.setStyle("Fusion")
    light = app.palette()
    store = Store.open(home / "annotations.db")
    create_with_preset(store, "samples", "news")
    samples = sorted((resources_dir() / "samples").glob("*.txt"))
    import_paths(store, samples, "samples", ImportOptions())
    long_article = home / "long-read.txt"
    long_article.write_text(_long_text(), encoding="utf-8")
    create_with_preset(store, "long-reads", "news")
    import_paths(store, [long_article], "long-reads", ImportOptions())
    for name in ("samples", "long-reads"):
        suggest_dataset(store, name, SuggestOptions())
    settings = QSettings(str(home / "settings.ini"), QSettings.Format.IniFormat)

    def window_on(dataset: str) -> Parts:
        parts = assemble(store, settings, annotator="annotator")
        parts.window.resize(*SIZE)
        parts.window.show()
        parts.workflow.open_dataset(dataset)
        _settle(app, parts)
        return parts

    parts = window_on("samples")
    _decide_a_few(parts, SpanState)
    _save(app, parts, out / "window-light.png")
    app.setPalette(_dark_palette())
    _settle(app, parts)
    _save(app, parts, out / "window-dark.png")
    app.setPalette(light)
    parts.worker.shutdown()
    parts.window.close()
    long_parts = window_on("long-reads")
    long_parts.editing.next_span()
    _settle(app, long_parts)
    _save(app, long_parts, out / "window-long.png")
    long_parts.worker.shutdown()
    store.close()
    return 0


def _decide_a_few(parts: object, span_state: object) -> None:
    """Accept two suggestions, relabel one and reject one, as an annotator would."""
    editing = parts.editing  # type: ignore[attr-defined]
    editing.next_span()
    editing.accept()
    editing.accept()
    editing.next_span()
    editing.reject()
    editing.next_span()


def _settle(app: object, parts: object) -> None:
    """Let the worker's analysis arrive and everything paint."""
    import time

    deadline = time.monotonic() + 15
    session = parts.session  # type: ignore[attr-defined]
    model = parts.window.model_state  # type: ignore[attr-defined]
    while time.monotonic() < deadline:
        app.processEvents()  # type: ignore[attr-defined]
        if session.tokens is not None and "…" not in model.text():  # the model is loaded
            break
        time.sleep(0.02)
    for _ in range(20):
        app.processEvents()  # type: ignore[attr-defined]
        time.sleep(0.02)


def _save(app: object, parts: object, path: Path) -> None:
    image = parts.window.grab()  # type: ignore[attr-defined]
    if not image.save(str(path)):
        raise SystemExit(f"could not write {path}")
    print(f"wrote {path}")


def _dark_palette() -> object:
    from PySide6.QtGui import QColor, QPalette

    palette = QPalette()
    role = QPalette.ColorRole
    colors = {
        role.Window: "#2b2d31",
        role.WindowText: "#e6e6e6",
        role.Base: "#1e1f22",
        role.AlternateBase: "#26282c",
        role.Text: "#e6e6e6",
        role.Button: "#34363b",
        role.ButtonText: "#e6e6e6",
        role.Highlight: "#3d6fb4",
        role.HighlightedText: "#ffffff",
        role.ToolTipBase: "#34363b",
        role.ToolTipText: "#e6e6e6",
        role.PlaceholderText: "#8a8d93",
        role.Mid: "#44464c",
        role.Dark: "#1a1b1e",
        role.Light: "#4a4c52",
    }
    for name, value in colors.items():
        palette.setColor(name, QColor(value))
    return palette


def _long_text() -> str:
    """The eight articles of the effort benchmark's gold set, as one long read."""
    import json

    lines = (ROOT / "bench" / "gold" / "news-gold.jsonl").read_text(encoding="utf-8").splitlines()
    return "\n\n".join(json.loads(line)["text"] for line in lines if line.strip())


if __name__ == "__main__":
    sys.exit(main())
