"""PostgreSQL for the benchmarks: the server given (a URL), or a throwaway one started for the run with the test
suite's class (tests/pgserver.py), and the size of a database.

The throwaway server runs with fsync off (as the tests': nothing of it needs to survive a crash), so its build
figures leave out the cost of syncing to disk that a real server pays at each commit; the whoosh build does not
sync either.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

TESTS = Path(__file__).resolve().parents[1] / "tests"
# Settings of the throwaway server on top of the test suite's: buffers for an index of a few hundred MB, and no
# checkpoint forced by WAL volume in the middle of a build.
SETTINGS = {"shared_buffers": "256MB", "max_wal_size": "4GB"}


def _server_class():
    if str(TESTS) not in sys.path:
        sys.path.insert(0, str(TESTS))  # tests/ is no package: pytest imports pgserver the same way
    from pgserver import PostgresServer

    return PostgresServer


@contextmanager
def databases(url: str | None = None, prefix: str = "bench") -> Iterator:
    """A function that returns a new, empty database's URL at each call: on the server of `url` when given (each
    call then returns `url` itself: its database is the one to use), else on a throwaway server, stopped after."""
    if url:
        yield lambda: url
        return
    server = _server_class()(settings=SETTINGS).start()
    try:
        yield lambda: server.create_database(prefix)
    finally:
        server.stop()


def database_mb(url: str) -> float:
    """The size on disk of the database `url` names (tables, indexes, TOAST; also the few MB an empty one takes)."""
    import psycopg

    dsn = url.replace("postgresql+psycopg://", "postgresql://", 1)
    with psycopg.connect(dsn) as conn:
        (size,) = conn.execute("SELECT pg_database_size(current_database())").fetchone()
    return round(size / 1024 / 1024, 2)
