"""axe-core finds no accessibility violation on any reader page, in the states a reader sees them."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page

DOC = "000_71f14f984e23f40f"


@pytest.mark.parametrize(
    "path",
    [
        "/",  # the search page before a search
        "/?q=ICI+IUI",  # results with a clarification, expansions and several labels
        "/?q=miscarriage&status=supported&per_page=3",  # filtered, paginated results
        "/?q=zzzqqq",  # helpful empty results
        "/?q=IUI&page=abc",  # a rejected parameter shown as a message
        f"/doc/{DOC}?q=IUI",  # the document page with back-to-results
        "/topics",
        "/about",
        "/doc/no-such-document",  # the not-found page
    ],
)
def test_no_axe_violations(page: Page, live_url, axe_check, path):
    page.goto(f"{live_url}{path}")
    axe_check(page)


def test_no_axe_violations_with_explanations_open(page: Page, live_url, axe_check):
    page.goto(f"{live_url}/?q=IUI")
    for summary in page.locator("details > summary").all():
        summary.click()
    axe_check(page)


def test_no_axe_violations_at_a_passage_anchor(page: Page, live_url, axe_check):
    page.goto(f"{live_url}/doc/{DOC}#p-5")
    axe_check(page)
