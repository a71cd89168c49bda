"""Shared fixtures: a real index built once per session from the seed documents, on the search backend the run
tests.

SOURCECHECK_TEST_SEARCH_BACKEND=postgresql starts a throwaway PostgreSQL server (tests/pgserver.py) for the session
and sets SOURCECHECK_SEARCH_URL to it before any test runs (subprocesses inherit it), so every build and search of
the suite goes to PostgreSQL; tests about the whoosh folder itself (its files, segments, symlink, the engine's
internals) are marked `whoosh_only` and skipped there, with the reason. Unset (or `whoosh`): the whoosh folder.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from click.testing import CliRunner
from searchbackend import BACKEND

ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT / "seeds"
_SERVER = []


def pytest_configure(config) -> None:
    config.addinivalue_line("markers", "whoosh_only: about the whoosh folder itself; skipped on PostgreSQL")
    if BACKEND not in ("whoosh", "postgresql"):
        raise pytest.UsageError(f"SOURCECHECK_TEST_SEARCH_BACKEND must be whoosh or postgresql, not {BACKEND!r}")
    if BACKEND == "postgresql" and not _SERVER:
        from pgserver import PostgresServer

        server = PostgresServer().start()  # no skip: this run is about PostgreSQL
        _SERVER.append(server)
        os.environ["SOURCECHECK_SEARCH_URL"] = server.create_database("search")


def pytest_unconfigure(config) -> None:
    while _SERVER:
        _SERVER.pop().stop()


def pytest_collection_modifyitems(config, items) -> None:
    if BACKEND != "postgresql":
        return
    skip = pytest.mark.skip(reason="about the whoosh folder itself (SOURCECHECK_TEST_SEARCH_BACKEND=postgresql)")
    for item in items:
        if "whoosh_only" in item.keywords:
            item.add_marker(skip)


@pytest.fixture(scope="session")
def seeds_dir() -> Path:
    return SEEDS


@pytest.fixture(scope="session")
def seed_index(tmp_path_factory) -> Path:
    """An index of the five seed documents, built once for the session (treat it as read-only)."""
    from indexer import build_index

    index_dir = tmp_path_factory.mktemp("seed-index")
    build_index([SEEDS], index_dir)
    return index_dir


@pytest.fixture()
def runner() -> CliRunner:
    return CliRunner()
