"""Fixtures for the reviewer workflow: a real SQLite file and a real PostgreSQL server started by the suite itself,
real whoosh indexes built from seeds/, and the app wired to both.

PostgreSQL: tests/pgserver.py's throwaway server, one for the session, on a free loopback port, torn down at the end.
Without PostgreSQL the postgres cases are skipped locally, but fail when the CI variable is set.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from pgserver import PostgresServer, start_or_skip
from searchbackend import copy_index

ROOT = Path(__file__).resolve().parents[2]
SEEDS = ROOT / "seeds"
PASSWORD = "correct horse battery staple"
ICI_DOC = "000_71f14f984e23f40f"
ICI_SENTENCE = (
    "Intra cervical insemination, also known as intrauterine insemination (ICI), is a fertility treatment that "
    "involves placing sperm directly into the cervix to increase the chances of fertilization."
)


@pytest.fixture(scope="session")
def postgres():
    """The session's PostgreSQL server (skipped without PostgreSQL, except in CI where that is a failure)."""
    server = start_or_skip(PostgresServer().start)
    yield server
    server.stop()


@pytest.fixture(autouse=True)
def quick_password_hashes(request, monkeypatch):
    """Cheaper argon2 parameters for the tests (the production ones cost ~0.3 s a hash, many times under load);
    `test_production_password_hashes` checks the real parameters."""
    if "production_hashes" in request.keywords:
        return
    from argon2 import PasswordHasher

    from webapp.review import accounts

    monkeypatch.setattr(accounts, "HASHER", PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1))


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def db_url(request, tmp_path) -> str:
    """A fresh, empty database: a SQLite file, or a new database on the session's PostgreSQL server."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'review.sqlite3'}"
    return request.getfixturevalue("postgres").create_database()


@pytest.fixture()
def store(db_url):
    from webapp.review.store import ReviewStore

    opened = ReviewStore.open(db_url)
    yield opened
    opened.dispose()


@pytest.fixture()
def index_dir(tmp_path, seed_index) -> Path:
    """A copy of the session's seed index that a test may rebuild (copying is much faster than building)."""
    return copy_index(seed_index, tmp_path / "index")


@pytest.fixture()
def library(index_dir):
    from indexer import Library

    return Library(index_dir)


@pytest.fixture()
def synced(store, library):
    """The store with the claims of the seed index synced in."""
    from webapp.review.sync import sync_claims

    sync_claims(store, library)
    return store


@pytest.fixture()
def alice(store):
    from webapp.review.accounts import add_reviewer

    return add_reviewer(store, "alice", PASSWORD)


@pytest.fixture()
def bob(store):
    from webapp.review.accounts import add_reviewer

    return add_reviewer(store, "bob", PASSWORD + "!")


@pytest.fixture()
def ici_id() -> str:
    from webapp.review.claims import fingerprint

    return fingerprint(ICI_DOC, ICI_SENTENCE)


@pytest.fixture()
def app(db_url, index_dir, tmp_path):
    from webapp import create_app

    instance = tmp_path / "instance"
    application = create_app(
        {
            "TESTING": True,
            "INDEX_DIR": str(index_dir),
            "DATABASE_URL": db_url,
            "SECRET_KEY": "test-secret",
            "ORGANISATION_NAME": "Sourcecheck Test Org",
            "ORGANISATION_URL": "https://example.org/",
        },
        instance_path=str(instance),
    )
    yield application
    from webapp.review.web import EXTENSION

    application.extensions[EXTENSION].store.dispose()


@pytest.fixture()
def client(app):
    return app.test_client()


CHROMIUM = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    """Debian's Chromium (Playwright cannot download its own here); missing Chromium fails in CI."""
    if not Path(CHROMIUM).is_file():
        if os.environ.get("CI"):
            pytest.fail(f"Chromium not found at {CHROMIUM}, and CI must run the browser tests")
        pytest.skip(f"Chromium not found at {CHROMIUM}")
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": CHROMIUM_ARGS}


@pytest.fixture()
def live_app(tmp_path, index_dir):
    """The app on a fresh SQLite store and index, served by werkzeug from a thread on a free loopback port."""
    import threading

    from werkzeug.serving import make_server

    from webapp import create_app

    application = create_app(
        {
            "INDEX_DIR": str(index_dir),
            "DATABASE_URL": f"sqlite:///{tmp_path / 'r.sqlite3'}",
            "SECRET_KEY": "browser-test",
        },
        instance_path=str(tmp_path / "instance"),
    )
    server = make_server("127.0.0.1", 0, application, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield application, f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(10)
    from webapp.review.web import EXTENSION

    application.extensions[EXTENSION].store.dispose()
