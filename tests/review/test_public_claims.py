"""The public fact-check page (/claims/<id>): only claims a person decided, readable without a login, with
reviewer names redacted, its ClaimReview JSON-LD embedded under the site's strict CSP, and the export pointing at
it. The document's provenance is used when the indexer records it."""

from __future__ import annotations

import json
import re
from dataclasses import fields

import pytest

from indexer import Document
from webapp.review.claims import fingerprint
from webapp.review.decisions import Decision, decide
from webapp.security import CONTENT_SECURITY_POLICY

from .conftest import ICI_DOC, ICI_SENTENCE, PASSWORD
from .helpers import app_store, login
from .test_exports import ORIGIN, set_by_system, validate_claim_review

NOTE = "A person checked this against NICE: ICI and IUI are different treatments."
JSON_LD = re.compile(r'<script type="application/ld\+json">(.*?)</script>', re.S)
PROVENANCE_LANDED = any(f.name == "source" for f in fields(Document))


@pytest.fixture()
def reviewed(app, client, ici_id):
    """The seed claim decided by alice (the library synced first), and the store."""
    from webapp.review.accounts import add_reviewer

    store = app_store(app)
    assert client.get("/api/v1/claims").status_code == 200  # syncs the claims from the index
    alice = add_reviewer(store, "alice", PASSWORD)
    decide(store, ici_id, alice, Decision("inaccurate", 0, note=NOTE))
    return store, alice


def _json_ld(html: str) -> dict:
    [block] = JSON_LD.findall(html)
    return json.loads(block)


def test_export_points_at_the_public_page_which_shows_the_fact_check(client, reviewed, ici_id):
    [item] = client.get("/api/v1/export/claimreview.jsonld").get_json()["@graph"]
    validate_claim_review(item)
    assert item["url"] == f"http://localhost/claims/{ici_id}"
    assert item["itemReviewed"]["appearance"][0]["url"].startswith(f"http://localhost/doc/{ICI_DOC}#p-")
    page = client.get(item["url"].removeprefix("http://localhost"))
    assert page.status_code == 200 and page.mimetype == "text/html"
    html = page.get_data(as_text=True)
    for shown in (ICI_SENTENCE, "Inaccurate", NOTE, "nice.org.uk", item["datePublished"], "Reviewed by a person"):
        assert shown in html.replace("&#39;", "'"), shown
    assert f'href="/doc/{ICI_DOC}#p-' in html
    assert "alice" not in html and "Reviewed by a person (reviewer)" in html
    assert _json_ld(html) == {"@context": "https://schema.org", "@graph": [item]}
    assert page.headers["Cache-Control"].startswith("public")
    assert page.headers["Link"] == f'</api/v1/claims/{ici_id}>; rel="alternate"; type="application/json"'


def test_the_pages_csp_stays_strict_and_its_only_inline_script_is_the_data_block(client, reviewed, ici_id):
    page = client.get(f"/claims/{ici_id}")
    assert page.headers["Content-Security-Policy"] == CONTENT_SECURITY_POLICY
    assert "unsafe-inline" not in CONTENT_SECURITY_POLICY and "'sha256-" not in CONTENT_SECURITY_POLICY
    scripts = re.findall(r"<script\b([^>]*)>", page.get_data(as_text=True))
    inline = [attrs for attrs in scripts if "src=" not in attrs]
    assert inline == [' type="application/ld+json"']  # not JavaScript: never run, so script-src does not apply


def test_document_text_cannot_close_the_data_block(client, reviewed, ici_id):
    store, alice = reviewed
    hostile = "</script><script>alert(1)</script><!--"
    decide(store, ici_id, alice, Decision("inaccurate", 1, note="edited", reason=hostile))
    html = client.get(f"/claims/{ici_id}").get_data(as_text=True)
    assert html.count("</script>") == html.count("<script")  # the hostile text closes nothing
    assert hostile in _json_ld(html)["@graph"][0]["reviewRating"]["ratingExplanation"]
    assert "&lt;/script&gt;" in html  # and the page shows it as text


def test_a_logged_in_reviewer_sees_the_name(client, reviewed, ici_id):
    login(client, "alice", PASSWORD)
    page = client.get(f"/claims/{ici_id}")
    assert "Reviewed by a person (alice)" in page.get_data(as_text=True)
    assert page.headers["Cache-Control"] == "private, no-store"


def test_claims_no_person_decided_are_not_found(app, client, reviewed, ici_id):
    store, alice = reviewed
    undecided = next(c for c in client.get("/api/v1/claims?status=unsupported").get_json()["data"]["claims"])
    assert undecided["reviewed"] is None
    for claim_id in (undecided["id"], "0" * 32, "not-a-claim"):
        page = client.get(f"/claims/{claim_id}")
        assert page.status_code == 404 and page.mimetype == "text/html", claim_id
    set_by_system(store, undecided["id"])
    assert client.get(f"/claims/{undecided['id']}").status_code == 404
    decide(store, ici_id, alice, Decision("no_claim", 1, note="a definition, not a claim"))
    assert client.get(f"/claims/{ici_id}").status_code == 404
    assert client.get("/api/v1/export/claimreview.jsonld").get_json()["@graph"] == []
    exported = {c["id"]: c["reviewed_by_person"] for c in client.get("/api/v1/export/claims.json").get_json()}
    assert exported[ici_id] is True and exported[undecided["id"]] is False


@pytest.mark.skipif(not PROVENANCE_LANDED, reason="the indexer does not record document provenance yet")
def test_the_documents_provenance_reaches_the_claim_reviewed(tmp_path, db_url):
    from indexer import build_index
    from webapp import create_app
    from webapp.review.accounts import add_reviewer

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "ici-explained.md").write_text(
        f"---\nurl: {ORIGIN.url}\npublisher: {ORIGIN.publisher}\nauthor: {ORIGIN.author}\ndate: {ORIGIN.date}\n"
        f"---\n# ICI explained\n\n{ICI_SENTENCE}\n"
    )
    build_index([corpus], tmp_path / "index")
    app = create_app(
        {"TESTING": True, "INDEX_DIR": str(tmp_path / "index"), "DATABASE_URL": db_url, "SECRET_KEY": "test"},
        instance_path=str(tmp_path / "instance"),
    )
    client = app.test_client()
    [claim] = client.get("/api/v1/claims?status=inaccurate").get_json()["data"]["claims"]
    assert claim["id"] == fingerprint(claim["doc_id"], ICI_SENTENCE)
    decide(
        app_store(app),
        claim["id"],
        add_reviewer(app_store(app), "alice", PASSWORD),
        Decision("inaccurate", 0, note=NOTE),
    )
    [item] = client.get("/api/v1/export/claimreview.jsonld").get_json()["@graph"]
    validate_claim_review(item, ORIGIN)
    assert item["itemReviewed"]["author"] == {"@type": "Person", "name": ORIGIN.author}
    assert item["itemReviewed"]["datePublished"] == ORIGIN.date
    assert item["itemReviewed"]["appearance"][0]["url"] == ORIGIN.url
    html = client.get(f"/claims/{claim['id']}").get_data(as_text=True)
    assert f'href="{ORIGIN.url}"' in html and ORIGIN.author in html and ORIGIN.date in html
    app_store(app).dispose()


@pytest.mark.browser
def test_the_public_page_in_a_real_browser(live_app, page):
    """Chromium under the real CSP: no violation, no console error, the JSON-LD readable, no axe violation."""
    from axe_playwright_python.sync_playwright import Axe

    from webapp.review.accounts import add_reviewer

    app, base = live_app
    claim_id = fingerprint(ICI_DOC, ICI_SENTENCE)
    assert page.goto(f"{base}/api/v1/claims").status == 200  # syncs the claims
    store = app_store(app)
    decide(store, claim_id, add_reviewer(store, "alice", PASSWORD), Decision("inaccurate", 0, note=NOTE))
    errors: list[str] = []
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    page.add_init_script(
        "window.cspViolations = [];"
        "document.addEventListener('securitypolicyviolation', e => window.cspViolations.push(e.violatedDirective));"
    )
    response = page.goto(f"{base}/claims/{claim_id}")
    assert response.status == 200 and response.headers["content-security-policy"] == CONTENT_SECURITY_POLICY
    assert page.get_by_text(NOTE).is_visible()
    data = page.evaluate("JSON.parse(document.querySelector('script[type=\"application/ld+json\"]').textContent)")
    assert data["@graph"][0]["url"] == f"{base}/claims/{claim_id}"
    assert page.evaluate("window.cspViolations") == [] and not errors, errors
    results = Axe().run(page)
    assert results.violations_count == 0, results.generate_report()
