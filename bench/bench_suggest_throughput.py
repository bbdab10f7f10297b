"""`suggest_throughput`: `annotator suggest` against a bare `nlp.pipe`, words per second.

A thin wrapper over `bench/suggest_throughput.py` (which also runs on its own): 2,000
articles of about 600 words, 200 with `--quick`. Target: ratio >= 0.9.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import suggest_throughput
from common import scaled

ARTICLES = 2000
WORDS = 600


def run(quick: bool, workdir: Path) -> dict[str, Any]:
    from annotator.nlp.models import resolve_model

    if resolve_model(None, None) is None:
        raise RuntimeError("no trained spaCy pipeline is installed: pip install '.[model]'")
    argv = ["--articles", str(scaled(ARTICLES, quick)), "--words", str(WORDS)]
    return suggest_throughput.main(argv)
