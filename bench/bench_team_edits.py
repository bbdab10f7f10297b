"""`team_edits`: eight annotators editing at once in one team's store on a PostgreSQL server.

The benchmark starts a throwaway server of its own (Debian's binaries, the tests'
`PostgresServer`, tests/postgres_server.py) with the server's own durability settings
(every COMMIT flushed before it is acknowledged, as a team's server runs), makes its
database a team's store (`annotator server init`'s roles and row-level rules, one database
user per annotator, `add-user`), and the lead imports 80 synthetic articles with the
model's suggestions (`--quick`: 12).

Then 8 processes (`team_annotator.py`), each a different annotator connected as their own
database user, make 500 edits each (`--quick`: 50) at the same time through the window's
own edit path (the `Editing` slot each key calls: `DocumentSession`,
`Store.apply`, one transaction), a mix of accept, relabel, reject (with the same words
elsewhere), draw, and Accept All or Mark Done per article. Each edit is timed from the
call to its COMMIT.

Each runs at the pace of people, and flat out:

- value: the median milliseconds of the eight's 4,000 edits when each annotator waits
  about 100 ms between two edits (from 50 to 150 ms): 10 edits a second each, several
  times faster than anyone decides, and 80 a second reaching the server together;
  `p99_ms` their 99th percentile;
- baseline: one annotator making the same edits at the same pace in a store file of
  their own, as each member of a team worked before the server (`sqlite_p99_ms`);
- `flat_out_ms`, `flat_out_p99_ms`: eight other annotators making their edits back to
  back, no pause: 16 busy processes (eight annotators, eight server processes) on this
  machine's processors, which measures the machine more than the store; beside them
  `sqlite_eight_ms` and `sqlite_eight_p99_ms`, eight annotators back to back in one
  store file, and `sqlite_flat_out_ms`, one annotator back to back in a file;
- `one_process_server_ms`: one annotator alone on the server, back to back, with the
  medians per edit of the time spent waiting for the server's answers (statements,
  BEGIN, the pool's ping) and for the COMMIT (`one_process_server_waits_ms`;
  `sqlite_waits_ms`: the file's statements and COMMIT), and `roundtrip_ms` (the median
  `SELECT 1` on the server, back to back, after the runs);
- at the end, every annotator's version of every article is read from the database (and
  from the file) and compared with what their process last saw: its spans and status
  equal, and its clock (one count per edit written) equal to the edits the store
  acknowledged: `lost` and `duplicated` count the versions where an edit is missing or
  counted twice, in every run.

Targets: ratio <= 2, p99 < 50 ms, nothing lost or duplicated. The machine's load while
the eight ran is `load_1min`.
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
from pathlib import Path
from typing import Any

from common import BENCH, ChildFailed, clean_env, last_json, name_spans, result, scaled
from synthetic import articles

ANNOTATORS = 8
EDITS = 500
ARTICLES = 80
WORDS = 300
DATASET = "news"
LABELS = ("PERSON", "GPE", "ORG", "DATE")
TARGET_RATIO = 2.0
TARGET_P99_MS = 50.0
PAUSE_MS = 100  # between two edits of one annotator in the paced run


def run(quick: bool, workdir: Path) -> dict[str, Any]:
    sys.path.insert(0, str(BENCH.parent))  # tests/postgres_server.py
    from tests.postgres_server import PostgresServer, server_binaries

    edits = scaled(EDITS, quick)
    texts = list(articles(ARTICLES if not quick else 12, words=WORDS, seed=2088))
    sqlite = workdir / "team_edits.db"
    sqlite.unlink(missing_ok=True)
    _import(str(sqlite), texts)
    pause = ["--pause-ms", str(PAUSE_MS)]
    names = [f"annotator{number}" for number in range(1, ANNOTATORS + 1)]
    (solo_file,) = _annotators([str(sqlite)], edits, names=["solo"])
    (paced_file,) = _annotators([str(sqlite)], edits, pause, names=["steady"])
    crowded = _annotators([str(sqlite)] * ANNOTATORS, edits, names=names)
    in_file = _check_all([solo_file, paced_file, *crowded], _file_versions(sqlite))
    binaries = server_binaries()
    if binaries is None:
        raise RuntimeError("PostgreSQL's server binaries are missing (apt-get install postgresql)")
    server = PostgresServer(binaries, durable=True)
    try:
        server.start()
        server.sql("CREATE DATABASE team")
        lead = server.url("team").replace("postgresql+psycopg://", "postgresql://")
        steady = [f"steady{number}" for number in range(1, ANNOTATORS + 1)]
        _set_up_team(lead, ["solo", *names, *steady])
        _import(lead, texts)
        (alone,) = _annotators([_as(lead, "solo")], edits)
        load = os.getloadavg()[0]
        paced = _annotators([_as(lead, name) for name in steady], edits, pause)
        load = max(load, os.getloadavg()[0])
        flat_out = _annotators([_as(lead, name) for name in names], edits)
        load = max(load, os.getloadavg()[0])
        checked = _check_all([alone, *paced, *flat_out], _server_versions(server))
        roundtrip = _roundtrip_ms(server.url("team"))
    finally:
        server.stop()
    at_pace = [ms for run_ in paced for ms in run_["latencies_ms"]]
    back_to_back = [ms for run_ in flat_out for ms in run_["latencies_ms"]]
    eight_in_file = [ms for run_ in crowded for ms in run_["latencies_ms"]]
    value = statistics.median(at_pace)
    p99 = _percentile(at_pace, 99)
    base = statistics.median(paced_file["latencies_ms"])
    ratio = value / base
    intact = checked["lost"] == checked["duplicated"] == in_file["lost"] == 0
    return result(
        "team_edits",
        value=value,
        baseline=base,
        ratio=ratio,
        target=TARGET_RATIO,
        unit="ms (median edit)",
        higher_is_better=False,
        ok=ratio <= TARGET_RATIO and p99 < TARGET_P99_MS and intact,
        p99_ms=round(p99, 2),
        p99_target_ms=TARGET_P99_MS,
        sqlite_p99_ms=round(_percentile(paced_file["latencies_ms"], 99), 2),
        pause_ms=PAUSE_MS,
        flat_out_ms=round(statistics.median(back_to_back), 2),
        flat_out_p99_ms=round(_percentile(back_to_back, 99), 2),
        sqlite_eight_ms=round(statistics.median(eight_in_file), 2),
        sqlite_eight_p99_ms=round(_percentile(eight_in_file, 99), 2),
        sqlite_flat_out_ms=round(statistics.median(solo_file["latencies_ms"]), 2),
        one_process_server_ms=round(statistics.median(alone["latencies_ms"]), 2),
        one_process_server_p99_ms=round(_percentile(alone["latencies_ms"], 99), 2),
        # Medians per edit: waiting for the server's answers and for the COMMIT (one
        # process); in the file, its statements and its COMMIT.
        one_process_server_waits_ms=_waits(alone),
        sqlite_waits_ms=_waits(solo_file),
        roundtrip_ms=round(roundtrip, 3),
        processes=ANNOTATORS,
        edits_each=edits,
        edits=len(at_pace),
        refused=sum(len(run_["refusals"]) for run_ in [*paced, *flat_out]),
        versions_checked=checked["versions"],
        lost=checked["lost"],
        duplicated=checked["duplicated"],
        sqlite_versions_checked=in_file["versions"],
        sqlite_lost_or_duplicated=in_file["lost"] + in_file["duplicated"],
        load_1min=round(load, 2),
        cpus=os.cpu_count(),
        server="PostgreSQL (its own settings: fsync, synchronous_commit on), Unix socket",
    )


def _waits(run_: dict[str, Any]) -> dict[str, float]:
    return {
        part: round(statistics.median(run_[f"{part}_ms"]), 2) for part in ("statement", "commit")
    }


def _roundtrip_ms(url: str, runs: int = 500) -> float:
    """The median milliseconds of `SELECT 1` on the server: one statement's round trip,
    which every statement of an edit pays (on a file, none)."""
    import time

    import psycopg
    from sqlalchemy.engine import make_url

    parsed = make_url(url)
    query = {key: str(value) for key, value in parsed.query.items()}
    with psycopg.connect(dbname=parsed.database, user=parsed.username, **query) as conn:
        samples = []
        for _ in range(runs):
            started = time.perf_counter()
            conn.execute("SELECT 1").fetchone()
            samples.append((time.perf_counter() - started) * 1000)
    return statistics.median(samples)


def _as(url: str, user: str) -> str:
    return url.replace("//lead@", f"//{user}@", 1)


def _set_up_team(url: str, names: list[str]) -> None:
    from annotator.store.db import SCHEMA_VERSION
    from annotator.store.location import ServerAddress, parse_location
    from annotator.store.team_roles import add_team_member, set_up_team

    address = parse_location(url)
    assert isinstance(address, ServerAddress)
    set_up_team(address, "own", SCHEMA_VERSION)
    for name in names:
        add_team_member(address, name, "annotator", SCHEMA_VERSION)


def _import(location: str, texts: list[str]) -> None:
    """The lead's import: the articles with the model's suggestions as shared input."""
    from annotator.core.hashing import input_hash
    from annotator.core.model import Document, Label, Span, SpanState
    from annotator.store import Store

    with Store.open(location) as store:
        dataset = store.create_dataset(DATASET, labels=[Label(name) for name in LABELS])
        documents = []
        for number, text in enumerate(texts):
            spans = tuple(
                Span(start, end, label, SpanState.SUGGESTED, "model", 0.9)
                for start, end, label in name_spans(text)
            )
            documents.append(
                (
                    Document(
                        0,
                        dataset.id,
                        text,
                        spans,
                        source=f"wire-{number}.txt",
                        input_hash=input_hash(text),
                    ),
                    None,
                )
            )
        store.add_documents(dataset.id, documents)


def _annotators(
    locations: list[str],
    edits: int,
    extra: list[str] | None = None,
    names: list[str] | None = None,
) -> list[dict[str, Any]]:
    """One process per location (with `names`, each annotator's name in a file), all
    started together once every one is ready."""
    script = str(BENCH / "team_annotator.py")
    step = ARTICLES // max(1, len(locations))
    children = [
        subprocess.Popen(
            [
                sys.executable,
                script,
                where,
                DATASET,
                str(edits),
                str(number * step),
                *(extra or []),
                *(["--annotator", names[number]] if names else []),
            ],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=clean_env(),
        )
        for number, where in enumerate(locations)
    ]
    try:
        for child in children:
            assert child.stdout is not None
            line = child.stdout.readline()
            if line.strip() != "ready":
                why = child.stderr.read() if child.stderr else ""
                raise ChildFailed(f"an annotator did not start: {line}{why}")
        for child in children:
            assert child.stdin is not None
            child.stdin.write("go\n")
            child.stdin.flush()
        outputs = [child.communicate(timeout=900) for child in children]
    finally:
        for child in children:
            if child.poll() is None:
                child.kill()
    for child, (_out, err) in zip(children, outputs, strict=True):
        if child.returncode != 0:
            raise ChildFailed(f"an annotator failed ({child.returncode}): {err[-2000:]}")
    return [last_json(out) for out, _err in outputs]


# -- what the store holds ------------------------------------------------------------------

Versions = dict[tuple[str, int], dict[str, Any]]


def _server_versions(server: Any) -> Versions:
    """Every annotator's version from the database, read by the lead with psql."""
    rows = server.sql(
        "SELECT json_agg(json_build_object('annotator', v.annotator, 'document', v.document_id,"
        " 'status', v.status, 'clock', v.clock, 'spans', (SELECT coalesce(json_agg("
        "json_build_array(s.start, s.\"end\", s.label, s.state)), '[]') FROM span s "
        "WHERE s.version_id = v.id))) FROM version v",
        database="team",
    )
    return _versions(json.loads(rows or "[]") or [])


def _file_versions(path: Path) -> Versions:
    import sqlite3

    with sqlite3.connect(path) as conn:
        rows = conn.execute(
            "SELECT json_group_array(json_object('annotator', v.annotator, 'document',"
            " v.document_id, 'status', v.status, 'clock', v.clock, 'spans', (SELECT"
            ' json_group_array(json_array(s.start, s."end", s.label, s.state)) FROM span s'
            " WHERE s.version_id = v.id))) FROM version v"
        ).fetchone()[0]
    return _versions(json.loads(rows))


def _versions(rows: list[dict[str, Any]]) -> Versions:
    found: Versions = {}
    for row in rows:
        spans = row["spans"] if isinstance(row["spans"], list) else json.loads(row["spans"])
        clock = row["clock"] if isinstance(row["clock"], dict) else json.loads(row["clock"])
        found[(row["annotator"], int(row["document"]))] = {
            "spans": sorted(list(span) for span in spans),
            "status": row["status"],
            "edits": sum(int(count) for count in clock.values()),
        }
    return found


def _check_all(runs: list[dict[str, Any]], stored: Versions) -> dict[str, int]:
    totals = {"versions": 0, "lost": 0, "duplicated": 0}
    for run_ in runs:
        for key, count in _check(run_, stored).items():
            totals[key] += count
    return totals


def _check(run_: dict[str, Any], stored: Versions) -> dict[str, int]:
    """Versions where an acknowledged edit is missing (`lost`: fewer edits counted, or
    spans or status not as the annotator last saw them) or counted twice (`duplicated`:
    more edits counted, or a span row twice)."""
    lost = duplicated = 0
    for document, seen in run_["articles"].items():
        held = stored.get((run_["annotator"], int(document)))
        if held is None:
            lost += 1
            continue
        rows = held["spans"]
        if held["edits"] > seen["edits"] or len(rows) > len({tuple(row) for row in rows}):
            duplicated += 1
        elif (
            held["edits"] < seen["edits"]
            or rows != seen["spans"]
            or held["status"] != seen["status"]
        ):
            lost += 1
    return {"versions": len(run_["articles"]), "lost": lost, "duplicated": duplicated}


def _percentile(samples: list[float], percent: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(len(ordered) * percent / 100))]


if __name__ == "__main__":
    import tempfile

    folder = Path(os.environ.get("BENCH_WORKDIR", tempfile.mkdtemp(prefix="annotator-bench-")))
    print(json.dumps(run("--quick" in sys.argv, folder)))
