"""A long document is served a page of passages at a time, on the page and in the API, so that a request's work and
size stay bounded; links to a passage (#p-N) lead to the page that holds it."""

from __future__ import annotations

import re

import pytest

from webapp.reading import PASSAGES_PER_PAGE

PASSAGES = 2 * PASSAGES_PER_PAGE + 37  # three pages, the last one short
LONG = "long-guide"


@pytest.fixture(scope="module")
def long_client(tmp_path_factory, make_app):
    from indexer import build_index

    docs = tmp_path_factory.mktemp("long-docs")
    paragraphs = [
        f"Section {i} of the guide: miscarriage is common, and stress does not cause miscarriage."
        for i in range(1, PASSAGES + 1)
    ]
    (docs / f"{LONG}.txt").write_text("A long guide to miscarriage\n\n" + "\n\n".join(paragraphs) + "\n")
    index = tmp_path_factory.mktemp("long-index")
    build_index([docs], index)
    return make_app(index_dir=index).test_client()


def _anchors(html: str) -> list[int]:
    return [int(n) for n in re.findall(r'<span class="passage" id="p-(\d+)">', html)]


def test_the_document_page_shows_one_page_of_passages(long_client):
    first = long_client.get(f"/doc/{LONG}").get_data(as_text=True)
    assert _anchors(first) == list(range(1, PASSAGES_PER_PAGE + 1))
    assert "A long guide to miscarriage" in first and "page 1 of 3" in first
    assert f'href="/doc/{LONG}?page=2" rel="next"' in first and 'rel="prev"' not in first
    last = long_client.get(f"/doc/{LONG}?page=3&q=stress").get_data(as_text=True)
    assert _anchors(last) == list(range(2 * PASSAGES_PER_PAGE + 1, PASSAGES + 1))
    assert f'href="/doc/{LONG}?page=2&amp;q=stress" rel="prev"' in last and 'rel="next"' not in last
    assert "Back to the results" in last
    # the summary counts the whole document on every page
    counts = re.findall(r'<span class="count">(\d+) sentences?</span>', first)
    assert counts == re.findall(r'<span class="count">(\d+) sentences?</span>', last)
    assert sum(map(int, counts)) == PASSAGES
    missing = long_client.get(f"/doc/{LONG}?page=4")
    assert missing.status_code == 404 and "(parameter <code>page</code>)" in missing.get_data(as_text=True)


def test_the_document_api_pages_with_links_and_offsets(long_client):
    body = long_client.get(f"/api/v1/documents/{LONG}?page=2").get_json()
    data, links = body["data"], body["links"]
    assert (data["page"], data["pages"], data["per_page"], data["passage_count"]) == (2, 3, PASSAGES_PER_PAGE, PASSAGES)
    assert [p["position"] for p in data["passages"]] == list(range(PASSAGES_PER_PAGE + 1, 2 * PASSAGES_PER_PAGE + 1))
    assert links["next"] == f"/api/v1/documents/{LONG}?page=3" and links["prev"] == f"/api/v1/documents/{LONG}"
    assert links["html"] == f"/doc/{LONG}?page=2"
    for passage in data["passages"]:
        assert passage["url"] == f"/doc/{LONG}?page=2#p-{passage['position']}"
        for s in passage["sentences"]:
            assert data["text"][s["start"] - data["offset"] : s["end"] - data["offset"]] == s["sentence"]
    first = long_client.get(f"/api/v1/documents/{LONG}").get_json()
    assert first["data"]["offset"] == 0 and "prev" not in first["links"]
    assert sum(first["data"]["summary"].values()) == PASSAGES
    error = long_client.get(f"/api/v1/documents/{LONG}?page=9").get_json()["error"]
    assert (error["status"], error["param"]) == (404, "page")


def test_a_page_is_bounded_whatever_the_documents_length(long_client):
    sizes = [len(long_client.get(f"/api/v1/documents/{LONG}?page={n}").data) for n in (1, 2)]
    one_passage = sizes[0] / PASSAGES_PER_PAGE
    assert max(sizes) < (PASSAGES_PER_PAGE + 10) * one_passage  # a page, not the document


def test_links_to_a_passage_lead_to_its_page(long_client):
    results = long_client.get("/api/v1/search?q=section+150&per_page=100").get_json()["data"]["results"]
    hit = next(r for r in results if r["position"] == 150)
    assert hit["url"] == f"/doc/{LONG}?page=2#p-150"
    passage = long_client.get(hit["api_url"]).get_json()
    assert passage["data"]["url"] == hit["url"] == passage["links"]["html"]
    html = long_client.get("/?q=section+150&per_page=100").get_data(as_text=True)
    assert f'href="/doc/{LONG}?page=2&amp;q=section+150&amp;per_page=100#p-150"' in html
    page = long_client.get(f"/doc/{LONG}?page=2&q=section+150").get_data(as_text=True)
    assert 'id="p-150"' in page
