"""Faults in the reviewer database: search keeps working, reviewer pages say clearly what is wrong.

Two real faults: a PostgreSQL URL on a port where nothing listens (the app starts anyway), and a PostgreSQL server
stopped while the app serves, then started again (the app recovers without a restart). Readers get the automatic
checks with a notice; reviewer pages and the review API answer 503 with a plain explanation, never a traceback;
nothing is written while the database is away; the database password is in no page and no log line.
"""

from __future__ import annotations

import os
import re
import socket
import subprocess

import pytest
import sqlalchemy as sa
from review.conftest import ICI_DOC, ICI_SENTENCE, PostgresServer
from review.helpers import csrf_from

from webapp import create_app
from webapp.review.accounts import add_reviewer, issue_token
from webapp.review.claims import fingerprint
from webapp.review.decisions import Decision, decide
from webapp.review.models import audit_log
from webapp.review.web import EXTENSION

from .figures import record

PASSWORD = "db-password-never-shown"  # the database's, in the URL
REVIEWER_PASSWORD = "reviewer password 1"
SEARCH_PAGES = ("/?q=miscarriage", "/?q=intrauterine+insemination", f"/doc/{ICI_DOC}", "/topics", "/about")
SEARCH_API = ("/api/v1/search?q=miscarriage", f"/api/v1/documents/{ICI_DOC}", "/api/v1/documents")
REVIEW_PAGES = (
    "/review",
    "/review/audit",
    "/review/claims/{claim}",
    "/api/v1/claims",
    "/api/v1/audit",
    "/api/v1/claims/{claim}",
    "/api/v1/export/claims.csv",
    "/api/v1/export/audit.csv",
)
NOTICE = "Reviewers' decisions cannot be shown right now"


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]  # nothing listens here once the socket is closed


def _assert_search_works(client, family: str) -> None:
    for path in SEARCH_PAGES:
        response = client.get(path)
        assert response.status_code == 200, (path, response.status_code)
        assert b"Traceback" not in response.data
        if path.startswith("/?q="):
            assert NOTICE in response.get_data(as_text=True), path
            assert "result" in response.get_data(as_text=True)
        record(family, "search_requests_served")
    for path in SEARCH_API:
        response = client.get(path)
        assert response.status_code == 200, (path, response.status_code, response.data[:300])
        record(family, "search_requests_served")
    assert client.get("/api/v1/search?q=miscarriage").get_json()["data"]["total"] > 0


def _assert_review_unavailable(client, claim: str, family: str) -> None:
    for template in REVIEW_PAGES:
        path = template.format(claim=claim)
        response = client.get(path)
        assert response.status_code == 503, (path, response.status_code)
        assert int(response.headers["Retry-After"]) > 0
        text = response.get_data(as_text=True)
        assert "Traceback" not in text and PASSWORD not in text and "127.0.0.1" not in text
        if response.is_json:
            error = response.get_json()["error"]
            assert (error["status"], error["code"]) == (503, "review_unavailable")
            assert "reviewer database cannot be reached" in error["message"]
        else:
            assert "Reviewer pages are unavailable" in text and "Search still works" in text
        record(family, "review_requests_refused_clearly")


def _assert_no_secret_logged(caplog) -> None:
    logged = "\n".join(r.getMessage() for r in caplog.records)
    assert PASSWORD not in logged and REVIEWER_PASSWORD not in logged


def test_unreachable_database_at_start_leaves_search_working(index_dir, tmp_path, caplog):
    url = f"postgresql+psycopg://sourcecheck:{PASSWORD}@127.0.0.1:{_closed_port()}/review?connect_timeout=3"
    app = create_app(
        {"TESTING": True, "INDEX_DIR": str(index_dir), "DATABASE_URL": url, "SECRET_KEY": "t"},
        instance_path=str(tmp_path / "instance"),
    )
    assert any("cannot open the reviewer database" in r.getMessage() for r in caplog.records)
    client = app.test_client()
    claim = fingerprint(ICI_DOC, ICI_SENTENCE)
    _assert_search_works(client, "database_faults")
    _assert_review_unavailable(client, claim, "database_faults")
    login_page = client.get("/login")
    assert login_page.status_code == 200  # the form itself needs no database
    token = re.search(r'name="csrf_token" value="([^"]+)"', login_page.get_data(as_text=True)).group(1)
    login = client.post("/login", data={"name": "alice", "password": REVIEWER_PASSWORD, "csrf_token": token})
    assert login.status_code == 503 and b"Reviewer pages are unavailable" in login.data
    decision = client.post(
        f"/api/v1/claims/{claim}/decisions",
        json={"status": "supported", "version": 0},
        headers={"Authorization": "Bearer sc_anything"},
    )
    assert decision.status_code == 503 and decision.get_json()["error"]["code"] == "review_unavailable"
    _assert_no_secret_logged(caplog)
    record("database_faults", "faults_injected")
    app.extensions[EXTENSION].dispose()


@pytest.fixture()
def own_postgres():
    """A PostgreSQL server of this test's own, which it stops and starts again."""
    try:
        server = PostgresServer().start()
    except (RuntimeError, OSError, subprocess.SubprocessError) as e:
        if os.environ.get("CI"):
            pytest.fail(f"PostgreSQL could not start, and CI must test it: {e}")
        pytest.skip(f"PostgreSQL not available: {e}")
    yield server
    server.stop()


def _pg_ctl(server: PostgresServer, *args: str) -> None:
    server._run(str(server.bin / "pg_ctl"), "-D", str(server.dir / "data"), *args)


def test_database_stopped_while_serving_then_back(own_postgres, index_dir, tmp_path, caplog):
    import psycopg

    with psycopg.connect(
        f"host=127.0.0.1 port={own_postgres.port} user=postgres dbname=postgres", autocommit=True
    ) as conn:
        conn.execute(f"ALTER USER postgres PASSWORD '{PASSWORD}'")
    url = own_postgres.url().replace("postgres@", f"postgres:{PASSWORD}@")
    app = create_app(
        {"TESTING": True, "INDEX_DIR": str(index_dir), "DATABASE_URL": url, "SECRET_KEY": "t"},
        instance_path=str(tmp_path / "instance"),
    )
    service = app.extensions[EXTENSION]
    client = app.test_client()
    claim = fingerprint(ICI_DOC, ICI_SENTENCE)
    assert client.get("/review").status_code == 200  # claims synced
    alice = add_reviewer(service.store, "alice", REVIEWER_PASSWORD)
    api_token = issue_token(service.store, "alice")
    decide(service.store, claim, alice, Decision("supported", 0, note="checked by a person"))
    reviewed = client.get("/?q=intrauterine+insemination").get_data(as_text=True)
    assert "Reviewed by a person" in reviewed and NOTICE not in reviewed
    form_token = csrf_from(client, "/login")
    with service.store.read() as conn:
        entries = conn.scalar(sa.select(sa.func.count()).select_from(audit_log))

    _pg_ctl(own_postgres, "-m", "immediate", "-w", "stop")
    record("database_faults", "faults_injected")
    try:
        _assert_search_works(client, "database_faults")
        assert "Reviewed by a person" not in client.get("/?q=intrauterine+insemination").get_data(as_text=True)
        _assert_review_unavailable(client, claim, "database_faults")
        login = client.post("/login", data={"name": "alice", "password": REVIEWER_PASSWORD, "csrf_token": form_token})
        assert login.status_code == 503
        refused = client.post(
            f"/api/v1/claims/{claim}/decisions",
            headers={"Authorization": f"Bearer {api_token}"},
            json={"status": "inaccurate", "note": "while the database is down", "version": 1},
        )
        assert refused.status_code == 503
        record("database_faults", "writes_refused_while_down", 2)
    finally:
        _pg_ctl(
            own_postgres,
            "-l",
            str(own_postgres.dir / "server.log"),
            "-w",
            "-t",
            "30",
            "start",
            "-o",
            f"-p {own_postgres.port} -k {own_postgres.dir} -c listen_addresses=127.0.0.1 -c fsync=off",
        )

    back = client.get("/?q=intrauterine+insemination").get_data(as_text=True)
    assert "Reviewed by a person" in back and NOTICE not in back  # recovered without a restart
    assert client.get("/review").status_code == 200
    with service.store.read() as conn:
        assert conn.scalar(sa.select(sa.func.count()).select_from(audit_log)) == entries  # nothing half-written
    accepted = client.post(
        f"/api/v1/claims/{claim}/decisions",
        headers={"Authorization": f"Bearer {api_token}"},
        json={"status": "inaccurate", "note": "after the database is back", "version": 1},
    )
    assert accepted.status_code == 201
    _assert_no_secret_logged(caplog)
    record("database_faults", "recovered_without_restart")
    service.dispose()
