"""The benchmark suite runner: its JSON lines, failures reported in line, and a quick run.

The quick run of two real benchmarks is marked `bench` (`pytest -m bench`): it takes some
seconds and is not part of the default run. The runner's own tests use tiny benchmark
modules written to a temporary folder.
"""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

BENCH = Path(__file__).resolve().parents[2] / "bench"
REQUIRED = ("name", "value", "baseline", "ratio", "target", "ok", "unit")


def load_runner() -> ModuleType:
    spec = importlib.util.spec_from_file_location("bench_run", BENCH / "run.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


FINE = """
def run(quick, workdir):
    return {"name": "fine", "value": 3.0, "baseline": 1.0, "ratio": 3.0, "target": 2.0,
            "ok": False, "unit": "s", "quick": quick, "workdir": str(workdir)}
"""
BOOM = """
def run(quick, workdir):
    raise ValueError("the data is missing")
"""
DIES = """
import os, sys
def run(quick, workdir):
    print("about to die", file=sys.stderr, flush=True)
    os._exit(3)
"""
LACKING = """
def run(quick, workdir):
    return {"name": "lacking", "value": 1.0}
"""


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    modules = tmp_path / "modules"
    modules.mkdir()
    for name, source in (("fine", FINE), ("boom", BOOM), ("dies", DIES), ("lacking", LACKING)):
        (modules / f"bench_{name}.py").write_text(source, encoding="utf-8")
    return modules


def run_one(folder: Path, tmp_path: Path, name: str, quick: bool = True) -> dict[str, Any]:
    work = tmp_path / "work"
    work.mkdir(exist_ok=True)
    line: dict[str, Any] = load_runner().run_one(name, quick, work, folder)
    json.dumps(line)  # every line is plain JSON
    return line


def test_a_benchmark_line_passes_through_with_its_extra_keys(folder: Path, tmp_path: Path) -> None:
    line = run_one(folder, tmp_path, "fine")
    assert {key: line[key] for key in REQUIRED} == {
        "name": "fine",
        "value": 3.0,
        "baseline": 1.0,
        "ratio": 3.0,
        "target": 2.0,
        "ok": False,
        "unit": "s",
    }
    assert line["quick"] is True
    assert line["workdir"] == str(tmp_path / "work")
    assert isinstance(line["seconds"], float)


def test_an_exception_becomes_a_failed_line_with_its_message(folder: Path, tmp_path: Path) -> None:
    line = run_one(folder, tmp_path, "boom")
    assert line["name"] == "boom"
    assert line["ok"] is False
    assert line["error"] == "ValueError: the data is missing"


def test_a_process_that_dies_is_reported_with_its_last_words(folder: Path, tmp_path: Path) -> None:
    line = run_one(folder, tmp_path, "dies")
    assert line["ok"] is False
    assert "exited 3" in line["error"]
    assert "about to die" in line["error"]


def test_a_line_without_the_required_keys_is_a_failure(folder: Path, tmp_path: Path) -> None:
    line = run_one(folder, tmp_path, "lacking")
    assert line["ok"] is False
    assert "baseline" in line["error"] and "unit" in line["error"]


def test_a_missing_module_is_not_written_yet(folder: Path, tmp_path: Path) -> None:
    assert run_one(folder, tmp_path, "absent") == {
        "name": "absent",
        "ok": False,
        "error": "not written yet",
    }


def test_an_unknown_name_is_refused_before_anything_runs() -> None:
    done = subprocess.run(
        [sys.executable, str(BENCH / "run.py"), "--only", "effort,speed"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 2
    assert done.stdout == ""
    assert "unknown benchmark speed" in done.stderr


@pytest.mark.bench
def test_a_quick_run_of_two_benchmarks_prints_well_formed_lines(tmp_path: Path) -> None:
    names = ["import_throughput", "export_memory"]
    out = tmp_path / "results.jsonl"
    command = [sys.executable, str(BENCH / "run.py"), "--quick", "--only", ",".join(names)]
    done = subprocess.run(
        [*command, "--out", str(out), "--workdir", str(tmp_path / "work")],
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )
    lines = [json.loads(line) for line in done.stdout.splitlines()]
    *results, summary = lines
    assert [line["name"] for line in results] == names
    for line in results:
        assert "error" not in line, line
        assert set(REQUIRED) <= set(line)
        assert isinstance(line["value"], int | float)
        assert isinstance(line["ok"], bool)
        assert isinstance(line["target"], int | float)
    passed = sum(line["ok"] for line in results)
    assert summary == {
        "summary": True,
        "ok": passed,
        "failed": len(names) - passed,
        "seconds": summary["seconds"],
        "quick": True,
    }
    assert done.returncode == (0 if passed == len(names) else 1)
    assert [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()] == lines
