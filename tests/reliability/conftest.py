"""Fixtures for the reliability tests. The reviewer-store fixtures (a real SQLite file, a real PostgreSQL server
started by the suite, the seed index synced into the store) come from tests/review/conftest.py, so both suites test
the same setup; the figures are written to artifacts/reliability-figures.json when the session ends."""

from review.conftest import (  # noqa: F401  (fixtures: pytest finds them by name)
    browser_type_launch_args,
    db_url,
    index_dir,
    library,
    postgres,
    quick_password_hashes,
    store,
    synced,
)

from .figures import write


def pytest_sessionfinish(session, exitstatus):
    write()
