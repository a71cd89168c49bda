"""One real-browser flow (Chromium through Playwright): log in, change a claim's status with a note, and see the
new label and "reviewed by a person" on the search results."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from webapp.review.accounts import add_reviewer

from .conftest import ICI_SENTENCE, PASSWORD
from .helpers import app_store


@pytest.mark.browser
def test_reviewer_changes_a_status_and_search_shows_it(live_app, page):
    app, base = live_app
    add_reviewer(app_store(app), "alice", PASSWORD)
    errors: list[str] = []
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)

    page.goto(f"{base}/review?status=inaccurate")
    page.get_by_role("link", name="Reviewer login").click()
    page.get_by_label("Name").fill("alice")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_text("Signed in as")).to_be_visible()

    page.get_by_role("link", name=ICI_SENTENCE).click()
    expect(page.get_by_role("heading", name="Claim", exact=True)).to_be_visible()
    page.get_by_label("Status", exact=True).select_option("supported")
    page.get_by_label("Note (required when you change the status)").fill("Browser test: a person checked this.")
    page.get_by_role("button", name="Save decision").click()
    expect(page.get_by_role("status")).to_have_text("Decision saved.")
    expect(page.get_by_text("Reviewed by a person (alice)")).to_be_visible()

    page.goto(f"{base}/?q=intrauterine+insemination")
    result = page.locator("li.result").filter(has_text="Intra cervical insemination, also known as intrauterine")
    expect(result.first).to_be_visible()
    expect(result.first.locator(".claim-supported").filter(has_text="also known as intrauterine")).to_have_count(1)
    expect(result.first.get_by_text(re.compile(r"Reviewed by a person, \d{4}-\d\d-\d\d")).first).to_be_visible()
    assert not errors, errors


@pytest.mark.browser
def test_review_pages_pass_axe(live_app, page):
    from axe_playwright_python.sync_playwright import Axe

    from webapp.review.claims import fingerprint

    from .conftest import ICI_DOC

    app, base = live_app
    add_reviewer(app_store(app), "alice", PASSWORD)
    page.goto(f"{base}/login")
    page.get_by_label("Name").fill("alice")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    claim = fingerprint(ICI_DOC, ICI_SENTENCE)
    for path in ("/review", f"/review/claims/{claim}", "/review/audit", "/logout", "/login"):
        page.goto(base + path)
        results = Axe().run(page)
        assert results.violations_count == 0, f"{path}\n{results.generate_report()}"
