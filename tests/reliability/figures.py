"""Counts gathered while the reliability tests run, written to artifacts/reliability-figures.json for RELIABILITY.md."""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from pathlib import Path

FIGURES: dict[str, Counter] = defaultdict(Counter)
OUTPUT = Path(__file__).resolve().parents[2] / "artifacts" / "reliability-figures.json"


def record(family: str, what: str, count: int = 1) -> None:
    FIGURES[family][what] += count


def write() -> None:
    if not FIGURES:
        return
    OUTPUT.parent.mkdir(parents=True, exist_ok=True)
    previous = json.loads(OUTPUT.read_text()) if OUTPUT.exists() else {}
    for family, counts in FIGURES.items():
        previous[family] = dict(counts)
    OUTPUT.write_text(json.dumps(previous, indent=2, sort_keys=True))
