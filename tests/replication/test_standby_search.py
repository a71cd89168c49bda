"""Searches on a streaming hot standby, builds and reviewer decisions on the primary: a build made on the primary
becomes searchable on the standby (how soon is measured, and bounded here only by a generous timeout), the standby
refuses writes, and the web process never tries one there."""

from __future__ import annotations

import os
import subprocess
import sys
import time

import pytest

from indexer import Library, SearchRequest, build_index

from .conftest import record

pytestmark = pytest.mark.postgres
TIMEOUT = 60.0  # seconds: a failure bound only; the figures are recorded (replication-figures.json)


def until(found, timeout: float = TIMEOUT) -> float:
    """Seconds until `found()` is true, polling every 10 ms (fails past `timeout`)."""
    started = time.monotonic()
    while not found():
        if time.monotonic() - started > timeout:
            raise AssertionError(f"not seen within {timeout} s")
        time.sleep(0.01)
    return time.monotonic() - started


def total(library: Library, query: str) -> int:
    return library.search(SearchRequest(query)).total


def test_a_build_on_the_primary_is_searchable_on_the_standby(cluster, search_urls, library_name, corpus):
    primary, standby = search_urls
    build_index([corpus("alpha", 4)], library_name)
    cluster.replay_lag()
    on_standby = Library(library_name)
    assert on_standby.builds.url == standby  # the library reads where SOURCECHECK_SEARCH_READ_URL says
    assert total(on_standby, "zymurgy") == 12 and total(on_standby, "beta") == 0

    build_index([corpus("alpha", 4), corpus("beta", 2)], library_name)
    seconds = until(lambda: total(on_standby, "beta") == 6)
    record("build searchable on the standby after the build returned", seconds)
    assert total(on_standby, "zymurgy") == 18
    assert on_standby.build.name == "generation-2"


def test_the_standby_lags_while_replay_is_paused_then_catches_up(cluster, search_urls, library_name, corpus):
    """Proof that searches read the standby: with its replay paused, the primary serves the new build and the
    standby still serves the old one."""
    primary, standby = search_urls
    build_index([corpus("alpha", 2)], library_name)
    cluster.replay_lag()
    on_standby = Library(library_name)
    on_primary = Library(library_name, builds=_catalog(primary, library_name))
    with cluster.standby.connect(autocommit=True) as conn:
        conn.execute("SELECT pg_wal_replay_pause()")
        try:
            build_index([corpus("alpha", 2), corpus("beta", 3)], library_name)
            assert total(on_primary, "beta") == 9
            assert total(on_standby, "beta") == 0 and total(on_standby, "zymurgy") == 6
            assert on_standby.build.name == "generation-1"
        finally:
            conn.execute("SELECT pg_wal_replay_resume()")
    seconds = until(lambda: total(on_standby, "beta") == 9)
    record("build searchable on the standby after replay resumed", seconds)
    assert total(on_standby, "zymurgy") == 15


def _catalog(url: str, library: str):
    from indexer.engine.interface import catalog

    return catalog(library, search_url=url, read_url=url)


def test_the_standby_refuses_writes(cluster, search_urls):
    import psycopg

    primary, standby = search_urls
    with cluster.standby.connect(standby.rsplit("/", 1)[1], autocommit=True) as conn:
        assert conn.execute("SELECT pg_is_in_recovery()").fetchone()[0] is True
        with pytest.raises(psycopg.errors.ReadOnlySqlTransaction):
            conn.execute("CREATE TABLE written_on_the_standby (x int)")


def test_a_build_pointed_at_the_standby_fails_with_a_clear_error(cluster, search_urls, library_name, corpus):
    primary, standby = search_urls
    build_index([corpus("alpha", 1)], library_name)  # the schema and a generation, from the primary
    cluster.replay_lag()
    env = {**os.environ, "SOURCECHECK_SEARCH_URL": standby}
    env.pop("SOURCECHECK_SEARCH_READ_URL")
    command = "from indexer.cli import main; main()"
    done = subprocess.run(
        [sys.executable, "-c", command, "build", str(corpus("beta", 1)), "--index-dir", library_name],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 1, done.stderr
    errors = [line for line in done.stderr.splitlines() if line.startswith("Error: ")]
    assert errors and errors[0].startswith("Error: SOURCECHECK_SEARCH_URL") and "Traceback" not in done.stderr
    assert "read-only" in errors[0]
    assert total(Library(library_name), "zymurgy") == 3  # the standby still serves the primary's build


def test_the_web_app_searches_the_standby_and_writes_decisions_to_the_primary(
    cluster, search_urls, library_name, seeds_dir, corpus, tmp_path
):
    from review.conftest import ICI_DOC, ICI_SENTENCE

    from webapp import create_app
    from webapp.review.accounts import add_reviewer, issue_token
    from webapp.review.claims import fingerprint
    from webapp.review.web import EXTENSION

    primary, standby = search_urls
    build_index([seeds_dir], library_name)
    cluster.replay_lag()
    reviews = cluster.primary.create_database("reviews")
    log_start = cluster.standby.log.stat().st_size
    app = create_app(
        {"TESTING": True, "INDEX_DIR": library_name, "DATABASE_URL": reviews, "SECRET_KEY": "replication"},
        instance_path=str(tmp_path / "instance"),
    )
    service = app.extensions[EXTENSION]
    try:
        client = app.test_client()
        assert client.get("/review").status_code == 200  # the standby's build's claims synced into the primary
        add_reviewer(service.store, "alice", "correct horse battery staple")
        token = issue_token(service.store, "alice")
        claim = fingerprint(ICI_DOC, ICI_SENTENCE)
        decided = client.post(
            f"/api/v1/claims/{claim}/decisions",
            json={"status": "supported", "note": "checked on the primary", "version": 0},
            headers={"Authorization": f"Bearer {token}"},
        )
        assert decided.status_code == 201, decided.get_json()
        found = client.get("/api/v1/search?q=intrauterine+insemination&per_page=100").get_json()["data"]
        assert found["total"] > 0
        reviews_of = [s["review"] for r in found["results"] for s in r["sentences"] if s.get("claim_id") == claim]
        assert reviews_of and reviews_of[0]["reviewed_by_person"] is True

        def api_total(query: str) -> int:
            return client.get(f"/api/v1/search?q={query}").get_json()["data"]["total"]

        assert api_total("zymurgy") == 0
        build_index([seeds_dir, corpus("beta", 2)], library_name)
        seconds = until(lambda: api_total("zymurgy") == 6)
        record("build searchable through /api/v1/search on the standby after the build returned", seconds)

        search_db, review_db = standby.rsplit("/", 1)[1], reviews.rsplit("/", 1)[1]
        with cluster.standby.connect(autocommit=True) as conn:
            on_standby = dict(
                conn.execute(
                    "SELECT datname, count(*) FROM pg_stat_activity WHERE datname IN (%s, %s) GROUP BY datname",
                    (search_db, review_db),
                ).fetchall()
            )
        assert on_standby.get(search_db, 0) >= 1  # the app's search connections are on the standby
        assert review_db not in on_standby  # and none of its reviewer-store connections
        with cluster.primary.connect(review_db) as conn:
            notes = conn.execute("SELECT actor, status_after FROM audit_log WHERE note = 'checked on the primary'")
            assert notes.fetchall() == [("alice", "supported")]
    finally:
        service.dispose()
    written = cluster.standby.log.read_text(errors="replace")[log_start:]
    assert "read-only transaction" not in written and "ERROR" not in written, written
