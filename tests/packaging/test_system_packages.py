"""The Qt system libraries are listed once, in the README's apt line, and CI installs them."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CI_ONLY = ["xvfb", "xauth", "desktop-file-utils", "appstream", "postgresql"]


def readme_apt_line() -> list[str]:
    lines = re.findall(r"^sudo apt-get install (.+)$", (ROOT / "README.md").read_text(), re.M)
    assert len(lines) == 1, "the README holds one apt line"
    return lines[0].split()


def test_the_readme_names_the_libraries_qt_loads_on_linux() -> None:
    packages = readme_apt_line()
    for needed in ("libegl1", "libfontconfig1", "libxkbcommon0", "libxcb-cursor0"):
        assert needed in packages  # the xcb platform refuses to start without libxcb-cursor0
    assert all(re.fullmatch(r"[a-z0-9][a-z0-9.+-]+", name) for name in packages)


def test_ci_installs_exactly_the_readme_list_and_its_own_test_tools() -> None:
    listed = subprocess.run(
        ["bash", str(ROOT / ".ci" / "system-packages")],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    assert listed == readme_apt_line() + CI_ONLY
    run = (ROOT / ".ci" / "run").read_text()
    assert ".ci/system-packages" in run
    assert "libxcb" not in run  # no second copy of the list to drift apart
