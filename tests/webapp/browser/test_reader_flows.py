"""What a reader does in a real browser: search, read why a passage is labelled, filter, open the document, and do
it all with the keyboard alone. Chromium through Playwright, against the app serving the seed index."""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlparse

from playwright.sync_api import Page, expect

# The ICI/IUI rule's correction and one of its sources (indexer/knowledge/data/insemination.toml).
CORRECTION = "intrauterine insemination (IUI) is a different procedure"
NICE_URL = "https://nice.org.uk/guidance/cg156/ifp/chapter/intrauterine-insemination"
LABELS = ("Inaccurate", "Unsupported", "Supported")


def _search(page: Page, live_url: str, query: str) -> None:
    page.goto(f"{live_url}/")
    page.get_by_role("searchbox", name=re.compile("search", re.I)).fill(query)
    with page.expect_navigation():
        page.keyboard.press("Enter")


def _results(page: Page):
    return page.locator("ol.results > li")


def test_search_iui_shows_an_inaccurate_passage_with_correction_and_source(page: Page, live_url, console_errors):
    _search(page, live_url, "IUI")
    assert parse_qs(urlparse(page.url).query)["q"] == ["IUI"]  # the URL can be shared
    inaccurate = _results(page).filter(has=page.locator(".badge", has_text="Inaccurate")).first
    expect(inaccurate).to_be_visible()
    # the wrong sentence is marked inside the snippet, in words as well as by style
    expect(inaccurate.locator(".claim-inaccurate").first).to_contain_text("also known as intrauterine insemination")
    explanation = inaccurate.locator("details")
    expect(explanation.get_by_text(CORRECTION)).to_be_hidden()
    explanation.locator("summary").click()
    expect(explanation.get_by_text(CORRECTION).first).to_be_visible()
    source = explanation.locator(f'a[href="{NICE_URL}"]').first
    expect(source).to_be_visible()
    assert source.inner_text().strip()
    assert console_errors == []  # no CSP violation, no script error


def test_clarification_for_confusable_terms_sits_above_the_results(page: Page, live_url):
    _search(page, live_url, "ICI IUI")
    note = page.locator(".clarification").first
    expect(note).to_be_visible()
    expect(note).to_contain_text("IUI")
    expect(note.locator("a[href^='http']").first).to_be_visible()
    note_box, first_result = note.bounding_box(), _results(page).first.bounding_box()
    assert note_box["y"] < first_result["y"]


def test_status_filter_keeps_only_that_label(page: Page, live_url):
    _search(page, live_url, "ICI IUI")
    unfiltered = _results(page).count()
    page.get_by_role("checkbox", name="Supported", exact=True).check()
    with page.expect_navigation():
        page.get_by_role("button", name="Apply filters").click()
    assert parse_qs(urlparse(page.url).query)["status"] == ["supported"]
    rows = _results(page)
    assert 0 < rows.count() <= unfiltered
    for i in range(rows.count()):
        badges = rows.nth(i).locator(".result-meta .badge, .badge").first
        expect(badges).to_have_text(re.compile(r"Supported"))
    expect(page.get_by_role("checkbox", name="Supported", exact=True)).to_be_checked()


def test_document_filter_keeps_only_that_document(page: Page, live_url):
    _search(page, live_url, "miscarriage")
    select = page.get_by_role("combobox", name="Document")
    title = "When Should You Have Sex Again After Miscarriage?"
    select.select_option(label=title)
    with page.expect_navigation():
        page.get_by_role("button", name="Apply filters").click()
    rows = _results(page)
    assert rows.count() > 0
    for i in range(rows.count()):
        expect(rows.nth(i).locator("h2, h3").first).to_have_text(title)


def test_result_opens_the_document_at_the_passage_and_leads_back(page: Page, live_url, console_errors):
    _search(page, live_url, "IUI")
    first = _results(page).first
    with page.expect_navigation():
        first.get_by_role("link").first.click()
    url = urlparse(page.url)
    assert url.path.startswith("/doc/") and re.fullmatch(r"p-\d+", url.fragment)
    passage = page.locator(f"#{url.fragment}")
    expect(passage).to_be_visible()
    expect(passage).to_be_in_viewport()
    # each checked sentence is marked in place, with its explanation reachable from a numbered note
    expect(page.locator(".claim-inaccurate").first).to_be_visible()
    expect(page.get_by_role("heading", name=re.compile("What the check", re.I))).to_be_visible()
    note_link = page.locator(".claim-inaccurate + sup a").first  # the numbered note after the wrong sentence
    note_link.click()
    note = page.locator(f"#{urlparse(page.url).fragment}")
    expect(note).to_contain_text("Correction")
    expect(note.locator("a[href^='http']").first).to_be_visible()
    with page.expect_navigation():
        page.get_by_role("link", name=re.compile("Back to the results", re.I)).click()
    assert urlparse(page.url).path == "/" and parse_qs(urlparse(page.url).query)["q"] == ["IUI"]
    assert console_errors == []


def test_keyboard_only_search_and_open_a_result(page: Page, live_url):
    page.goto(f"{live_url}/")
    # Tab from the top of the page until the search box has focus (skip link and navigation come first)
    for _ in range(10):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement && document.activeElement.name") == "q":
            break
    else:
        raise AssertionError("the search box cannot be reached with Tab")
    _assert_focus_visible(page)
    page.keyboard.type("IUI")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert parse_qs(urlparse(page.url).query)["q"] == ["IUI"]
    # Tab on to the first result's title link, then open its explanation and the document, all by keyboard
    first_title = _results(page).first.get_by_role("link").first
    href = first_title.get_attribute("href")
    for _ in range(60):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.getAttribute('href')") == href:
            break
    else:
        raise AssertionError("the first result cannot be reached with Tab")
    _assert_focus_visible(page)
    page.keyboard.press("Tab")
    summary = _results(page).first.locator("summary")
    if summary.count():
        expect(summary).to_be_focused()
        page.keyboard.press("Enter")
        expect(_results(page).first.locator("details")).to_have_attribute("open", "")
        page.keyboard.press("Shift+Tab")
    else:
        page.keyboard.press("Shift+Tab")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert urlparse(page.url).path.startswith("/doc/")


def _assert_focus_visible(page: Page) -> None:
    style = page.evaluate(
        "(() => { const s = getComputedStyle(document.activeElement);"
        " return {style: s.outlineStyle, width: parseFloat(s.outlineWidth), shadow: s.boxShadow}; })()"
    )
    assert (style["style"] != "none" and style["width"] >= 1) or style["shadow"] != "none", style


def test_pages_work_without_javascript(browser, live_url):
    context = browser.new_context(java_script_enabled=False)
    try:
        page = context.new_page()
        page.goto(f"{live_url}/")
        page.locator("input[name=q]").fill("IUI")
        with page.expect_navigation():
            page.locator("input[name=q]").press("Enter")
        result = _results(page).filter(has=page.locator(".badge", has_text="Inaccurate")).first
        result.locator("summary").click()
        expect(result.get_by_text(CORRECTION).first).to_be_visible()
        page.get_by_role("checkbox", name="Inaccurate", exact=True).check()
        with page.expect_navigation():
            page.get_by_role("button", name="Apply filters").click()
        assert "status=inaccurate" in page.url
        page.goto(f"{live_url}/topics")
        expect(page.get_by_role("heading", level=1)).to_be_visible()
    finally:
        context.close()


def test_pagination_links_carry_the_query(page: Page, live_url):
    page.goto(f"{live_url}/?q=miscarriage&per_page=3")
    nav = page.get_by_role("navigation", name=re.compile("pages", re.I))
    expect(nav).to_be_visible()
    with page.expect_navigation():
        nav.get_by_role("link", name=re.compile("Next", re.I)).click()
    query = parse_qs(urlparse(page.url).query)
    assert query["q"] == ["miscarriage"] and query["page"] == ["2"] and query["per_page"] == ["3"]
    expect(page.locator("ol.results")).to_have_attribute("start", "4")


def test_misspelt_query_offers_did_you_mean(page: Page, live_url):
    _search(page, live_url, "miscariage")
    suggestion = page.get_by_role("link", name=re.compile("miscarriage", re.I)).first
    expect(page.get_by_text(re.compile("Did you mean", re.I))).to_be_visible()
    with page.expect_navigation():
        suggestion.click()
    assert _results(page).count() > 0


def test_rejected_query_is_a_message_not_a_crash(page: Page, live_url):
    response = page.goto(f"{live_url}/?q=IUI&page=abc")
    assert response.status == 400
    alert = page.get_by_role("alert")
    expect(alert).to_be_visible()
    expect(alert).to_contain_text("page")
