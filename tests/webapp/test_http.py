"""HTTP behaviour: compression, Cache-Control and ETags (304), a meta description on every public page, and
absolute URLs that never follow a forged Host header."""

from __future__ import annotations

import gzip
import re

import pytest

from webapp import create_app
from webapp.config import ConfigError
from webapp.security import HEADERS

PUBLIC = [
    "/",
    "/?q=IUI",
    "/topics",
    "/about",
    "/api/v1/search?q=IUI",
    "/api/v1/documents",
    "/api/v1/topics",
    "/api/v1/openapi.json",
    "/opensearch.xml",
]
REVIEWER = ["/review", "/review/audit", "/login", "/api/v1/claims", "/api/v1/audit", "/api/v1/export/claims.csv"]
EVIL = "evil.example"


def test_topics_page_is_compressed(client):
    plain = client.get("/topics")
    zipped = client.get("/topics", headers={"Accept-Encoding": "gzip"})
    brotli = client.get("/topics", headers={"Accept-Encoding": "br, gzip"})
    assert "Content-Encoding" not in plain.headers and "Accept-Encoding" in plain.headers["Vary"]
    assert zipped.headers["Content-Encoding"] == "gzip" and brotli.headers["Content-Encoding"] == "br"
    assert gzip.decompress(zipped.data) == plain.data
    assert len(zipped.data) < len(plain.data) / 4 and len(brotli.data) < len(zipped.data)
    for name, value in HEADERS.items():
        assert zipped.headers[name] == value


@pytest.mark.parametrize("url", PUBLIC)
def test_public_reads_are_cached_briefly_with_an_etag(client, url):
    first = client.get(url)
    assert first.status_code == 200 and first.headers["Cache-Control"] == "public, max-age=60"
    assert {"Cookie", "Authorization"} <= set(first.vary)
    etag = first.headers["ETag"]
    again = client.get(url, headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.data == b"" and again.headers["ETag"] == etag
    assert again.headers["Content-Security-Policy"] == HEADERS["Content-Security-Policy"]
    zipped = client.get(url, headers={"Accept-Encoding": "gzip"})
    if zipped.headers.get("Content-Encoding") == "gzip":  # each encoding has its own validator
        assert zipped.headers["ETag"] != etag
        assert (
            client.get(url, headers={"Accept-Encoding": "gzip", "If-None-Match": zipped.headers["ETag"]}).status_code
            == 304
        )


@pytest.mark.parametrize("url", REVIEWER)
def test_reviewer_pages_and_data_are_never_stored(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    assert response.headers["Cache-Control"] == "private, no-store" and "ETag" not in response.headers


def test_a_session_or_a_token_makes_any_response_private(client):
    assert client.get("/login").headers["Cache-Control"] == "private, no-store"  # sets the CSRF session
    assert client.get("/?q=IUI").headers["Cache-Control"] == "private, no-store"  # the cookie came back
    fresh = client.application.test_client()
    tokened = fresh.get("/api/v1/search?q=IUI", headers={"Authorization": "Bearer sc_whatever"})
    assert tokened.headers["Cache-Control"] == "private, no-store"


def test_errors_and_static_files(client):
    assert client.get("/api/v1/search").headers["Cache-Control"] == "no-store"
    assert client.get("/doc/nope").headers["Cache-Control"] == "no-store"
    html = client.get("/").get_data(as_text=True)
    css = re.search(r'href="(/static/style\.css\?v=[0-9a-f]{12})"', html).group(1)
    versioned = client.get(css)
    assert versioned.headers["Cache-Control"] == "public, max-age=31536000, immutable"
    revalidated = client.get(css, headers={"If-None-Match": versioned.headers["ETag"]})
    assert revalidated.status_code == 304
    unversioned = client.get("/static/style.css")
    assert unversioned.headers["Cache-Control"] == "public, max-age=3600"
    for response in (versioned, revalidated, unversioned):
        response.close()


@pytest.mark.parametrize(
    "url", ["/", "/?q=IUI", "/?q=zzzzqqq", "/topics", "/about", "/doc/nope", "/doc/000_71f14f984e23f40f"]
)
def test_every_public_page_has_a_meta_description(client, url):
    html = client.get(url).get_data(as_text=True)
    (description,) = re.findall(r'<meta name="description" content="([^"]+)">', html)
    assert 50 <= len(description) <= 320 and "{" not in description
    if url.startswith("/doc/0"):
        assert "inaccurate" in description and "“" in description


def _urls(text: str) -> list[str]:
    return re.findall(r"(?:https?:)?//[^\s\"'<>]+", text)


def test_a_forged_host_never_reaches_an_absolute_url(make_app):
    client = make_app().test_client()
    headers = {"Host": EVIL}
    opensearch = client.get("/opensearch.xml", headers=headers).get_data(as_text=True)
    spec = client.get("/api/v1/openapi.json", headers=headers).get_json()
    client.get("/review", headers=headers)  # claims synced
    export = client.get("/api/v1/export/claimreview.jsonld", headers=headers).get_data(as_text=True)
    for text in (opensearch, str(spec["servers"]), export):
        assert EVIL not in text
    assert 'template="/?q={searchTerms}"' in opensearch  # relative: no trusted base is configured
    assert spec["servers"] == [{"url": "/api/v1"}]
    local = client.get("/opensearch.xml").get_data(as_text=True)  # loopback names are trusted (development)
    assert 'template="http://localhost/?q={searchTerms}"' in local


def test_public_url_is_the_base_of_every_absolute_url(make_app):
    from webapp.review.accounts import add_reviewer
    from webapp.review.decisions import Decision, decide
    from webapp.review.web import EXTENSION

    app = make_app(PUBLIC_URL="https://sourcecheck.example.org/")
    client = app.test_client()
    headers = {"Host": EVIL}
    opensearch = client.get("/opensearch.xml", headers=headers).get_data(as_text=True)
    assert 'template="https://sourcecheck.example.org/?q={searchTerms}"' in opensearch
    assert re.search(r"<Image [^>]*>https://sourcecheck\.example\.org/static/favicon\.svg\?v=\w+</Image>", opensearch)
    claim = client.get("/api/v1/claims", headers=headers).get_json()["data"]["claims"][0]  # syncs the claims
    store = app.extensions[EXTENSION].store
    reviewer = add_reviewer(store, "alice", "correct horse battery staple 42")
    decide(store, claim["id"], reviewer, Decision(claim["status"], claim["version"], note="checked"))  # the export
    export = client.get("/api/v1/export/claimreview.jsonld", headers=headers).get_json()
    urls = [
        u
        for item in export["@graph"]
        for u in (item["url"], item["author"]["url"], *(a["url"] for a in item["itemReviewed"]["appearance"]))
    ]
    assert urls and all(u.startswith("https://sourcecheck.example.org/") for u in urls)


def test_trusted_hosts_refuse_a_forged_host(make_app):
    client = make_app(TRUSTED_HOSTS=["sourcecheck.example"]).test_client()
    assert client.get("/opensearch.xml", headers={"Host": EVIL}).status_code == 400
    good = client.get("/opensearch.xml", headers={"Host": "sourcecheck.example"}).get_data(as_text=True)
    assert 'template="http://sourcecheck.example/?q={searchTerms}"' in good


@pytest.mark.parametrize("value", ["sourcecheck.example.org", "ftp://x.org", "https://x.org/?a=1", "https://"])
def test_a_bad_public_url_fails_at_start(tmp_path, value):
    with pytest.raises(ConfigError, match="PUBLIC_URL"):
        create_app({"PUBLIC_URL": value}, instance_path=str(tmp_path))


def test_html_datetime_is_utc_to_the_second():
    from datetime import date, datetime, timedelta, timezone

    from webapp.formats import html_datetime

    paris = timezone(timedelta(hours=1))
    assert html_datetime(datetime(2026, 12, 2, 0, 45, 12, 123456, tzinfo=paris)) == "2026-12-01T23:45:12Z"
    assert html_datetime(datetime(2026, 12, 1, 23, 45, 12, 999999)) == "2026-12-01T23:45:12Z"  # naive: UTC
    assert html_datetime(date(2026, 12, 1)) == "2026-12-01"
