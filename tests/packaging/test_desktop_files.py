"""The freedesktop entry, the AppStream metainfo and the icons in packaging/linux/.

The validators run when they are installed (Debian: desktop-file-utils, appstream) and the
tests that need them skip otherwise; everything else is checked by reading the files.
"""

from __future__ import annotations

import ast
import configparser
import importlib.util
import shutil
import struct
import subprocess
import tomllib
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

import annotator

ROOT = Path(__file__).resolve().parents[2]
LINUX = ROOT / "packaging" / "linux"
APP_ID = "io.github.annotator.Annotator"
DESKTOP = LINUX / f"{APP_ID}.desktop"
METAINFO = LINUX / f"{APP_ID}.metainfo.xml"
ICONS = LINUX / "icons" / "hicolor"
PNG_SIZES = (16, 32, 48, 64, 128, 256)


def desktop_entry() -> configparser.SectionProxy:
    parser = configparser.ConfigParser(interpolation=None)
    parser.optionxform = str  # type: ignore[assignment,method-assign]  # keys are case-sensitive
    parser.read(DESKTOP, encoding="utf-8")
    return parser["Desktop Entry"]


def metainfo() -> ET.Element:
    return ET.parse(METAINFO).getroot()


def png_size(path: Path) -> tuple[int, int]:
    """Width and height from a PNG's IHDR chunk; fails on anything that is not a PNG."""
    header = path.read_bytes()[:24]
    assert header[:8] == b"\x89PNG\r\n\x1a\n", f"{path} is not a PNG"
    assert header[12:16] == b"IHDR", f"{path} has no IHDR chunk first"
    width, height = struct.unpack(">II", header[16:24])
    return width, height


def set_by_app(method: str) -> str:
    """The argument of `QApplication.<method>("...")` in annotator/ui/shell/launch.py."""
    tree = ast.parse(
        (ROOT / "annotator" / "ui" / "shell" / "launch.py").read_text(encoding="utf-8")
    )
    names = [
        node.args[0].value
        for node in ast.walk(tree)
        if isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr == method
        and node.args
        and isinstance(node.args[0], ast.Constant)
    ]
    assert len(names) == 1, f"expected one {method}('...') in ui/shell/launch.py, found {names}"
    return str(names[0])


def run_tool(*command: str | Path) -> subprocess.CompletedProcess[str]:
    if shutil.which(str(command[0])) is None:
        pytest.skip(f"{command[0]} is not installed")
    return subprocess.run(
        [str(part) for part in command], capture_output=True, text=True, timeout=60, check=False
    )


# --- the validators ---------------------------------------------------------------------


def test_desktop_entry_passes_desktop_file_validate() -> None:
    result = run_tool("desktop-file-validate", DESKTOP)
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.strip() == "", result.stdout  # not even hints


def test_metainfo_passes_appstreamcli_validate() -> None:
    result = run_tool("appstreamcli", "validate", "--no-net", "--explain", METAINFO)
    assert result.returncode == 0, result.stdout + result.stderr


def test_installed_tree_passes_appstreamcli_validate_tree(tmp_path: Path) -> None:
    """Laid out as `make install` would: the metainfo finds its desktop entry by id."""
    share = tmp_path / "usr" / "share"
    (share / "applications").mkdir(parents=True)
    (share / "metainfo").mkdir()
    shutil.copy(DESKTOP, share / "applications")
    shutil.copy(METAINFO, share / "metainfo")
    shutil.copytree(ICONS, share / "icons" / "hicolor")
    result = run_tool("appstreamcli", "validate-tree", "--no-net", tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr


# --- the ids agree ----------------------------------------------------------------------


def test_the_window_names_this_desktop_entry() -> None:
    """Docks match windows to entries by this name (Wayland app_id, X11 hints)."""
    assert set_by_app("setDesktopFileName") == DESKTOP.stem == APP_ID


def test_metainfo_id_and_launchable_name_the_desktop_entry() -> None:
    root = metainfo()
    assert root.get("type") == "desktop-application"
    assert root.findtext("id") == DESKTOP.stem
    launchable = root.find("launchable")
    assert launchable is not None
    assert launchable.get("type") == "desktop-id"
    assert launchable.text == DESKTOP.name


def test_desktop_entry_starts_the_installed_command_without_file_arguments() -> None:
    """`annotator FILE` would run the command line, so the entry passes no files (%f, %F)."""
    entry = desktop_entry()
    scripts = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"][
        "scripts"
    ]
    assert entry["Exec"] in scripts
    assert "MimeType" not in entry
    assert entry["Icon"] == APP_ID
    # Qt names the X11 window class after the application.
    assert entry["StartupWMClass"] == set_by_app("setApplicationName")
    provided = [b.text for b in metainfo().iterfind("provides/binary")]
    assert provided == [entry["Exec"]]


def test_newest_release_is_this_version() -> None:
    versions = [r.get("version") for r in metainfo().iterfind("releases/release")]
    assert versions, "the metainfo lists no release"
    assert versions[0] == annotator.__version__, "add a <release> for the new version first"


def test_metainfo_screenshots_are_the_committed_pictures() -> None:
    images = list(metainfo().iterfind("screenshots/screenshot/image"))
    assert len(images) >= 1
    for image in images:
        assert image.text is not None
        assert image.text.startswith("https://")
        local = ROOT / "packaging" / "screenshots" / image.text.rsplit("/", 1)[-1]
        assert local.is_file(), f"{image.text} names no file in packaging/screenshots/"
        assert png_size(local) == (int(image.get("width", 0)), int(image.get("height", 0)))


def test_content_rating_is_declared() -> None:
    rating = metainfo().find("content_rating")
    assert rating is not None
    assert rating.get("type") == "oars-1.1"


# --- the icons --------------------------------------------------------------------------


@pytest.mark.parametrize("size", PNG_SIZES)
def test_icon_png_exists_at_its_size(size: int) -> None:
    png = ICONS / f"{size}x{size}" / "apps" / f"{APP_ID}.png"
    assert png.is_file(), f"missing {png.relative_to(ROOT)}"
    assert png_size(png) == (size, size)


def test_scalable_icon_is_the_drawing_in_make_icons() -> None:
    """The committed SVG is what make_icons.py writes, so the PNGs were made from it."""
    svg = ICONS / "scalable" / "apps" / f"{APP_ID}.svg"
    root = ET.parse(svg).getroot()
    assert root.tag == "{http://www.w3.org/2000/svg}svg"
    assert root.get("viewBox") == "0 0 256 256"
    spec = importlib.util.spec_from_file_location("make_icons", LINUX / "make_icons.py")
    assert spec is not None
    assert spec.loader is not None
    make_icons = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(make_icons)
    assert svg.read_text(encoding="utf-8") == make_icons.SVG
    assert make_icons.APP_ID == APP_ID
    assert tuple(make_icons.SIZES) == PNG_SIZES


def test_no_stray_icon_files() -> None:
    """Only the sizes above and the SVG: a renamed id must not leave old icons behind."""
    found = sorted(p.relative_to(ICONS).as_posix() for p in ICONS.rglob("*") if p.is_file())
    expected = sorted(
        [f"{s}x{s}/apps/{APP_ID}.png" for s in PNG_SIZES] + [f"scalable/apps/{APP_ID}.svg"]
    )
    assert found == expected
