"""The JSON API: the success envelope and the error shape (both pinned here), and every route's data."""

from __future__ import annotations

import pytest

ERROR_KEYS = ["status", "code", "message", "param"]


def assert_error(response, status: int, code: str, param: str | None) -> dict:
    """The one error shape, exactly: {"error": {"status", "code", "message", "param"}}."""
    assert response.status_code == status
    assert response.mimetype == "application/json"
    body = response.get_json()
    assert list(body) == ["error"]
    error = body["error"]
    assert list(error) == ERROR_KEYS
    assert (error["status"], error["code"], error["param"]) == (status, code, param)
    assert error["message"] and "Traceback" not in error["message"]
    return error


def test_success_envelope_is_data_and_links(client):
    response = client.get("/api/v1/search?q=IUI")
    assert response.status_code == 200
    body = response.get_json()
    assert list(body) == ["data", "links"]
    assert body["links"] == {"self": "/api/v1/search?q=IUI", "html": "/?q=IUI"}
    assert response.headers["Link"] == '</?q=IUI>; rel="alternate"; type="text/html"'


@pytest.mark.parametrize(
    ("url", "status", "code", "param"),
    [
        ("/api/v1/search", 400, "invalid_parameter", "q"),
        ("/api/v1/search?q=", 400, "invalid_parameter", "q"),
        ("/api/v1/search?q=IUI&colour=red", 400, "invalid_parameter", "colour"),
        ("/api/v1/search?q=IUI&page=0", 400, "invalid_parameter", "page"),
        ("/api/v1/search?q=IUI&page=two", 400, "invalid_parameter", "page"),
        ("/api/v1/search?q=IUI&page=99999999999", 400, "invalid_parameter", "page"),
        ("/api/v1/search?q=IUI&per_page=101", 400, "invalid_parameter", "per_page"),
        ("/api/v1/search?q=IUI&per_page=-1", 400, "invalid_parameter", "per_page"),
        ("/api/v1/search?q=IUI&status=wrong", 400, "invalid_parameter", "status"),
        ("/api/v1/search?q=IUI&doc=no-such-doc", 400, "invalid_parameter", "doc"),
        ("/api/v1/search?q=IUI&topic=no-such-topic", 400, "invalid_parameter", "topic"),
        ("/api/v1/search?q=" + "a" * 501, 400, "invalid_parameter", "q"),
        ("/api/v1/passages/no-such-passage", 404, "not_found", "passage_id"),
        ("/api/v1/documents/no-such-doc", 404, "not_found", "doc_id"),
        ("/api/v1/no-such-route", 404, "not_found", None),
    ],
)
def test_errors_have_one_shape_naming_the_parameter(client, url, status, code, param):
    assert_error(client.get(url), status, code, param)


def test_wrong_method_is_405_in_the_error_shape(client):
    response = client.post("/api/v1/search?q=IUI")
    assert_error(response, 405, "method_not_allowed", None)
    assert "GET" in response.headers["Allow"]


def test_search_iui_returns_the_inaccurate_passage_with_correction_and_sources(client):
    data = client.get("/api/v1/search?q=IUI").get_json()["data"]
    assert data["query"] == "IUI" and data["total"] >= 1 and data["evidence_ranking"] is True
    flagged = [s for r in data["results"] for s in r["sentences"] if s["status"] == "inaccurate"]
    assert flagged, "searching IUI must find the passage that calls ICI intrauterine insemination"
    assert all(s["correction"] and s["sources"] for s in flagged)
    assert all(s["url"].startswith("http") for f in flagged for s in f["sources"])
    first = data["results"][0]
    assert first["url"] == f"/doc/{first['doc_id']}#{first['anchor']}"
    assert first["api_url"] == f"/api/v1/passages/{first['passage_id']}"
    assert "<mark>" in first["snippet"]


def test_filters_narrow_the_results(client):
    everything = client.get("/api/v1/search?q=miscarriage&per_page=100").get_json()["data"]
    inaccurate = client.get("/api/v1/search?q=miscarriage&status=inaccurate&per_page=100").get_json()["data"]
    assert 0 < inaccurate["total"] < everything["total"]
    assert {r["status"] for r in inaccurate["results"]} == {"inaccurate"}
    doc = everything["results"][0]["doc_id"]
    one_doc = client.get(f"/api/v1/search?q=miscarriage&doc={doc}&per_page=100").get_json()["data"]
    assert {r["doc_id"] for r in one_doc["results"]} == {doc}
    assert one_doc["filters"] == {"status": [], "doc": [doc], "topic": ""}
    both = client.get("/api/v1/search?q=miscarriage&status=inaccurate,supported&per_page=100").get_json()["data"]
    assert {r["status"] for r in both["results"]} == {"inaccurate", "supported"}


def test_topic_filter_keeps_passages_on_the_topic(client):
    data = client.get("/api/v1/search?q=miscarriage&topic=insemination&per_page=100").get_json()["data"]
    assert data["total"] > 0
    assert all(any(s["topic"] == "insemination" for s in r["sentences"]) for r in data["results"])


def test_pagination_links(client):
    first = client.get("/api/v1/search?q=miscarriage&per_page=5").get_json()
    assert first["data"]["pages"] > 2
    assert first["links"]["next"] == "/api/v1/search?q=miscarriage&page=2&per_page=5"
    assert "prev" not in first["links"]
    second = client.get(first["links"]["next"]).get_json()
    assert second["links"]["prev"] == "/api/v1/search?q=miscarriage&per_page=5"
    ids_1 = [r["passage_id"] for r in first["data"]["results"]]
    ids_2 = [r["passage_id"] for r in second["data"]["results"]]
    assert len(ids_2) == 5 and not set(ids_1) & set(ids_2)


def test_clarification_for_confusable_terms(client):
    data = client.get("/api/v1/search?q=ICI").get_json()["data"]
    (note,) = data["clarifications"]
    assert "IUI" in note["note"] and note["sources"] and note["sources"][0]["url"].startswith("https://")
    assert client.get("/api/v1/search?q=stress").get_json()["data"]["clarifications"] == []


def test_passage_matches_the_search_result(client):
    result = client.get("/api/v1/search?q=IUI").get_json()["data"]["results"][0]
    response = client.get(result["api_url"])
    passage = response.get_json()["data"]
    assert passage["passage_id"] == result["passage_id"] and passage["text"] == result["text"]
    assert passage["sentences"] == result["sentences"]
    assert "score" not in passage and "snippet" not in passage
    assert response.get_json()["links"]["html"] == result["url"]


def test_documents_list_and_offsets(client):
    documents = client.get("/api/v1/documents").get_json()["data"]
    assert len(documents) == 5
    for d in documents:
        assert d["url"] == f"/doc/{d['id']}" and d["api_url"] == f"/api/v1/documents/{d['id']}"
        assert sum(d["statuses"].values()) > 0
    doc = client.get(documents[0]["api_url"]).get_json()["data"]
    assert doc["id"] == documents[0]["id"] and doc["title"] == documents[0]["title"]
    assert "path" not in doc  # where the file sits on the server is nobody's business
    assert sum(doc["summary"].values()) == sum(documents[0]["statuses"].values())
    for passage in doc["passages"]:
        assert passage["anchor"] == f"p-{passage['position']}"
        for check in passage["sentences"]:
            assert doc["text"][check["start"] : check["end"]] == check["sentence"]


def test_topics_have_citations_and_flagged_apart(client):
    topics = client.get("/api/v1/topics").get_json()["data"]
    by_id = {t["id"]: t for t in topics}
    insemination = by_id["insemination"]
    assert insemination["supported"] and insemination["flagged"]
    for s in insemination["supported"]:
        assert s["status"] == "supported" and s["sources"]
        assert all(src["url"] in s["citation"] for src in s["sources"])
    for f in insemination["flagged"]:
        assert f["sentences"] and all(c["status"] in ("inaccurate", "unsupported") for c in f["sentences"])
    assert any(c["correction"] for f in insemination["flagged"] for c in f["sentences"])


def test_about_lists_statuses_and_sources(client):
    data = client.get("/api/v1/about").get_json()["data"]
    assert [s["status"] for s in data["statuses"]] == [
        "inaccurate",
        "unsupported",
        "unverified",
        "supported",
        "no_claim",
    ]
    assert {s["status"]: s["badge"] for s in data["statuses"]} == {
        "inaccurate": True,
        "unsupported": True,
        "unverified": False,
        "supported": True,
        "no_claim": False,
    }
    assert len(data["sources"]) > 10 and data["evidence_ranking"] is True


def test_index_lists_endpoints_that_exist(client):
    endpoints = client.get("/api/v1/").get_json()["data"]["endpoints"]
    for name in ("search", "documents", "topics", "about", "openapi"):
        assert client.get(endpoints[name] + ("?q=IUI" if name == "search" else "")).status_code == 200


def test_evidence_ranking_setting(make_app):
    on = make_app().test_client().get("/api/v1/search?q=miscarriage&per_page=100").get_json()["data"]
    off_app = make_app(EVIDENCE_RANKING=False)
    off = off_app.test_client().get("/api/v1/search?q=miscarriage&per_page=100").get_json()["data"]
    assert on["evidence_ranking"] is True and off["evidence_ranking"] is False
    ids_on = [r["passage_id"] for r in on["results"]]
    ids_off = [r["passage_id"] for r in off["results"]]
    assert sorted(ids_on) == sorted(ids_off), "evidence-aware ranking never hides a passage"
    assert ids_on != ids_off
    scores_off = [r["score"] for r in off["results"]]
    assert scores_off == sorted(scores_off, reverse=True)
    # with it on, a supported passage may only pass a flagged one whose relevance is close
    rank_on = {pid: i for i, pid in enumerate(ids_on)}
    score = {r["passage_id"]: r["score"] for r in off["results"]}
    status = {r["passage_id"]: r["status"] for r in off["results"]}
    for a in ids_off:
        for b in ids_off:
            if score[a] > score[b] * 1.15:
                assert rank_on[a] < rank_on[b], (a, b)
    assert any(
        status[a] == "supported"
        and status[b] in ("inaccurate", "unsupported")
        and rank_on[a] < rank_on[b]
        and score[a] < score[b]
        for a in ids_on
        for b in ids_on
    )
