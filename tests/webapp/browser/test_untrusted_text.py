"""Document text is untrusted: markup in a document, its title or a query is shown as text and never runs."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from indexer import build_index

HOSTILE_TITLE = '<img src=x onerror="window.__pwned=1">Miscarriage myths'
HOSTILE_TEXT = f"""{HOSTILE_TITLE}

<script>window.__pwned = 2</script> Studies show that stress causes miscarriage, experts say.

Click <a href="javascript:window.__pwned=3">here</a> or <svg onload="window.__pwned=4"></svg> to learn how
miscarriage is defined. "><script>window.__pwned=5</script> Miscarriage is common.
"""


@pytest.fixture(scope="module")
def hostile_url(make_app, tmp_path_factory):
    from conftest import serving  # noqa: I001  (this folder's conftest: pytest puts it on sys.path)

    docs = tmp_path_factory.mktemp("hostile-docs")
    (docs / "hostile.txt").write_text(HOSTILE_TEXT, encoding="utf-8")
    index_dir = tmp_path_factory.mktemp("hostile-index")
    build_index([docs], index_dir)
    with serving(make_app(index_dir)) as url:
        yield url


def _assert_inert(page: Page, console_errors: list[str]) -> None:
    assert page.evaluate("window.__pwned") is None
    assert page.locator("main script, main img, main svg[onload], main a[href^='javascript:']").count() == 0
    # the CSP would block an inline script anyway; a violation would show as a console error
    assert not [e for e in console_errors if "Content Security Policy" in e], console_errors


def test_hostile_document_is_shown_as_text_in_results(page: Page, hostile_url, console_errors):
    page.goto(f"{hostile_url}/?q=miscarriage")
    expect(page.locator("ol.results > li").first).to_be_visible()
    expect(page.locator("main").get_by_text("<script>window.__pwned = 2</script>", exact=False).first).to_be_visible()
    _assert_inert(page, console_errors)


def test_hostile_document_page_is_inert(page: Page, hostile_url, console_errors):
    page.goto(f"{hostile_url}/?q=miscarriage")
    with page.expect_navigation():
        page.locator("ol.results > li").first.get_by_role("link").first.click()
    expect(page.locator("main")).to_contain_text("javascript:window.__pwned=3")
    _assert_inert(page, console_errors)


def test_hostile_query_is_echoed_as_text(page: Page, hostile_url, console_errors):
    query = '"><script>window.__pwned=6</script><img src=x onerror=window.__pwned=7>'
    page.goto(f"{hostile_url}/?q={query}")
    expect(page.get_by_role("searchbox").first).to_have_value(query)
    _assert_inert(page, console_errors)
