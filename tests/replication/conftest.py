"""Fixtures for the replication tests: one primary with a streaming hot standby for the session (tests/pgserver.py),
a fresh database on it for each test, the search settings pointing builds at the primary and searches at the
standby, and small corpora written into temporary folders.

The standby cancels a query that holds up replay for more than 2 s (max_standby_streaming_delay; PostgreSQL's
default is 30 s), so that the test of that conflict stays short, and reports its oldest snapshot to the primary
(hot_standby_feedback, as docs/scaling.md advises), so that what is left to conflict is locks. The figures
measured (how long a build takes to be searchable on the standby) are written to artifacts/replication-figures.json
and printed at the end of the run.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from pgserver import StreamingCluster, start_or_skip

STANDBY_DELAY_SECONDS = 2
FIGURES: dict[str, list[float]] = {}
OUTPUT = Path(__file__).resolve().parents[2] / "artifacts" / "replication-figures.json"


def record(name: str, seconds: float) -> None:
    FIGURES.setdefault(name, []).append(round(seconds, 4))


def pytest_sessionfinish(session, exitstatus):
    if FIGURES:
        OUTPUT.parent.mkdir(parents=True, exist_ok=True)
        OUTPUT.write_text(json.dumps(FIGURES, indent=2, sort_keys=True))


def pytest_terminal_summary(terminalreporter):
    for name, values in sorted(FIGURES.items()):
        terminalreporter.write_line(f"replication: {name}: max {max(values):.3f} s over {len(values)} ({values})")


@pytest.fixture(scope="session")
def cluster():
    """The session's primary and hot standby (skipped without PostgreSQL, except in CI where that is a failure)."""
    started = start_or_skip(
        StreamingCluster(
            {"max_standby_streaming_delay": f"{STANDBY_DELAY_SECONDS}s", "hot_standby_feedback": "on"}
        ).start
    )
    yield started
    started.stop()


@pytest.fixture()
def search_urls(cluster, monkeypatch) -> tuple[str, str]:
    """A fresh search database: builds write to the primary, searches read the standby (the two settings)."""
    primary, standby = cluster.create_database("search")
    monkeypatch.setenv("SOURCECHECK_SEARCH_URL", primary)
    monkeypatch.setenv("SOURCECHECK_SEARCH_READ_URL", standby)
    return primary, standby


@pytest.fixture()
def library_name(tmp_path) -> str:
    """The library's name (the index folder setting: nothing is written there with PostgreSQL)."""
    return str(tmp_path / "library")


def write_corpus(folder: Path, marker: str, documents: int, paragraphs: int = 3) -> Path:
    """`documents` files, each of `paragraphs` paragraphs; every paragraph says 'zymurgy' and `marker` (so one query
    matches every passage, and each passage tells which corpus it came from)."""
    folder.mkdir(parents=True, exist_ok=True)
    for d in range(documents):
        body = "\n\n".join(
            f"Zymurgy note {p} of {marker} document {d}: brewing yeast ferments sugar into alcohol, and the "
            f"{marker} batch number {d * 10 + p} was kept cool for a steady fermentation over many days."
            for p in range(paragraphs)
        )
        (folder / f"{marker}-{d:02d}.md").write_text(f"# The {marker} brewing notes {d}\n\n{body}\n")
    return folder


@pytest.fixture()
def corpus(tmp_path):
    """write_corpus into a new folder under the test's temporary folder."""

    def make(marker: str, documents: int, paragraphs: int = 3) -> Path:
        return write_corpus(tmp_path / f"corpus-{marker}", marker, documents, paragraphs)

    return make
