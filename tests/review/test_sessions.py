"""Server-side sessions: logout, disabling and a password change end them for good (a copied cookie too), and
they expire after an idle timeout and an absolute lifetime; in the store and over HTTP."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa

from webapp.review import models
from webapp.review.accounts import issue_token, set_active, set_password
from webapp.review.sessions import SessionPolicy, end_session, session_reviewer, start_session

from .conftest import ICI_DOC, PASSWORD
from .helpers import app_store, csrf_from, login

POLICY = SessionPolicy(idle_seconds=600, lifetime_seconds=3600)


@pytest.fixture()
def clock(store):
    now = [store.now()]
    store.clock = lambda: now[0]
    return now


def test_a_session_is_stored_only_as_a_hash(store, alice):
    session_id = start_session(store, alice.id, POLICY)
    assert len(session_id) >= 40 and session_reviewer(store, session_id, POLICY) == alice.id
    with store.read() as conn:
        stored = conn.execute(sa.select(models.reviewer_sessions)).one()
    assert session_id not in str(tuple(stored)) and len(stored.id) == 64
    assert session_reviewer(store, session_id + "x", POLICY) is None


def test_logout_ends_the_session_for_good(store, alice):
    session_id = start_session(store, alice.id, POLICY)
    end_session(store, session_id)
    assert session_reviewer(store, session_id, POLICY) is None


def test_sessions_expire_when_idle_and_at_the_end_of_their_lifetime(store, alice, clock):
    idle, busy = start_session(store, alice.id, POLICY), start_session(store, alice.id, POLICY)
    for _ in range(5):  # the busy one is used every 9 minutes, the idle one never
        clock[0] += timedelta(minutes=9)
        assert session_reviewer(store, busy, POLICY) == alice.id
    assert session_reviewer(store, idle, POLICY) is None  # 45 minutes unused, past the 10-minute idle timeout
    clock[0] += timedelta(minutes=9)
    assert session_reviewer(store, busy, POLICY) == alice.id
    clock[0] += timedelta(minutes=6, seconds=1)  # an hour and a second after login
    assert session_reviewer(store, busy, POLICY) is None
    start_session(store, alice.id, POLICY)  # a new login prunes the sessions past their lifetime
    with store.read() as conn:
        assert conn.scalar(sa.select(sa.func.count()).select_from(models.reviewer_sessions)) == 1


def test_use_is_written_at_most_once_a_minute(store, alice, clock):
    session_id = start_session(store, alice.id, POLICY)

    def last_seen():
        with store.read() as conn:
            return conn.scalar(sa.select(models.reviewer_sessions.c.last_seen_at))

    first = last_seen()
    clock[0] += timedelta(seconds=30)
    session_reviewer(store, session_id, POLICY)
    assert last_seen() == first
    clock[0] += timedelta(seconds=31)
    session_reviewer(store, session_id, POLICY)
    assert last_seen() != first


def test_disabling_ends_every_session_and_enabling_brings_none_back(store, alice, bob):
    sessions = [start_session(store, alice.id, POLICY) for _ in range(2)]
    other = start_session(store, bob.id, POLICY)
    set_active(store, "alice", False)
    set_active(store, "alice", True)
    assert [session_reviewer(store, s, POLICY) for s in sessions] == [None, None]
    assert session_reviewer(store, other, POLICY) == bob.id


# Over HTTP: the cookie is copied to another client, as an attacker who stole it would.


def _copy_session(app, client):
    thief = app.test_client()
    thief.set_cookie("session", client.get_cookie("session").value)
    return thief


def _signed_in(client) -> bool:
    return "Signed in as" in client.get("/review").get_data(as_text=True)


def test_a_cookie_copied_before_logout_does_not_work_after_it(app, client, alice, ici_id):
    login(client, "alice", PASSWORD)
    thief = _copy_session(app, client)
    assert _signed_in(thief)
    stolen_csrf = csrf_from(thief, "/review")
    assert client.post("/logout", data={"csrf_token": csrf_from(client, "/review")}).status_code == 303
    assert not _signed_in(thief)
    refused = thief.post(
        f"/review/claims/{ici_id}",
        data={"csrf_token": stolen_csrf, "action": "decide", "version": "0", "status": "supported", "note": "x"},
    )
    assert refused.status_code == 401
    assert client.get(f"/api/v1/claims/{ici_id}").get_json()["data"]["version"] == 0  # nothing was decided


def test_a_cookie_from_before_disable_does_not_work_after_enable(app, client, alice):
    login(client, "alice", PASSWORD)
    thief = _copy_session(app, client)
    set_active(app_store(app), "alice", False)
    set_active(app_store(app), "alice", True)
    assert not _signed_in(thief) and not _signed_in(client)
    assert login(client, "alice", PASSWORD).status_code == 303 and _signed_in(client)  # a fresh login works


def test_a_cli_password_change_ends_every_session(app, client, alice):
    login(client, "alice", PASSWORD)
    set_password(app_store(app), "alice", "a quite different passphrase")
    assert not _signed_in(client)


def test_an_ended_session_says_so_on_a_form_post(app, client, alice, ici_id):
    login(client, "alice", PASSWORD)
    token = csrf_from(client, "/review")
    set_active(app_store(app), "alice", False)
    refused = client.post(
        f"/review/claims/{ici_id}",
        data={"csrf_token": token, "action": "decide", "version": "0", "status": "supported", "note": "x"},
    )
    assert refused.status_code == 401 and "your session has ended" in refused.get_data(as_text=True)


def test_the_idle_timeout_and_lifetime_settings_apply(db_url, index_dir, tmp_path, alice):
    from webapp import create_app

    app = create_app(
        {
            "TESTING": True,
            "INDEX_DIR": str(index_dir),
            "DATABASE_URL": db_url,
            "SECRET_KEY": "t",
            "SESSION_IDLE_MINUTES": 5,
            "SESSION_LIFETIME_HOURS": 1,
        },
        instance_path=str(tmp_path / "i"),
    )
    store = app_store(app)
    clock = [store.now()]
    store.clock = lambda: clock[0]
    try:
        assert app.permanent_session_lifetime == timedelta(hours=1)  # the signed cookie itself lapses too
        idle, busy = app.test_client(), app.test_client()
        login(idle, "alice", PASSWORD)
        login(busy, "alice", PASSWORD)
        for _ in range(14):
            clock[0] += timedelta(minutes=4)
            assert _signed_in(busy)
        assert not _signed_in(idle)
        clock[0] += timedelta(minutes=4, seconds=1)  # 1 hour and a second after login
        assert not _signed_in(busy)
        assert busy.get(f"/doc/{ICI_DOC}").status_code == 200  # reading needs no session
    finally:
        store.dispose()


def test_the_web_password_page_keeps_this_session_and_ends_the_others(app, client, alice):
    other = app.test_client()
    login(client, "alice", PASSWORD)
    login(other, "alice", PASSWORD)
    token = issue_token(app_store(app), "alice")
    csrf = csrf_from(client, "/review/password")
    changed = client.post(
        "/review/password",
        data={
            "csrf_token": csrf,
            "current_password": PASSWORD,
            "new_password": "a quite different passphrase",
            "new_password_again": "a quite different passphrase",
        },
    )
    assert changed.status_code == 303 and changed.headers["Location"].endswith("/review/password?changed=1")
    assert "Your password has been changed" in client.get("/review/password?changed=1").get_data(as_text=True)
    assert _signed_in(client) and not _signed_in(other)
    assert (
        client.post("/api/v1/claims/x/decisions", json={}, headers={"Authorization": f"Bearer {token}"}).status_code
        == 401
    )
    assert login(app.test_client(), "alice", PASSWORD).status_code == 401
    assert login(app.test_client(), "alice", "a quite different passphrase").status_code == 303
