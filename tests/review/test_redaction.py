"""Reviewer names are for reviewers: readers (no login, no valid token) see "reviewer" instead, in the audit log
(page, API, CSV), claim histories and decisions, the claims exports and the search and document API; "system" and
"cli" entries stay as they are."""

from __future__ import annotations

import csv
import io

import pytest

from webapp.review.accounts import issue_token, set_active
from webapp.review.audit import AuditQuery, audit_csv, find_entries
from webapp.review.claims import get_claim
from webapp.review.decisions import Decision, decide
from webapp.review.queue import ClaimQuery, find_claims

from .conftest import ICI_DOC, ICI_SENTENCE, PASSWORD
from .helpers import app_store, login


@pytest.fixture()
def decided(app, client, alice, ici_id):
    """alice decided on the ICI claim and was given a token (an account event with her name in its details)."""
    assert client.get("/review").status_code == 200  # claims synced
    store = app_store(app)
    decide(store, ici_id, alice, Decision("unsupported", 0, note="Overstated."))
    token = issue_token(store, "alice")
    return token


def _readers(app, token):
    """(client, headers, sees names?) for an anonymous reader, a forged token, a reviewer's session and token."""
    reviewer = app.test_client()
    login(reviewer, "alice", PASSWORD)
    return [
        (app.test_client(), {}, False),
        (app.test_client(), {"Authorization": "Bearer sc_forged"}, False),
        (reviewer, {}, True),
        (app.test_client(), {"Authorization": f"Bearer {token}"}, True),
    ]


def test_the_audit_log_shows_names_to_reviewers_only(app, decided, ici_id):
    for client, headers, sees in _readers(app, decided):
        actors = {e["actor"] for e in client.get("/api/v1/audit", headers=headers).get_json()["data"]["entries"]}
        assert actors == ({"alice", "cli"} if sees else {"reviewer", "cli"}), headers
        page = client.get("/review/audit", headers=headers).get_data(as_text=True)
        assert ("alice" in page) is sees and ("shown to logged-in reviewers only" in page) is not sees
        exported = client.get("/api/v1/export/audit.csv", headers=headers).get_data(as_text=True)
        assert {r["actor"] for r in csv.DictReader(io.StringIO(exported))} == actors
        assert ("alice" in exported) is sees  # the account events' details name nobody either


def test_claims_show_who_decided_to_reviewers_only(app, decided, ici_id):
    for client, headers, sees in _readers(app, decided):
        name = "alice" if sees else "reviewer"
        claim = client.get(f"/api/v1/claims/{ici_id}", headers=headers).get_json()["data"]
        assert (claim["reviewed"]["by"], claim["decision"]["actor"]) == (name, name)
        assert [h["actor"] for h in claim["history"]] == [name]
        queue = client.get("/api/v1/claims?state=all&per_page=200", headers=headers).get_json()["data"]
        assert {c["reviewed"]["by"] for c in queue["claims"] if c["reviewed"]} == {name}
        page = client.get(f"/review/claims/{ici_id}", headers=headers).get_data(as_text=True)
        assert f"Reviewed by a person ({name})" in page and ("alice" in page) is sees
        rows = csv.DictReader(
            io.StringIO(client.get("/api/v1/export/claims.csv", headers=headers).get_data(as_text=True))
        )
        assert {r["decided_by"] for r in rows if r["decided_by"]} == {name}
        exported = client.get("/api/v1/export/claims.json", headers=headers).get_json()
        assert next(c for c in exported if c["id"] == ici_id)["decision"]["actor"] == name


def test_search_and_document_api_show_the_reviewer_to_reviewers_only(app, decided):
    for client, headers, sees in _readers(app, decided):
        name = "alice" if sees else "reviewer"
        search = client.get("/api/v1/search?q=intrauterine+insemination", headers=headers).get_json()["data"]
        reviews = {s["review"]["by"] for r in search["results"] for s in r["sentences"] if s["review"]}
        document = client.get(f"/api/v1/documents/{ICI_DOC}", headers=headers).get_json()["data"]
        reviews |= {
            s["review"]["by"] for p in document["passages"] for s in p["sentences"] if s["sentence"] == ICI_SENTENCE
        }
        assert reviews == {name}


def test_readers_filter_the_audit_log_by_label_not_by_name(app, decided):
    reader = app.test_client()
    for name in ("alice", "nobody"):  # the same answer whether the account exists or not
        refused = reader.get(f"/api/v1/audit?actor={name}")
        assert refused.status_code == 400 and refused.get_json()["error"]["param"] == "actor"
        assert "log in to filter by a reviewer's name" in refused.get_json()["error"]["message"]
    assert reader.get("/review/audit?actor=alice").status_code == 400
    by_label = reader.get("/api/v1/audit?actor=reviewer").get_json()["data"]
    assert by_label["total"] == 1 and by_label["entries"][0]["action"] == "change_status"
    assert {e["actor"] for e in reader.get("/api/v1/audit?actor=cli").get_json()["data"]["entries"]} == {"cli"}
    reviewer = app.test_client()
    login(reviewer, "alice", PASSWORD)
    assert reviewer.get("/api/v1/audit?actor=alice").get_json()["data"]["total"] == 1


def test_a_disabled_reviewers_token_no_longer_reveals_names(app, decided):
    set_active(app_store(app), "alice", False)
    audit = app.test_client().get("/api/v1/audit", headers={"Authorization": f"Bearer {decided}"})
    assert "alice" not in audit.get_data(as_text=True)


def test_the_store_functions_take_the_flag(synced, alice, ici_id):
    decide(synced, ici_id, alice, Decision("unsupported", 0, note="Overstated."))
    assert get_claim(synced, ici_id).decided_by == "alice"  # trusted callers (CLI, tests) see names by default
    hidden = get_claim(synced, ici_id, reveal_names=False)
    assert (hidden.decided_by, hidden.decision.actor, [e.actor for e in hidden.history]) == (
        "reviewer",
        "reviewer",
        ["reviewer"],
    )
    assert {c.decided_by for c in find_claims(synced, ClaimQuery(state="decided"), reveal_names=False).claims} == {
        "reviewer"
    }
    entries = find_entries(synced, AuditQuery(), reveal_names=False).entries
    assert {e.actor for e in entries} == {"reviewer", "cli"} and "alice" not in str(entries)
    assert "alice" not in audit_csv(synced, reveal_names=False) and "alice" in audit_csv(synced)
