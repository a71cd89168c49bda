"""Document provenance on the pages (results, document, topics), in the API and in the citations support staff
copy; hostile values stay text, and an address is a link only when it is http(s)."""

from __future__ import annotations

import json
from dataclasses import replace

import pytest
from markupsafe import escape

from indexer import build_index_from, document_from_text, load_corpus
from indexer.documents.provenance import Provenance

POST = """---
url: https://example.org/iui?a=1&b=2
publisher: Example Clinic
author: Dr Jane Roe
date: 2024-03-05
---
# IUI explained

Intrauterine insemination places washed sperm in the uterus. Many people try IUI more than once.
"""
HOSTILE = "<script>alert('pwned')</script>"


@pytest.fixture(scope="module")
def provenance_app(make_app, tmp_path_factory):
    root = tmp_path_factory.mktemp("provenance")
    docs = root / "docs"
    docs.mkdir()
    (docs / "post.md").write_text(POST)
    (docs / "bare.txt").write_text("A bare post\n\nIUI is one way to try to conceive with donor sperm.\n")
    (docs / "sources.json").write_text(json.dumps({"post.md": {"publisher": "Manifest Clinic"}}))
    documents = list(load_corpus([docs]))
    # a value that got past validation (an older build, another loader) must still be harmless on the page
    hostile = document_from_text("Hostile post\n\nIUI is a fertility treatment done in a clinic.", "hostile")
    documents.append(replace(hostile, source=Provenance("javascript:alert(1)", HOSTILE, HOSTILE, "2024-01-01")))
    build_index_from(documents, root / "index")
    return make_app(root / "index")


@pytest.fixture()
def pclient(provenance_app):
    return provenance_app.test_client()


def test_results_show_where_a_document_was_first_published(pclient):
    page = pclient.get("/?q=IUI").get_data(as_text=True)
    assert 'Originally published by <span class="provenance-publisher">Manifest Clinic</span> (2024-03-05)' in page
    assert ', written by <span class="provenance-author">Dr Jane Roe</span>' in page
    assert '<a class="provenance-url" href="https://example.org/iui?a=1&amp;b=2"' in page


def test_the_document_page_shows_it_and_a_document_without_one_shows_nothing(pclient):
    page = pclient.get("/doc/post").get_data(as_text=True)
    assert "Originally published by" in page and 'href="https://example.org/iui?a=1&amp;b=2"' in page
    assert 'class="provenance"' not in pclient.get("/doc/bare").get_data(as_text=True)


def test_the_front_matter_is_neither_shown_nor_searchable(pclient):
    page = pclient.get("/doc/post").get_data(as_text=True)
    assert "---" not in page and "publisher:" not in page
    assert pclient.get("/api/v1/search?q=publisher").get_json()["data"]["total"] == 0


def test_a_hostile_publisher_is_escaped_and_a_javascript_url_is_never_a_link(pclient):
    for url in ("/?q=fertility+treatment+clinic", "/doc/hostile"):
        page = pclient.get(url).get_data(as_text=True)
        assert "Originally published by" in page
        assert HOSTILE not in page and str(escape(HOSTILE)) in page
        assert "javascript:" not in page


def test_the_api_gives_a_source_object_with_only_the_fields_present(pclient):
    results = pclient.get("/api/v1/search?q=IUI").get_json()["data"]["results"]
    by_doc = {r["doc_id"]: r for r in results}
    expected = {
        "url": "https://example.org/iui?a=1&b=2",
        "publisher": "Manifest Clinic",
        "author": "Dr Jane Roe",
        "date": "2024-03-05",
    }
    assert by_doc["post"]["source"] == expected
    assert by_doc["bare"]["source"] == {}
    passage = pclient.get(by_doc["post"]["api_url"]).get_json()["data"]
    assert passage["source"] == expected
    document = pclient.get("/api/v1/documents/post").get_json()["data"]
    assert document["source"] == expected
    listed = {d["id"]: d for d in pclient.get("/api/v1/documents").get_json()["data"]}
    assert listed["post"]["source"] == expected and listed["bare"]["source"] == {}


def test_citations_cite_the_original_page_and_our_copy(pclient):
    topics = pclient.get("/api/v1/topics").get_json()["data"]
    statements = [s for t in topics for s in t["supported"]]
    post = [s for s in statements if s["doc_id"] == "post"]
    assert post, "the seed sentence about IUI should be supported"
    for s in post:
        assert s["source"]["url"] == "https://example.org/iui?a=1&b=2"
        assert "Originally published by Manifest Clinic (2024-03-05), written by Dr Jane Roe, " in s["citation"]
        assert "https://example.org/iui?a=1&b=2" in s["citation"]
        assert "Our copy: http://localhost/doc/post#p-" in s["citation"]
        assert all(src["url"] in s["citation"] for src in s["sources"])
    bare = [s for s in statements if s["doc_id"] == "bare"]
    assert all("Originally published" not in s["citation"] and "Our copy:" in s["citation"] for s in bare)
    page = pclient.get("/topics").get_data(as_text=True)
    assert "Originally published by Manifest Clinic (2024-03-05)" in page  # the textarea that is copied
