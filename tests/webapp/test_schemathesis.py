"""schemathesis against the app's own OpenAPI document, through the WSGI app: every operation (each GET route and
the decision POST, with a reviewer's token), valid and invalid requests, a bounded number of examples each.

Every built-in check runs: no 5xx, status codes, content types, headers and bodies as documented, invalid
requests refused and valid ones accepted. Two operations skip only "valid ones accepted": their 400s come from
rules no schema can state (a search filter naming a document that does not exist; a status change without a note).
"""

from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import positive_data_acceptance

from webapp.review.accounts import add_reviewer, issue_token
from webapp.review.queue import ClaimQuery, find_claims
from webapp.review.web import EXTENSION

RULES_NO_SCHEMA_STATES = {"GET /search", "POST /claims/{claim_id}/decisions"}


@pytest.fixture(scope="module")
def site(make_app):
    """The app over the seed index, a reviewer's token, and real ids to put in half the generated paths."""
    app = make_app()
    client = app.test_client()
    assert client.get("/review").status_code == 200  # claims synced from the index
    store = app.extensions[EXTENSION].store
    add_reviewer(store, "alice", "correct horse battery staple")
    doc = client.get("/api/v1/documents").get_json()["data"][0]["id"]
    real = {
        "claim_id": find_claims(store, ClaimQuery(state="all")).claims[0].id,
        "doc_id": doc,
        "passage_id": client.get(f"/api/v1/documents/{doc}").get_json()["data"]["passages"][0]["id"],
    }
    return app, issue_token(store, "alice"), real


@pytest.fixture()
def api_schema(site):
    return schemathesis.openapi.from_wsgi("/api/v1/openapi.json", site[0])


schema = schemathesis.pytest.from_fixture("api_schema")


@schema.parametrize()
@settings(
    max_examples=10,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.filter_too_much],
)
def test_api_behaves_as_its_openapi_document_says(case, site):
    _, token, real = site
    for name, value in (case.path_parameters or {}).items():
        if name in real and len(str(value)) % 2 == 0:  # half the cases name something that exists
            case.path_parameters[name] = real[name]
    excluded = [positive_data_acceptance] if case.operation.label in RULES_NO_SCHEMA_STATES else None
    # identity: the WSGI transport does not undo compression (tests/webapp/test_http.py checks compression)
    headers = {"Authorization": f"Bearer {token}", "Accept-Encoding": "identity"}
    case.call_and_validate(headers=headers, excluded_checks=excluded)
