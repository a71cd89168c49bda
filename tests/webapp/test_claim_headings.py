"""A heading that makes a claim is labelled where it stands, on the document page and in search results."""

from __future__ import annotations

import re

import pytest


@pytest.fixture(scope="module")
def heading_client(tmp_path_factory, make_app):
    from indexer import build_index

    docs = tmp_path_factory.mktemp("heading-docs")
    (docs / "kit-guide.md").write_text(
        "# A home insemination guide\n\n## Why ICI is the same as IUI\n\n"
        "Intracervical insemination places sperm at the cervix. Many couples try it at home.\n\n"
        "## Causes of miscarriage\n\nMost miscarriages are caused by chromosome problems in the baby.\n"
    )
    index = tmp_path_factory.mktemp("heading-index")
    build_index([docs], index)
    return make_app(index_dir=index).test_client()


def test_the_claim_heading_carries_its_label_and_the_topic_heading_none(heading_client):
    html = heading_client.get("/doc/kit-guide").get_data(as_text=True)
    headings = re.findall(r'<h2 class="doc-heading">(.*?)</h2>', html, re.S)
    assert len(headings) == 2
    assert 'class="claim claim-inaccurate"' in headings[0] and "Why ICI is the same as IUI" in headings[0]
    assert headings[1] == "Causes of miscarriage"
    assert 'href="#note-1"' in headings[0] and 'id="note-1"' in html


def test_the_claim_heading_is_a_search_result_with_its_status(heading_client):
    body = heading_client.get("/api/v1/search?q=same+as+IUI").get_json()
    statuses = {hit["text"]: hit["status"] for hit in body["data"]["results"]}
    assert statuses.get("Why ICI is the same as IUI") == "inaccurate"
