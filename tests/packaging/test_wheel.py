"""The wheel carries resources/ and works installed outside the checkout.

The wheel is built from the checkout (`pip wheel --no-deps`), installed without its
dependencies into a folder of its own, and run by this interpreter from a directory far
from the checkout, with that folder first on PYTHONPATH: the dependencies come from the
test environment, annotator only from the wheel.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

import annotator

ROOT = Path(__file__).resolve().parents[2]
RESOURCES = ROOT / "resources"


@dataclass(frozen=True)
class Installed:
    wheel: Path
    target: Path  # where the wheel was installed
    elsewhere: Path  # a working directory outside the checkout

    def run(self, *args: str) -> subprocess.CompletedProcess[str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith("PYTHON")}
        env["PYTHONPATH"] = str(self.target)
        env["PYTHONNOUSERSITE"] = "1"
        return subprocess.run(
            [sys.executable, *args],
            cwd=self.elsewhere,
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )


def pip(*args: str | Path, cwd: Path = ROOT) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "pip", "--disable-pip-version-check", *map(str, args)],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Installed]:
    wheels = tmp_path_factory.mktemp("wheels")
    pip("wheel", "--no-deps", "--quiet", "--wheel-dir", wheels, ".")
    (wheel,) = wheels.glob("annotator-*.whl")
    target = tmp_path_factory.mktemp("site")
    pip("install", "--no-deps", "--no-index", "--quiet", "--target", target, wheel)
    yield Installed(wheel, target, tmp_path_factory.mktemp("elsewhere"))


def resource_files(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in root.rglob("*") if p.is_file()}


def test_wheel_contains_every_resource_file(installed: Installed) -> None:
    expected = {f"annotator/resources/{name}" for name in resource_files(RESOURCES)}
    assert expected >= {"annotator/resources/labels/news.json"}
    names = set(zipfile.ZipFile(installed.wheel).namelist())
    assert expected <= names, f"missing from the wheel: {sorted(expected - names)}"


def test_installed_copy_finds_its_presets_and_samples(installed: Installed) -> None:
    script = (
        "import json, annotator\n"
        "from annotator.paths import resources_dir\n"
        "from annotator.services.presets import preset_names\n"
        "root = resources_dir()\n"
        "print(json.dumps({'package': annotator.__file__, 'resources': str(root),\n"
        "  'presets': sorted(preset_names()),\n"
        "  'samples': sorted(p.name for p in (root / 'samples').glob('*.txt'))}))\n"
    )
    result = installed.run("-c", script)
    assert result.returncode == 0, result.stderr
    found = json.loads(result.stdout)
    # The copy in the target folder answered, not the checkout (editable install or cwd).
    assert Path(found["package"]).is_relative_to(installed.target)
    resources = Path(found["resources"])
    assert resources == installed.target / "annotator" / "resources"
    assert found["presets"] == sorted(p.stem for p in (RESOURCES / "labels").glob("*.json"))
    assert {"conll", "news", "ontonotes"} <= set(found["presets"])
    assert found["samples"] == sorted(p.name for p in (RESOURCES / "samples").glob("*.txt"))
    assert resource_files(resources) == resource_files(RESOURCES)


def test_installed_copy_runs_as_a_module(installed: Installed) -> None:
    result = installed.run("-m", "annotator", "--version")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == f"annotator {annotator.__version__}"


def test_installed_copy_creates_a_dataset_from_a_bundled_preset(installed: Installed) -> None:
    db = installed.elsewhere / "store.db"
    created = installed.run(
        "-m", "annotator", "--db", str(db), "datasets", "create", "news", "--preset", "news"
    )
    assert created.returncode == 0, created.stdout + created.stderr
    listed = installed.run("-m", "annotator", "--db", str(db), "labels", "--dataset", "news")
    assert listed.returncode == 0, listed.stderr
    for label in ("PERSON", "ORG", "GPE", "LOC", "NORP", "DATE", "EVENT"):
        assert label in listed.stdout
