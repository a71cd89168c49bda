"""The OpenAPI document is generated from the routes: every /api/v1 rule is documented, every documented path is
routed, and each route accepts exactly the query parameters the document lists for it."""

from __future__ import annotations

import re

import pytest

from webapp.adapter import SEARCH_PARAMS
from webapp.params import NONBLANK_PATTERN, SPACE

PREFIX = "/api/v1"


def _routes(app) -> set[tuple[str, str]]:
    found = set()
    for rule in app.url_map.iter_rules():
        if rule.rule == PREFIX or rule.rule.startswith(PREFIX + "/"):
            path = re.sub(r"<(?:[^:>]+:)?([^>]+)>", r"{\1}", rule.rule.removeprefix(PREFIX)) or "/"
            found |= {(path, method.lower()) for method in rule.methods - {"HEAD", "OPTIONS"}}
    return found


@pytest.fixture(scope="module")
def spec(app):
    return app.test_client().get("/api/v1/openapi.json").get_json()


def test_every_route_is_documented_and_every_documented_path_routed(app, spec):
    documented = {(path, method) for path, methods in spec["paths"].items() for method in methods}
    assert documented == _routes(app)
    assert len(documented) == 16  # 15 GET routes and the decision POST
    for path, methods in spec["paths"].items():
        for method, op in methods.items():
            names = set(re.findall(r"{(\w+)}", path))
            assert {p["name"] for p in op["parameters"] if p["in"] == "path"} == names, path
            assert "400" in op["responses"] and op["summary"], (path, method)


def test_an_undocumented_api_route_is_an_error(make_app):
    from webapp.openapi import openapi_document

    app = make_app()
    app.add_url_rule("/api/v1/secret", "secret", lambda: "x")
    with app.test_request_context(), pytest.raises(LookupError, match="/api/v1/secret"):
        openapi_document(app, "/api/v1")


def test_the_document_has_the_shapes_security_and_body(spec):
    schemas = spec["components"]["schemas"]
    assert list(schemas["Error"]["properties"]["error"]["properties"]) == ["status", "code", "message", "param"]
    assert "current" in schemas["Conflict"]["properties"]["error"]["properties"]
    bearer = spec["components"]["securitySchemes"]["bearer"]
    assert (bearer["type"], bearer["scheme"]) == ("http", "bearer") and "sourcecheck reviewer token" in bearer[
        "description"
    ]
    post = spec["paths"]["/claims/{claim_id}/decisions"]["post"]
    assert post["security"] == [{"bearer": []}]
    assert post["requestBody"]["content"]["application/json"]["schema"] == {"$ref": "#/components/schemas/DecisionBody"}
    assert set(post["responses"]) == {"201", "400", "401", "404", "409", "413", "503"}
    assert "Location" in post["responses"]["201"]["headers"]
    assert post["responses"]["409"]["content"]["application/json"]["schema"]["$ref"].endswith("/Conflict")
    body = schemas["DecisionBody"]
    assert body["required"] == ["status", "version"] and body["additionalProperties"] is False
    claims = {p["name"] for p in spec["paths"]["/claims"]["get"]["parameters"]}
    assert claims == {"status", "rule", "doc", "topic", "state", "queue", "page", "per_page", "cursor"}
    audit = {p["name"] for p in spec["paths"]["/audit"]["get"]["parameters"]}
    assert audit == {"actor", "claim", "action", "status", "since", "until", "page", "per_page"}
    assert {p["name"] for p in spec["paths"]["/search"]["get"]["parameters"]} == set(SEARCH_PARAMS.names)
    assert [p["name"] for p in spec["paths"]["/documents/{doc_id}"]["get"]["parameters"]] == ["doc_id", "page"]


def _example(param: dict) -> str:
    if param["name"] == "actor":
        return "system"  # without a login, readers filter by "reviewer", "system" or "cli" only
    if param["name"] == "topic":
        return "insemination"  # search: a topic that exists
    if param["name"] == "cursor":
        return "a2.50." + "f" * 32  # the claims after priority 50 and this id, as page 2
    schema = param["schema"]
    if schema["type"] == "array":
        schema = schema["items"]
        return "inaccurate" if "inaccurate" in schema.get("pattern", "") else "x"
    if "enum" in schema:
        return schema["enum"][-1]
    if schema["type"] == "integer":
        return str(schema["maximum"])
    return "2025-01-31" if schema.get("format") == "date" else "IUI"


def test_each_route_accepts_its_documented_parameters_and_refuses_others(app, spec):
    client = app.test_client()
    real = {
        "{doc_id}": client.get("/api/v1/documents").get_json()["data"][0]["id"],
        "{claim_id}": "0" * 32,
        "{passage_id}": "nope",
    }
    for path, methods in spec["paths"].items():
        if "get" not in methods:
            continue
        url = PREFIX + re.sub(r"{\w+}", lambda m: real[m.group(0)], path)
        for param in methods["get"]["parameters"]:
            if param["in"] == "query" and param["name"] not in ("doc", "page"):  # doc: an id that exists
                query = {"q": "IUI"} if path == "/search" else {}
                response = client.get(url, query_string={**query, param["name"]: _example(param)})
                assert response.status_code != 400, (url, param["name"], response.get_data(as_text=True)[:300])
        refused = client.get(url, query_string={"colour": "red"})
        assert refused.status_code == 400, url
        assert refused.get_json()["error"]["param"] == "colour", url


@pytest.mark.parametrize("char", [c for c in map(chr, range(0x3001)) if c.isspace()])
def test_blank_means_the_same_to_the_app_and_the_spec(client, char):
    """The spec's pattern for q and the app's str.strip() agree on every white-space character."""
    assert not re.search(NONBLANK_PATTERN, char * 3) and re.search(NONBLANK_PATTERN, f"{char}IUI")
    assert client.get("/api/v1/search", query_string={"q": char * 3}).status_code == 400
    assert re.fullmatch(f"[{SPACE}]", char)


def test_servers_and_links_come_from_public_url(make_app):
    app = make_app(PUBLIC_URL="https://sourcecheck.example.org/")
    spec = app.test_client().get("/api/v1/openapi.json", headers={"Host": "evil.example"}).get_json()
    assert spec["servers"] == [{"url": "https://sourcecheck.example.org/api/v1"}]
