"""Who may write: every route is tried without credentials and the store must not change; tokens, sessions,
CSRF, cookie flags, throttling, and the one error shape on the review API."""

from __future__ import annotations

import re

import pytest

from indexer import build_index
from webapp.review.accounts import issue_token, set_active

from .conftest import ICI_DOC, PASSWORD, SEEDS
from .helpers import app_store, csrf_from, login, snapshot, soften_ici_called_iui

SAFE = {"GET", "HEAD", "OPTIONS"}
AUTH_ROUTES = {"/login", "/logout"}  # they change only the session cookie (and the failed-login counter)


def _url(rule, ici_id: str) -> str:
    values = {"claim_id": ici_id, "doc_id": ICI_DOC, "passage_id": f"{ICI_DOC}.p5", "filename": "review.css"}
    return re.sub(r"<(?:[^:>]+:)?([^>]+)>", lambda m: values.get(m.group(1), "x"), rule.rule)


def test_no_route_writes_without_auth(app, alice, ici_id):
    reader = app.test_client()
    assert reader.get("/review").status_code == 200  # claims synced before the snapshot
    store = app_store(app)
    before = snapshot(store)
    writes = []
    for rule in app.url_map.iter_rules():
        url = _url(rule, ici_id)
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            body = {"status": "supported", "note": "no auth", "version": 0}
            response = reader.open(url, method=method, json=body if method != "GET" else None)
            response.close()  # static files are streamed from an open file
            assert response.status_code < 500, (method, url, response.status_code)
            if method not in SAFE:
                writes.append((method, url, response.status_code))
                if url not in AUTH_ROUTES:
                    assert response.status_code == 401, (method, url, response.status_code)
            # a form post with a valid CSRF token but no login is refused too
            if method == "POST" and url.startswith("/review/"):
                token = csrf_from(reader, "/login")
                form = reader.post(
                    url,
                    data={
                        "csrf_token": token,
                        "action": "decide",
                        "version": "0",
                        "status": "supported",
                        "note": "no login",
                    },
                )
                assert form.status_code == 401
    assert snapshot(store) == before
    assert {w[1] for w in writes} >= {
        f"/review/claims/{ici_id}",
        f"/api/v1/claims/{ici_id}/decisions",
        "/login",
        "/logout",
    }


def test_api_decisions_with_a_token(app, client, alice, ici_id):
    token = issue_token(app_store(app), "alice")
    url = f"/api/v1/claims/{ici_id}/decisions"
    auth = {"Authorization": f"Bearer {token}"}

    missing = client.post(url, json={"status": "supported", "note": "x", "version": 0})
    assert missing.status_code == 401 and missing.headers["WWW-Authenticate"].startswith("Bearer")
    assert missing.get_json()["error"]["code"] == "unauthorized"
    wrong = client.post(
        url, json={"status": "supported", "note": "x", "version": 0}, headers={"Authorization": "Bearer sc_wrong"}
    )
    assert wrong.status_code == 401

    created = client.post(url, json={"status": "unsupported", "note": "via the API", "version": 0}, headers=auth)
    assert created.status_code == 201
    claim = created.get_json()["data"]
    assert (claim["status"], claim["version"], claim["decision"]["note"]) == ("unsupported", 1, "via the API")

    stale = client.post(url, json={"status": "supported", "note": "stale", "version": 0}, headers=auth)
    assert stale.status_code == 409
    error = stale.get_json()["error"]
    assert (error["status"], error["code"], error["param"]) == (409, "conflict", "version")
    assert error["current"]["version"] == 1 and error["current"]["decision"]["note"] == "via the API"

    no_note = client.post(url, json={"status": "supported", "version": 1}, headers=auth)
    assert no_note.status_code == 400 and no_note.get_json()["error"]["param"] == "note"
    for body, param in (
        ({"status": "supported", "note": "x"}, "version"),
        ([1, 2], "body"),
        ({"status": "bogus", "version": 1}, "status"),
        ({"status": "supported", "note": "x", "version": 1, "sources": "x"}, "sources"),
    ):
        bad = client.post(url, json=body, headers=auth)
        assert bad.status_code == 400 and bad.get_json()["error"]["param"] == param, body
    unknown = client.post(
        f"/api/v1/claims/{'0' * 32}/decisions", json={"status": "supported", "version": 0}, headers=auth
    )
    assert unknown.status_code == 404 and unknown.get_json()["error"]["code"] == "not_found"

    set_active(app_store(app), "alice", False)
    assert client.post(url, json={"status": "supported", "note": "x", "version": 1}, headers=auth).status_code == 401


@pytest.mark.parametrize(
    ("url", "param"),
    [
        ("/api/v1/claims?state=maybe", "state"),
        ("/api/v1/claims?page=two", "page"),
        ("/api/v1/claims?status=bogus", "status"),
        ("/api/v1/audit?since=yesterday", "since"),
        ("/api/v1/claims?per_page=5000", "per_page"),
    ],
)
def test_bad_parameters_use_the_one_error_shape(client, url, param):
    response = client.get(url)
    assert response.status_code == 400
    assert response.get_json() == {
        "error": {
            "status": 400,
            "code": "invalid_parameter",
            "message": response.get_json()["error"]["message"],
            "param": param,
        }
    }


def test_unknown_claim_is_404_on_page_and_api(client):
    assert client.get(f"/review/claims/{'0' * 32}").status_code == 404
    assert client.get(f"/api/v1/claims/{'0' * 32}").get_json()["error"]["code"] == "not_found"


def test_session_cookie_flags(app, alice):
    plain = login(app.test_client(), "alice", PASSWORD)
    cookie = plain.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Secure" not in cookie
    secure = login(app.test_client(), "alice", PASSWORD, base_url="https://localhost")
    assert "Secure" in secure.headers["Set-Cookie"]


def test_csrf_is_required_on_every_form(app, client, alice, ici_id):
    assert client.post("/login", data={"name": "alice", "password": PASSWORD}).status_code == 400
    login(client, "alice", PASSWORD)
    no_token = client.post(
        f"/review/claims/{ici_id}", data={"action": "decide", "version": "0", "status": "inaccurate"}
    )
    assert no_token.status_code == 400
    forged = client.post(
        f"/review/claims/{ici_id}",
        data={"csrf_token": "forged", "action": "decide", "version": "0", "status": "inaccurate"},
    )
    assert forged.status_code == 400
    assert client.post("/logout").status_code == 400
    assert client.get(f"/api/v1/claims/{ici_id}").get_json()["data"]["version"] == 0
    forms = client.get(f"/review/claims/{ici_id}").get_data(as_text=True)
    assert forms.count("<form") == forms.count('name="csrf_token"') >= 5


def test_logout_and_disabled_accounts_end_sessions(app, client, alice, ici_id):
    login(client, "alice", PASSWORD)
    assert "Signed in as" in client.get("/review").get_data(as_text=True)
    token = csrf_from(client, "/review")
    assert client.post("/logout", data={"csrf_token": token}).status_code == 303
    assert "Signed in as" not in client.get("/review").get_data(as_text=True)
    login(client, "alice", PASSWORD)
    set_active(app_store(app), "alice", False)
    token = csrf_from(client, "/login")  # the session's token: the claim page shows no forms any more
    refused = client.post(
        f"/review/claims/{ici_id}",
        data={"csrf_token": token, "action": "decide", "version": "0", "status": "inaccurate"},
    )
    assert refused.status_code == 401


def test_failed_logins_are_throttled(db_url, index_dir, tmp_path, alice):
    from webapp import create_app

    app = create_app(
        {
            "TESTING": True,
            "INDEX_DIR": str(index_dir),
            "DATABASE_URL": db_url,
            "SECRET_KEY": "t",
            "LOGIN_MAX_FAILURES": 2,
            "LOGIN_LOCKOUT_SECONDS": 60,
        },
        instance_path=str(tmp_path / "i"),
    )
    client = app.test_client()
    try:
        assert login(client, "alice", "wrong password").status_code == 401
        assert "wrong name or password" in login(client, "alice", "wrong again").get_data(as_text=True)
        throttled = login(client, "alice", PASSWORD)
        assert throttled.status_code == 429 and 0 < int(throttled.headers["Retry-After"]) <= 60
        assert "too many failed logins" in throttled.get_data(as_text=True)
    finally:
        app_store(app).dispose()


@pytest.mark.parametrize(
    "target",
    [
        "/review/audit",
        "/review?state=all&status=inaccurate",
        f"/doc/{ICI_DOC}#p-3",
        "//evil.example/",
        "https://evil.example/",
        "\\\\evil.example/",
        "/\\evil.example/",
        "\\/evil.example",
        "/review\r\nSet-Cookie: session=planted",
        "/review\nLocation: https://evil.example/",
        "/review\r",
        "/\t/evil.example/",
        "/\x00",
        "javascript:alert(1)",
        "http:/evil.example",
        "",
        "review",
    ],
)
def test_login_redirects_only_within_the_site(app, alice, target):
    client = app.test_client()
    page = client.get("/login", query_string={"next": target})
    assert page.status_code == 200  # never a 500, whatever the value
    token = csrf_from(client, "/login")
    response = client.post("/login", data={"name": "alice", "password": PASSWORD, "csrf_token": token, "next": target})
    assert response.status_code == 303
    safe = target.startswith("/review") and target.isprintable() or target.startswith("/doc/")
    assert response.headers["Location"] == (target if safe else "/review")
    assert "Set-Cookie: session=planted" not in str(response.headers)


def test_a_rebuild_reopens_a_claim_in_the_app(app, client, alice, ici_id, tmp_path):
    import shutil
    from pathlib import Path

    from indexer import load_knowledge_base

    login(client, "alice", PASSWORD)
    token = csrf_from(client, f"/review/claims/{ici_id}")
    client.post(
        f"/review/claims/{ici_id}",
        data={"csrf_token": token, "action": "decide", "version": "0", "status": "inaccurate", "note": ""},
    )
    knowledge = tmp_path / "kb"
    shutil.copytree(Path(__file__).resolve().parents[2] / "indexer" / "knowledge" / "data", knowledge)
    soften_ici_called_iui(knowledge)
    build_index([SEEDS], app.config["INDEX_DIR"], load_knowledge_base(knowledge))
    changed = client.get("/api/v1/claims?state=changed").get_json()["data"]
    assert [c["id"] for c in changed["claims"]] == [ici_id]
    assert changed["claims"][0]["automatic"]["status"] == "unsupported" and changed["claims"][0]["status"] == (
        "inaccurate"
    )
    assert "Changed: the automatic check now says" in client.get("/review?state=changed").get_data(as_text=True)


@pytest.mark.parametrize(
    ("setting", "value"),
    [
        ("LOGIN_MAX_FAILURES", "five"),
        ("LOGIN_LOCKOUT_SECONDS", 0),
        ("LOGIN_CLIENT_MAX_FAILURES", -1),
        ("LOGIN_ACCOUNT_MAX_FAILURES", True),
        ("SESSION_IDLE_MINUTES", 0),
        ("SESSION_LIFETIME_HOURS", "12"),
        ("TOKEN_LIFETIME_DAYS", 4000),
        ("DATABASE_URL", "not a url"),
    ],
)
def test_bad_settings_fail_at_start_naming_the_setting(tmp_path, index_dir, setting, value):
    from webapp import create_app
    from webapp.review.errors import ReviewError

    with pytest.raises(ReviewError, match="invalid database URL" if setting == "DATABASE_URL" else setting):
        create_app(
            {
                "TESTING": True,
                "INDEX_DIR": str(index_dir),
                "SECRET_KEY": "t",
                "DATABASE_URL": f"sqlite:///{tmp_path / 'r.sqlite3'}",
                setting: value,
            },
            instance_path=str(tmp_path / "i"),
        )


def _change(client, current: str, new: str, again: str | None = None, csrf: str | None = None):
    return client.post(
        "/review/password",
        data={
            "csrf_token": csrf_from(client, "/review/password") if csrf is None else csrf,
            "current_password": current,
            "new_password": new,
            "new_password_again": new if again is None else again,
        },
    )


def test_the_password_page_needs_a_login_and_is_linked_from_the_layout(app, client, alice):
    page = client.get("/review/password")
    assert page.status_code == 303 and page.headers["Location"].startswith("/login?next=/review/password")
    token = csrf_from(client, "/login")
    refused = client.post(
        "/review/password",
        data={
            "csrf_token": token,
            "current_password": PASSWORD,
            "new_password": "x" * 20,
            "new_password_again": "x" * 20,
        },
    )
    assert refused.status_code == 401
    assert 'href="/review/password"' not in client.get("/review").get_data(as_text=True)
    login(client, "alice", PASSWORD)
    assert 'href="/review/password"' in client.get("/review").get_data(as_text=True)
    form = client.get("/review/password").get_data(as_text=True)
    assert form.count('type="password"') == 3 and 'name="csrf_token"' in form


@pytest.mark.parametrize(
    ("current", "new", "again", "status", "message"),
    [
        (PASSWORD, "a quite different passphrase", "a quite different passphrase!", 400, "are not the same"),
        ("not my password", "a quite different passphrase", None, 401, "the current password is not right"),
        (PASSWORD, "password12", None, 400, "the password is too easy to guess"),
        (PASSWORD, " " * 12, None, 400, "only spaces"),
        (PASSWORD, "alice's own passphrase", None, 400, "must not contain the account name"),
        (PASSWORD, PASSWORD, None, 400, "the same as the current one"),
    ],
)
def test_a_refused_password_change_says_why_and_changes_nothing(
    app, client, alice, current, new, again, status, message
):
    login(client, "alice", PASSWORD)
    refused = _change(client, current, new, again)
    assert refused.status_code == status and message in refused.get_data(as_text=True)
    assert login(app.test_client(), "alice", PASSWORD).status_code == 303


def test_a_password_change_needs_the_csrf_token_and_guesses_are_throttled(db_url, index_dir, tmp_path, alice):
    from webapp import create_app

    app = create_app(
        {
            "TESTING": True,
            "INDEX_DIR": str(index_dir),
            "DATABASE_URL": db_url,
            "SECRET_KEY": "t",
            "LOGIN_MAX_FAILURES": 2,
        },
        instance_path=str(tmp_path / "i"),
    )
    client = app.test_client()
    try:
        login(client, "alice", PASSWORD)
        assert _change(client, PASSWORD, "a quite different passphrase", csrf="forged").status_code == 400
        for _ in range(2):  # a stolen session cannot be used to guess the password either
            assert _change(client, "a guess", "a quite different passphrase").status_code == 401
        throttled = _change(client, PASSWORD, "a quite different passphrase")
        assert throttled.status_code == 429 and int(throttled.headers["Retry-After"]) > 0
    finally:
        app_store(app).dispose()
