"""What support staff do on the topics page: find what sources support, copy a citation, see what is flagged."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect


def test_topics_list_supported_statements_with_citations_and_flagged_apart(page: Page, live_url, console_errors):
    page.goto(f"{live_url}/topics")
    expect(page.get_by_role("heading", level=1, name="Topics")).to_be_visible()
    topic = page.locator("section.topic#topic-insemination")
    expect(topic.get_by_role("heading", level=2)).to_contain_text("ICI")
    # flagged passages on the topic are listed apart, each with its correction and a source link
    flagged = topic.locator("li", has_text="Correction").first
    expect(flagged).to_be_visible()
    expect(flagged.locator(".badge", has_text="Inaccurate").first).to_be_visible()
    expect(flagged.locator("a[href^='http']").first).to_be_visible()
    # every supported statement comes with a citation that names its source's address
    citations = page.get_by_role("textbox", name="Citation to copy")
    assert citations.count() > 0
    for i in range(citations.count()):
        assert re.search(r"https?://", citations.nth(i).input_value())
    assert console_errors == []


def test_copy_citation_button_puts_the_citation_on_the_clipboard(browser, live_url):
    context = browser.new_context(permissions=["clipboard-read", "clipboard-write"])
    try:
        page = context.new_page()
        page.goto(f"{live_url}/topics")
        citation = page.get_by_role("textbox", name="Citation to copy").first
        text = citation.input_value()
        page.get_by_role("button", name="Copy citation").first.click()
        expect(page.get_by_role("status").filter(has_text="Copied").first).to_be_visible()
        assert page.evaluate("navigator.clipboard.readText()") == text
    finally:
        context.close()


def test_topic_links_lead_to_documents_at_the_passage(page: Page, live_url):
    page.goto(f"{live_url}/topics")
    link = page.locator("section.topic .where a[href*='/doc/']").first
    href = link.get_attribute("href")
    with page.expect_navigation():
        link.click()
    anchor = href.split("#", 1)[1]
    assert re.fullmatch(r"p-\d+", anchor)
    expect(page.locator(f"#{anchor}")).to_be_in_viewport()
