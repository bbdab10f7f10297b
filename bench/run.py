"""The benchmark suite: every figure as a ratio to its limit, measured in the same run.

    python bench/run.py [--quick] [--only NAME[,NAME...]] [--out FILE.jsonl] [--workdir DIR]

Runs the benchmarks in the order of `NAMES` and prints one JSON line per benchmark,

    {"name", "value", "baseline", "ratio", "target", "ok", "unit", ...extra keys}

then a summary line `{"summary": true, "ok": N, "failed": M, "seconds": S, "quick": bool}`.
Exits 0 when every benchmark is ok, 1 otherwise (2 for bad arguments).

Each benchmark is a module `bench/bench_<name>.py` with `run(quick, workdir) -> dict` (see
`bench/common.py`). Each runs in its own child process, so a crash, a Qt application or
the memory one benchmark leaves behind never touches the next; a benchmark that fails is
reported with `"ok": false` and its error, and the suite goes on. `--quick` scales the
data down about tenfold. Data is generated under the work folder and shared between the
benchmarks of one run; `--workdir DIR` keeps it (and reuses it in the next run), otherwise
a temporary folder is removed at the end. Progress and each child's stderr go to the
work folder's `logs/`; the runner's own progress goes to stderr.
"""

from __future__ import annotations

import argparse
import importlib
import json
import shutil
import subprocess
import sys
import tempfile
import time
import traceback
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import BENCH, clean_env

NAMES = (
    "suggest_throughput",
    "import_throughput",
    "import_memory",
    "export_throughput",
    "export_memory",
    "export_memory_server",
    "conll_overlaps",
    "open_long_document",
    "relabel_latency",
    "relabel_during_training",
    "startup",
    "startup_interactive",
    "store_memory",
    "store_check",
    "busy_refusal",
    "agreement",
    "review_open",
    "merge_throughput",
    "team_edits",
    "effort",
    "effort_inputs",
    "learning",
)
REQUIRED_KEYS = ("name", "value", "baseline", "ratio", "target", "ok", "unit")
TIMEOUT_SECONDS = {False: 25 * 60, True: 5 * 60}  # per benchmark, full and quick


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    if args.child:
        return _child(args.child, args.quick, args.workdir, args.result, args.folder)
    try:
        names = _selected(args.only)
    except ValueError as error:
        print(f"run.py: {error}", file=sys.stderr)
        return 2
    started = time.perf_counter()
    passed = failed = 0
    with _workdir(args.workdir) as workdir, _output(args.out) as out:
        for name in names:
            line = run_one(name, args.quick, workdir)
            passed += bool(line.get("ok"))
            failed += not line.get("ok")
            _emit(line, out)
        summary = {
            "summary": True,
            "ok": passed,
            "failed": failed,
            "seconds": round(time.perf_counter() - started, 1),
            "quick": args.quick,
        }
        _emit(summary, out)
    return 0 if failed == 0 else 1


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="about a tenth of the data")
    parser.add_argument("--only", help=f"comma-separated names among: {', '.join(NAMES)}")
    parser.add_argument("--out", type=Path, help="also write the JSON lines to this file")
    parser.add_argument("--workdir", type=Path, help="keep (and reuse) generated data here")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--result", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--folder", type=Path, default=BENCH, help=argparse.SUPPRESS)
    return parser


def _selected(only: str | None) -> list[str]:
    if not only:
        return list(NAMES)
    wanted = {name.strip() for name in only.split(",") if name.strip()}
    unknown = sorted(wanted - set(NAMES))
    if unknown:
        raise ValueError(f"unknown benchmark {', '.join(unknown)}; choose from {', '.join(NAMES)}")
    return [name for name in NAMES if name in wanted]


@contextmanager
def _workdir(given: Path | None) -> Iterator[Path]:
    if given is not None:
        given.mkdir(parents=True, exist_ok=True)
        yield given.resolve()
        return
    folder = Path(tempfile.mkdtemp(prefix="annotator-bench-"))
    try:
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)


@contextmanager
def _output(path: Path | None) -> Iterator[IO[str] | None]:
    if path is None:
        yield None
        return
    with path.open("w", encoding="utf-8") as handle:
        yield handle


def _emit(line: dict[str, Any], out: IO[str] | None) -> None:
    text = json.dumps(line, ensure_ascii=False, default=str)
    print(text, flush=True)
    if out is not None:
        out.write(text + "\n")
        out.flush()


# -- one benchmark, in a child process ---------------------------------------------------


def run_one(name: str, quick: bool, workdir: Path, folder: Path = BENCH) -> dict[str, Any]:
    """Run `folder/bench_<name>.py` in a child process and return its line (or the failure)."""
    if not (folder / f"bench_{name}.py").exists():
        return {"name": name, "ok": False, "error": "not written yet"}
    logs = workdir / "logs"
    logs.mkdir(exist_ok=True)
    result_file = logs / f"{name}.json"
    result_file.unlink(missing_ok=True)
    log = logs / f"{name}.stderr"
    command = [sys.executable, str(Path(__file__).resolve()), "--child", name]
    command += ["--workdir", str(workdir), "--result", str(result_file), "--folder", str(folder)]
    command += ["--quick"] if quick else []
    print(f"[bench] {name}: running{' (quick)' if quick else ''}", file=sys.stderr, flush=True)
    started = time.perf_counter()
    try:
        with log.open("w", encoding="utf-8") as errors:
            done = subprocess.run(
                command,
                env=clean_env(),
                stdout=subprocess.DEVNULL,
                stderr=errors,
                timeout=TIMEOUT_SECONDS[quick],
                check=False,
            )
        returncode: int | None = done.returncode
    except subprocess.TimeoutExpired:
        returncode = None
    seconds = round(time.perf_counter() - started, 1)
    print(f"[bench] {name}: {seconds} s", file=sys.stderr, flush=True)
    if returncode is None:
        return _failure(name, f"timed out after {TIMEOUT_SECONDS[quick]} s", log, seconds)
    if not result_file.exists():
        return _failure(name, f"the benchmark process exited {returncode}", log, seconds)
    line: dict[str, Any] = json.loads(result_file.read_text(encoding="utf-8"))
    if "error" in line:
        line["ok"] = False
    else:
        missing = [key for key in REQUIRED_KEYS if key not in line]
        if missing:
            return _failure(name, f"its result lacks {', '.join(missing)}", log, seconds)
        if line["name"] != name:
            return _failure(name, f"its result is named {line['name']!r}", log, seconds)
    line.setdefault("seconds", seconds)
    return line


def _failure(name: str, reason: str, log: Path, seconds: float) -> dict[str, Any]:
    tail = log.read_text(encoding="utf-8", errors="replace").strip().splitlines()[-6:]
    error = reason + (": " + " | ".join(line.strip() for line in tail) if tail else "")
    return {"name": name, "ok": False, "error": error, "seconds": seconds, "log": str(log)}


def _child(name: str, quick: bool, workdir: Path, result_file: Path, folder: Path) -> int:
    """In the child: import the benchmark, run it, write its line (or its error)."""
    started = time.perf_counter()
    sys.path.insert(0, str(folder))
    try:
        module = importlib.import_module(f"bench_{name}")
        line = dict(module.run(quick, workdir))
    except Exception as error:
        traceback.print_exc()
        line = {
            "name": name,
            "ok": False,
            "error": f"{type(error).__name__}: {error}",
        }
    line.setdefault("seconds", round(time.perf_counter() - started, 1))
    result_file.write_text(json.dumps(line, ensure_ascii=False, default=str), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
