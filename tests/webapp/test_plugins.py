"""Plugins (webapp/hookspecs.py, webapp/plugins.py): the public pages and API work with none (no reviewer store at
all), and a plugin's hooks are what the results, document and passage views apply."""

from __future__ import annotations

from dataclasses import replace

import pytest

from indexer import NotFoundError, SourcecheckError
from webapp.errors import ErrorStatus
from webapp.hookspecs import hookimpl
from webapp.plugins import DEFAULT_PLUGINS

ICI_DOC = "000_71f14f984e23f40f"


@pytest.fixture(scope="module")
def bare(seed_index, tmp_path_factory):
    """The app with no plugin: no reviewer store is opened or created."""
    from webapp import create_app

    instance = tmp_path_factory.mktemp("bare-instance")
    app = create_app({"TESTING": True, "INDEX_DIR": str(seed_index)}, instance_path=str(instance), plugins=())
    assert not any(p.name.endswith(".sqlite3") for p in instance.iterdir())
    return app


def test_the_reviewer_workflow_is_a_default_plugin(app):
    assert DEFAULT_PLUGINS == ("webapp.review.plugin",)
    assert {"review", "review_api", "review_auth", "public_claims"} <= set(app.blueprints)
    page = app.test_client().get("/about").get_data(as_text=True)
    assert 'Reviewers: <a href="/review">review queue</a>, <a href="/review/audit">audit log</a>.' in page


def test_search_documents_and_api_work_without_any_plugin(bare):
    client = bare.test_client()
    assert set(bare.blueprints) == {"pages", "api"}
    search = client.get("/?q=IUI")
    assert search.status_code == 200 and "Reviewers:" not in search.get_data(as_text=True)
    data = client.get("/api/v1/search?q=IUI").get_json()["data"]
    assert data["total"] > 0
    sentence = data["results"][0]["sentences"][0]
    assert "review" not in sentence and "claim_id" not in sentence  # nothing laid over the automatic checks
    passage = client.get(f"/api/v1/passages/{data['results'][0]['passage_id']}")
    assert passage.status_code == 200
    assert client.get(f"/doc/{ICI_DOC}").status_code == 200
    assert client.get(f"/api/v1/documents/{ICI_DOC}").status_code == 200
    for url in ("/topics", "/about", "/api/v1/topics", "/api/v1/about", "/api/v1/documents"):
        assert client.get(url).status_code == 200, url
    assert client.get("/review").status_code == 404
    assert client.get("/api/v1/claims").status_code == 404


def test_without_plugins_the_api_lists_and_describes_only_its_own_routes(bare):
    client = bare.test_client()
    endpoints = client.get("/api/v1/").get_json()["data"]["endpoints"]
    assert list(endpoints) == ["search", "passage", "documents", "document", "topics", "about", "openapi"]
    spec = client.get("/api/v1/openapi.json").get_json()
    assert "/claims" not in spec["paths"] and "Claim" not in spec["components"]["schemas"]
    assert client.get("/api/v1/passages/nope").get_json()["error"]["code"] == "not_found"


class Marker:
    """A plugin that marks every passage it is shown as supported (so the views' use of the hooks is visible)."""

    def __init__(self) -> None:
        self.calls: list[str] = []

    @staticmethod
    def _supported(hit):
        sentences = tuple(replace(s, status="supported") for s in hit.sentences)
        return replace(hit, sentences=sentences, status="supported")

    @hookimpl
    def overlay_page(self, page):
        self.calls.append("page")
        return replace(page, hits=tuple(self._supported(h) for h in page.hits))

    @hookimpl
    def overlay_document(self, checked):
        self.calls.append("document")
        passages = tuple(
            replace(p, checks=tuple(replace(c, status="supported") for c in p.checks)) for p in checked.passages
        )
        return replace(checked, passages=passages)

    @hookimpl
    def overlay_passage(self, hit):
        self.calls.append("passage")
        return self._supported(hit)

    @hookimpl
    def api_endpoints(self):
        return {"marks": "/marks"}

    @hookimpl
    def error_statuses(self):
        return {Teapot: ErrorStatus(418, "teapot", retry_after=7)}

    @hookimpl
    def footer_links(self):
        return "Marker", (("about", "pages.about"),)

    @hookimpl
    def page_messages(self):
        return ["Everything is marked supported."]


class Teapot(SourcecheckError):
    pass


def test_a_plugins_hooks_are_applied_by_the_views(seed_index, tmp_path):
    from webapp import create_app

    marker = Marker()
    app = create_app({"TESTING": True, "INDEX_DIR": str(seed_index)}, instance_path=str(tmp_path), plugins=[marker])

    @app.get("/api/v1/teapot")
    def teapot():
        raise Teapot("short and stout")

    @app.get("/api/v1/missing")
    def missing():
        raise NotFoundError("no such thing", "thing")

    client = app.test_client()
    results = client.get("/api/v1/search?q=IUI").get_json()["data"]["results"]
    assert {s["status"] for r in results for s in r["sentences"]} == {"supported"}
    passage = client.get(f"/api/v1/passages/{results[0]['passage_id']}").get_json()["data"]
    assert passage["status"] == "supported"
    document = client.get(f"/api/v1/documents/{ICI_DOC}").get_json()["data"]
    assert {s["status"] for p in document["passages"] for s in p["sentences"]} == {"supported"}
    assert marker.calls == ["page", "passage", "document"]
    assert client.get("/api/v1/").get_json()["data"]["endpoints"]["marks"] == "/marks"
    page = client.get("/?q=IUI").get_data(as_text=True)
    assert "Everything is marked supported." in page and 'Marker: <a href="/about">about</a>.' in page

    error = client.get("/api/v1/teapot")
    assert error.status_code == 418 and error.headers["Retry-After"] == "7"
    assert error.get_json()["error"] == {"status": 418, "code": "teapot", "message": "short and stout", "param": None}
    missing_body = client.get("/api/v1/missing").get_json()["error"]
    assert (missing_body["code"], missing_body["param"]) == ("not_found", "thing")


def test_plugins_are_loaded_by_name_or_given_as_objects():
    from webapp.plugins import plugin_manager

    manager = plugin_manager(["webapp.review.plugin", Marker()])
    assert manager.has_plugin("webapp.review.plugin")
    assert len(manager.get_plugins()) == 2
