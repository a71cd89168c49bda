"""Document text is untrusted: it is escaped everywhere, no page runs inline script, the usual headers are set."""

from __future__ import annotations

import re

import pytest

from webapp.security import safe_url

HOSTILE = (
    "**Blog Post: Hostile <script>alert('title')</script> miscarriage guide**\n"
    "Miscarriage is common <img src=x onerror=alert(1)> and ICI is also known as intrauterine insemination "
    "<script>alert(2)</script>.\n"
    "**<b onclick=alert(3)>Heading</b>**\n"
    "Stress does not cause miscarriage, \"quoted\" & 'single' </textarea><svg onload=alert(4)>.\n"
)
PAGES = ["/", "/?q=IUI", "/?q=miscarriage&page=0", "/topics", "/about", "/doc/hostile", "/doc/nope", "/no/such"]


@pytest.fixture(scope="module")
def hostile_client(tmp_path_factory, make_app):
    from indexer import build_index

    docs = tmp_path_factory.mktemp("hostile-docs")
    (docs / "hostile.txt").write_text(HOSTILE)
    index = tmp_path_factory.mktemp("hostile-index")
    build_index([docs], index)
    return make_app(index_dir=index).test_client()


@pytest.mark.parametrize(
    "url", ["/?q=miscarriage", "/?q=ICI+IUI", "/doc/hostile", "/topics", "/doc/hostile?q=<script>"]
)
def test_document_text_is_escaped(hostile_client, url):
    response = hostile_client.get(url)
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "<script>alert" not in html and "<img src=x" not in html and "<svg onload" not in html
    assert "<b onclick" not in html and "</textarea><svg" not in html
    if url.startswith("/doc/hostile"):
        assert "&lt;script&gt;alert(2)&lt;/script&gt;" in html


def test_hostile_query_is_escaped(client):
    html = client.get("/", query_string={"q": "<script>alert(1)</script>"}).get_data(as_text=True)
    assert "<script>alert(1)" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_security_headers_everywhere(client):
    for url in PAGES + ["/api/v1/search?q=IUI", "/api/v1/search", "/static/style.css", "/opensearch.xml"]:
        response = client.get(url)
        response.close()  # static files are streamed from an open file
        headers = response.headers
        csp = headers["Content-Security-Policy"]
        assert "default-src 'none'" in csp and "script-src 'self'" in csp and "frame-ancestors 'none'" in csp
        assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
        assert headers["X-Content-Type-Options"] == "nosniff"
        assert headers["X-Frame-Options"] == "DENY"
        assert headers["Referrer-Policy"] == "no-referrer"


@pytest.mark.parametrize("url", PAGES)
def test_pages_have_no_inline_script_or_style(client, url):
    html = client.get(url).get_data(as_text=True)
    assert html.startswith("<!doctype html>")
    (script,) = re.findall(r"<script\b[^>]*>", html)
    assert re.fullmatch(r'<script src="/static/app\.js\?v=[0-9a-f]{12}" defer>', script)  # v: the file's hash
    assert not re.search(r"<script[^>]*>[^<]+</script>", html)
    assert not re.search(r"\sstyle=", html) and "<style" not in html
    assert not re.search(r"\son[a-z]+=", html)
    assert "Traceback" not in html


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://nice.org.uk/x", "https://nice.org.uk/x"),
        ("http://example.org", "http://example.org"),
        ("javascript:alert(1)", "#"),
        (" JavaScript:alert(1)", "#"),
        ("data:text/html,x", "#"),
        ("/relative", "#"),
    ],
)
def test_safe_url(url, expected):
    assert safe_url(url) == expected


def test_request_body_too_large_is_refused(client):
    response = client.post("/api/v1/search", data=b"x" * (2 * 1024 * 1024))
    assert response.status_code in (405, 413)
    assert list(response.get_json()) == ["error"]
