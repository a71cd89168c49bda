"""A long document in a real browser: an old link to a passage (/doc/ID#p-150, as bookmarked before documents had
pages) is sent to the page that holds it, and the paged document passes axe."""

from __future__ import annotations

from urllib.parse import parse_qs, urlparse

import pytest
from playwright.sync_api import Page, expect

from webapp.reading import PASSAGES_PER_PAGE

LONG = "long-guide"


@pytest.fixture(scope="module")
def long_url(tmp_path_factory, make_app, serve_app):
    from indexer import build_index

    docs = tmp_path_factory.mktemp("long-docs")
    paragraphs = [f"Section {i}: miscarriage is common, and stress does not cause miscarriage." for i in range(1, 251)]
    (docs / f"{LONG}.txt").write_text("A long guide to miscarriage\n\n" + "\n\n".join(paragraphs) + "\n")
    index = tmp_path_factory.mktemp("long-index")
    build_index([docs], index)
    with serve_app(make_app(index_dir=index)) as url:
        yield url


def test_an_old_passage_link_reaches_the_right_page(page: Page, long_url, console_errors, axe_check):
    page.goto(f"{long_url}/doc/{LONG}?q=stress#p-150")
    page.wait_for_url("**page=2**")
    url = urlparse(page.url)
    assert parse_qs(url.query) == {"q": ["stress"], "page": ["2"]} and url.fragment == "p-150"
    expect(page.locator("#p-150")).to_be_in_viewport()
    page.goto(f"{long_url}/doc/{LONG}#p-{PASSAGES_PER_PAGE}")  # on the first page already: no reload
    assert urlparse(page.url).query == ""
    expect(page.locator(f"#p-{PASSAGES_PER_PAGE}")).to_be_in_viewport()
    page.get_by_role("link", name="Next page of the document").click()
    expect(page.locator(f"#p-{PASSAGES_PER_PAGE + 1}")).to_be_attached()
    axe_check(page)
    assert console_errors == []
