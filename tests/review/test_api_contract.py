"""The review API's contract, on SQLite and PostgreSQL: parameters refused with the one error shape (unknown ones,
huge numbers, dates past the calendar, a body nested too deep), next/prev links, and Location after a decision."""

from __future__ import annotations

import pytest

from webapp.review.accounts import issue_token

from .helpers import app_store

HUGE = "4611686018427387904"


def _error(response, param: str | None) -> dict:
    assert response.status_code == 400, (response.status_code, response.get_data(as_text=True)[:300])
    if response.is_json:
        error = response.get_json()["error"]
        assert list(error) == ["status", "code", "message", "param"]
        assert (error["code"], error["param"]) == ("invalid_parameter", param)
        return error
    assert f"(parameter <code>{param}</code>)" in response.get_data(as_text=True)
    return {}


@pytest.mark.parametrize("url", ["/api/v1/claims", "/api/v1/audit", "/review", "/review/audit"])
@pytest.mark.parametrize("page", [HUGE, "9" * 5000, "1000001", ""])
def test_huge_or_blank_page_numbers_are_400_naming_page(client, url, page):
    response = client.get(url, query_string={"page": page})
    if page == "" and url.startswith("/review"):  # an unset form field on a page counts as absent
        assert response.status_code == 200
        return
    _error(response, "page")


@pytest.mark.parametrize("url", ["/api/v1/audit", "/review/audit", "/api/v1/export/audit.csv"])
@pytest.mark.parametrize(
    ("name", "value"),
    [("until", "9999-12-31"), ("since", "0000-01-01"), ("until", "2025-02-30"), ("since", "20250131")],
)
def test_dates_past_the_calendar_are_400_naming_them(client, url, name, value):
    _error(client.get(url, query_string={name: value}), name)


def test_the_last_real_days_are_accepted(client):
    assert client.get("/api/v1/audit?since=0001-01-01&until=9999-12-30").status_code == 200


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/claims",
        "/api/v1/audit",
        "/api/v1/claims/{claim}",
        "/api/v1/export/claims.csv",
        "/api/v1/export/claims.json",
        "/api/v1/export/claimreview.jsonld",
        "/api/v1/export/audit.csv",
    ],
)
def test_unknown_parameters_are_refused_on_every_review_route(client, ici_id, url):
    _error(client.get(url.format(claim=ici_id), query_string={"colour": "red"}), "colour")
    # the export takes the audit log's filters, not its paging
    if url.endswith("audit.csv"):
        _error(client.get(url, query_string={"per_page": "5"}), "per_page")


def test_a_body_nested_100000_deep_is_400_naming_the_body(app, client, alice, ici_id):
    auth = {"Authorization": f"Bearer {issue_token(app_store(app), 'alice')}", "Content-Type": "application/json"}
    url = f"/api/v1/claims/{ici_id}/decisions"
    for body in ("[" * 100_000 + "]" * 100_000, '{"a":' * 100_000 + "1" + "}" * 100_000, "not json", ""):
        error = _error(client.post(url, data=body, headers=auth), "body")
        assert "JSON object" in error["message"]
    nested = '{"status": "inaccurate", "version": 0, "sources": ' + "[" * 500 + "]" * 500 + "}"
    _error(client.post(url, data=nested, headers=auth), "sources")
    unknown = _error(
        client.post(url, json={"status": "inaccurate", "version": 0, "colour": "red"}, headers=auth), "colour"
    )
    assert "unknown field" in unknown["message"]
    assert client.get(f"/api/v1/claims/{ici_id}").get_json()["data"]["version"] == 0


def test_a_new_decision_has_a_location(app, client, alice, ici_id):
    auth = {"Authorization": f"Bearer {issue_token(app_store(app), 'alice')}"}
    created = client.post(
        f"/api/v1/claims/{ici_id}/decisions", headers=auth, json={"status": "inaccurate", "note": "", "version": 0.0}
    )  # 0.0 is a JSON integer too
    assert created.status_code == 201
    assert created.headers["Location"] == f"http://localhost/review/claims/{ici_id}"
    assert created.headers["Cache-Control"] == "private, no-store"


def test_claims_and_audit_pages_link_next_and_prev(app, client, alice, ici_id):
    first = client.get("/api/v1/claims?state=all&per_page=5").get_json()
    assert first["data"]["pages"] > 2 and "prev" not in first["links"]
    assert first["links"]["next"] == "/api/v1/claims?state=all&per_page=5&page=2"
    second = client.get(first["links"]["next"]).get_json()
    assert second["links"]["prev"] == "/api/v1/claims?state=all&per_page=5"
    assert second["links"]["next"] == "/api/v1/claims?state=all&per_page=5&page=3"
    assert second["links"]["html"] == "/review?state=all&per_page=5&page=2"
    last = client.get(f"/api/v1/claims?state=all&per_page=5&page={first['data']['pages']}").get_json()
    assert "next" not in last["links"] and "prev" in last["links"]
    ids = [c["id"] for page in (first, second) for c in page["data"]["claims"]]
    assert len(set(ids)) == 10

    auth = {"Authorization": f"Bearer {issue_token(app_store(app), 'alice')}"}
    for version, status in enumerate(["inaccurate", "unsupported", "inaccurate"]):
        client.post(
            f"/api/v1/claims/{ici_id}/decisions",
            headers=auth,
            json={"status": status, "note": "a change", "version": version},
        )
    audit = client.get(f"/api/v1/audit?claim={ici_id}&per_page=2").get_json()
    assert audit["data"]["total"] == 3 and audit["links"]["next"] == f"/api/v1/audit?claim={ici_id}&per_page=2&page=2"
    older = client.get(audit["links"]["next"]).get_json()
    assert older["links"]["prev"] == f"/api/v1/audit?claim={ici_id}&per_page=2" and "next" not in older["links"]


def test_pages_link_their_json_twin_without_blanks_or_unknown_parameters(client):
    html = client.get("/review?status=&state=all&utm_source=x").get_data(as_text=True)
    assert 'href="/api/v1/claims?state=all"' in html
    assert client.get("/api/v1/claims?state=all").status_code == 200
    audit = client.get("/review/audit?since=&status=&per_page=5").get_data(as_text=True)
    assert 'href="/api/v1/export/audit.csv"' in audit and 'href="/api/v1/audit?per_page=5"' in audit
