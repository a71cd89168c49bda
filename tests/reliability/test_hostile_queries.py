"""Hostile queries through the library and the HTTP API: never a 500, a clear 4xx for bad parameters, bounded time."""

from __future__ import annotations

import threading
import time

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from indexer import Library, QueryError, SearchRequest

from .figures import record

# Generous ceiling: catches runaway expansion (a wildcard scanning the vocabulary), not a speed target.
MAX_SECONDS = 5.0
SYNTAX = ["AND", "OR", "NOT", "(", ")", '"', "*", "?", "~", "^", ":", "-", "+", "[", "]", "{", "}", "\\", "/", "TO"]
WORDS = [
    "ici",
    "iui",
    "miscarriage",
    "a",
    "insemin*",
    "mis*",
    "*a",
    "s?x",
    "cervix~",
    "x" * 300,
    "\u202e",
    "\x00",
    "re" + "*" * 27 + "e*zq",
    "in?e*i*a*",
]
query_text = st.one_of(
    st.text(max_size=200),
    st.lists(st.sampled_from(SYNTAX + WORDS) | st.text(max_size=8), max_size=30).map(" ".join),
)


@pytest.fixture(scope="module")
def library(seed_index):
    return Library(seed_index)


@pytest.fixture(scope="module")
def client(seed_index, tmp_path_factory):
    from webapp import create_app

    app = create_app(
        {"TESTING": True, "INDEX_DIR": str(seed_index)}, instance_path=str(tmp_path_factory.mktemp("instance"))
    )
    return app.test_client()


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(q=query_text)
def test_library_search_never_raises_unexpectedly(library, q):
    started = time.perf_counter()
    try:
        page = library.search(SearchRequest(q))
    except QueryError as e:
        assert e.param == "q"
        record("hostile_queries", "library_rejected")
        return
    finally:
        assert time.perf_counter() - started < MAX_SECONDS, q
    assert page.total >= 0 and len(page.hits) <= 10
    record("hostile_queries", "library_answered")


params = st.fixed_dictionaries(
    {"q": query_text},
    optional={
        "page": st.one_of(st.integers(-5, 10**12).map(str), st.text(max_size=6)),
        "per_page": st.one_of(st.integers(-5, 10**6).map(str), st.text(max_size=4)),
        "status": st.one_of(st.sampled_from(["inaccurate", "supported", "bogus", ""]), st.text(max_size=10)),
        "doc": st.text(max_size=30),
        "topic": st.text(max_size=20),
        "unknown_filter": st.text(max_size=10),
    },
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(args=params)
def test_http_search_never_500(client, args):
    started = time.perf_counter()
    response = client.get("/api/v1/search", query_string=args)
    assert time.perf_counter() - started < MAX_SECONDS, args
    assert response.status_code in (200, 400), (args, response.status_code, response.data[:300])
    body = response.get_json()
    if response.status_code == 400:
        error = body["error"]
        assert set(error) == {"status", "code", "message", "param"} and error["status"] == 400
        assert error["param"] in {"q", "page", "per_page", "status", "doc", "topic", "unknown_filter", None}
        record("hostile_queries", "http_400")
    else:
        record("hostile_queries", "http_200")
    page = client.get("/", query_string=args)
    assert page.status_code in (200, 400), (args, page.status_code)
    assert b"Traceback" not in page.data


@pytest.mark.parametrize("page", ["0", "-1", "abc", "99999999999999999999", "1e9"])
def test_bad_page_numbers_are_400_naming_the_parameter(client, page):
    response = client.get("/api/v1/search", query_string={"q": "ici", "page": page})
    assert response.status_code == 400
    assert response.get_json()["error"]["param"] == "page"


def test_huge_query_is_400(client):
    response = client.get("/api/v1/search", query_string={"q": "ici " * 1000})
    assert response.status_code == 400 and response.get_json()["error"]["param"] == "q"


# The security review's query (27-31 s on the seed index, growing steeply with each "*"), and longer variants up to
# the 500-character limit: many stars, many wildcard words, many "?"s.
STALLING = [
    "re" + "*" * 27 + "e*zq",
    "re" + "*" * 60 + "e*zq",
    "re" + "*" * 490 + "e*zq",
    "re" + "*e" * 240 + "*zq",
    " ".join(["re*" + "*" * 20 + "e*zq"] * 17),
    " ".join(f"re*e*e*e*z{n}" for n in range(40))[:500],
    "in" + "?" * 400 + "*",
]


@pytest.mark.parametrize("q", STALLING, ids=lambda q: f"{len(q)}-chars")
def test_wildcard_queries_do_not_stall(library, client, q):
    outcome = []

    def run():
        outcome.append(library.search(SearchRequest(q)).total)
        response = client.get("/api/v1/search", query_string={"q": q})
        outcome.extend([response.status_code, response.get_json()["data"]["total"]])

    # a hard ceiling for a stall (before the fix: minutes), not a speed target; speed is measured by bench/
    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    thread.join(10)
    assert not thread.is_alive(), f"{q!r} still running after 10 s"
    assert outcome[1] == 200 and outcome[0] == outcome[2]
    record("hostile_queries", "stalling_wildcards_answered")
