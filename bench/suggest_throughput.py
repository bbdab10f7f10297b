"""`annotator suggest` against a bare `nlp.pipe` over the same texts, in one run.

    python bench/suggest_throughput.py [--articles 2000] [--words 600] [--model NAME]
                                       [--batch-size 64] [--n-process 1]

The baseline loads the same pipeline with the same components and runs `nlp.pipe` over
the texts held in memory, timing only the loop. `annotator suggest` is timed as a user
runs it: a new process that opens the store, loads the model, reads every document, runs
the pipeline and the phrase memory, and writes suggestions and tokens back. Prints one
JSON line; the ratio is baseline time over suggest time (target: at least 0.9).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from synthetic import articles

from annotator.nlp.models import ModelChoice, load_pipeline, resolve_model

TARGET = 0.9


def main(argv: list[str] | None = None) -> dict[str, object]:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, default=2000)
    parser.add_argument("--words", type=int, default=600)
    parser.add_argument("--model", default=None)
    parser.add_argument("--batch-size", type=int, default=64)
    parser.add_argument("--n-process", type=int, default=1)
    args = parser.parse_args(argv)
    choice = resolve_model(args.model, None)
    if choice is None:
        sys.exit("no trained spaCy pipeline is installed: pip install '.[model]'")
    texts = list(articles(args.articles, words=args.words))
    words = sum(len(text.split()) for text in texts)
    with tempfile.TemporaryDirectory() as folder:
        store = _prepared_store(Path(folder), texts)
        baseline = _bare_pipe(choice, texts, args.batch_size, args.n_process)
        measured = _annotator_suggest(store, choice, args.batch_size, args.n_process)
    result = {
        "name": "suggest_throughput",
        "value": round(words / measured),
        "baseline": round(words / baseline),
        "ratio": round(baseline / measured, 3),
        "target": TARGET,
        "ok": baseline / measured >= TARGET,
        "unit": "words/s",
        "articles": len(texts),
        "words": words,
        "seconds": {"nlp.pipe": round(baseline, 2), "annotator suggest": round(measured, 2)},
    }
    print(json.dumps(result))
    return result


def _prepared_store(folder: Path, texts: list[str]) -> Path:
    source = folder / "articles.jsonl"
    with source.open("w", encoding="utf-8") as handle:
        for text in texts:
            handle.write(json.dumps({"text": text}) + "\n")
    store = folder / "bench.db"
    _annotator("datasets", "create", "bench", "--preset", "ontonotes", "--db", str(store))
    _annotator("import", str(source), "-d", "bench", "--db", str(store))
    return store


def _bare_pipe(choice: ModelChoice, texts: list[str], batch_size: int, n_process: int) -> float:
    nlp = load_pipeline(choice)
    started = time.perf_counter()
    for _doc in nlp.pipe(texts, batch_size=batch_size, n_process=n_process):
        pass
    return time.perf_counter() - started


def _annotator_suggest(store: Path, choice: ModelChoice, batch_size: int, n_process: int) -> float:
    started = time.perf_counter()
    _annotator(
        "suggest", "-d", "bench", "--model", choice.name, "--db", str(store),
        "--batch-size", str(batch_size), "--n-process", str(n_process),
    )  # fmt: skip
    return time.perf_counter() - started


def _annotator(*args: str) -> None:
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    subprocess.run(
        [sys.executable, "-m", "annotator", *args], check=True, env=env, capture_output=True
    )


if __name__ == "__main__":
    main()
