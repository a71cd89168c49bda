"""Document text is untrusted: markup in a document, its title or a query is shown as text and never runs."""

from __future__ import annotations

import pytest
from playwright.sync_api import Error, Page, expect

from indexer import build_index

# Plain-text documents keep markup as text (double underscores would be read as emphasis, hence `pwned`).
HOSTILE_TITLE = '<img src=x onerror="window.pwned=1">Miscarriage myths'
HOSTILE_TEXT = f"""{HOSTILE_TITLE}

<script>window.pwned = 2</script> Studies show that stress causes miscarriage, experts say.

Click <a href="javascript:window.pwned=3">here</a> or <svg onload="window.pwned=4"></svg> to learn how \
miscarriage is defined. "><script>window.pwned=5</script> Miscarriage is common.
"""


@pytest.fixture(scope="module")
def hostile_url(make_app, serve_app, tmp_path_factory):
    docs = tmp_path_factory.mktemp("hostile-docs")
    (docs / "hostile.txt").write_text(HOSTILE_TEXT, encoding="utf-8")
    index_dir = tmp_path_factory.mktemp("hostile-index")
    build_index([docs], index_dir)
    with serve_app(make_app(index_dir)) as url:
        yield url


def _assert_inert(page: Page, console_errors: list[str]) -> None:
    assert page.evaluate("typeof window.pwned") == "undefined"
    assert page.locator("main script, main img, main svg[onload], main a[href^='javascript:']").count() == 0
    # the CSP would block an inline script anyway; a violation would show as a console error
    assert not [e for e in console_errors if "Content Security Policy" in e], console_errors


def test_hostile_document_is_shown_as_text_in_results(page: Page, hostile_url, console_errors):
    page.goto(f"{hostile_url}/?q=miscarriage")
    expect(page.locator("ol.results > li").first).to_be_visible()
    expect(page.locator("main").get_by_text("<script>window.pwned = 2</script>", exact=False).first).to_be_visible()
    _assert_inert(page, console_errors)


def test_hostile_document_page_is_inert(page: Page, hostile_url, console_errors):
    page.goto(f"{hostile_url}/?q=miscarriage")
    with page.expect_navigation():
        page.locator("ol.results > li").first.get_by_role("link").first.click()
    expect(page.locator("main")).to_contain_text('<a href="javascript:window.pwned=3">here</a>')
    _assert_inert(page, console_errors)


def test_hostile_query_is_echoed_as_text(page: Page, hostile_url, console_errors):
    query = '"><script>window.pwned=6</script><img src=x onerror=window.pwned=7>'
    page.goto(f"{hostile_url}/?q={query}")
    expect(page.get_by_role("searchbox").first).to_have_value(query)
    _assert_inert(page, console_errors)


def test_content_security_policy_blocks_inline_script(page: Page, live_url):
    response = page.goto(f"{live_url}/?q=IUI")
    csp = response.headers["content-security-policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    try:
        page.add_script_tag(content="window.inlineRan = true")
    except Error:  # Playwright may report the blocked script as an error; what matters is that it did not run
        pass
    assert page.evaluate("typeof window.inlineRan") == "undefined"
