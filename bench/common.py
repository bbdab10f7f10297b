"""Shared helpers for the benchmark suite (`bench/run.py`).

A benchmark is a module `bench/bench_<name>.py` with one function:

    def run(quick: bool, workdir: Path) -> dict[str, object]

It returns one JSON object, best built with `result(...)`:

    {"name", "value", "baseline", "ratio", "target", "ok", "unit", ...extra keys}

`quick` scales the data down about tenfold (use `scaled(full, quick)`). `workdir` is a
folder the runner keeps for the whole run and shares between benchmarks: cache anything
expensive there (`cached_file`), under a name that says what it holds and how big it is.
Raise on failure; the runner reports the exception and goes on.

Benchmarks import this module as `from common import ...` (the runner puts `bench/` on
`sys.path`). What is here:

- `REPO`, `BENCH`: the checkout and the `bench/` folder.
- `result(...)`: the JSON object of a benchmark; `ok` defaults to the `ratio` compared
  with `target` in the direction given by `higher_is_better`.
- `timed(action)`: `(seconds, return value)` of one call; `median_seconds(action, runs)`.
- `peak_rss_mb()`, `current_rss_mb()`: this process's peak / current resident memory;
  `vm_hwm_mb(pid)`: another live process's peak resident memory, from `/proc`.
- `clean_env(**extra)`: the environment for a child process: Qt offscreen, unbuffered
  output, no `ANNOTATOR_*` settings leaking in, the checkout and `bench/` importable.
- `run_python(args, ...)`: `python args...` in a child with that environment; raises
  `ChildFailed` with the tail of its stderr when it fails. `run_annotator(*args)`: the
  same for `python -m annotator ...`, as a user runs it; returns the seconds it took.
- `last_json(stdout)`: the last line of a child's output that parses as a JSON object.
- `cached_file(path, build)`: builds `path` once (via a temporary name, so an
  interrupted build is never mistaken for a finished one) and reuses it afterwards.
- `sqlite3_shell()`: the `sqlite3` command-line shell, or `None` when it is missing.
- `word_tokens(text)`: token offsets (words and single punctuation marks), a cheap
  stand-in for spaCy's tokenizer; `name_spans(text)`: the names, places, organisations
  and dates of a `synthetic.py` article as `(start, end, label)`, on those tokens.
"""

from __future__ import annotations

import json
import os
import re
import resource
import shutil
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, TypeVar

from synthetic import FIRST, LAST, MONTHS, NON_LATIN, ORGS, PLACES

REPO = Path(__file__).resolve().parent.parent
BENCH = REPO / "bench"

T = TypeVar("T")


class ChildFailed(RuntimeError):
    """A child process exited with an error; the message carries its stderr's tail."""


def result(
    name: str,
    *,
    value: float,
    baseline: float | None,
    ratio: float | None,
    target: float,
    unit: str,
    higher_is_better: bool = True,
    ok: bool | None = None,
    **extra: Any,
) -> dict[str, Any]:
    """One benchmark's JSON object; `ok` compares `ratio` (or `value` without one) to `target`."""
    if ok is None:
        measured = ratio if ratio is not None else value
        ok = measured >= target if higher_is_better else measured <= target
    return {
        "name": name,
        "value": _rounded(value),
        "baseline": None if baseline is None else _rounded(baseline),
        "ratio": None if ratio is None else round(ratio, 3),
        "target": target,
        "ok": bool(ok),
        "unit": unit,
        **extra,
    }


def _rounded(number: float) -> float:
    return round(number, 1) if abs(number) >= 100 else round(number, 3)


def scaled(full: int, quick: bool) -> int:
    """`full`, or a tenth of it (at least 1) for a quick run."""
    return max(1, full // 10) if quick else full


# -- time -------------------------------------------------------------------------------


def timed(action: Callable[[], T]) -> tuple[float, T]:
    """Seconds taken by one call of `action`, and what it returned."""
    started = time.perf_counter()
    value = action()
    return time.perf_counter() - started, value


def median_seconds(action: Callable[[], object], runs: int = 3) -> float:
    """The median of `runs` timed calls (the shared machine makes single runs noisy)."""
    return statistics.median(timed(action)[0] for _ in range(runs))


# -- memory -----------------------------------------------------------------------------


def peak_rss_mb() -> float:
    """This process's peak resident memory so far, in MiB (Linux reports KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def current_rss_mb() -> float:
    """This process's resident memory now, in MiB."""
    with Path("/proc/self/statm").open() as statm:
        pages = int(statm.read().split()[1])
    return pages * os.sysconf("SC_PAGE_SIZE") / 2**20


def vm_hwm_mb(pid: int) -> float:
    """The peak resident memory (VmHWM) of a live process, in MiB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError(f"/proc/{pid}/status has no VmHWM")


def memory_child(*modules: str) -> str:
    """Code for a child that imports `modules`, notes its peak resident memory (VmHWM),
    runs `annotator` with its own arguments in-process exactly as `python -m annotator`
    does, and prints both peaks as JSON. VmHWM, not `ru_maxrss`: a child's `ru_maxrss`
    starts from its parent's peak, inherited across exec."""
    imports = "".join(f"import {module}\n" for module in ("annotator.app", *modules))
    return f"""
import json, sys

def peak_mb():
    with open("/proc/self/status") as status:
        return next(int(l.split()[1]) for l in status if l.startswith("VmHWM:")) / 1024

{imports}before = peak_mb()
try:
    annotator.app.main(sys.argv[1:])
except SystemExit as done:
    if done.code:
        raise
print(json.dumps({{"before_mb": before, "after_mb": peak_mb()}}))
"""


def memory_growth(name: str, stdout: str, target_mb: float, **details: Any) -> dict[str, Any]:
    """A memory benchmark's result from a `memory_child`'s output: the growth in MiB is
    the value, the peak before the command the baseline."""
    measured = last_json(stdout)
    before = float(measured["before_mb"])
    growth = float(measured["after_mb"]) - before
    return {
        "name": name,
        "value": round(growth, 1),
        "baseline": round(before, 1),
        "ratio": round((before + growth) / before, 3),  # peak over the process before
        "target": target_mb,
        "ok": growth <= target_mb,
        "unit": "MB",
        "peak_mb": round(before + growth, 1),
        **details,
    }


# -- child processes --------------------------------------------------------------------


def clean_env(**extra: str) -> dict[str, str]:
    """The environment of a child: offscreen Qt, unbuffered, no store chosen from outside."""
    env = {key: value for key, value in os.environ.items() if not key.startswith("ANNOTATOR_")}
    path = [str(REPO), str(BENCH)]
    if env.get("PYTHONPATH"):
        path.append(env["PYTHONPATH"])
    env.update(
        QT_QPA_PLATFORM="offscreen",
        PYTHONUNBUFFERED="1",
        PYTHONPATH=os.pathsep.join(path),
    )
    env.update(extra)
    return env


def run_python(
    args: Sequence[str],
    *,
    env: dict[str, str] | None = None,
    cwd: Path | None = None,
    timeout: float | None = None,
) -> subprocess.CompletedProcess[str]:
    """Run `python args...` (this interpreter) and return it finished; raise if it failed."""
    return run_command([sys.executable, *args], env=env, cwd=cwd, timeout=timeout)


def run_command(
    command: Sequence[str],
    *,
    env: dict[str, str] | None = None,
    cwd: Path | None = None,
    timeout: float | None = None,
    stdout: Any = subprocess.PIPE,
    input: str | None = None,
) -> subprocess.CompletedProcess[str]:
    """Run any command with `clean_env()` unless told otherwise; raise `ChildFailed`.

    `input` is written to its standard input (otherwise it reads nothing).
    """
    done = subprocess.run(
        list(command),
        input=input,
        stdin=None if input is not None else subprocess.DEVNULL,
        env=clean_env() if env is None else env,
        cwd=cwd,
        timeout=timeout,
        stdout=stdout,
        stderr=subprocess.PIPE,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        tail = "\n".join(done.stderr.strip().splitlines()[-5:])
        what = " ".join([Path(command[0]).name, *command[1:3]])
        raise ChildFailed(f"{what} ... exited {done.returncode}: {tail}")
    return done


def run_annotator(*args: str, timeout: float | None = None) -> float:
    """Seconds taken by `python -m annotator args...` in a fresh process, as a user runs it."""
    seconds, _done = timed(lambda: run_python(["-m", "annotator", *args], timeout=timeout))
    return seconds


def last_json(stdout: str) -> dict[str, Any]:
    """The last line of `stdout` that is a JSON object."""
    for line in reversed(stdout.splitlines()):
        line = line.strip()
        if line.startswith("{"):
            try:
                found = json.loads(line)
            except json.JSONDecodeError:
                continue
            if isinstance(found, dict):
                return found
    raise ValueError(f"no JSON object in the output: {stdout[-300:]!r}")


# -- files ------------------------------------------------------------------------------


def cached_file(path: Path, build: Callable[[Path], None]) -> Path:
    """`path`, built by `build(temporary)` the first time and renamed into place.

    Anything `build` writes beside the temporary (an SQLite `-wal` file, say) should be
    gone by the time it returns; the rename then publishes a finished file only.
    """
    if path.exists():
        return path
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(f".partial-{path.name}")
    if partial.is_dir():
        shutil.rmtree(partial)
    else:
        partial.unlink(missing_ok=True)
    build(partial)
    partial.rename(path)
    return path


def sqlite3_shell() -> str | None:
    """The `sqlite3` command-line shell's path, or `None` (install: apt-get install sqlite3)."""
    return shutil.which("sqlite3")


# -- synthetic annotations --------------------------------------------------------------

_TOKEN = re.compile(r"\w+|[^\w\s]")


def word_tokens(text: str) -> list[tuple[int, int]]:
    """`(start, end)` of every word and punctuation mark (whitespace is not a token)."""
    return [match.span() for match in _TOKEN.finditer(text)]


def _alternatives(words: Sequence[str]) -> str:
    return "|".join(re.escape(word) for word in sorted(words, key=len, reverse=True))


_NAMES = re.compile(
    r"\b(?:"
    + "|".join(
        f"(?P<{label}>{pattern})"
        for label, pattern in (
            ("PERSON", f"(?:{_alternatives(FIRST)}) (?:{_alternatives(LAST)})"),
            ("NON_LATIN", _alternatives(NON_LATIN)),
            ("SURNAME", _alternatives(LAST)),
            ("GPE", _alternatives(PLACES)),
            ("ORG", _alternatives([org.removeprefix("the ") for org in ORGS])),
            ("DATE", rf"\d{{1,2}} (?:{_alternatives(MONTHS)}) \d{{4}}"),
        )
    )
    + r")\b"
)


def name_spans(text: str, limit: int | None = None) -> list[tuple[int, int, str]]:
    """The entities of a synthetic article, in text order (at most `limit` of them)."""
    spans: list[tuple[int, int, str]] = []
    for match in _NAMES.finditer(text):
        if limit is not None and len(spans) == limit:
            break
        label = match.lastgroup
        assert label is not None
        label = "PERSON" if label in ("NON_LATIN", "SURNAME") else label
        spans.append((match.start(), match.end(), label))
    return spans
