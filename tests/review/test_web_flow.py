"""The whole reviewer flow through the test client, on SQLite and PostgreSQL: log in, decide, rebuild, and find
the decision on search results, document pages, the API, the audit log and the exports."""

from __future__ import annotations

import csv
import io

from indexer import build_index

from .conftest import ICI_DOC, ICI_SENTENCE, PASSWORD, SEEDS
from .helpers import app_store, csrf_from, login
from .test_exports import validate_claim_review

NOTE = "ICI and IUI are different procedures; the sentence calls one by the name of the other."


def _decide(client, claim_id, **fields):
    token = csrf_from(client, f"/review/claims/{claim_id}")
    return client.post(f"/review/claims/{claim_id}", data={"csrf_token": token, **fields})


def test_done_when_decision_survives_a_rebuild_everywhere(app, client, alice, ici_id):
    assert login(client, "alice", PASSWORD).status_code == 303
    queue = client.get("/review?status=inaccurate").get_data(as_text=True)
    assert f"/review/claims/{ici_id}" in queue and "Signed in as" in queue
    saved = _decide(client, ici_id, action="decide", version="0", status="unsupported", note=NOTE)
    assert saved.status_code == 303 and saved.headers["Location"].endswith(f"/review/claims/{ici_id}?saved=1")

    before = app_store(app).now().date().isoformat()
    build_index([SEEDS], app.config["INDEX_DIR"])  # a rebuild: new build folder, same sentences

    reader = app.test_client()  # a reader, not logged in
    html = reader.get("/?q=intrauterine+insemination").get_data(as_text=True)
    assert "Reviewed by a person" in html and before in html
    api = reader.get("/api/v1/search?q=intrauterine+insemination").get_json()["data"]
    sentence = next(s for r in api["results"] for s in r["sentences"] if s["sentence"] == ICI_SENTENCE)
    assert sentence["status"] == "unsupported"
    assert sentence["review"]["reviewed_by_person"] and sentence["review"]["date"] == before
    assert sentence["review"]["automatic_status"] == "inaccurate"

    doc_page = reader.get(f"/doc/{ICI_DOC}").get_data(as_text=True)
    assert "Reviewed by a person" in doc_page
    doc_api = reader.get(f"/api/v1/documents/{ICI_DOC}").get_json()["data"]
    checks = [s for p in doc_api["passages"] for s in p["sentences"] if s["sentence"] == ICI_SENTENCE]
    # readers see that a person reviewed it, not who (names help guessing logins); reviewers see the name
    assert checks and all(s["status"] == "unsupported" and s["review"]["by"] == "reviewer" for s in checks)
    as_reviewer = client.get(f"/api/v1/documents/{ICI_DOC}").get_json()["data"]
    assert {
        s["review"]["by"] for p in as_reviewer["passages"] for s in p["sentences"] if s["sentence"] == ICI_SENTENCE
    } == {"alice"}

    claim = reader.get(f"/api/v1/claims/{ici_id}").get_json()["data"]
    assert (claim["id"], claim["sentence"], claim["status"], claim["version"]) == (
        ici_id,
        ICI_SENTENCE,
        "unsupported",
        1,
    )
    assert claim["decision"]["note"] == NOTE and claim["state"] == "decided"
    assert [h["note"] for h in claim["history"]] == [NOTE]

    audit = reader.get(f"/api/v1/audit?claim={ici_id}").get_json()["data"]["entries"]
    assert [(e["actor"], e["status_before"], e["status_after"], e["note"]) for e in audit] == [
        ("reviewer", "inaccurate", "unsupported", NOTE)
    ]
    assert client.get(f"/api/v1/audit?claim={ici_id}").get_json()["data"]["entries"][0]["actor"] == "alice"
    audit_page = reader.get(f"/review/audit?claim={ici_id}").get_data(as_text=True)
    assert NOTE in audit_page and "alice" not in audit_page
    assert "alice" in client.get(f"/review/audit?claim={ici_id}").get_data(as_text=True)

    export = reader.get("/api/v1/export/claimreview.jsonld")
    assert export.mimetype == "application/ld+json"
    item = next(i for i in export.get_json()["@graph"] if i["claimReviewed"] == ICI_SENTENCE)
    validate_claim_review(item)
    assert item["reviewRating"]["alternateName"] == "Unsupported by evidence"
    assert item["url"] == f"http://localhost/claims/{ici_id}"  # the public fact-check page
    assert item["itemReviewed"]["appearance"][0]["url"].startswith(f"http://localhost/doc/{ICI_DOC}#p-")
    assert item["author"] == {"@type": "Organization", "name": "Sourcecheck Test Org", "url": "https://example.org/"}

    rows = list(csv.DictReader(io.StringIO(reader.get("/api/v1/export/claims.csv").get_data(as_text=True))))
    row = next(r for r in rows if r["id"] == ici_id)
    assert (row["status"], row["note"], row["decided_by"]) == ("unsupported", NOTE, "reviewer")
    audit_csv = reader.get("/api/v1/export/audit.csv")
    assert audit_csv.mimetype == "text/csv" and "attachment" in audit_csv.headers["Content-Disposition"]
    assert NOTE in audit_csv.get_data(as_text=True)
    claims_json = reader.get("/api/v1/export/claims.json").get_json()
    assert next(c for c in claims_json if c["id"] == ici_id)["status"] == "unsupported"


def test_claim_page_shows_the_sentence_in_context_with_verdict_and_history(app, client, alice, ici_id):
    page = client.get(f"/review/claims/{ici_id}").get_data(as_text=True)
    assert f"<mark>{ICI_SENTENCE}</mark>" in page
    for text in (
        "ici-called-iui",
        "ICI and IUI are two different procedures",
        "Intracervical insemination (ICI)",
        "nice.org.uk",
        "No decisions yet",
        "Log in as a reviewer",
    ):
        assert text in page, text
    assert 'name="action"' not in page  # a reader gets no forms
    login(client, "alice", PASSWORD)
    _decide(client, ici_id, action="decide", version="0", status="inaccurate", note="", needs_second_review="1")
    _decide(client, ici_id, action="edit", version="1", reason="A clearer reason.", correction="Fixed.", note="")
    _decide(
        client,
        ici_id,
        action="add_source",
        version="2",
        source_publisher="NHS",
        source_title="IUI",
        source_url="https://www.nhs.uk/conditions/artificial-insemination/",
    )
    _decide(client, ici_id, action="remove_source", version="3", source_index="0")
    claim = client.get(f"/api/v1/claims/{ici_id}").get_json()["data"]
    assert claim["version"] == 4 and claim["needs_second_review"]
    assert (claim["reason"], claim["correction"]) == ("A clearer reason.", "Fixed.")
    assert [s["publisher"] for s in claim["sources"]] == ["Mayo Clinic", "NHS"]
    assert [h["action"] for h in claim["history"]] == [
        "confirm,request_second_review",
        "confirm,edit_reason,edit_correction",
        "confirm,edit_sources",
        "confirm,edit_sources",
    ]
    page = client.get(f"/review/claims/{ici_id}").get_data(as_text=True)
    assert "Needs a second review" in page and "A clearer reason." in page and "Reviewed by a person" in page


def test_form_errors_show_on_the_page(app, client, alice, ici_id):
    login(client, "alice", PASSWORD)
    missing_note = _decide(client, ici_id, action="decide", version="0", status="supported", note="")
    assert missing_note.status_code == 400
    assert "a note is required" in missing_note.get_data(as_text=True)
    bad_url = _decide(
        client,
        ici_id,
        action="add_source",
        version="0",
        source_publisher="X",
        source_title="Y",
        source_url="javascript:alert(1)",
    )
    assert bad_url.status_code == 400 and "http" in bad_url.get_data(as_text=True)
    assert client.get(f"/api/v1/claims/{ici_id}").get_json()["data"]["version"] == 0


def test_two_reviewers_at_once_the_second_gets_a_conflict(app, alice, bob, ici_id):
    first, second = app.test_client(), app.test_client()
    login(first, "alice", PASSWORD)
    login(second, "bob", PASSWORD + "!")
    token_a = csrf_from(first, f"/review/claims/{ici_id}")  # both open the page at version 0
    token_b = csrf_from(second, f"/review/claims/{ici_id}")
    a = first.post(
        f"/review/claims/{ici_id}",
        data={
            "csrf_token": token_a,
            "action": "decide",
            "version": "0",
            "status": "unsupported",
            "note": "reading by alice",
        },
    )
    assert a.status_code == 303
    b = second.post(
        f"/review/claims/{ici_id}",
        data={
            "csrf_token": token_b,
            "action": "decide",
            "version": "0",
            "status": "supported",
            "note": "reading by bob",
        },
    )
    assert b.status_code == 409
    page = b.get_data(as_text=True)
    assert "changed since you opened it" in page and "reading by alice" in page and "alice" in page
    assert ">reading by bob</textarea>" in page  # bob's note is kept in the form to retry
    claim = first.get(f"/api/v1/claims/{ici_id}").get_json()["data"]
    assert (claim["status"], claim["version"], claim["decision"]["actor"]) == ("unsupported", 1, "alice")
    retry = second.post(
        f"/review/claims/{ici_id}",
        data={
            "csrf_token": token_b,
            "action": "decide",
            "version": "1",
            "status": "supported",
            "note": "bob, having read the decision of alice",
        },
    )
    assert retry.status_code == 303
    history = first.get(f"/api/v1/claims/{ici_id}").get_json()["data"]["history"]
    assert [(h["actor"], h["status_after"]) for h in history] == [("alice", "unsupported"), ("bob", "supported")]


def test_queue_filters_counts_and_json_twin(app, client, alice, ici_id):
    page = client.get("/review?state=all&status=inaccurate&topic=insemination")
    assert page.status_code == 200 and 'rel="alternate"' in page.get_data(as_text=True)
    data = client.get("/api/v1/claims?state=all&status=inaccurate&topic=insemination").get_json()
    assert data["links"]["html"].startswith("/review?")
    body = data["data"]
    assert body["total"] == len(body["claims"]) > 0
    assert all(c["status"] == "inaccurate" and c["topic"] == "insemination" for c in body["claims"])
    assert body["counts"]["status"]["inaccurate"] == body["total"]
    assert body["filters"] == {
        "status": ["inaccurate"],
        "rule": "",
        "doc_id": "",
        "topic": "insemination",
        "state": "all",
        "queue": "priority",
    }
    login(client, "alice", PASSWORD)
    _decide(client, ici_id, action="decide", version="0", status="inaccurate", note="")
    decided = client.get("/api/v1/claims?state=decided").get_json()["data"]
    assert [c["id"] for c in decided["claims"]] == [ici_id] and decided["counts"]["state"]["decided"] == 1
    html = client.get("/review?state=decided").get_data(as_text=True)
    assert "decided (1)" in html and ICI_SENTENCE in html


def test_every_time_element_has_a_valid_html_datetime_after_a_decision(app, client, alice, ici_id):
    import re

    login(client, "alice", PASSWORD)
    _decide(client, ici_id, action="decide", version="0", status="unsupported", note=NOTE)
    _decide(client, ici_id, action="decide", version="0", status="supported", note="stale: a conflict")
    pages = [
        "/?q=intrauterine+insemination",
        f"/doc/{ICI_DOC}",
        f"/review/claims/{ici_id}",
        "/review?state=all",
        "/review/audit",
    ]
    seen = 0
    for url in pages:
        for value in re.findall(r'<time datetime="([^"]*)"', client.get(url).get_data(as_text=True)):
            assert re.fullmatch(r"\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}:\d{2}Z)?", value), (url, value)
            seen += 1
    assert seen >= 5
