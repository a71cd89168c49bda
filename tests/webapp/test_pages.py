"""The HTML pages through the test client: search, document, topics, about, OpenSearch, and error pages."""

from __future__ import annotations

import re

import pytest


def text_of(response) -> str:
    assert response.mimetype == "text/html"
    return response.get_data(as_text=True)


def results_of(html: str) -> list[str]:
    """The HTML of each result item on a search page."""
    return re.findall(r'<li class="result result-\w+">.*?</li>\s*(?=<li class="result|</ol>)', html, re.S)


def test_start_page_has_a_labelled_search_form_and_the_legend(client):
    response = client.get("/")
    html = text_of(response)
    assert response.status_code == 200
    assert '<label for="q">' in html and 'id="q" name="q"' in html and 'role="search"' in html
    for words in ("Inaccurate", "Unsupported", "Supported", "Not yet verified", "No claim"):
        assert words in html
    assert response.headers["Link"] == '</api/v1/>; rel="alternate"; type="application/json"'
    assert '<link rel="search" type="application/opensearchdescription+xml"' in html


def test_search_iui_shows_a_labelled_explained_result(client):
    response = client.get("/?q=IUI")
    html = text_of(response)
    assert response.status_code == 200
    assert response.headers["Link"] == '</api/v1/search?q=IUI>; rel="alternate"; type="application/json"'
    (result,) = [r for r in results_of(html) if "badge-inaccurate" in r][:1]
    assert re.search(
        r'<span class="badge badge-inaccurate"><svg[^>]*aria-hidden="true".*?</svg>Inaccurate</span>', result, re.S
    ), "the badge has an icon and the word"
    assert '<span class="claim claim-inaccurate">' in result and "Inaccurate claim: </span>" in result
    assert "<mark>" in result
    explanation = result[result.index("<details") :]
    assert "<strong>Why:</strong>" in explanation and "<strong>Correction:</strong>" in explanation
    assert re.search(r'<a href="https://[^"]+" rel="noopener noreferrer external">', explanation)
    assert re.search(r'href="/doc/[\w-]+\?q=IUI#p-\d+"', result), "the result links to its passage"
    assert "Section: " in result


def test_page_and_api_show_the_same_results(client):
    html = text_of(client.get("/?q=miscarriage&status=supported,inaccurate&page=2&per_page=3"))
    api = client.get("/api/v1/search?q=miscarriage&status=supported,inaccurate&page=2&per_page=3").get_json()
    anchors = re.findall(r'<h2 class="result-title" id="r-\d+"><a href="/doc/([\w-]+)\?[^"#]*#(p-\d+)"', html)
    assert anchors == [(r["doc_id"], r["anchor"]) for r in api["data"]["results"]]
    assert f"{api['data']['total']} passages, page 2 of {api['data']['pages']}" in html


def test_no_badge_for_unverified_or_no_claim_results(client):
    html = text_of(client.get("/?q=miscarriage&status=unverified,no_claim&per_page=20"))
    results = results_of(html)
    assert results
    for result in results:
        meta = re.search(r'<p class="result-meta">(.*?)</p>', result, re.S).group(1)
        assert "badge" not in meta


def test_filters_keep_their_state(client):
    doc = client.get("/api/v1/documents").get_json()["data"][1]["id"]
    html = text_of(client.get(f"/?q=miscarriage&status=inaccurate&doc={doc}"))
    assert 'id="status-inaccurate" name="status" value="inaccurate" checked' in html
    assert 'id="status-supported" name="status" value="supported">' in html
    assert f'<option value="{doc}" selected>' in html
    assert "Showing only Inaccurate passages from" in html
    assert '<a href="/?q=miscarriage">Clear filters</a>' in html


def test_a_large_librarys_document_filter_is_a_parameter_only(client, monkeypatch):
    import webapp.results

    monkeypatch.setattr(webapp.results, "MAX_DOC_OPTIONS", 2)  # the seed library's 5 documents count as large
    doc = client.get("/api/v1/documents").get_json()["data"][1]
    doc_id, title = doc["id"], doc["title"]
    html = text_of(client.get(f"/?q=miscarriage&doc={doc_id}"))
    assert '<select id="doc"' not in html and f'<input type="hidden" name="doc" value="{doc_id}">' in html
    assert f"from “{title}”" in html.replace("&#39;", "'").replace("&amp;", "&")
    unknown = client.get("/api/v1/search?q=miscarriage&doc=nope")
    assert unknown.status_code == 400 and unknown.get_json()["error"]["param"] == "doc"
    api = client.get(f"/api/v1/search?q=miscarriage&doc={doc_id}").get_json()["data"]
    assert api["results"] and {r["doc_id"] for r in api["results"]} == {doc_id}


def test_pagination_links_keep_the_query(client):
    html = text_of(client.get("/?q=miscarriage&per_page=5&page=2"))
    assert '<nav class="pagination" aria-label="Result pages">' in html
    assert 'href="/?q=miscarriage&amp;per_page=5" rel="prev"' in html
    assert 'href="/?q=miscarriage&amp;page=3&amp;per_page=5" rel="next"' in html
    assert 'href="/?q=miscarriage&amp;page=2&amp;per_page=5" aria-current="page"' in html
    assert '<ol class="results" start="6">' in html


def test_did_you_mean(client):
    html = text_of(client.get("/?q=insemenation&status=supported"))
    assert 'Did you mean <a href="/?q=insemination&amp;status=supported">insemination</a>?' in html


def test_empty_results_help(client):
    html = text_of(client.get("/?q=xylophone"))
    assert "No passages found" in html and "No passages matched" in html
    assert 'href="/topics"' in html
    filtered = text_of(client.get("/?q=ICI&status=no_claim&topic=stress"))
    assert "Search again without filters" in filtered


def test_clarification_above_the_results(client):
    html = text_of(client.get("/?q=ICI+IUI"))
    clarification = html.index('<section class="clarification"')
    assert clarification < html.index('<ol class="results"')
    section = html[clarification : html.index("</section>", clarification)]
    assert "ICI and IUI are different procedures" in section
    assert re.search(r'<a href="https://[^"]+" rel="noopener noreferrer external">', section)


@pytest.mark.parametrize(
    ("query", "param"),
    [
        ("page=0", "page"),
        ("per_page=1000", "per_page"),
        ("status=bogus", "status"),
        ("doc=nope", "doc"),
        ("topic=nope", "topic"),
        ("page=abc", "page"),
    ],
)
def test_rejected_parameter_is_a_message_on_the_page(client, query, param):
    response = client.get(f"/?q=IUI&{query}")
    html = text_of(response)
    assert response.status_code == 400
    assert "We could not run this search" in html and f"(parameter <code>{param}</code>)" in html
    assert 'role="alert"' in html and 'id="q" name="q" value="IUI"' in html
    assert '<a href="/?q=IUI">Search for “IUI” without filters</a>' in html


def test_too_long_query_is_a_message(client):
    response = client.get("/?q=" + "word " * 120)
    assert response.status_code == 400
    assert "(parameter <code>q</code>)" in text_of(response)


def test_unknown_parameters_do_not_break_a_shared_link(client):
    assert client.get("/?q=IUI&utm_source=newsletter").status_code == 200


def test_document_page(client):
    api = client.get("/api/v1/search?q=IUI").get_json()["data"]["results"][0]
    response = client.get(f"/doc/{api['doc_id']}?q=IUI")
    html = text_of(response)
    assert response.status_code == 200
    assert response.headers["Link"] == f'</api/v1/documents/{api["doc_id"]}>; rel="alternate"; type="application/json"'
    assert f'<span class="passage" id="{api["anchor"]}">' in html
    assert '<a href="/?q=IUI">← Back to the results for “IUI”</a>' in html
    assert "What the checks found" in html
    doc = client.get(f"/api/v1/documents/{api['doc_id']}").get_json()["data"]
    for count in doc["summary"].values():
        assert f"{count} sentence{'s' if count != 1 else ''}" in html
    # every explained sentence is marked in place and links to its numbered explanation, and back
    marked = re.findall(r'<span class="claim claim-(\w+)" id="s-(\d+)">', html)
    assert marked and {s for s, _ in marked} <= {"inaccurate", "unsupported", "supported"}
    for _, n in marked:
        assert f'<li id="note-{n}">' in html and f'href="#s-{n}"' in html and f'href="#note-{n}"' in html
    assert doc["summary"]["inaccurate"] == sum(1 for s, _ in marked if s == "inaccurate")
    for p in doc["passages"]:
        assert f'id="{p["anchor"]}"' in html


def test_document_page_keeps_the_search_for_back(client):
    doc = client.get("/api/v1/documents").get_json()["data"][0]["id"]
    html = text_of(client.get(f"/doc/{doc}?q=stress&status=supported&per_page=5&page=1"))
    # `page` on a document page is the document's own page: the search is carried without its page number
    assert '<a href="/?q=stress&amp;status=supported&amp;per_page=5">' in html
    assert '<a href="/">← Search</a>' in text_of(client.get(f"/doc/{doc}"))


def test_unknown_document_is_a_404_page(client):
    response = client.get("/doc/no-such-document")
    html = text_of(response)
    assert response.status_code == 404
    assert "there is no document &#39;no-such-document&#39;" in html and "(parameter <code>doc_id</code>)" in html


def test_topics_page(client):
    response = client.get("/topics")
    html = text_of(response)
    assert response.headers["Link"] == '</api/v1/topics>; rel="alternate"; type="application/json"'
    topics = client.get("/api/v1/topics").get_json()["data"]
    for t in topics:
        assert f'<h2 id="topic-{t["id"]}-title">' in html
    section = html[html.index('id="topic-insemination"') :]
    section = section[: section.index("</section>")]
    supported, flagged = section.split("<h3>Flagged passages")
    assert "<textarea" in supported and "Citation to copy" in supported and "badge-supported" in supported
    assert "<strong>Correction:</strong>" in flagged and "badge-supported" not in flagged


def test_about_page(client, make_app):
    html = text_of(client.get("/about"))
    for words in (
        "Inaccurate",
        "Unsupported",
        "Not yet verified",
        "Supported",
        "No claim",
        "How checking works",
        "The limits",
        "Evidence-aware ranking is on",
    ):
        assert words in html
    assert "https://nice.org.uk/guidance/cg156" in html
    off = make_app(EVIDENCE_RANKING=False).test_client().get("/about").get_data(as_text=True)
    assert "Evidence-aware ranking is off" in off


def test_opensearch_description(client):
    response = client.get("/opensearch.xml")
    assert response.mimetype == "application/opensearchdescription+xml"
    body = response.get_data(as_text=True)
    assert 'template="http://localhost/?q={searchTerms}"' in body
    assert 'template="http://localhost/api/v1/search?q={searchTerms}"' in body


def test_unknown_page_and_wrong_method_are_html_pages(client):
    response = client.get("/no/such/page")
    assert response.status_code == 404 and "<h1>Not found</h1>" in text_of(response)
    response = client.post("/")
    assert response.status_code == 405 and "<h1>Not allowed</h1>" in text_of(response)


def test_unexpected_error_is_logged_not_shown(make_app, caplog):
    app = make_app()

    @app.get("/boom")
    def boom():
        raise ZeroDivisionError("secret internals")

    response = app.test_client().get("/boom")
    html = text_of(response)
    assert response.status_code == 500
    assert "Traceback" not in html and "secret internals" not in html and "ZeroDivisionError" not in html
    assert "Something went wrong on our side" in html
    assert "ZeroDivisionError" in caplog.text


@pytest.mark.parametrize(
    "query",
    [
        '"unbalanced',
        "AND OR NOT",
        "*",
        "a*",
        "((((",
        "title:IUI",
        "ICI^5",
        "\x00",
        "ícì ïüí",
        "🙂",
        "<>&\"'",
        "miscarriage~",
        "[a TO z]",
        "?" * 50,
    ],
)
def test_hostile_queries_never_crash(client, query):
    page = client.get("/", query_string={"q": query})
    api = client.get("/api/v1/search", query_string={"q": query})
    assert page.status_code in (200, 400) and api.status_code in (200, 400)
    if api.status_code == 400:
        assert api.get_json()["error"]["param"] == "q"
        assert page.status_code == 400 and "We could not run this search" in text_of(page)


def test_repeated_and_array_parameters(client):
    repeated = client.get("/api/v1/search?q=IUI&q=ICI")  # the schema says one q: the API agrees
    assert repeated.status_code == 400 and repeated.get_json()["error"]["param"] == "q"
    assert client.get("/?q=IUI&q=ICI").status_code == 200  # a page takes the first
    response = client.get("/api/v1/search?q=IUI&doc=" + ",".join(f"doc-{i}" for i in range(60)))
    error = response.get_json()["error"]
    assert response.status_code == 400 and error["param"] == "doc" and "at most 50" in error["message"]
    assert client.get("/api/v1/search?q=IUI&status=" + ",".join(["inaccurate"] * 60)).status_code == 200


def test_favicon_ico_leads_to_the_site_icon(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 301 and "/static/favicon.svg" in response.headers["Location"]
    icon = client.get(response.headers["Location"])
    icon.close()  # a static file response holds the file open until closed
    assert icon.status_code == 200
